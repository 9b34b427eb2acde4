/**
 * The one quantile definition of the project, used by the runner's summaries,
 * the report, the assumptions and the comparisons alike.
 */

/**
 * The quantile definition of every reported quantile, on exact sorted data:
 * R's type 7 (numpy's default), h = q (n − 1), interpolating between the
 * order statistics ⌊h⌋ and ⌊h⌋ + 1. The runner's sketches approximate exactly
 * this (src/runner/sketch.ts); use it to compute matching numbers from rollouts.csv.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = Math.min(1, Math.max(0, q)) * (n - 1);
  const k = Math.floor(h);
  const lower = sorted[k]!;
  if (k + 1 >= n || h === k) return lower;
  return lower + (h - k) * (sorted[k + 1]! - lower);
}

/**
 * The one definition of a quantile of a result in weeks (weeks to target, to
 * critical mass, a wave's opening), everywhere it is shown: over every
 * rollout, with "never" (NaN or Infinity in the sorted data) counted as later
 * than any week, so a median can be "never" (Infinity here, "never" in
 * summary.json and on screen). The median of [10, 12, never] is 12, of
 * [10, never, never] never. `sorted` ascending with "never" as Infinity at the end.
 */
export function quantileCountingNever(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = Math.min(1, Math.max(0, q)) * (n - 1);
  const k = Math.floor(h);
  if (!Number.isFinite(sorted[k]!) || (h > k && !Number.isFinite(sorted[k + 1]!))) return Infinity;
  return quantileOfSorted(sorted, q);
}
