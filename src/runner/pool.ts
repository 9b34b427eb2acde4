/**
 * Two ways to run batches behind one interface: a Piscina pool of worker
 * threads, and a sequential runner on the main thread (tests, tiny runs,
 * --rollout). Both report progress through the same shared counter and, when
 * asked to fold, keep partial summaries of the batches they ran until
 * `collect()` hands them over (see worker.ts).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { Experiment } from '../scenarios/experiment.ts';
import { PartialSummaries } from './aggregate.ts';
import { WORK_CLOCK, runBatch, tick, type BatchTask } from './batch.ts';
import { WorkClock } from './clock.ts';
import type { RunnerWorkerData, WorkerTask } from './worker.ts';

export interface RunnerOptions {
  /** Fold every batch into partial summaries where it runs; collect() hands them over. */
  fold?: { experimentKey: string };
  /** Adds each thread's time per part of a batch into this clock (the benchmark); results are unchanged. */
  clock?: WorkClock;
}

export interface BatchRunner {
  readonly kind: 'pool' | 'sequential';
  readonly workers: number;
  run(task: BatchTask): Promise<Float64Array>;
  /**
   * The partial summaries of every batch whose run() has resolved since the last collect
   * (runners made with `fold` only), each as Aggregate.pack gives it. Call it with no batch in flight.
   */
  collect(): Promise<Float64Array[]>;
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
  private readonly partial: PartialSummaries | null;
  private readonly clock: Float64Array | undefined;
  constructor(
    private readonly experiment: Experiment,
    options: RunnerOptions = {},
  ) {
    this.partial = options.fold ? new PartialSummaries(experiment, options.fold.experimentKey) : null;
    this.clock = options.clock ? WorkClock.claim(options.clock.buffer) : undefined;
  }

  async run(task: BatchTask): Promise<Float64Array> {
    // Yield first so signals and timers get a turn between batches.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.stopped) throw new Error('runner stopped');
    const packed = runBatch(this.experiment, task, this.counter, this.clock);
    const t = this.clock ? performance.now() : 0;
    this.partial?.fold(packed);
    if (this.clock) tick(this.clock, WORK_CLOCK.fold, t);
    return packed;
  }

  async collect(): Promise<Float64Array[]> {
    const packed = this.partial?.take();
    return packed ? [packed] : [];
  }

  progress(): number {
    return Atomics.load(this.counter, 0);
  }

  async close(): Promise<void> {}

  async destroy(): Promise<void> {
    this.stopped = true;
  }
}

/** True when this module runs as compiled JavaScript from dist/ rather than as TypeScript under tsx. */
const COMPILED = import.meta.url.endsWith('.js');

/**
 * The worker file is TypeScript. Under tsx, workers inherit its loader; under
 * vitest they do not, so tsx's loader is passed explicitly (resolved to a file
 * URL: a bare `--import tsx` fails when uptake runs from another directory).
 */
function workerExecArgv(): string[] {
  // Compiled (dist/, what bin/uptake.js runs): plain JavaScript, no loader.
  if (COMPILED) return [];
  // Only the loader: the parent's own flags (V8 options, test-runner hooks) are not all valid in a worker.
  return ['--import', import.meta.resolve('tsx')];
}


/** A Piscina pool of `workers` threads running `worker` (a worker module's URL without its extension: .ts under tsx, .js compiled). */
export function workerPool<Task, Result>(worker: URL, workers: number, workerData: unknown): Piscina<Task, Result> {
  return new Piscina({
    filename: `${worker.href}${COMPILED ? '.js' : '.ts'}`,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    // A worker holds its next task while it runs one, so it starts it at once instead of waiting for the
    // main thread to wake and send it (the caller keeps two tasks a worker in flight: see execute.ts).
    // Collects are sent with nothing in flight: Piscina gives each idle worker one (the least busy first).
    concurrentTasksPerWorker: 2,
    execArgv: workerExecArgv(),
    workerData,
  });
}

export class PoolRunner implements BatchRunner {
  readonly kind = 'pool';
  readonly workers: number;
  private readonly pool: Piscina<WorkerTask, Float64Array | null>;
  private readonly counter: Int32Array;

  constructor(experiment: Experiment, workers: number, options: RunnerOptions = {}) {
    this.workers = workers;
    const shared = new SharedArrayBuffer(4);
    this.counter = new Int32Array(shared);
    const workerData: RunnerWorkerData = {
      experiment, progress: shared, fold: options.fold !== undefined, experimentKey: options.fold?.experimentKey ?? '',
      ...(options.clock ? { clock: options.clock.buffer } : {}),
    };
    this.pool = workerPool(new URL('./worker', import.meta.url), workers, workerData);
  }

  run(task: BatchTask): Promise<Float64Array> {
    return this.pool.run(task) as Promise<Float64Array>;
  }

  async collect(): Promise<Float64Array[]> {
    // One collect task per worker; the barrier (worker.ts) makes each worker take exactly one.
    const barrier = new SharedArrayBuffer(4);
    const parts = await Promise.all(Array.from({ length: this.workers }, () => this.pool.run({ kind: 'collect', workers: this.workers, barrier })));
    return parts.filter((p): p is Float64Array => p !== null);
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

export function createRunner(
  experiment: Experiment, workers: number, kind: 'auto' | 'pool' | 'sequential', batches: number, options: RunnerOptions = {},
): BatchRunner {
  const pool = kind === 'pool' || (kind === 'auto' && workers > 1 && batches > 1);
  return pool
    ? new PoolRunner(experiment, Math.max(1, Math.min(workers, kind === 'pool' ? workers : batches)), options)
    : new SequentialRunner(experiment, options);
}
