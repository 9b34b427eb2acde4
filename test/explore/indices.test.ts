/** Sobol' indices: Ishigami's analytic indices fall in the bootstrap intervals, estimates converge, an input with no effect is about zero, and the Monte Carlo noise share is the within-point share of variance. */
import { describe, expect, it } from 'vitest';
import { aboutZero, noiseShare, seededRandom, sobolIndices, sobolIndicesAtHalfAndFull, type SobolIndices } from '../../src/explore/indices.ts';
import { evaluateDesign, saltelliDesign, scaleDesign, type SaltelliOutputs } from '../../src/explore/saltelli.ts';

const A = 7;
const B = 0.1;
const PI = Math.PI;
const uniformPi = (u: number): number => -PI + 2 * PI * u;
const ishigami = (x: Float64Array): number => Math.sin(x[0]!) + A * Math.sin(x[1]!) ** 2 + B * x[2]! ** 4 * Math.sin(x[0]!);

// Analytic partial variances of Ishigami on [−π, π]^3 (Ishigami & Homma 1990; Saltelli et al. 2010 §6).
const V = (A * A) / 8 + (B * PI ** 4) / 5 + (B * B * PI ** 8) / 18 + 0.5;
const V1 = 0.5 * (1 + (B * PI ** 4) / 5) ** 2;
const V2 = (A * A) / 8;
const V13 = (8 * B * B * PI ** 8) / 225;
const FIRST = [V1 / V, V2 / V, 0];
const TOTAL = [(V1 + V13) / V, V2 / V, V13 / V];

const outputs = new Map<number, SaltelliOutputs>();
function ishigamiOutputs(n: number): SaltelliOutputs {
  let out = outputs.get(n);
  if (!out) {
    out = evaluateDesign(scaleDesign(saltelliDesign(n, 3), [uniformPi, uniformPi, uniformPi]), ishigami);
    outputs.set(n, out);
  }
  return out;
}

function meanError(r: SobolIndices): number {
  let e = 0;
  for (let i = 0; i < 3; i++) e += Math.abs(r.firstOrder[i]!.estimate - FIRST[i]!) + Math.abs(r.total[i]!.estimate - TOTAL[i]!);
  return e / 6;
}

describe('Sobol indices', () => {
  it('derives the analytic Ishigami indices the literature quotes (a = 7, b = 0.1)', () => {
    expect(FIRST.map((s) => Number(s.toFixed(4)))).toEqual([0.3139, 0.4424, 0]);
    expect(TOTAL.map((s) => Number(s.toFixed(4)))).toEqual([0.5576, 0.4424, 0.2437]);
  });

  it('puts every analytic first-order and total Ishigami index inside its bootstrap 95% interval at N = 2^13', () => {
    const r = sobolIndices(ishigamiOutputs(2 ** 13), { seed: 7 });
    expect(r.n).toBe(8192);
    for (let i = 0; i < 3; i++) {
      const f = r.firstOrder[i]!;
      const t = r.total[i]!;
      expect(f.low).toBeLessThanOrEqual(FIRST[i]!);
      expect(f.high).toBeGreaterThanOrEqual(FIRST[i]!);
      expect(t.low).toBeLessThanOrEqual(TOTAL[i]!);
      expect(t.high).toBeGreaterThanOrEqual(TOTAL[i]!);
      expect(Math.abs(f.estimate - FIRST[i]!)).toBeLessThan(0.01);
      expect(Math.abs(t.estimate - TOTAL[i]!)).toBeLessThan(0.01);
      expect(f.high - f.low).toBeLessThan(0.1);
    }
    expect(aboutZero(r.firstOrder[2]!)).toBe(true);
    expect(aboutZero(r.firstOrder[0]!) || aboutZero(r.total[2]!)).toBe(false);
  });

  it('converges: averaged over N = 2^9 … 2^13 the error at N is below the error at N/2, and every doubling narrows the intervals', () => {
    let errHalf = 0;
    let errFull = 0;
    for (let m = 9; m <= 13; m++) {
      const { half, full } = sobolIndicesAtHalfAndFull(ishigamiOutputs(2 ** m), { seed: 3, resamples: 300 });
      expect(half.n).toBe(2 ** (m - 1));
      expect(full.n).toBe(2 ** m);
      errHalf += meanError(half);
      errFull += meanError(full);
      for (let i = 0; i < 3; i++) {
        expect(full.total[i]!.high - full.total[i]!.low).toBeLessThan(half.total[i]!.high - half.total[i]!.low);
        expect(full.firstOrder[i]!.high - full.firstOrder[i]!.low).toBeLessThan(half.firstOrder[i]!.high - half.firstOrder[i]!.low);
      }
    }
    expect(errFull).toBeLessThan(errHalf);
    expect(errFull / 5).toBeLessThan(0.01);
  });

  it('estimates at N/2 from the first half of the design rows, the same as estimating on a design of N/2', () => {
    const { half } = sobolIndicesAtHalfAndFull(ishigamiOutputs(2 ** 10), { seed: 5, resamples: 50 });
    const direct = sobolIndices(ishigamiOutputs(2 ** 10), { seed: 5, resamples: 50, n: 512 });
    expect(half).toEqual(direct);
  });

  it('gives the same intervals for the same seed and different ones for another seed', () => {
    const out = ishigamiOutputs(2 ** 9);
    expect(sobolIndices(out, { seed: 11, resamples: 100 })).toEqual(sobolIndices(out, { seed: 11, resamples: 100 }));
    expect(sobolIndices(out, { seed: 12, resamples: 100 }).total[0]!.low).not.toBe(sobolIndices(out, { seed: 11, resamples: 100 }).total[0]!.low);
  });

  it('shows a dummy input of a deterministic function as about zero, and the inputs that matter as not', () => {
    const f = (x: Float64Array): number => x[0]! + 2 * x[1]! * x[1]!;
    const out = evaluateDesign(saltelliDesign(1024, 3), f);
    const r = sobolIndices(out, { seed: 1, resamples: 200 });
    expect(aboutZero(r.firstOrder[2]!)).toBe(true);
    expect(aboutZero(r.total[2]!)).toBe(true);
    expect(aboutZero(r.total[0]!) || aboutZero(r.total[1]!) || aboutZero(r.firstOrder[1]!)).toBe(false);
  });

  it('gives a dummy input of a noisy model a first-order interval covering zero', () => {
    // Independent noise in every run (no common random numbers): the dummy's first-order estimate is not exactly 0.
    const noise = seededRandom(99);
    const f = (x: Float64Array): number => Math.exp(x[0]!) + x[1]! + 0.3 * (noise() - 0.5);
    const r = sobolIndices(evaluateDesign(saltelliDesign(2048, 3), f), { seed: 2, resamples: 300 });
    expect(r.firstOrder[2]!.estimate).not.toBe(0);
    expect(aboutZero(r.firstOrder[2]!)).toBe(true);
    expect(aboutZero(r.firstOrder[0]!)).toBe(false);
  });

  it('refuses sizes it cannot estimate on', () => {
    const out = ishigamiOutputs(2 ** 9);
    expect(() => sobolIndices(out, { n: 1 })).toThrow(/n must be 2\.\.512/);
    expect(() => sobolIndices(out, { resamples: 0 })).toThrow(/resamples/);
  });
});

describe('Monte Carlo noise share', () => {
  it('is the within-point sum of squares over the total sum of squares, on a hand example', () => {
    // Points (1, 3) and (5, 7): means 2 and 6, grand mean 4; within SS 4, total SS 20.
    const r = noiseShare(new Float64Array([1, 3, 5, 7]), 2);
    expect(r.share).toBeCloseTo(0.2, 12);
    expect(r.noiseVariance).toBeCloseTo(1, 12);
    expect(r.totalVariance).toBeCloseTo(5, 12);
  });

  it('is 0 when replicates agree and 1 when only the replicates vary', () => {
    expect(noiseShare(new Float64Array([2, 2, 2, 5, 5, 5]), 3).share).toBe(0);
    expect(noiseShare(new Float64Array([1, 4, 9, 1, 4, 9]), 3).share).toBeCloseTo(1, 12);
  });

  it('recovers the noise share of a simulated design (design variance 1, noise variance 0.25, 10 replicates)', () => {
    const random = seededRandom(4);
    const points = 2000;
    const values = new Float64Array(points * 10);
    for (let p = 0; p < points; p++) {
      const level = Math.sqrt(12) * (random() - 0.5);
      for (let r = 0; r < 10; r++) values[p * 10 + r] = level + Math.sqrt(12 * 0.25) * (random() - 0.5);
    }
    // Expected within SS / total SS: 0.25 · 9/10 / (1 + 0.25) = 0.18.
    expect(noiseShare(values, 10).share).toBeGreaterThan(0.17);
    expect(noiseShare(values, 10).share).toBeLessThan(0.19);
  });

  it('refuses values that are not whole points of replicates', () => {
    expect(() => noiseShare(new Float64Array(5), 2)).toThrow(/whole number of points/);
    expect(() => noiseShare(new Float64Array(4), 1)).toThrow(/at least 2/);
  });
});
