/**
 * Two ways to run batches behind one interface: a Piscina pool of worker
 * threads, and a sequential runner on the main thread (tests, tiny runs,
 * --rollout). Both report progress through the same shared counter.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Experiment } from '../scenarios/experiment.ts';
import { runBatch, type BatchTask } from './batch.ts';

export interface BatchRunner {
  readonly kind: 'pool' | 'sequential';
  readonly workers: number;
  run(task: BatchTask): Promise<Float64Array>;
  /** Rollouts finished so far, including those of batches still running. */
  progress(): number;
  /** Waits for nothing more and lets the process exit. */
  close(): Promise<void>;
  /** Stops at once; batches in progress are lost. */
  destroy(): Promise<void>;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

export class SequentialRunner implements BatchRunner {
  readonly kind = 'sequential';
  readonly workers = 1;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;
  constructor(private readonly experiment: Experiment) {}

  async run(task: BatchTask): Promise<Float64Array> {
    // Yield first so signals and timers get a turn between batches.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.stopped) throw new Error('runner stopped');
    return runBatch(this.experiment, task, this.counter);
  }

  progress(): number {
    return Atomics.load(this.counter, 0);
  }

  async close(): Promise<void> {}

  async destroy(): Promise<void> {
    this.stopped = true;
  }
}

/**
 * The worker file is TypeScript. Under tsx, workers inherit its loader; under
 * vitest they do not, so tsx's loader is passed explicitly (resolved to a file
 * URL: a bare `--import tsx` fails when uptake runs from another directory).
 */
function workerExecArgv(): string[] {
  // Only the loader: the parent's own flags (V8 options, test-runner hooks) are not all valid in a worker.
  return ['--import', import.meta.resolve('tsx')];
}

export class PoolRunner implements BatchRunner {
  readonly kind = 'pool';
  readonly workers: number;
  private readonly pool: Piscina<BatchTask, Float64Array>;
  private readonly counter: Int32Array;

  constructor(experiment: Experiment, workers: number) {
    this.workers = workers;
    const shared = new SharedArrayBuffer(4);
    this.counter = new Int32Array(shared);
    this.pool = new Piscina({
      filename: new URL('./worker.ts', import.meta.url).href,
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: 60_000,
      execArgv: workerExecArgv(),
      workerData: { experiment, progress: shared },
    });
  }

  run(task: BatchTask): Promise<Float64Array> {
    return this.pool.run(task);
  }

  progress(): number {
    return Atomics.load(this.counter, 0);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}

export function createRunner(experiment: Experiment, workers: number, kind: 'auto' | 'pool' | 'sequential', batches: number): BatchRunner {
  const pool = kind === 'pool' || (kind === 'auto' && workers > 1 && batches > 1);
  return pool ? new PoolRunner(experiment, Math.max(1, Math.min(workers, kind === 'pool' ? workers : batches))) : new SequentialRunner(experiment);
}
