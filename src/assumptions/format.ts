/** Words and numbers for test results: the terminal table, JUnit details and JSON. */
import { formatNumber } from '../format.ts';
import type { ClaimRollouts } from '../scenarios/claim.ts';
import type { Decision } from './decide.ts';
import type { ForecastTestSummary, ScenarioTestReport } from './run.ts';

/** A number for people; +Infinity from a quantile of weeks is "never". */
export function showValue(v: number, method: Decision['method']): string {
  if (v === Infinity) return method === 'order_statistic' ? 'never' : '∞';
  if (v === -Infinity) return '-∞';
  if (Number.isNaN(v)) return 'undefined';
  if (Math.abs(v) >= 1000) return formatNumber(v);
  return formatNumber(Number(v.toPrecision(3)));
}

export function showInterval(d: Pick<Decision, 'interval' | 'method'>): string {
  return `[${showValue(d.interval[0], d.method)}, ${showValue(d.interval[1], d.method)}]`;
}

/**
 * The two sides of a claim as written, split at its comparison (outside parentheses, so `==` inside
 * `P(...)` stays): `p90(a.cost) < 0.8 * p90(b.cost)` -> [`p90(a.cost)`, `0.8 * p90(b.cost)`].
 */
export function claimSides(claim: string): [string, string] | undefined {
  let depth = 0;
  for (let i = 0; i < claim.length; i++) {
    const c = claim[i]!;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === '<' || c === '>')) {
      const end = claim[i + 1] === '=' ? i + 2 : i + 1;
      return [claim.slice(0, i).trim(), claim.slice(end).trim()];
    }
  }
  return undefined;
}

/** A claim comparing two aggregates, in its own terms: "420,113 vs 473,520" (left side vs right side). */
export function showSides(d: Pick<Decision, 'lhs' | 'rhs' | 'method'>): string {
  return `${showValue(d.lhs, d.method)} vs ${showValue(d.rhs, d.method)}`;
}

/** "P(...) = 0.93, interval [0.85, 1] at 95% over 2 looks; the claim needs >= 0.8". */
export function describeDecision(d: Decision & { confidence: number; looks: number; plannedLooks: number; claim?: string; on?: ClaimRollouts }): string {
  const sides = d.quantity === 'lhs - rhs' ? (d.claim ? claimSides(d.claim) : undefined) ?? ['left side', 'right side'] : undefined;
  const estimate = sides
    ? `${sides[0]} = ${showValue(d.lhs, d.method)}, ${sides[1]} = ${showValue(d.rhs, d.method)}; their difference = ${showValue(d.estimate, d.method)}`
    : `${d.quantity} = ${showValue(d.estimate, d.method)}`;
  const needs = sides ? `the difference ${d.op} ${showValue(d.threshold, d.method)}` : `it ${d.op} ${showValue(d.threshold, d.method)}`;
  return `${estimate}, interval${sides ? ' of the difference' : ''} ${showInterval(d)} (${METHOD_WORDS[d.method]}, each bound at ${(100 * (1 - d.alpha)).toPrecision(4)}%: ${Math.round(d.confidence * 100)}% over ${d.plannedLooks} planned look${d.plannedLooks === 1 ? '' : 's'}); the claim needs ${needs}; ${d.verdict} after ${d.rollouts} ${d.on === 'forecast' ? 'forecast rollouts' : 'rollouts'} (look ${d.looks} of ${d.plannedLooks})${advice(d) ? `; ${advice(d)}` : ''}`;
}

/**
 * For an inconclusive probability claim, how many rollouts it takes at the
 * least: even if every rollout agrees, the lower bound after n rollouts is
 * alpha^(1/n), so showing P >= c needs n >= ln(alpha) / ln(c).
 */
export function advice(d: Decision): string | undefined {
  if (d.verdict !== 'inconclusive' || d.method !== 'binomial') return undefined;
  const c = d.threshold;
  if ((d.op === '>=' && c >= 1) || (d.op === '>' && c >= 1) || (d.op === '<=' && c <= 0) || (d.op === '<' && c <= 0)) {
    return `no number of rollouts can show a probability ${d.op} ${c}: leave a margin, e.g. ${d.op === '>=' || d.op === '>' ? '>= 0.95' : '<= 0.05'}`;
  }
  const edge = d.op === '>=' || d.op === '>' ? c : 1 - c;
  const needed = Math.ceil(Math.log(d.alpha) / Math.log(edge));
  return `even if every rollout agreed, this takes at least ${needed} rollouts at this confidence`;
}

/** "forecast from week 15, calibrated on weeks 1–14 of pilot.csv (6 generations, 11,600 simulations)". */
export function describeForecast(f: ForecastTestSummary): string {
  const cached = f.calibrationCached ? ', from the cache' : '';
  return `forecast from week ${f.lastWeek + 1}, calibrated on weeks 1–${f.lastWeek} of ${f.telemetry} (${f.particles} particles, ${f.generations} generation${f.generations === 1 ? '' : 's'}, ${formatNumber(f.simulations)} simulations${cached})`;
}

export const METHOD_WORDS: Record<Decision['method'], string> = {
  binomial: 'exact Clopper-Pearson',
  order_statistic: 'order-statistic',
  bootstrap: 'paired bootstrap',
};

/** The report as JSON-safe data (infinite values as strings). */
export function reportJson(reports: readonly ScenarioTestReport[]): unknown {
  const num = (v: number): number | string => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'undefined' : v > 0 ? 'infinity' : '-infinity');
  const counts = { pass: 0, fail: 0, inconclusive: 0, drifted: 0 };
  const scenarios = reports.map((r) => {
    for (const a of r.assumptions) counts[a.verdict]++;
    if (r.drift?.drifts.length) counts.drifted++;
    return {
      file: r.file,
      name: r.name,
      seed: r.seed,
      rollouts: r.rollouts,
      cachedRollouts: r.cachedRollouts,
      seconds: Number(r.seconds.toFixed(3)),
      plan: r.plan,
      ...(r.forecast ? { forecast: r.forecast } : {}),
      assumptions: r.assumptions.map((a) => ({
        id: a.id,
        on: a.on,
        description: a.description,
        claim: a.claim,
        verdict: a.verdict,
        method: a.method,
        quantity: a.quantity,
        estimate: num(a.estimate),
        interval: a.interval.map(num),
        op: a.op,
        threshold: num(a.threshold),
        lhs: num(a.lhs),
        rhs: num(a.rhs),
        rollouts: a.rollouts,
        looks: a.looks,
        plannedLooks: a.plannedLooks,
        confidence: a.confidence,
        alphaPerLook: a.alpha,
      })),
      ...(r.drift ? { drift: { ...r.drift, drifts: r.drift.drifts.map((d) => ({ ...d, baselineMedian: num(d.baselineMedian), currentMedian: num(d.currentMedian) })) } } : {}),
      ...(r.baselineWritten ? { baselineWritten: r.baselineWritten } : {}),
    };
  });
  return { scenarios, summary: counts };
}
