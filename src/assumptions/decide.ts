/**
 * Deciding one claim on the rollouts run so far: pass, fail or inconclusive.
 *
 * Every method gives two one-sided bounds [lower, upper] for the quantity the
 * claim is about, each wrong with probability at most `alpha`:
 * - a lone P(...) against a constant: exact Clopper-Pearson bounds;
 * - a lone median/pNN(...) against a constant: distribution-free
 *   order-statistic bounds;
 * - anything else (means, ratios, several aggregates): the margin
 *   lhs - rhs, with seeded percentile-bootstrap bounds over whole rollouts
 *   (the strategies of a rollout stay paired).
 * The claim passes when the whole interval satisfies it and fails when the
 * whole interval contradicts it; otherwise it is inconclusive. So a true claim
 * fails (and a false one passes) with probability at most `alpha` at this look.
 */
import { evaluateExpr } from '../scenarios/formula.ts';
import { flip, holds, evaluateSide, NEVER, type Aggregate, type ClaimOp, type CompiledClaim } from '../scenarios/claim.ts';
import { bootstrapBounds, clopperPearson, mean, quantileBounds, quantileSorted, sorted } from './stats.ts';

/** Per-rollout values of columns (`top_down.cost`, `top_down.active_share@52`); NaN is "never". */
export interface Sample {
  /** Rollouts in the sample. */
  readonly n: number;
  column(name: string): ArrayLike<number>;
}

/** A Sample from plain arrays (tests, cached data). */
export function sampleOf(columns: Record<string, ArrayLike<number>>): Sample {
  const lengths = Object.values(columns).map((c) => c.length);
  const n = lengths.length ? Math.min(...lengths) : 0;
  return {
    n,
    column(name) {
      const c = columns[name];
      if (!c) throw new Error(`no column ${name} in the sample`);
      return c;
    },
  };
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface Decision {
  verdict: Verdict;
  /** Point estimate of `quantity`. */
  estimate: number;
  /** One-sided bounds, each at 1 - alpha. */
  interval: [number, number];
  /** What estimate and interval are about: the lone aggregate, or lhs - rhs. */
  quantity: string;
  /** The claim holds when `quantity op threshold`. */
  op: ClaimOp;
  threshold: number;
  method: CompiledClaim['method'];
  /** Estimates of the two sides. */
  lhs: number;
  rhs: number;
  rollouts: number;
  alpha: number;
}

/** Per-rollout values of an aggregate's expression; "never" (NaN) reads as +Infinity, and so does an undefined result. */
export function rolloutValues(aggregate: Aggregate, sample: Sample, columns: readonly string[]): Float64Array {
  const n = sample.n;
  const data = columns.map((c) => sample.column(c));
  const out = new Float64Array(n);
  const vars: Record<string, number> = { never: NEVER };
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < columns.length; c++) {
      const v = data[c]![r]!;
      vars[columns[c]!] = Number.isNaN(v) ? NEVER : v;
    }
    const v = evaluateExpr(aggregate.expr, vars);
    out[r] = aggregate.kind === 'P' ? (v ? 1 : 0) : Number.isNaN(v) ? NEVER : v;
  }
  return out;
}

function aggregateValue(aggregate: Aggregate, values: Float64Array, sortedValues?: Float64Array): number {
  if (aggregate.kind === 'P' || aggregate.kind === 'mean') return mean(values);
  return quantileSorted(sortedValues ?? sorted(values), aggregate.q!);
}

/** Verdict from an interval of `quantity` and the claim `quantity op threshold`. */
export function verdictOf(lower: number, upper: number, op: ClaimOp, threshold: number): Verdict {
  if (Number.isNaN(lower) || Number.isNaN(upper)) return 'inconclusive';
  if (holds(lower, op, threshold) && holds(upper, op, threshold)) return 'pass';
  if (!holds(lower, op, threshold) && !holds(upper, op, threshold)) return 'fail';
  return 'inconclusive';
}

/** Decide `claim` on `sample` with error probability at most `alpha` each way. `seed` fixes the bootstrap. */
export function decide(claim: CompiledClaim, sample: Sample, alpha: number, seed: number): Decision {
  const n = sample.n;
  const values = claim.aggregates.map((a) => rolloutValues(a, sample, claim.columns));
  const sortedValues = claim.aggregates.map((a, i) => (a.kind === 'quantile' ? sorted(values[i]!) : undefined));
  const estimates = claim.aggregates.map((a, i) => aggregateValue(a, values[i]!, sortedValues[i]));
  const lhs = evaluateSide(claim.lhs, estimates);
  const rhs = evaluateSide(claim.rhs, estimates);
  const base = { method: claim.method, lhs, rhs, rollouts: n, alpha };

  if (claim.method !== 'bootstrap') {
    // One side is a lone aggregate, the other a constant.
    const aggregateOnLeft = claim.lhs.k === 'var';
    const lone = (aggregateOnLeft ? claim.lhs : claim.rhs) as { k: 'var'; name: string };
    const index = Number(lone.name.slice(1));
    const aggregate = claim.aggregates[index]!;
    const threshold = aggregateOnLeft ? rhs : lhs;
    const op = aggregateOnLeft ? claim.op : flip(claim.op);
    const bounds = claim.method === 'binomial'
      ? clopperPearson(countOnes(values[index]!), n, alpha)
      : quantileBounds(sortedValues[index]!, aggregate.q!, alpha);
    return { ...base, verdict: verdictOf(bounds.lower, bounds.upper, op, threshold), estimate: estimates[index]!, interval: [bounds.lower, bounds.upper], quantity: aggregate.text, op, threshold };
  }

  // The margin lhs - rhs against 0, bootstrapped over whole rollouts.
  const k = claim.aggregates.length;
  const resampled = claim.aggregates.map(() => new Float64Array(n));
  const stat = new Float64Array(k);
  const margin = (indices: Int32Array): number => {
    for (let a = 0; a < k; a++) {
      const src = values[a]!;
      const dst = resampled[a]!;
      for (let i = 0; i < n; i++) dst[i] = src[indices[i]!]!;
      const agg = claim.aggregates[a]!;
      stat[a] = agg.kind === 'quantile' ? quantileSorted(dst.sort(), agg.q!) : mean(dst);
    }
    return evaluateSide(claim.lhs, stat) - evaluateSide(claim.rhs, stat);
  };
  const bounds = n > 0 ? bootstrapBounds(n, margin, alpha, seed) : { lower: NaN, upper: NaN };
  const estimate = lhs - rhs;
  return { ...base, verdict: verdictOf(bounds.lower, bounds.upper, claim.op, 0), estimate, interval: [bounds.lower, bounds.upper], quantity: 'lhs - rhs', op: claim.op, threshold: 0 };
}

function countOnes(values: Float64Array): number {
  let k = 0;
  for (let i = 0; i < values.length; i++) k += values[i]!;
  return k;
}
