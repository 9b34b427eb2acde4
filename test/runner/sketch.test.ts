import { describe, expect, it } from 'vitest';
import { quantileSorted } from 'simple-statistics';
import { createRandom, normal } from '../../src/model/index.ts';
import { addPartial, exactTotal, Sketch, SketchBank, type SketchKind } from '../../src/runner/sketch.ts';
import { LOG_ALPHA, QUANTA, SHARE_WIDTH } from '../../src/runner/metrics.ts';

const QS = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

/** The quantile the sketch approximates: R type 7 (numpy's default) on the exact values. */
function exactQuantile(sorted: number[], q: number): number {
  const h = q * (sorted.length - 1);
  const k = Math.floor(h);
  return k + 1 < sorted.length ? sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!) : sorted[k]!;
}

/** Largest magnitude of the two order statistics a quantile interpolates between. */
function scale(sorted: number[], q: number): number {
  const k = Math.floor(q * (sorted.length - 1));
  return Math.max(Math.abs(sorted[k]!), Math.abs(sorted[Math.min(k + 1, sorted.length - 1)]!));
}

function filled(kind: SketchKind, values: number[]): Sketch {
  const s = new Sketch(kind);
  for (const v of values) s.add(v);
  return s;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = createRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('quantile sketches', () => {
  it('report share quantiles within half a bucket (0.0005) of the exact order statistic', () => {
    const random = createRandom(1);
    const values = Array.from({ length: 5000 }, () => Math.min(1, Math.max(0, 0.4 + 0.15 * normal(random))));
    const sketch = filled({ type: 'linear', width: SHARE_WIDTH, quantum: QUANTA.share }, values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of QS) expect(Math.abs(sketch.quantile(q) - exactQuantile(sorted, q))).toBeLessThanOrEqual(SHARE_WIDTH / 2 + 1e-12);
  });

  it('report quantiles of unbounded values within the stated relative error, negatives and zeros included', () => {
    const random = createRandom(2);
    const values = Array.from({ length: 5000 }, (_, i) => (i % 10 === 0 ? 0 : Math.exp(3 + 2 * normal(random)) * (i % 7 === 0 ? -1 : 1)));
    const sketch = filled({ type: 'log', alpha: LOG_ALPHA }, values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of QS) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(sketch.quantile(q) - exact)).toBeLessThanOrEqual(LOG_ALPHA * scale(sorted, q) + 1e-12);
    }
  });

  it('report quantiles of integer weeks exactly and count "never" apart', () => {
    const random = createRandom(3);
    const values = Array.from({ length: 999 }, () => (random() < 0.2 ? NaN : Math.floor(random() * 104)));
    const sketch = filled({ type: 'linear', width: 1 }, values);
    const finite = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
    expect(sketch.nan).toBe(values.length - finite.length);
    expect(sketch.n).toBe(finite.length);
    for (const q of QS) expect(sketch.quantile(q)).toBeCloseTo(exactQuantile(finite, q), 10);
  });

  it('stay close to simple-statistics interpolated quantiles on a large sample', () => {
    const random = createRandom(4);
    const values = Array.from({ length: 20000 }, () => random());
    const sketch = filled({ type: 'linear', width: SHARE_WIDTH, quantum: QUANTA.share }, values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.05, 0.5, 0.95]) expect(Math.abs(sketch.quantile(q) - quantileSorted(sorted, q))).toBeLessThan(0.001);
  });

  it('give the same bits for mean and quantiles whatever the order and however the stream is split', () => {
    const random = createRandom(5);
    const money = Array.from({ length: 3000 }, () => random() * 1e6 * (random() < 0.5 ? 1 : 1e-6));
    const shares = Array.from({ length: 3000 }, () => random());
    for (const [kind, values] of [
      [{ type: 'log', alpha: LOG_ALPHA, quantum: QUANTA.money }, money],
      [{ type: 'linear', width: SHARE_WIDTH, quantum: QUANTA.share }, shares],
    ] as [SketchKind, number[]][]) {
      const whole = filled(kind, values);
      const parts = [0, 700, 1900, 3000];
      const merged = new Sketch(kind);
      for (let i = parts.length - 2; i >= 0; i--) merged.merge(filled(kind, shuffled(values.slice(parts[i], parts[i + 1]), i)).toJSON());
      expect(merged.mean()).toBe(whole.mean());
      expect(merged.n).toBe(whole.n);
      for (const q of QS) expect(merged.quantile(q)).toBe(whole.quantile(q));
      expect(Sketch.fromJSON(JSON.parse(JSON.stringify(whole.toJSON()))).mean()).toBe(whole.mean());
    }
  });

  it('hand a whole bank over packed (what a worker moves) with the same content as its sketches as JSON, and start again empty after clear', () => {
    const kinds: SketchKind[] = [
      { type: 'log', alpha: LOG_ALPHA, quantum: 2 ** -40 },
      { type: 'linear', width: SHARE_WIDTH, quantum: QUANTA.share },
      { type: 'linear', width: 1, quantum: 1 },
      { type: 'log', alpha: LOG_ALPHA, quantum: QUANTA.money },
    ];
    // Cells with negatives, zeros, NaN ("never"), one empty cell, and sums past the fast path (partials).
    const filled = (seed: number, rows: number, cells: number[]): SketchBank => {
      const random = createRandom(seed);
      const bank = new SketchBank(kinds, 64);
      const draw = (c: number): number => {
        if (c === 3) return NaN;
        if (c === 0) return random() < 0.1 ? 2 ** 20 * (random() < 0.5 ? 1 : -1) : normal(random) * 1e3;
        if (c === 1) return random();
        return random() < 0.2 ? NaN : Math.round(50 * random()) - 10;
      };
      for (let r = 0; r < rows; r++) for (const c of cells) bank.add(c, draw(c));
      return bank;
    };
    const other = filled(9, 2000, [0, 1, 2, 3]);
    const viaJson = filled(10, 50, [0, 1, 2]);
    const viaPacked = filled(10, 50, [0, 1, 2]);
    for (let c = 0; c < kinds.length; c++) viaJson.merge(c, other.toJSON(c));
    const packed = new Float64Array(other.packedLength() + 2);
    expect(other.pack(packed, 1)).toBe(packed.length - 1);
    expect(viaPacked.mergePacked(packed, 1)).toBe(packed.length - 1);
    expect(other.toJSON(0).sum.length).toBeGreaterThan(1);
    for (let c = 0; c < kinds.length; c++) {
      expect(viaPacked.toJSON(c)).toEqual(viaJson.toJSON(c));
      expect(viaPacked.sum(c)).toBe(viaJson.sum(c));
    }
    expect(viaPacked.count(3)).toBe(0);
    expect(viaPacked.nanCount(3)).toBe(2000);
    expect(() => new SketchBank(kinds.slice(1)).mergePacked(packed, 1)).toThrow(/cells/);

    // Cleared (as a worker's partial after a collect) and filled again, a bank holds what a new one would.
    const reused = filled(11, 300, [0, 1, 2, 3]);
    reused.clear();
    const again = filled(12, 40, [1, 2]);
    const fresh = filled(12, 40, [1, 2]);
    const refill = new Float64Array(again.packedLength());
    again.pack(refill, 0);
    reused.mergePacked(refill, 0);
    for (let c = 0; c < kinds.length; c++) expect(reused.toJSON(c)).toEqual(fresh.toJSON(c));
    expect(reused.count(0)).toBe(0);
    expect(reused.sum(0)).toBe(0);
  });

  it('compute the mean of values rounded to the quantum exactly', () => {
    const kind: SketchKind = { type: 'linear', width: 1, quantum: 1 };
    const s = filled(kind, [1, 2, 3, 4]);
    expect(s.mean()).toBe(2.5);
    // 0.1 rounded to 2^-32 is within 2^-33 of 0.1: the mean of a million of them is 0.1 to 10 digits.
    const shares = new Sketch({ type: 'linear', width: SHARE_WIDTH, quantum: QUANTA.share });
    for (let i = 0; i < 100000; i++) shares.add(0.1);
    expect(shares.mean()).toBeCloseTo(0.1, 9);
  });

  it('keep sums exact past the fast path, in Shewchuk partials', () => {
    const kind: SketchKind = { type: 'log', alpha: LOG_ALPHA, quantum: 2 ** -40 };
    const values = [2 ** 20, 2 ** -40, -(2 ** 20), 3 * 2 ** 12, 2 ** -40];
    const a = filled(kind, values);
    const b = filled(kind, [...values].reverse());
    expect(a.sum()).toBe(3 * 2 ** 12 + 2 ** -39);
    expect(b.sum()).toBe(a.sum());
  });

  it('sum partials like math.fsum: exactly, then round once', () => {
    const partials: number[] = [];
    for (const x of [1e100, 1, -1e100, 1e-100, 0.1, 0.2]) addPartial(partials, x);
    expect(exactTotal(partials)).toBe(1.3000000000000000444); // fsum([1e100, 1, -1e100, 1e-100, .1, .2])
    expect(exactTotal([])).toBe(0);
  });

  it('refuse a value that would need millions of buckets rather than exhaust memory', () => {
    const s = filled({ type: 'linear', width: SHARE_WIDTH }, [0.5]);
    expect(() => s.add(1e6)).toThrow(/buckets/);
  });

  it('report NaN for an empty sketch and clamp quantiles to the exact minimum and maximum', () => {
    const empty = new Sketch({ type: 'linear', width: SHARE_WIDTH });
    expect(Number.isNaN(empty.quantile(0.5))).toBe(true);
    expect(Number.isNaN(empty.mean())).toBe(true);
    const zeros = filled({ type: 'linear', width: SHARE_WIDTH }, [0, 0, 0]);
    expect(zeros.quantile(0.05)).toBe(0);
    const one = filled({ type: 'log', alpha: LOG_ALPHA }, [1234.5]);
    expect(one.quantile(0.5)).toBe(1234.5);
    // Two values: the 5th and 95th percentiles lie between them, not both on the smaller.
    const two = filled({ type: 'linear', width: SHARE_WIDTH }, [0.2, 0.6]);
    expect(two.quantile(0.05)).toBeCloseTo(0.22, 12);
    expect(two.quantile(0.95)).toBeCloseTo(0.58, 12);
  });
});

describe('the quantile definition shared with the report', () => {
  it('is type 7 on exact data, and the sketches approximate it', async () => {
    const { quantileOfSorted } = await import('../../src/runner/summary.ts');
    expect(quantileOfSorted([10, 20], 0.5)).toBe(15);
    expect(quantileOfSorted([10, 20, 30], 0.5)).toBe(20);
    expect(quantileOfSorted([1, 2, 3, 4, 5], 0.95)).toBeCloseTo(4.8, 12);
    expect(Number.isNaN(quantileOfSorted([], 0.5))).toBe(true);
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const sketch = filled({ type: 'linear', width: 1 }, values);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of QS) expect(sketch.quantile(q)).toBeCloseTo(quantileOfSorted(sorted, q), 12);
  });
});
