/**
 * The one batch scheduler: never more than `limit` in flight, results in batch order whatever order
 * they finish in, pauses only with nothing in flight, and stops at the first error or at an abort.
 */
import { describe, expect, it } from 'vitest';
import { ScheduleAborted, schedule } from '../../src/runner/schedule.ts';

/** A batch that finishes after `delays[i]` timer turns, so finishing order is chosen by the test. */
function delayed(delays: number[], log: { inFlight: number; most: number }) {
  return (i: number): Promise<number> => {
    log.inFlight++;
    log.most = Math.max(log.most, log.inFlight);
    return new Promise((resolve) => setTimeout(() => {
      log.inFlight--;
      resolve(i * 10);
    }, delays[i]!));
  };
}

describe('schedule', () => {
  it('hands results over as they finish and in batch order, and keeps to the limit', async () => {
    const delays = [30, 5, 20, 1, 15, 2, 8, 25];
    const log = { inFlight: 0, most: 0 };
    const done: number[] = [];
    const ordered: [number, number][] = [];
    await schedule(delays.length, delayed(delays, log), {
      limit: 3,
      onDone: (i) => done.push(i),
      onInOrder: (i, result) => ordered.push([i, result]),
    });
    expect(ordered).toEqual(delays.map((_, i) => [i, i * 10]));
    expect([...done].sort((a, b) => a - b)).toEqual(delays.map((_, i) => i));
    expect(done).not.toEqual(delays.map((_, i) => i)); // they did finish out of order
    expect(log.most).toBe(3);
  });

  it('pauses only when nothing is in flight, then goes on', async () => {
    const log = { inFlight: 0, most: 0 };
    let finished = 0;
    const pausedWith: number[] = [];
    await schedule(20, delayed(Array(20).fill(2), log), {
      limit: 4,
      onDone: () => finished++,
      // Due once three more have finished since the last pause, and due until it happens (as a checkpoint is).
      pauseDue: () => finished - (pausedWith.at(-1) ?? 0) >= 3,
      pause: async () => {
        pausedWith.push(finished);
        expect(log.inFlight).toBe(0);
      },
    });
    expect(finished).toBe(20);
    expect(pausedWith.length).toBeGreaterThanOrEqual(2);
    expect(log.most).toBe(4);
  });

  it('stops at the first error and launches nothing after it', async () => {
    const started: number[] = [];
    const run = (i: number): Promise<number> => {
      started.push(i);
      return i === 2 ? Promise.reject(new Error('batch 2 failed')) : new Promise((resolve) => setTimeout(() => resolve(i), 5));
    };
    await expect(schedule(20, run, { limit: 3 })).rejects.toThrow('batch 2 failed');
    const before = started.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(started.length).toBe(before);
    expect(before).toBeLessThan(20);
  });

  it('rejects at once on an abort, and before starting if already aborted', async () => {
    const controller = new AbortController();
    const log = { inFlight: 0, most: 0 };
    const running = schedule(5, delayed([50, 50, 50, 50, 50], log), { limit: 2, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(running).rejects.toBeInstanceOf(ScheduleAborted);
    expect(log.inFlight).toBe(2); // it did not wait for the batches in flight
    let calls = 0;
    await expect(schedule(3, async () => calls++, { signal: controller.signal })).rejects.toBeInstanceOf(ScheduleAborted);
    expect(calls).toBe(0);
  });

  it('resolves at once with no batches, and an error in a handler stops it', async () => {
    await expect(schedule(0, async () => 1)).resolves.toBeUndefined();
    await expect(schedule(3, async (i) => i, { onInOrder: (i) => { if (i === 1) throw new Error('disk full'); } })).rejects.toThrow('disk full');
  });
});
