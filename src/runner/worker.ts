/**
 * Piscina worker: runs one batch of rollouts and moves its packed results back.
 * The experiment arrives once per worker (workerData), never per task.
 *
 * When the run folds summaries in the workers (`fold`), each worker also folds
 * its batches into a partial Aggregate of its own, so the main thread does not
 * fold every week of every rollout on a core the workers need. A `collect`
 * task hands the partial over (Aggregate.pack: one flat array, moved) and starts a new one; the main thread sends one
 * to every worker at once, and a barrier keeps any worker from taking two.
 */
import { move, workerData } from 'piscina';
import { PartialSummaries } from './aggregate.ts';
import { WORK_CLOCK, runBatch, tick, type BatchTask } from './batch.ts';
import { WorkClock } from './clock.ts';
import type { Experiment } from '../scenarios/experiment.ts';

export interface RunnerWorkerData {
  experiment: Experiment;
  /** Rollouts finished, shared with the main thread for the progress bar. */
  progress: SharedArrayBuffer;
  /** Fold every batch into this worker's partial summaries (see collect). */
  fold: boolean;
  experimentKey: string;
  /** A WorkClock's buffer when the caller times the run's parts (the benchmark). */
  clock?: SharedArrayBuffer;
}

export interface CollectTask {
  kind: 'collect';
  /** Workers that take part: each takes exactly one collect task of the round. */
  workers: number;
  /** Int32 arrival counter of this round. */
  barrier: SharedArrayBuffer;
}

export type WorkerTask = BatchTask | CollectTask;

/** Seconds a collect waits for the other workers before giving up (a worker lost mid-run). */
const BARRIER_TIMEOUT_SECONDS = 600;

const data = workerData as RunnerWorkerData;
const progress = new Int32Array(data.progress);
const partial = data.fold ? new PartialSummaries(data.experiment, data.experimentKey) : null;
const clock = data.clock ? WorkClock.claim(data.clock) : undefined;

export default function runTask(task: WorkerTask): Float64Array | null {
  if ('kind' in task) return collect(task);
  const packed = runBatch(data.experiment, task, progress, clock);
  const t = clock ? performance.now() : 0;
  partial?.fold(packed);
  if (clock) tick(clock, WORK_CLOCK.fold, t);
  return move(packed) as unknown as Float64Array;
}

function collect(task: CollectTask): Float64Array | null {
  const arrived = new Int32Array(task.barrier);
  Atomics.add(arrived, 0, 1);
  Atomics.notify(arrived, 0);
  const deadline = Date.now() + BARRIER_TIMEOUT_SECONDS * 1000;
  for (;;) {
    const count = Atomics.load(arrived, 0);
    if (count >= task.workers) break;
    if (Date.now() > deadline) throw new Error(`collecting partial summaries: only ${count} of ${task.workers} workers answered`);
    Atomics.wait(arrived, 0, count, 1000);
  }
  const packed = partial?.take();
  return packed ? (move(packed) as unknown as Float64Array) : null;
}
