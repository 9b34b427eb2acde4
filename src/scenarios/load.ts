// Interim stub: the real loader lands shortly (issue 3). Same signatures.
import { readFile } from 'node:fs/promises';
import { withDefaults } from '../model/params.ts';
import { builtinStrategy } from '../model/strategies.ts';
import type { Experiment } from './experiment.ts';

export async function loadScenario(path: string): Promise<Experiment> {
  return loadScenarioText(await readFile(path, 'utf8'), path);
}

export function loadScenarioText(_text: string, fileName: string): Experiment {
  return {
    name: 'stub', source: fileName, hash: '0', seed: 1, rollouts: 10, params: withDefaults({ weeks: 52, organisation: { employees: 300 } }),
    uncertainties: [], strategies: [builtinStrategy('top_down'), builtinStrategy('bottom_up'), builtinStrategy('phased_pilot')],
  };
}

export interface ExperimentOverrides { rollouts?: number; seed?: number }
export function applyOverrides(e: Experiment, o: ExperimentOverrides): Experiment {
  return { ...e, rollouts: o.rollouts ?? e.rollouts, seed: o.seed ?? e.seed };
}
