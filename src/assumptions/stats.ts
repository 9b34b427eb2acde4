/**
 * The statistics behind `uptake test`, small and exact where it can be:
 * binomial tails and Clopper-Pearson bounds for probabilities, order-statistic
 * bounds for quantiles (distribution-free), a seeded percentile bootstrap for
 * anything else, and the two-sample Kolmogorov-Smirnov test for drift.
 *
 * Bounds are one-sided: `lower(alpha)` is below the true value with
 * probability at least 1 - alpha, `upper(alpha)` above it likewise.
 * "never" (NaN weeks) arrives here as +Infinity.
 */
import { quantileCountingNever } from '../quantile.ts';
import { createRandom, deriveSeed } from '../model/rng.ts';

// ── Binomial distribution ────────────────────────────────────────────────────

const LOG_FACTORIAL: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIAL.length; i <= n; i++) LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1]! + Math.log(i);
  return LOG_FACTORIAL[n]!;
}

function logBinomialPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity;
  if (p >= 1) return k === n ? 0 : -Infinity;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** P(X <= k) for X ~ Binomial(n, p), summed in a numerically safe way. */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  // Sum the shorter tail.
  let sum = 0;
  if (k < n * p) {
    for (let i = 0; i <= k; i++) sum += Math.exp(logBinomialPmf(i, n, p));
    return Math.min(1, sum);
  }
  for (let i = k + 1; i <= n; i++) sum += Math.exp(logBinomialPmf(i, n, p));
  return Math.max(0, 1 - sum);
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialSf(k: number, n: number, p: number): number {
  return 1 - binomialCdf(k - 1, n, p);
}

/** Solve f(p) = target for p in [0, 1], f increasing, by bisection (60 halvings: below 1e-15). */
function bisect(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Clopper-Pearson one-sided bounds for a probability from k successes in n
 * trials: P(lower <= p) >= 1 - alpha and P(upper >= p) >= 1 - alpha, exactly,
 * whatever p is.
 */
export function clopperPearson(k: number, n: number, alpha: number): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 };
  // lower: the p at which P(X >= k | p) = alpha; upper: the p at which P(X <= k | p) = alpha.
  const lower = k === 0 ? 0 : bisect((p) => binomialSf(k, n, p), alpha);
  const upper = k === n ? 1 : bisect((p) => 1 - binomialCdf(k, n, p), 1 - alpha);
  return { lower, upper };
}

// ── Quantiles ────────────────────────────────────────────────────────────────

/** Ascending copy; +Infinity ("never") sorts last. NaN must not be present. */
export function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Sample quantile of sorted data (R type 7), "never" (Infinity) later than any value: the project's one quantile. */
export const quantileSorted = quantileCountingNever;

/**
 * Distribution-free one-sided bounds for the q-quantile from sorted data:
 * lower = X(l) with P(X(l) <= quantile) >= 1 - alpha, upper = X(u) with
 * P(X(u) >= quantile) >= 1 - alpha (exact for continuous data, conservative
 * with ties). Too few rollouts for a bound give -Infinity / +Infinity.
 */
export function quantileBounds(sortedValues: ArrayLike<number>, q: number, alpha: number): { lower: number; upper: number } {
  const n = sortedValues.length;
  // X(l) <= xi_q  iff  #{X <= xi_q} >= l, and #{X <= xi_q} ~ Binomial(n, >= q).
  let lower = -Infinity;
  for (let l = n; l >= 1; l--) {
    if (binomialSf(l, n, q) >= 1 - alpha) {
      lower = sortedValues[l - 1]!;
      break;
    }
  }
  // X(u) >= xi_q  iff  #{X < xi_q} <= u - 1, and #{X < xi_q} ~ Binomial(n, <= q).
  let upper = Infinity;
  for (let u = 1; u <= n; u++) {
    if (binomialCdf(u - 1, n, q) >= 1 - alpha) {
      upper = sortedValues[u - 1]!;
      break;
    }
  }
  return { lower, upper };
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return values.length ? s / values.length : NaN;
}

// ── Bootstrap ────────────────────────────────────────────────────────────────

/**
 * Percentile bootstrap over rollouts: `statistic(indices)` is computed on
 * `resamples` resamples of the rollout indices 0..n-1 drawn with replacement.
 * Rollouts are resampled whole, so every strategy's values of a rollout stay
 * together (the pairing of common random numbers is kept). Seeded: the same
 * seed gives the same bounds.
 */
export function bootstrapBounds(
  n: number,
  statistic: (indices: Int32Array) => number,
  alpha: number,
  seed: number,
  resamples = bootstrapResamples(alpha),
): { lower: number; upper: number } {
  const random = createRandom(deriveSeed(seed, 'bootstrap'));
  const stats = new Float64Array(resamples);
  const idx = new Int32Array(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(random() * n);
    stats[b] = statistic(idx);
  }
  stats.sort(); // NaN (undefined statistic, e.g. never - never) sorts last: the upper bound becomes NaN.
  const lo = Math.max(0, Math.floor(alpha * resamples) - 1);
  const hi = Math.min(resamples - 1, Math.ceil((1 - alpha) * resamples) - 1);
  return { lower: stats[lo]!, upper: stats[hi]! };
}

/** Enough resamples that the tail holding `alpha` has about 50 of them (at least 2,000). */
export function bootstrapResamples(alpha: number): number {
  return Math.min(50_000, Math.max(2000, Math.ceil(50 / alpha)));
}

// ── Two-sample Kolmogorov-Smirnov test ───────────────────────────────────────

export interface KsResult {
  /** Largest distance between the two empirical distribution functions. */
  d: number;
  /** P(D >= d) when both samples come from one continuous distribution. */
  p: number;
  method: 'exact' | 'asymptotic';
}

/**
 * Two-sample Kolmogorov-Smirnov test. The p-value is exact (counting lattice
 * paths, Hodges 1958) when m·n <= 250,000 and the Kolmogorov limit with
 * Stephens' small-sample correction otherwise. Ties make it conservative.
 */
export function ksTwoSample(x: ArrayLike<number>, y: ArrayLike<number>): KsResult {
  const a = sorted(x);
  const b = sorted(y);
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) return { d: 0, p: 1, method: 'exact' };
  // D·m·n as an integer: the largest |i·n - j·m| at any value where both ECDFs are evaluated.
  let i = 0;
  let j = 0;
  let dInt = 0;
  while (i < m || j < n) {
    const v = i < m && (j >= n || a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < m && a[i]! === v) i++;
    while (j < n && b[j]! === v) j++;
    dInt = Math.max(dInt, Math.abs(i * n - j * m));
  }
  const d = dInt / (m * n);
  if (dInt === 0) return { d: 0, p: 1, method: 'exact' };
  if (m * n <= 250_000) return { d, p: ksExactSf(m, n, dInt), method: 'exact' };
  const en = Math.sqrt((m * n) / (m + n));
  return { d, p: kolmogorovSf((en + 0.12 + 0.11 / en) * d), method: 'asymptotic' };
}

/**
 * P(D·m·n >= dInt) under the null: 1 - P(a random monotone path from (0,0) to
 * (m,n) stays strictly inside |i·n - j·m| < dInt). Probabilities, not counts,
 * so nothing overflows: each step goes right with probability (m-i)/(m+n-i-j).
 */
function ksExactSf(m: number, n: number, dInt: number): number {
  let row = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  const inside = (i: number, j: number): boolean => Math.abs(i * n - j * m) < dInt;
  row[0] = 1;
  for (let j = 1; j <= n; j++) row[j] = inside(0, j) ? row[j - 1]! * ((n - (j - 1)) / (m + n - (j - 1))) : 0;
  for (let i = 1; i <= m; i++) {
    next.fill(0);
    for (let j = 0; j <= n; j++) {
      if (!inside(i, j)) continue;
      const total = m + n - (i - 1) - j; // steps left from (i-1, j)
      const fromLeft = row[j]! * ((m - (i - 1)) / total);
      const fromBelow = j > 0 ? next[j - 1]! * ((n - (j - 1)) / (m + n - i - (j - 1))) : 0;
      next[j] = fromLeft + fromBelow;
    }
    [row, next] = [next, row];
  }
  return Math.min(1, Math.max(0, 1 - row[n]!));
}

/** Survival function of the Kolmogorov distribution. */
export function kolmogorovSf(lambda: number): number {
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16) break;
  }
  return Math.min(1, Math.max(0, sum));
}
