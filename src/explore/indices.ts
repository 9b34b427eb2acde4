/**
 * First-order and total Sobol' indices from the outputs of a Saltelli design,
 * with bootstrap 95% intervals.
 *
 *   V      = the variance of f over the 2N rows of A and B together
 *   S_i    = (1/N) Σ_j f(B)_j (f(A_B^(i))_j − f(A)_j) / V        Saltelli et al. 2010, Table 2 (b)
 *   S_Ti   = (1/2N) Σ_j (f(A)_j − f(A_B^(i))_j)² / V             Jansen 1999, Table 2 (f)
 *
 * The bootstrap resamples the N rows j with replacement (the same rows for
 * every input) and takes the 2.5% and 97.5% percentiles of the re-estimated
 * indices. Resampling is seeded (seedrandom's xor4096, the project's fast
 * generator), so the same seed gives the same intervals.
 */
import seedrandom from 'seedrandom';
import type { SaltelliOutputs } from './saltelli.ts';

export interface Interval {
  readonly estimate: number;
  /** 2.5% percentile of the bootstrap estimates. */
  readonly low: number;
  /** 97.5% percentile of the bootstrap estimates. */
  readonly high: number;
}

export interface SobolIndices {
  /** N, the base sample size the estimates use. */
  readonly n: number;
  /** Per input, in the design's column order. */
  readonly firstOrder: Interval[];
  readonly total: Interval[];
}

export interface BootstrapOptions {
  /** Bootstrap resamples (default 1000). */
  readonly resamples?: number;
  /** Seed of the resampling (default 1). */
  readonly seed?: number | string;
}

/** A seeded uniform generator in [0, 1). */
export function seededRandom(seed: number | string): () => number {
  return seedrandom.xor4096(String(seed)) as unknown as () => number;
}

/** The p-quantile (0..1) of sorted values, linearly interpolated (type 7, as numpy's default). */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Estimates on rows idx[0..m−1] (or 0..m−1 when idx is null), written into first and total. */
function estimate(out: SaltelliOutputs, m: number, idx: Int32Array | null, first: Float64Array, total: Float64Array): void {
  const { fA, fB, fAB } = out;
  let sum = 0;
  let sumSq = 0;
  for (let t = 0; t < m; t++) {
    const j = idx ? idx[t]! : t;
    const a = fA[j]!;
    const b = fB[j]!;
    sum += a + b;
    sumSq += a * a + b * b;
  }
  const mean = sum / (2 * m);
  const variance = sumSq / (2 * m) - mean * mean;
  for (let i = 0; i < fAB.length; i++) {
    const fi = fAB[i]!;
    let s1 = 0;
    let st = 0;
    for (let t = 0; t < m; t++) {
      const j = idx ? idx[t]! : t;
      const a = fA[j]!;
      const d = fi[j]! - a;
      s1 += fB[j]! * d;
      st += d * d;
    }
    first[i] = s1 / m / variance;
    total[i] = st / (2 * m) / variance;
  }
}

/**
 * First-order and total indices with bootstrap intervals, from the first `n`
 * rows of the outputs (all N by default).
 */
export function sobolIndices(out: SaltelliOutputs, options: BootstrapOptions & { n?: number } = {}): SobolIndices {
  const n = options.n ?? out.fA.length;
  const k = out.fAB.length;
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(n) || n < 2 || n > out.fA.length) throw new RangeError(`n must be 2..${out.fA.length}, got ${n}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive whole number, got ${resamples}`);
  const first = new Float64Array(k);
  const total = new Float64Array(k);
  estimate(out, n, null, first, total);
  const bootFirst = new Float64Array(k * resamples);
  const bootTotal = new Float64Array(k * resamples);
  const random = seededRandom(options.seed ?? 1);
  const idx = new Int32Array(n);
  const f = new Float64Array(k);
  const t = new Float64Array(k);
  for (let r = 0; r < resamples; r++) {
    for (let j = 0; j < n; j++) idx[j] = Math.floor(random() * n);
    estimate(out, n, idx, f, t);
    for (let i = 0; i < k; i++) {
      bootFirst[i * resamples + r] = f[i]!;
      bootTotal[i * resamples + r] = t[i]!;
    }
  }
  const interval = (point: number, boot: Float64Array): Interval => {
    const sorted = boot.slice().sort();
    return { estimate: point, low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
  };
  return {
    n,
    firstOrder: Array.from(first, (e, i) => interval(e, bootFirst.subarray(i * resamples, (i + 1) * resamples))),
    total: Array.from(total, (e, i) => interval(e, bootTotal.subarray(i * resamples, (i + 1) * resamples))),
  };
}

/** The indices at N/2 and at N side by side (the first N/2 rows of a Saltelli design are a Sobol' block of their own). */
export function sobolIndicesAtHalfAndFull(out: SaltelliOutputs, options: BootstrapOptions = {}): { half: SobolIndices; full: SobolIndices } {
  const n = out.fA.length;
  if (n < 4) throw new RangeError(`N must be at least 4 to compare N/2 with N, got ${n}`);
  return { half: sobolIndices(out, { ...options, n: n / 2 }), full: sobolIndices(out, { ...options, n }) };
}

/** Whether an index is "about zero": its interval covers 0 (reports show it as about zero, with a note). */
export function aboutZero(interval: Pick<Interval, 'low' | 'high'>): boolean {
  return interval.low <= 0 && interval.high >= 0;
}

export interface NoiseShare {
  /** Mean over design points of the variance between their replicates (divisor R). */
  readonly noiseVariance: number;
  /** Variance of all P·R values (divisor P·R). */
  readonly totalVariance: number;
  /** noiseVariance / totalVariance, in [0, 1]; NaN when every value is equal. */
  readonly share: number;
}

/**
 * The share of an output's variance that is Monte Carlo noise, when each of P
 * design points was run R times: values[p·R + r] is replicate r at point p.
 * The within-point sum of squares over the total sum of squares (a one-way
 * ANOVA split, so the share is between 0 and 1): near 1 means more
 * replicates, not more design points, are needed.
 */
export function noiseShare(values: Float64Array, replicates: number): NoiseShare {
  const r = replicates;
  if (!Number.isInteger(r) || r < 2) throw new RangeError(`replicates must be at least 2 to see noise, got ${r}`);
  if (values.length === 0 || values.length % r !== 0) throw new RangeError(`${values.length} values are not a whole number of points of ${r} replicates`);
  const n = values.length;
  let grand = 0;
  for (let i = 0; i < n; i++) grand += values[i]!;
  grand /= n;
  let within = 0;
  let total = 0;
  for (let p = 0; p < n; p += r) {
    let mean = 0;
    for (let i = p; i < p + r; i++) mean += values[i]!;
    mean /= r;
    for (let i = p; i < p + r; i++) {
      within += (values[i]! - mean) ** 2;
      total += (values[i]! - grand) ** 2;
    }
  }
  return { noiseVariance: within / n, totalVariance: total / n, share: total === 0 ? Number.NaN : within / total };
}
