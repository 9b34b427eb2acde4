/**
 * How the runner treats each observable and result: which way is better (for
 * the paired comparisons) and which summary keeps its quantiles. Defined
 * once here; docs/outputs.md lists the same table.
 */
import { OBSERVABLES, RESULTS, type MetricSpec } from '../model/index.ts';
import type { Better, QuantileError } from './summary.ts';
import type { SketchKind } from './sketch.ts';

/** Shares: linear buckets of 0.001 (quantile error ≤ 0.0005). */
export const SHARE_WIDTH = 0.001;
/** Counts, items, money: log buckets with relative error 0.5%. */
export const LOG_ALPHA = 0.005;

export const QUANTILE_ERROR: QuantileError = {
  shareAbsolute: SHARE_WIDTH / 2,
  weeksAbsolute: 0,
  otherRelative: LOG_ALPHA,
  means: 'exact',
};

/** Which way is better for each per-rollout result. */
export const BETTER: Record<(typeof RESULTS)[number]['name'], Better> = {
  active_share: 'higher',
  sustained_share: 'higher',
  peak_share: 'higher',
  // An early peak may be a flash in the pan: neither direction is better.
  peak_week: 'neutral',
  weeks_to_critical_mass: 'lower',
  weeks_to_target: 'lower',
  churn: 'lower',
  producers_share: 'higher',
  communities_alive: 'higher',
  cross_flow_total: 'higher',
  catalyst_share: 'higher',
  cost: 'lower',
  // 0 none, 1 paid, 2 restricted, 3 shut down: a higher code is a harsher intervention.
  governance: 'lower',
};

/** Integer-valued metrics kept in exact unit buckets whatever their unit. */
const INTEGER_METRICS = new Set(['communities_alive']);

/**
 * Values are rounded to a power-of-two quantum before summing so that sums
 * are exact (see sketch.ts): 2^-32 for shares (sums exact in the fast path up to
 * 2 million rollouts), 2^-7 for money (up to 7e13 in total), 2^-16 otherwise.
 */
export const QUANTA = { share: 2 ** -32, money: 2 ** -7, other: 2 ** -16 } as const;

export function sketchKindOf(metric: MetricSpec): SketchKind {
  const quantum = metric.unit === 'share' ? QUANTA.share : metric.unit === 'money' ? QUANTA.money : QUANTA.other;
  if (metric.unit === 'weeks' || metric.unit === 'code' || INTEGER_METRICS.has(metric.name)) return { type: 'linear', width: 1, quantum };
  if (metric.unit === 'share') return { type: 'linear', width: SHARE_WIDTH, quantum };
  return { type: 'log', alpha: LOG_ALPHA, quantum };
}

export const OBSERVABLE_KINDS: SketchKind[] = OBSERVABLES.map(sketchKindOf);
export const RESULT_KINDS: SketchKind[] = RESULTS.map(sketchKindOf);
export const RESULT_BETTER: Better[] = RESULTS.map((r) => BETTER[r.name]);
/** Results measured in weeks, where NaN means "never" (worse than any week). */
export const RESULT_IS_WEEKS: boolean[] = RESULTS.map((r) => r.unit === 'weeks');
