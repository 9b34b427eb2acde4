/**
 * The one batch scheduler of uptake run, uptake test (and the forecast's generations): it keeps at
 * most `limit` batches in flight, hands each result over as it finishes and, if asked, again in batch
 * order (whatever order they finish in), pauses with nothing in flight when the caller needs a quiet
 * moment (a checkpoint), and stops at the first error or at an abort without waiting for the batches
 * in flight.
 */

export interface ScheduleOptions<T> {
  /** Batches in flight at most (default: all at once). */
  limit?: number;
  signal?: AbortSignal;
  /** Each batch's result as it finishes. An exception stops the schedule with it. */
  onDone?: (index: number, result: T) => void;
  /** Each batch's result in batch order (0, 1, 2, …), as soon as those before it have been handed over. */
  onInOrder?: (index: number, result: T) => void;
  /** Asked before each launch: when it says yes, launching waits until nothing is in flight, then `pause` runs. */
  pauseDue?: () => boolean;
  pause?: () => Promise<void>;
}

/** What a schedule rejects with when its signal aborts. */
export class ScheduleAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'ScheduleAborted';
  }
}

/** Runs batches 0 … count - 1 with `run`; resolves when every one has been handed over. */
export function schedule<T>(count: number, run: (index: number) => Promise<T>, options: ScheduleOptions<T> = {}): Promise<void> {
  const { signal, onDone, onInOrder, pauseDue, pause } = options;
  const limit = Math.max(1, options.limit ?? Number.POSITIVE_INFINITY);
  return new Promise<void>((resolveAll, rejectAll) => {
    const waiting = new Map<number, T>();
    let next = 0;
    let handedOver = 0;
    let inFlight = 0;
    let pausing = false;
    let ended = false;
    const end = (err?: unknown): void => {
      if (ended) return;
      ended = true;
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) resolveAll();
      else rejectAll(err);
    };
    const onAbort = (): void => end(new ScheduleAborted());
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const finished = (index: number, result: T): void => {
      if (ended) return;
      inFlight--;
      try {
        onDone?.(index, result);
        if (onInOrder) {
          waiting.set(index, result);
          while (waiting.has(handedOver)) {
            const value = waiting.get(handedOver)!;
            waiting.delete(handedOver);
            onInOrder(handedOver++, value);
          }
        }
      } catch (err) {
        return fail(err);
      }
      advance();
    };
    const fail = (err: unknown): void => end(err ?? new Error('a batch failed'));
    const launch = (index: number): void => {
      inFlight++;
      Promise.resolve()
        .then(() => run(index))
        .then((result) => finished(index, result), fail);
    };
    const advance = (): void => {
      if (ended || pausing) return;
      while (next < count && inFlight < limit && !pauseDue?.()) launch(next++);
      if (inFlight > 0) return; // the last one to finish advances again
      if (next >= count) return end();
      // Nothing in flight, and a pause is due.
      pausing = true;
      (pause ?? (() => Promise.resolve()))().then(() => {
        pausing = false;
        advance();
      }, fail);
    };
    advance();
  });
}
