/**
 * The numbers the executive summary and the tables quote, computed exactly
 * from rollouts.csv with "never" counted as later than any week (so a median
 * can be "never"), and paired comparisons looked up in either order.
 */
import type { PairedComparison, ReportData } from './model.ts';
import { column } from './model.ts';
import { type Spread, spread } from './stats.ts';

export interface StrategyFigures {
  name: string;
  label: string;
  n: number;
  /** Per result name. */
  results: Map<string, Spread>;
  /** Share of rollouts that reached critical mass and then sustained less than it over the final weeks. */
  fellBack: number;
  /** Share of rollouts that reached critical mass at all. */
  reachedCriticalMass: number;
  /** Share of rollouts per governance outcome code (0 none, 1 paid, 2 restricted, 3 shut down). */
  governance: number[];
}

export function strategyFigures(data: ReportData): StrategyFigures[] {
  const critical = data.summary.outcomes.criticalMassShare;
  return data.strategies.map((s) => {
    const n = data.rollouts.get(s.name)?.n ?? 0;
    const results = new Map<string, Spread>();
    for (const r of data.summary.results) {
      const values = column(data, s.name, r.name);
      if (values.length > 0) results.set(r.name, spread(values));
    }
    const reached = column(data, s.name, 'weeks_to_critical_mass');
    const sustained = column(data, s.name, 'sustained_share');
    let reachedCount = 0;
    let fell = 0;
    for (let i = 0; i < Math.min(reached.length, sustained.length); i++) {
      if (Number.isNaN(reached[i]!)) continue;
      reachedCount++;
      if (sustained[i]! < critical) fell++;
    }
    const governance = [0, 0, 0, 0];
    const codes = column(data, s.name, 'governance');
    for (const c of codes) if (c >= 0 && c <= 3) governance[Math.round(c)]!++;
    return {
      name: s.name,
      label: s.label,
      n,
      results,
      fellBack: n ? fell / n : 0,
      reachedCriticalMass: n ? reachedCount / n : 0,
      governance: governance.map((g) => (codes.length ? g / codes.length : 0)),
    };
  });
}

/** A paired comparison oriented as "a against b", flipping the stored one when needed. */
export interface Oriented {
  a: string;
  b: string;
  result: string;
  better: PairedComparison['better'];
  n: number;
  pBeats: number;
  lower: number;
  upper: number;
  medianDifference: number | null;
  /** Neither strategy reaches this result in weeks in any rollout (see PairedComparison). */
  neitherReaches: boolean;
}

export function comparison(data: ReportData, a: string, b: string, result: string): Oriented | undefined {
  for (const c of data.summary.comparisons) {
    if (c.result !== result) continue;
    if (c.a === a && c.b === b) return { a, b, result, better: c.better, n: c.n, pBeats: c.pBeats, lower: c.ci[0], upper: c.ci[1], medianDifference: c.medianDifference, neitherReaches: c.neitherReaches === true };
    if (c.a === b && c.b === a) {
      return { a, b, result, better: c.better, n: c.n, pBeats: 1 - c.pBeats, lower: 1 - c.ci[1], upper: 1 - c.ci[0], medianDifference: c.medianDifference === null ? null : -c.medianDifference, neitherReaches: c.neitherReaches === true };
    }
  }
  return undefined;
}

/** True when the interval excludes 50%: one strategy is reliably better rollout by rollout. */
export function clearDifference(c: Pick<Oriented, 'lower' | 'upper'>): boolean {
  return c.lower > 0.5 || c.upper < 0.5;
}
