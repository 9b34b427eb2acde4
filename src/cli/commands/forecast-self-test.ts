/** `uptake forecast --self-test`: simulation-based calibration of the forecast (docs/forecast.md, "Self-test"). */
import type { Experiment } from '../../scenarios/experiment.ts';

export interface SelfTestFlags {
  particles?: number;
  budget?: number;
  workers: number;
  quiet: boolean;
  json: boolean;
}

export async function selfTestCommand(experiment: Experiment, flags: SelfTestFlags): Promise<void> {
  void experiment;
  void flags;
  throw new Error('not yet');
}
