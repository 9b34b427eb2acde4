/**
 * Summaries of per-rollout results where "never" (NaN in the files) counts as
 * later than any week: the median of [10, 12, never] is 12, and of
 * [10, never, never] is never (Infinity).
 */
import { quantileOfSorted } from '../runner/summary.ts';

/** Values sorted ascending with NaN ("never") mapped to Infinity. */
export function sortedWithNever(values: ArrayLike<number>): number[] {
  const out = Array.from(values, (v) => (Number.isNaN(v) ? Infinity : v));
  return out.sort((x, y) => x - y);
}

/**
 * Quantile of sorted data as the runner reports it (type 7, quantileOfSorted
 * in src/runner/summary.ts), so report and summary.json agree; a quantile that
 * falls on or interpolates toward "never" is never.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = Math.min(1, Math.max(0, p)) * (n - 1);
  const k = Math.floor(h);
  if (!Number.isFinite(sorted[k]!) || (h > k && !Number.isFinite(sorted[k + 1]!))) return Infinity;
  return quantileOfSorted(sorted, p);
}

export interface Spread {
  n: number;
  p05: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  p95: number;
  mean: number;
  /** Share of rollouts with NaN ("never"). */
  never: number;
}

export function spread(values: ArrayLike<number>): Spread {
  const s = sortedWithNever(values);
  const finite = s.filter(Number.isFinite);
  const q = (p: number): number => quantileSorted(s, p);
  return {
    n: s.length,
    p05: q(0.05),
    p10: q(0.1),
    p25: q(0.25),
    median: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    p95: q(0.95),
    mean: finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : NaN,
    never: s.length ? (s.length - finite.length) / s.length : 0,
  };
}

/** Share of values satisfying `test`. */
export function shareWhere<T>(items: readonly T[], test: (x: T) => boolean): number {
  if (items.length === 0) return NaN;
  let k = 0;
  for (const x of items) if (test(x)) k++;
  return k / items.length;
}
