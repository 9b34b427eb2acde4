/** The random streams: the hot loop's generator is seedrandom's xor4096, bit for bit; derived seeds are independent. */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Xor4096, deriveSeed } from '../../src/model/index.ts';

describe('random numbers', () => {
  it('Xor4096 gives exactly the stream of seedrandom.xor4096 for the same seed', () => {
    for (const seed of [0, 1, 12345, 4294967295, 'rollout-7']) {
      const reference = seedrandom.xor4096(String(seed));
      const inline = new Xor4096(seed);
      for (let k = 0; k < 5000; k++) expect(inline.next()).toBe(reference());
    }
  });

  it('derives different 32-bit seeds for different labels and the same seed for the same labels', () => {
    expect(deriveSeed(1, 'rollout', 0)).toBe(deriveSeed(1, 'rollout', 0));
    const seen = new Set<number>();
    for (let r = 0; r < 10_000; r++) seen.add(deriveSeed(20261122, 'rollout', r));
    expect(seen.size).toBe(10_000);
    expect(deriveSeed(1, 'organisation')).not.toBe(deriveSeed(1, 'dynamics'));
    for (const s of seen) expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});
