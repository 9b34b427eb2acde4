/**
 * Where a forecast's simulations run: a Piscina pool of forecast workers, or the main thread for one
 * worker. A batch is split into consecutive pieces, one task each, and put back in order, so the
 * bytes are the same whatever the number of workers (every simulation's seed is fixed before).
 */
import type { Piscina } from 'piscina';
import { workerPool } from '../runner/pool.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import type { StatLayout } from './observe.ts';
import { SimulationCache, simulateAttempts, simulateForecasts } from './simulate.ts';
import type { ForecastTask, ForecastWorkerData } from './worker.ts';

export class ForecastThreads {
  private readonly pool: Piscina<ForecastTask, Float64Array> | null;
  private readonly cache: SimulationCache | null;
  readonly workers: number;

  constructor(readonly experiment: Experiment, readonly layout: StatLayout, workers: number) {
    this.workers = Math.max(1, workers);
    const data: ForecastWorkerData = { experiment, layout };
    this.pool = this.workers > 1 ? workerPool<ForecastTask, Float64Array>(new URL('./worker', import.meta.url), this.workers, data) : null;
    this.cache = this.pool ? null : new SimulationCache(experiment);
  }

  /** Statistics of attempts (thetas row-major, P per attempt), `size` doubles per attempt. */
  attempts(thetas: Float64Array, seeds: Float64Array, size: number, lastWeek = this.layout.lastWeek): Promise<Float64Array> {
    return this.split(seeds.length, size, (from, to, P) => ({ kind: 'attempts', thetas: thetas.slice(from * P, to * P), seeds: seeds.slice(from, to), lastWeek }), thetas.length / Math.max(1, seeds.length));
  }

  /** Forecast rollouts packed as a run's batch, `size` doubles per rollout. */
  forecasts(thetas: Float64Array, seeds: Float64Array, forwardSeeds: Float64Array, size: number): Promise<Float64Array> {
    return this.split(seeds.length, size, (from, to, P) => ({
      kind: 'forecasts', thetas: thetas.slice(from * P, to * P), seeds: seeds.slice(from, to), forwardSeeds: forwardSeeds.slice(from, to),
    }), thetas.length / Math.max(1, seeds.length));
  }

  private async split(count: number, size: number, task: (from: number, to: number, P: number) => ForecastTask, P: number): Promise<Float64Array> {
    const out = new Float64Array(count * size);
    if (!this.pool) {
      // Yield first so that signals and timers get a turn between batches.
      await new Promise((resolve) => setImmediate(resolve));
      const t = task(0, count, P);
      out.set(t.kind === 'attempts' ? simulateAttempts(this.cache!, { ...this.layout, lastWeek: t.lastWeek }, t.thetas, t.seeds) : simulateForecasts(this.cache!, this.layout.lastWeek, t.thetas, t.seeds, t.forwardSeeds));
      return out;
    }
    const pieces = Math.min(count, this.workers * 4);
    const per = Math.ceil(count / Math.max(1, pieces));
    const jobs: Promise<void>[] = [];
    for (let from = 0; from < count; from += per) {
      const to = Math.min(count, from + per);
      jobs.push(this.pool.run(task(from, to, P)).then((part) => out.set(part, from * size)));
    }
    await Promise.all(jobs);
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  async destroy(): Promise<void> {
    await this.pool?.destroy();
  }
}
