/**
 * The one-line recommendation with its trade-off, read from summary.json's
 * exact medians, so the terminal and the report say the same thing:
 * "Recommendation: Phased pilot: +12 points of sustained use over Top-down for
 * +115k (+27%), reaching 40% about 4 weeks later; 1.9k per sustained user."
 * It recommends only a strategy that reaches the target in most rollouts, and
 * says plainly when none does.
 */
import type { RunSummary } from '../runner/summary.ts';
import { money, percent, withCurrency } from './format.ts';

export interface Recommendation {
  /** The sentence, starting "Recommendation:" or "No strategy". */
  text: string;
  /** The recommended strategy's name; undefined when none meets the target in most rollouts. */
  strategy?: string;
  /** Whether any strategy reaches the target in any rollout at all. */
  anyReachesTarget: boolean;
}

interface Figures {
  name: string;
  label: string;
  sustained: number;
  cost: number;
  /** Median weeks to the target; Infinity when most rollouts never get there. */
  weeks: number;
  /** Share of rollouts that reach the target. */
  reach: number;
}

function median(summary: RunSummary, strategy: string, result: string): number {
  const p50 = summary.distributions[strategy]?.[result]?.p50;
  return p50 === 'never' ? Infinity : p50 === null || p50 === undefined ? NaN : p50;
}

function figuresOf(summary: RunSummary): Figures[] {
  return summary.strategies.map((s) => ({
    name: s.name,
    label: s.label,
    sustained: median(summary, s.name, 'sustained_share'),
    cost: median(summary, s.name, 'cost'),
    weeks: median(summary, s.name, 'weeks_to_target'),
    reach: 1 - (summary.distributions[s.name]?.weeks_to_target?.neverShare ?? 1),
  }));
}

/** More sustained use first; at equal use, the cheaper. */
function byValue(x: Figures, y: Figures): number {
  return y.sustained - x.sustained || x.cost - y.cost;
}

function signedPoints(x: number): string {
  const points = Math.round(x * 100);
  return `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)} points`;
}

function signedMoney(x: number, currency: string): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${money(Math.abs(x), currency)}`;
}

function timing(best: Figures, alt: Figures, target: string): string {
  if (!Number.isFinite(alt.weeks)) return `reaching ${target} where ${alt.label} mostly does not`;
  const d = Math.round(best.weeks - alt.weeks);
  if (d === 0) return `reaching ${target} at about the same time`;
  return `reaching ${target} about ${Math.abs(d)} ${Math.abs(d) === 1 ? 'week' : 'weeks'} ${d > 0 ? 'later' : 'sooner'}`;
}

export function recommendation(summary: RunSummary): Recommendation {
  const target = percent(summary.outcomes.targetShare);
  const horizon = summary.experiment.weeks;
  const currency = summary.experiment.currency ?? '';
  const all = figuresOf(summary).filter((f) => Number.isFinite(f.sustained)).sort(byValue);
  if (all.length === 0) return { text: 'No strategy has results to recommend from.', anyReachesTarget: false };
  const anyReachesTarget = all.some((f) => f.reach > 0);
  if (!anyReachesTarget) {
    return {
      anyReachesTarget,
      text: `No strategy reaches ${target} active use within ${horizon} weeks in any rollout, so none meets the target as written; ${all[0]!.label} sustains the most (${percent(all[0]!.sustained)}). Revisit the plan or the target before choosing.`,
    };
  }
  const meeting = all.filter((f) => Number.isFinite(f.weeks));
  if (meeting.length === 0) {
    const closest = [...all].sort((x, y) => y.reach - x.reach)[0]!;
    return {
      anyReachesTarget,
      text: `No strategy reaches ${target} active use within ${horizon} weeks in most rollouts; ${closest.label} comes closest, reaching it in ${percent(closest.reach)} of rollouts. Revisit the plan or the target before choosing.`,
    };
  }
  const best = meeting[0]!;
  const alt = all.find((f) => f.name !== best.name);
  if (!alt) return { strategy: best.name, anyReachesTarget, text: `Recommendation: ${best.label}, the only strategy run (${percent(best.sustained)} sustained use).` };
  const parts = [`${signedPoints(best.sustained - alt.sustained)} of sustained use over ${alt.label}`];
  if (Number.isFinite(best.cost) && Number.isFinite(alt.cost)) {
    const extra = best.cost - alt.cost;
    const relative = alt.cost > 0 ? ` (${extra >= 0 ? '+' : '−'}${Math.round(Math.abs(extra / alt.cost) * 100)}%)` : '';
    parts[0] += ` for ${signedMoney(extra, currency)}${relative}`;
  }
  parts.push(timing(best, alt, target));
  const employees = summary.experiment.employees;
  const perUser = employees && best.sustained > 0 && Number.isFinite(best.cost) ? best.cost / (best.sustained * employees) : NaN;
  const cost = Number.isFinite(perUser) ? `; ${perUser >= 1000 ? money(perUser, currency) : withCurrency(String(Math.round(perUser)), currency)} per sustained user` : '';
  return { strategy: best.name, anyReachesTarget, text: `Recommendation: ${best.label}: ${parts.join(', ')}${cost}.` };
}
