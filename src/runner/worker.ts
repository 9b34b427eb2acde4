/**
 * Piscina worker: runs one batch of rollouts and moves its packed results back.
 * The experiment arrives once per worker (workerData), never per task; the
 * worker keeps no other state between tasks.
 */
import { move, workerData } from 'piscina';
import { runBatch, type BatchTask } from './batch.ts';
import type { Experiment } from '../scenarios/experiment.ts';

interface RunnerWorkerData {
  experiment: Experiment;
  /** Rollouts finished, shared with the main thread for the progress bar. */
  progress: SharedArrayBuffer;
}

const data = workerData as RunnerWorkerData;
const progress = new Int32Array(data.progress);

export default function runTask(task: BatchTask): Float64Array {
  const packed = runBatch(data.experiment, task, progress);
  return move(packed) as unknown as Float64Array;
}
