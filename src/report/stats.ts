/**
 * Summaries of per-rollout results where "never" (NaN in the files) counts as
 * later than any week: the median of [10, 12, never] is 12, and of
 * [10, never, never] is never (Infinity).
 */
import { quantileCountingNever } from '../runner/summary.ts';

/** Values sorted ascending with NaN ("never") mapped to Infinity. */
export function sortedWithNever(values: ArrayLike<number>): number[] {
  const out = Array.from(values, (v) => (Number.isNaN(v) ? Infinity : v));
  return out.sort((x, y) => x - y);
}

/** Quantile with "never" counted as later than any week: the one definition, in src/runner/summary.ts. */
export const quantileSorted = quantileCountingNever;

export interface Spread {
  n: number;
  p05: number;
  p25: number;
  median: number;
  p75: number;
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
    p25: q(0.25),
    median: q(0.5),
    p75: q(0.75),
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
