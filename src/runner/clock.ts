/**
 * Where a run's time goes, for the benchmark (bench/runner.ts): each thread that
 * runs batches claims one slot of a shared buffer and adds its milliseconds per
 * part (WORK_CLOCK_FIELDS: drawing the parameters, building the organisation,
 * setting up each strategy's simulation, stepping, packing the results, folding
 * the summaries). Only the thread that claimed a slot writes it, so no atomics;
 * the main thread reads the slots once the pool is closed.
 */
import { WORK_CLOCK_FIELDS, type WorkClockField } from './batch.ts';

export type ThreadTimes = Record<WorkClockField, number>;

export class WorkClock {
  readonly buffer: SharedArrayBuffer;
  constructor(readonly threads: number) {
    // 8 bytes of claim counter (Int32, padded), then one Float64 slot per thread.
    this.buffer = new SharedArrayBuffer(8 + threads * WORK_CLOCK_FIELDS.length * 8);
  }

  /** Claims the next free slot of `buffer` for the calling thread. */
  static claim(buffer: SharedArrayBuffer): Float64Array {
    const index = Atomics.add(new Int32Array(buffer, 0, 1), 0, 1);
    const size = WORK_CLOCK_FIELDS.length;
    if (8 + (index + 1) * size * 8 > buffer.byteLength) throw new Error(`work clock: no slot left for thread ${index + 1}`);
    return new Float64Array(buffer, 8 + index * size * 8, size);
  }

  /** Milliseconds per part, one entry per thread that claimed a slot. */
  times(): ThreadTimes[] {
    const claimed = Math.min(this.threads, Atomics.load(new Int32Array(this.buffer, 0, 1), 0));
    const all = new Float64Array(this.buffer, 8);
    return Array.from({ length: claimed }, (_, t) =>
      Object.fromEntries(WORK_CLOCK_FIELDS.map((f, i) => [f, all[t * WORK_CLOCK_FIELDS.length + i]!])) as ThreadTimes);
  }
}
