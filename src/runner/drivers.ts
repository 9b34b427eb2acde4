/**
 * What drives a run's results, at no extra cost: every rollout already draws its uncertainties
 * (rollouts.csv holds them), so each uncertainty's influence on each per-rollout result, and on each
 * paired difference between strategies (the same rollout, the same draws: common random numbers),
 * is measured on the rollouts as they are, by Spearman's rank correlation with a 95% interval
 * (docs/outputs.md, "drivers"; the interval in docs/model.md). Rank-based, so a result's unit and
 * skew do not matter, and its sign says which way the uncertainty pushes.
 */
import { RESULTS } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import type { ExactSource } from './exact.ts';

/** One uncertainty's influence on one result of one strategy, or of a pair `A-B` (A minus B, rollout by rollout). */
export interface Driver {
  outcome: string;
  strategy: string;
  input: string;
  /** Spearman's rank correlation between the input's draws and the result, −1 to 1. */
  rho: number;
  /** Its 95% interval (Fisher's z with the variance (1 + ρ²/2)/(n − 3) of Bonett & Wright 2000). */
  low: number;
  high: number;
  /** Rollouts it was measured on. */
  n: number;
}

/** Average ranks (1..n, ties sharing their mean rank), into `out`; `sorted` is scratch of the same length. */
export function ranks(values: ArrayLike<number>, out: Float64Array = new Float64Array(values.length), sorted: Float64Array = new Float64Array(values.length)): Float64Array {
  const n = values.length;
  // Sorted values in a typed array (no array of n indices, which for a long run was a large object
  // left for a full collection): a value's tied run in it is [first, last], its rank their mean + 1.
  sorted.set(values);
  sorted.sort();
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    const first = lo;
    hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    out[i] = (first + lo - 1) / 2 + 1;
  }
  return out;
}

/** Pearson's correlation of x and y (NaN when either is constant). */
function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Spearman's rank correlation (Pearson's on average ranks, so ties are handled). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/** The 95% interval of a rank correlation rho measured on n pairs. */
export function spearmanInterval(rho: number, n: number): { low: number; high: number } {
  if (n < 4 || !Number.isFinite(rho)) return { low: -1, high: 1 };
  const z = Math.atanh(Math.max(-0.999999, Math.min(0.999999, rho)));
  const half = 1.959963984540054 * Math.sqrt((1 + (rho * rho) / 2) / (n - 3));
  return { low: Math.tanh(z - half), high: Math.tanh(z + half) };
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * Every uncertainty against every result of every strategy and of every ordered pair of strategies
 * (A before B in scenario order). `exact` gives a strategy's per-rollout column by name (results, and the
 * uncertainties' draws), rollouts in the same order for every strategy, read one result at a time. A week
 * never reached counts as the week after the horizon. Constant results (nothing to explain) are left out.
 */
export function driversOf(experiment: Experiment, exact: ExactSource): Driver[] {
  const inputs = experiment.uncertainties.map((u) => fileParamPath(u.path));
  const first = experiment.strategies[0]?.name;
  if (first === undefined || inputs.length === 0) return [];
  const draws = inputs.map((name) => exact.column(first, name)).filter((d): d is Float64Array => d !== undefined && d.every(Number.isFinite));
  if (draws.length !== inputs.length) return []; // an old folder without the draws
  const rows = draws[0]!.length;
  // A few buffers of one value per rollout, reused for every result (see ExactSource).
  const sorted = new Float64Array(rows);
  const inputRanks = draws.map((d) => ranks(d, d, sorted));
  const yRanks = new Float64Array(rows);
  const difference = new Float64Array(rows);
  const later = experiment.params.weeks + 1;
  const names = experiment.strategies.map((s) => s.name);
  const columns: (Float64Array | undefined)[] = names.map(() => undefined);
  const valuesOf = (i: number, outcome: string, weeks: boolean): Float64Array | undefined => {
    const values = exact.column(names[i]!, outcome, columns[i]);
    if (!values) return undefined;
    columns[i] = values;
    if (weeks) for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k]!)) values[k] = later;
    return values;
  };
  const out: Driver[] = [];
  const add = (outcome: string, strategy: string, y: Float64Array): void => {
    if (y.length !== rows || !y.every(Number.isFinite)) return;
    ranks(y, yRanks, sorted);
    inputs.forEach((input, j) => {
      const rho = pearson(inputRanks[j]!, yRanks);
      if (!Number.isFinite(rho)) return;
      const { low, high } = spearmanInterval(rho, y.length);
      out.push({ outcome, strategy, input, rho: round4(rho), low: round4(low), high: round4(high), n: y.length });
    });
  };
  for (const r of RESULTS) {
    const weeks = r.unit === 'weeks';
    const per = names.map((_, i) => valuesOf(i, r.name, weeks));
    names.forEach((s, i) => { if (per[i]) add(r.name, s, per[i]!); });
    for (let a = 0; a < names.length; a++) {
      for (let b = a + 1; b < names.length; b++) {
        const ya = per[a];
        const yb = per[b];
        if (ya && yb && ya.length === yb.length) {
          const y = ya.length === rows ? difference : new Float64Array(ya.length);
          for (let k = 0; k < ya.length; k++) y[k] = ya[k]! - yb[k]!;
          add(r.name, `${names[a]}-${names[b]}`, y);
        }
      }
    }
  }
  return out;
}
