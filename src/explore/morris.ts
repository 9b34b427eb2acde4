/**
 * Morris (1991) elementary-effects screening, with Campolongo et al.'s (2007) μ*: r trajectories of
 * k + 1 points each on a grid of p levels per input; each step moves one input (in a random order) by
 * Δ and the elementary effect of that input is the change in f over the change in the input.
 *
 * The levels are the midpoints (l + ½)/p, l = 0..p−1 (p even), so no coordinate is 0 or 1 (which an
 * inverse CDF would send to ±∞), and Δ = ½: level l moves to l + p/2 if that exists, else to l − p/2
 * (the usual Δ = p / (2(p − 1)) on levels 0..1, shifted to midpoints). Effects are per unit of the
 * input's quantile scale (the unit cube), so inputs of different units compare.
 *
 *   EE_i(t) = (f(x + Δ e_i) − f(x)) / Δ                   on trajectory t
 *   μ*_i    = (1/r) Σ_t |EE_i(t)|                          Campolongo et al. 2007
 *   σ_i     = sd_t EE_i(t)  (divisor r − 1)                 Morris 1991
 *
 * Intervals: bootstrap percentiles over trajectories resampled with replacement.
 */
import { seededRandom, quantileSorted, type Interval } from './indices.ts';

export const MORRIS_LEVELS = 4;

export interface MorrisDesign {
  /** r, trajectories. */
  readonly r: number;
  readonly k: number;
  /** Points on the unit cube, r(k + 1) × k row-major: trajectory t's points are t(k + 1) .. t(k + 1) + k. */
  readonly points: Float64Array;
  /** The input moved at step s (1..k) of trajectory t: moved[t·k + s − 1]. */
  readonly moved: Int32Array;
  /** The signed move of that step (+½ or −½). */
  readonly delta: Float64Array;
}

/** r trajectories for k inputs on p levels (p even), from a seeded generator. */
export function morrisDesign(r: number, k: number, seed: number | string, p = MORRIS_LEVELS): MorrisDesign {
  if (!Number.isInteger(r) || r < 2) throw new RangeError(`trajectories must be at least 2, got ${r}`);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`inputs must be at least 1, got ${k}`);
  if (!Number.isInteger(p) || p < 2 || p % 2 !== 0) throw new RangeError(`levels must be an even number of at least 2, got ${p}`);
  const random = seededRandom(seed);
  const points = new Float64Array(r * (k + 1) * k);
  const moved = new Int32Array(r * k);
  const delta = new Float64Array(r * k);
  const level = new Int32Array(k);
  const order = new Int32Array(k);
  for (let t = 0; t < r; t++) {
    for (let i = 0; i < k; i++) {
      level[i] = Math.floor(random() * p);
      order[i] = i;
    }
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    const base = t * (k + 1);
    for (let i = 0; i < k; i++) points[base * k + i] = (level[i]! + 0.5) / p;
    for (let s = 1; s <= k; s++) {
      const i = order[s - 1]!;
      const up = level[i]! + p / 2 < p;
      level[i] = level[i]! + (up ? p / 2 : -p / 2);
      moved[t * k + s - 1] = i;
      delta[t * k + s - 1] = up ? 0.5 : -0.5;
      for (let c = 0; c < k; c++) points[(base + s) * k + c] = (level[c]! + 0.5) / p;
    }
  }
  return { r, k, points, moved, delta };
}

export interface MorrisIndices {
  /** Trajectories the estimates use. */
  readonly n: number;
  readonly muStar: Interval[];
  readonly sigma: Interval[];
}

/** The elementary effects, r × k: ee[t·k + i]. */
export function elementaryEffects(design: MorrisDesign, f: ArrayLike<number>): Float64Array {
  const { r, k } = design;
  const ee = new Float64Array(r * k);
  for (let t = 0; t < r; t++) {
    const base = t * (k + 1);
    for (let s = 1; s <= k; s++) {
      const i = design.moved[t * k + s - 1]!;
      ee[t * k + i] = (f[base + s]! - f[base + s - 1]!) / design.delta[t * k + s - 1]!;
    }
  }
  return ee;
}

function estimate(ee: Float64Array, k: number, idx: Int32Array | null, m: number, muStar: Float64Array, sigma: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let abs = 0;
    let sum = 0;
    let sq = 0;
    for (let t = 0; t < m; t++) {
      const e = ee[(idx ? idx[t]! : t) * k + i]!;
      abs += Math.abs(e);
      sum += e;
      sq += e * e;
    }
    muStar[i] = abs / m;
    const mean = sum / m;
    sigma[i] = Math.sqrt(Math.max(0, (sq - m * mean * mean) / (m - 1)));
  }
}

/** μ* and σ with bootstrap 95% intervals from the first `n` trajectories (all by default). */
export function morrisIndices(design: MorrisDesign, f: ArrayLike<number>, options: { n?: number; resamples?: number; seed?: number | string } = {}): MorrisIndices {
  const k = design.k;
  const n = options.n ?? design.r;
  const resamples = options.resamples ?? 1000;
  if (!Number.isInteger(n) || n < 2 || n > design.r) throw new RangeError(`n must be 2..${design.r}, got ${n}`);
  const ee = elementaryEffects(design, f);
  const mu = new Float64Array(k);
  const sd = new Float64Array(k);
  estimate(ee, k, null, n, mu, sd);
  const bootMu = new Float64Array(k * resamples);
  const bootSd = new Float64Array(k * resamples);
  const random = seededRandom(options.seed ?? 1);
  const idx = new Int32Array(n);
  const m = new Float64Array(k);
  const s = new Float64Array(k);
  for (let b = 0; b < resamples; b++) {
    for (let t = 0; t < n; t++) idx[t] = Math.floor(random() * n);
    estimate(ee, k, idx, n, m, s);
    for (let i = 0; i < k; i++) {
      bootMu[i * resamples + b] = m[i]!;
      bootSd[i * resamples + b] = s[i]!;
    }
  }
  const interval = (point: number, boot: Float64Array): Interval => {
    const sorted = boot.slice().sort();
    return { estimate: point, low: quantileSorted(sorted, 0.025), high: quantileSorted(sorted, 0.975) };
  };
  return {
    n,
    muStar: Array.from(mu, (e, i) => interval(e, bootMu.subarray(i * resamples, (i + 1) * resamples))),
    sigma: Array.from(sd, (e, i) => interval(e, bootSd.subarray(i * resamples, (i + 1) * resamples))),
  };
}
