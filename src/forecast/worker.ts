/**
 * Piscina worker of `uptake forecast`: simulates a batch of calibration attempts (their statistics)
 * or of forecast rollouts (packed as a run's batch). The experiment and the statistics' layout arrive
 * once per worker (workerData); the results move back without a copy.
 */
import { move, workerData } from 'piscina';
import type { Experiment } from '../scenarios/experiment.ts';
import type { StatLayout } from './observe.ts';
import { SimulationCache, simulateAttempts, simulateForecasts } from './simulate.ts';

export interface ForecastWorkerData {
  experiment: Experiment;
  layout: StatLayout;
}

export type ForecastTask =
  | { kind: 'attempts'; thetas: Float64Array; seeds: Float64Array; lastWeek: number }
  | { kind: 'forecasts'; thetas: Float64Array; seeds: Float64Array; forwardSeeds: Float64Array };

const data = workerData as ForecastWorkerData;
const cache = new SimulationCache(data.experiment);

export default function runTask(task: ForecastTask): Float64Array {
  const out = task.kind === 'attempts'
    ? simulateAttempts(cache, { ...data.layout, lastWeek: task.lastWeek }, task.thetas, task.seeds)
    : simulateForecasts(cache, data.layout.lastWeek, task.thetas, task.seeds, task.forwardSeeds);
  return move(out) as unknown as Float64Array;
}
