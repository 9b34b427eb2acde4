/**
 * Finished batches whose summaries still sit where they ran (a worker, or the sequential runner's
 * partial summaries), kept until the next collect so that an interrupt can fold them and lose nothing
 * (execute.ts).
 *
 * They are copied into one buffer, reused from collect to collect: a batch's own array then dies young.
 * Kept as they came, each batch's array outlived a few minor collections and was only freed by a full
 * one, so tens of megabytes of dead arrays piled up in a long run (memory flat in rollouts, issue 17).
 */
export class RetainedBatches {
  private buffer: Float64Array;
  private used = 0;
  /** Batch index → where its numbers start in the buffer, and how many. */
  private readonly spans = new Map<number, [number, number]>();

  /** `bytes`: room to set aside at first (it grows if a batch does not fit). */
  constructor(bytes: number) {
    this.buffer = new Float64Array(Math.max(1, Math.ceil(bytes / 8)));
  }

  add(index: number, packed: Float64Array): void {
    if (this.used + packed.length > this.buffer.length) {
      const grown = new Float64Array(Math.max(2 * this.buffer.length, this.used + packed.length));
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    this.buffer.set(packed, this.used);
    this.spans.set(index, [this.used, packed.length]);
    this.used += packed.length;
  }

  /** Bytes of the batches kept. */
  get bytes(): number {
    return this.used * 8;
  }

  get size(): number {
    return this.spans.size;
  }

  indices(): IterableIterator<number> {
    return this.spans.keys();
  }

  /** Each batch kept, as a view of the buffer (valid until the next add or clear). */
  *entries(): IterableIterator<[number, Float64Array]> {
    for (const [index, [at, length]] of this.spans) yield [index, this.buffer.subarray(at, at + length)];
  }

  clear(): void {
    this.spans.clear();
    this.used = 0;
  }
}
