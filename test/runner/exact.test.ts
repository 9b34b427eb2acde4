/** The exact per-rollout results read back column by column (exact.ts), ranks without an index array, and the finished batches kept in one buffer (retained.ts). */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { ranks } from '../../src/runner/drivers.ts';
import { ExactColumns, readExactResults, withExactColumns } from '../../src/runner/exact.ts';
import { RetainedBatches } from '../../src/runner/retained.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';

const root = mkdtempSync(join(tmpdir(), 'uptake-exact-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Just what the reader looks at: the strategies' names and the uncertainties' paths. */
const experiment = {
  strategies: [{ name: 'a' }, { name: 'b' }],
  uncertainties: [{ path: 'organisation.siloStrength' }],
} as unknown as Experiment;

/** A rollouts.csv of `n` rollouts × strategies a and b, with a wave column and a column no summary quotes. */
function rolloutsFile(n: number): { file: string; expected: Map<string, Map<string, number[]>> } {
  const random = seedrandom('exact');
  const header = 'strategy,rollout,seed,sustained_share,weeks_to_target,pilot_open_week,pilot_forced,organisation.silo_strength';
  const lines = [header];
  const expected = new Map(['a', 'b'].map((s) => [s, new Map(['sustained_share', 'weeks_to_target', 'pilot_open_week', 'organisation.silo_strength'].map((c) => [c, [] as number[]]))]));
  for (let r = 0; r < n; r++) {
    const draw = random();
    for (const s of ['a', 'b']) {
      const share = random();
      const never = random() < 0.3;
      const week = 1 + Math.floor(random() * 20);
      lines.push(`${s},${r},${1000 + r},${share},${never ? 'never' : week},${s === 'a' ? week : ''},1,${draw}`);
      const columns = expected.get(s)!;
      columns.get('sustained_share')!.push(share);
      columns.get('weeks_to_target')!.push(never ? NaN : week);
      columns.get('pilot_open_week')!.push(s === 'a' ? week : NaN);
      columns.get('organisation.silo_strength')!.push(draw);
    }
  }
  const file = join(root, `rollouts-${n}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, expected };
}

describe('the exact results read back column by column', () => {
  // 3,000 rollouts: columns longer than one buffer of the reader, and a file of several 64 kB chunks.
  it.each([1, 7, 3000])('gives every quoted column of every strategy as rollouts.csv holds it: %i rollouts', (n) => {
    const { file, expected } = rolloutsFile(n);
    const scratch = join(root, `columns-${n}.bin`);
    withExactColumns(file, experiment, scratch, (exact) => {
      expect(existsSync(scratch)).toBe(true);
      expect(exact.names).toEqual(['sustained_share', 'weeks_to_target', 'pilot_open_week', 'organisation.silo_strength']);
      for (const [s, columns] of expected) {
        for (const [name, values] of columns) expect(Array.from(exact.column(s, name)!), `${s} ${name}`).toEqual(values);
      }
      expect(exact.column('a', 'pilot_forced')).toBeUndefined(); // not quoted
      expect(exact.column('a', 'cost')).toBeUndefined(); // not in the file
      expect(exact.column('c', 'sustained_share')).toBeUndefined(); // not a strategy of the run
    });
    expect(existsSync(scratch)).toBe(false);
  });

  it('fills a buffer of the right length when given one, and reads the same after', () => {
    const { file, expected } = rolloutsFile(50);
    const exact = new ExactColumns(file, experiment, join(root, 'reuse.bin'));
    try {
      const buffer = new Float64Array(50);
      const first = exact.column('a', 'sustained_share', buffer)!;
      expect(first).toBe(buffer);
      expect(Array.from(first)).toEqual(expected.get('a')!.get('sustained_share'));
      const second = exact.column('b', 'weeks_to_target', buffer)!;
      expect(second).toBe(buffer);
      expect(Array.from(second)).toEqual(expected.get('b')!.get('weeks_to_target'));
      expect(exact.column('a', 'sustained_share', new Float64Array(3))!.length).toBe(50); // wrong length: a new one
    } finally {
      exact.close();
    }
    expect(() => exact.column('a', 'sustained_share')).toThrow(/after close/);
  });

  it('reads every column at once for discover, leaving no scratch file behind', () => {
    const { file, expected } = rolloutsFile(20);
    const all = readExactResults(file, experiment);
    expect(Array.from(all.get('b')!.get('organisation.silo_strength')!)).toEqual(expected.get('b')!.get('organisation.silo_strength'));
    expect([...all.keys()]).toEqual(['a', 'b']);
  });
});

describe('ranks', () => {
  /** Average ranks as defined: sort the indices, give each run of equal values the mean of its positions. */
  function ranksByIndex(values: number[]): number[] {
    const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
    const out = new Array<number>(values.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
      for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return out;
  }

  it('are the mean positions of the tied runs, in place or into given buffers', () => {
    const random = seedrandom('ranks');
    // Few distinct values: long runs of ties (weeks), and both zeros.
    const values = Array.from({ length: 2000 }, () => (random() < 0.05 ? -0 : Math.floor(random() * 30)));
    const expected = ranksByIndex(values);
    expect(Array.from(ranks(values))).toEqual(expected);
    const inPlace = Float64Array.from(values);
    expect(Array.from(ranks(inPlace, inPlace, new Float64Array(values.length)))).toEqual(expected);
  });
});

describe('the finished batches kept for an interrupt', () => {
  it('hands back each batch as it came, in order, across a growth of its buffer and a clear', () => {
    const kept = new RetainedBatches(8 * 5);
    const batches = [Float64Array.of(1, 2, 3), Float64Array.of(4, 5), Float64Array.of(6, 7, 8, 9)];
    batches.forEach((b, i) => kept.add(10 + i, b));
    batches[0]![0] = 99; // a batch's own array is not kept
    expect(kept.size).toBe(3);
    expect(kept.bytes).toBe(9 * 8);
    expect([...kept.indices()]).toEqual([10, 11, 12]);
    expect([...kept.entries()].map(([i, v]) => [i, Array.from(v)])).toEqual([[10, [1, 2, 3]], [11, [4, 5]], [12, [6, 7, 8, 9]]]);
    kept.clear();
    expect(kept.size).toBe(0);
    expect(kept.bytes).toBe(0);
    kept.add(3, Float64Array.of(5));
    expect([...kept.entries()].map(([i, v]) => [i, Array.from(v)])).toEqual([[3, [5]]]);
  });
});
