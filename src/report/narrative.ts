/**
 * The executive summary: sentences generated from the numbers, each one
 * traceable to a figure in the tables. No sentence is written unless the
 * data support it; "never" is spelled out rather than dropped.
 */
import { recommendation } from './recommend.ts';
import type { ReportData } from './model.ts';
import { type StrategyFigures, clearDifference, comparison, strategyFigures } from './figures.ts';
import { listWords, money, percent, sentence, weeks } from './format.ts';

export interface ExecutiveSummary {
  /** One sentence: what was compared, how. */
  scope: string;
  /** The most important finding, shown first and emphasised. */
  headline: string;
  /** One line: which strategy to choose and what it trades (src/report/recommend.ts), the same words as on the terminal. */
  recommendation: string;
  /** Further findings, one sentence each. */
  points: string[];
  /** What the numbers are and are not. */
  caveat: string;
}

/** "61–83%", with a decimal where rounding would show 0% or 100%. */
export function interval(lower: number, upper: number): string {
  const p = (x: number): string => ((x > 0 && x < 0.005) || (x < 1 && x > 0.995) ? (x * 100).toFixed(1) : (x * 100).toFixed(0));
  return `${p(lower)}–${p(upper)}%`;
}

const plural = (n: number, one: string, many: string): string => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

function weeksPhrase(w: number): string {
  return w === 1 ? '1 week' : `${weeks(w)} weeks`;
}

/** "reaches 40% active use in 22 weeks (median; 90% of rollouts between 17 and 30)" and its "never" variants (INTERVAL in src/runner/summary.ts). */
export function reachSentence(f: StrategyFigures, what: string, horizon: number, resultName: string): string | undefined {
  const s = f.results.get(resultName);
  if (!s || s.n === 0) return undefined;
  const never = s.never;
  if (never >= 1) return `${f.label} never reaches ${what} within ${horizon} weeks in any of its ${plural(s.n, 'rollout', 'rollouts')}.`;
  if (!Number.isFinite(s.median)) {
    const fastest = Number.isFinite(s.p05) ? `; the fastest 5% take ${weeksPhrase(s.p05)} or less` : '';
    return `${f.label} does not reach ${what} within ${horizon} weeks in most rollouts (${percent(never)} never get there${fastest}).`;
  }
  if (!Number.isFinite(s.p95)) {
    return `${f.label} reaches ${what} in ${weeksPhrase(s.median)} (median; the fastest 5% of rollouts within ${weeksPhrase(s.p05)}), but ${percent(never)} of rollouts never get there within ${horizon} weeks.`;
  }
  const range = s.p05 === s.p95 ? `90% of rollouts at ${weeksPhrase(s.p05)}` : `90% of rollouts between ${weeks(s.p05)} and ${weeksPhrase(s.p95)}`;
  const tail = never > 0 ? `; ${percent(never)} never get there` : '';
  return `${f.label} reaches ${what} in ${weeksPhrase(s.median)} (median; ${range}${tail}).`;
}

export function executiveSummary(data: ReportData, figures: StrategyFigures[] = strategyFigures(data)): ExecutiveSummary {
  const { experiment, outcomes } = data.summary;
  const horizon = experiment.weeks;
  const critical = outcomes.criticalMassShare;
  const target = outcomes.targetShare;
  const currency = experiment.currency ?? '';
  const labels = figures.map((f) => f.label);
  const scope =
    `${figures.length === 1 ? 'One strategy was' : `${figures.length} strategies were`} simulated for ${experiment.label || experiment.name}: ${listWords(labels)}, ` +
    `each over ${horizon} weeks in ${plural(experiment.rollouts, 'rollout', 'rollouts')}. ` +
    (figures.length > 1 ? 'Every rollout uses the same organisation and the same draw of uncertain assumptions under each strategy, so differences come from the strategy, not from luck.' : 'Each rollout draws the uncertain assumptions afresh.');

  const median = (f: StrategyFigures, r: string): number => f.results.get(r)?.median ?? NaN;
  const points: string[] = [];

  // Headline: which strategy sustains the most use, and how reliably, rollout by rollout.
  const ranked = figures.filter((f) => Number.isFinite(median(f, 'sustained_share'))).sort((x, y) => median(y, 'sustained_share') - median(x, 'sustained_share'));
  let headline: string;
  if (ranked.length === 0) {
    headline = `No sustained-adoption figures are available for this run.`;
  } else if (median(ranked[0]!, 'sustained_share') < 0.01) {
    // Naming a "winner" at under 1% active use would mislead: say that none takes hold.
    headline = `No strategy takes hold: sustained use stays below 1% of employees over the final ${outcomes.sustainedWeeks} weeks (median) under every strategy.`;
  } else {
    const best = ranked[0]!;
    const others = ranked.slice(1);
    headline =
      `${best.label} sustains ${others.length ? 'the most use: ' : ''}a median of ${percent(median(best, 'sustained_share'))} of employees active over the final ${outcomes.sustainedWeeks} weeks` +
      (others.length ? `, against ${listWords(others.map((o) => `${percent(median(o, 'sustained_share'))} for ${o.label}`))}.` : '.');
    const clear: string[] = [];
    const unclear: string[] = [];
    for (const o of others) {
      const c = comparison(data, best.name, o.name, 'sustained_share');
      if (!c) continue;
      const odds = `${percent(c.pBeats)}${clear.length || unclear.length ? '' : ' of paired rollouts'} (95% interval ${interval(c.lower, c.upper)})`;
      if (clearDifference(c)) clear.push(`${clear.length ? 'than ' : 'it does better than '}${o.label} in ${odds}`);
      else unclear.push(`against ${o.label} the difference is not clear: better in ${odds}`);
    }
    const paired = [...clear, ...unclear];
    if (paired.length) headline += ` Rollout by rollout, ${listWords(paired)}.`;
  }

  // Time to the target share per strategy; a strategy that never reaches even critical mass gets one sentence saying so.
  const neverAny = (f: StrategyFigures): boolean => f.n > 0 && f.reachedCriticalMass === 0 && target >= critical;
  for (const f of figures) {
    if (neverAny(f)) {
      points.push(`${f.label} never reaches critical mass (${percent(critical)} active use), let alone ${percent(target)}, in any of its ${plural(f.n, 'rollout', 'rollouts')}.`);
      continue;
    }
    const s = reachSentence(f, `${percent(target)} active use`, horizon, 'weeks_to_target');
    if (s) points.push(s);
  }

  // Fastest to critical mass, and strategies that peak then fall back below it.
  const earliestPeak = Math.min(...figures.map((f) => median(f, 'peak_week')).filter(Number.isFinite));
  const fastest = figures
    .filter((f) => Number.isFinite(median(f, 'weeks_to_critical_mass')))
    .sort((x, y) => median(x, 'weeks_to_critical_mass') - median(y, 'weeks_to_critical_mass'))[0];
  if (fastest && figures.length > 1) {
    points.push(`${fastest.label} reaches critical mass (${percent(critical)} active use) soonest: ${weeksPhrase(median(fastest, 'weeks_to_critical_mass'))} (median).`);
  }
  for (const f of figures) {
    if (f.fellBack < 0.1) continue;
    const peakWeek = median(f, 'peak_week');
    const peak = median(f, 'peak_share');
    if (!(peak >= critical)) {
      // A typical peak below critical mass: only some rollouts get there, so speak of those.
      points.push(`${f.label} reaches critical mass and then falls back below it over the final weeks in ${percent(f.fellBack)} of rollouts.`);
      continue;
    }
    const sooner = figures.length > 1 && peakWeek === earliestPeak ? ' sooner than the others' : '';
    points.push(
      `${f.label} peaks${sooner}, at ${percent(peak)} active use around week ${weeks(peakWeek)} (median), ` +
        `but falls back below critical mass over the final weeks in ${percent(f.fellBack)} of rollouts.`,
    );
  }
  const neverCritical = figures.filter((f) => f.reachedCriticalMass < 0.5 && !neverAny(f));
  for (const f of neverCritical) {
    points.push(`${f.label} fails to reach critical mass at all in ${percent(1 - f.reachedCriticalMass)} of rollouts.`);
  }

  // Cost.
  const costed = figures.filter((f) => Number.isFinite(median(f, 'cost'))).sort((x, y) => median(x, 'cost') - median(y, 'cost'));
  if (costed.length > 1) {
    const cheapest = costed[0]!;
    const dearest = costed[costed.length - 1]!;
    // A ratio to a free strategy (median cost 0) means nothing: say it only against a real cost.
    const ratio = median(cheapest, 'cost') > 0 ? median(dearest, 'cost') / median(cheapest, 'cost') : NaN;
    points.push(
      `${cheapest.label} costs least (median ${money(median(cheapest, 'cost'), currency)}); ${dearest.label} costs most (median ${money(median(dearest, 'cost'), currency)}` +
        (Number.isFinite(ratio) && ratio >= 1.1 ? `, ${ratio.toFixed(1)} times as much).` : ').'),
    );
  } else if (costed.length === 1) {
    points.push(`${costed[0]!.label} costs a median of ${money(median(costed[0]!, 'cost'), currency)}.`);
  }

  // Governance interventions, only when they happen.
  for (const f of figures) {
    const harsh = f.governance[2]! + f.governance[3]!;
    if (harsh >= 0.05) points.push(`${sentence(f.label)} ends with the platform restricted or shut down in ${percent(harsh)} of rollouts.`);
  }

  const caveat =
    'These are forecasts from a model of how people take up the platform, under the assumptions listed below. ' +
    'They show the range of outcomes those assumptions allow, not a prediction of one future: read the medians as typical and the intervals as how much the outcome can vary.';
  const advice = recommendation(data.summary);
  // When no strategy reaches the target in any rollout, the headline says so first; praising the best would mislead.
  if (!advice.anyReachesTarget && ranked.length > 0) {
    points.unshift(headline);
    headline = `No strategy reaches the target of ${percent(target)} active use within ${horizon} weeks in any of the rollouts.`;
  }
  return { scope, headline, recommendation: advice.text, points, caveat };
}
