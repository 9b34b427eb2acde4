import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { type StrategyFigures, comparison, strategyFigures } from '../../src/report/figures.ts';
import { loadReportData } from '../../src/report/load.ts';
import type { ReportData } from '../../src/report/model.ts';
import { executiveSummary, interval, reachSentence } from '../../src/report/narrative.ts';
import { quantileSorted, spread } from '../../src/report/stats.ts';
import { tempDir } from './fixture.ts';
import { writeSyntheticOutputs } from './synthetic.ts';

let dir: string;
let data: ReportData;

beforeAll(async () => {
  dir = writeSyntheticOutputs(tempDir('narrative'), { rollouts: 80 });
  data = await loadReportData(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function figuresWith(weeks: number[]): StrategyFigures {
  return { name: 'phased_pilot', label: 'The phased pilot', n: weeks.length, results: new Map([['weeks_to_target', spread(weeks)]]), fellBack: 0, reachedCriticalMass: 1, governance: [1, 0, 0, 0] };
}

describe('statistics with "never"', () => {
  it('counts "never" as later than any week, so a median can be never', () => {
    expect(spread([10, 12, NaN]).median).toBe(12);
    expect(spread([10, NaN, NaN]).median).toBe(Infinity);
    expect(spread([10, NaN, NaN]).never).toBeCloseTo(2 / 3);
  });

  it('takes quantiles as the runner does: type 7, interpolating between order statistics, never toward never', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 12);
    expect(quantileSorted([1, 2, Infinity], 0.75)).toBe(Infinity);
    expect(quantileSorted([1, 2, Infinity], 0.5)).toBe(2);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('sentences about reaching a share', () => {
  it('gives the median and the range of the middle 90% of rollouts (5th to 95th percentile, as everywhere)', () => {
    const weeks = Array.from({ length: 11 }, (_, i) => 17 + i); // 17..27
    expect(reachSentence(figuresWith(weeks), '40% active use', 52, 'weeks_to_target')).toBe(
      'The phased pilot reaches 40% active use in 22 weeks (median; 90% of rollouts between 18 and 27 weeks).',
    );
  });

  it('says how many rollouts never get there when the slowest tenth never does', () => {
    const weeks = [...Array.from({ length: 8 }, (_, i) => 20 + i), NaN, NaN];
    expect(reachSentence(figuresWith(weeks), '40% active use', 52, 'weeks_to_target')).toBe(
      'The phased pilot reaches 40% active use in 25 weeks (median; the fastest 5% of rollouts within 20 weeks), but 20% of rollouts never get there within 52 weeks.',
    );
  });

  it('says the share is not reached in most rollouts when the median is never', () => {
    const weeks = [30, 31, 33, NaN, NaN, NaN, NaN, NaN, NaN, NaN];
    expect(reachSentence(figuresWith(weeks), '40% active use', 52, 'weeks_to_target')).toBe(
      'The phased pilot does not reach 40% active use within 52 weeks in most rollouts (70% never get there; the fastest 5% take 30 weeks or less).',
    );
  });

  it('says never in any rollout when no rollout gets there', () => {
    expect(reachSentence(figuresWith([NaN, NaN, NaN]), '40% active use', 52, 'weeks_to_target')).toBe(
      'The phased pilot never reaches 40% active use within 52 weeks in any of its 3 rollouts.',
    );
  });

  it('writes intervals without "0%" or "100%" that are not exactly so', () => {
    expect(interval(0.61, 0.83)).toBe('61–83%');
    expect(interval(0.91, 0.998)).toBe('91–99.8%');
    expect(interval(0, 1)).toBe('0–100%');
  });
});

describe('the executive summary', () => {
  it('leads with the strategy that sustains the most use and how often it wins rollout by rollout', () => {
    const figures = strategyFigures(data);
    const summary = executiveSummary(data, figures);
    const best = [...figures].sort((a, b) => b.results.get('sustained_share')!.median - a.results.get('sustained_share')!.median)[0]!;
    expect(best.label).toBe('Phased pilot');
    expect(summary.headline).toMatch(/^Phased pilot sustains the most use: a median of \d+% of employees active over the final 13 weeks, against \d+% for /);
    const vsTopDown = comparison(data, 'phased_pilot', 'top_down', 'sustained_share')!;
    expect(summary.headline).toContain(`${Math.round(vsTopDown.pBeats * 100)}%`);
    expect(summary.scope).toMatch(/^3 strategies were simulated for A synthetic 500-person firm: Top-down, Bottom-up and Phased pilot, each over 52 weeks in 80 rollouts\./);
  });

  it('says which strategy peaks then falls back below critical mass, with the share of rollouts derived from the data', () => {
    const figures = strategyFigures(data);
    const topDown = figures.find((f) => f.name === 'top_down')!;
    expect(topDown.fellBack).toBeGreaterThan(0.1);
    const sentence = executiveSummary(data, figures).points.find((p) => p.startsWith('Top-down peaks'))!;
    expect(sentence).toMatch(/falls back below critical mass over the final weeks in \d+% of rollouts\.$/);
    expect(sentence).toContain(`${Math.round(topDown.fellBack * 100)}% of rollouts`);
  });

  it('speaks only of the rollouts that got there when the typical peak stays below critical mass', () => {
    const low: ReportData = { ...data, rollouts: new Map([...data.rollouts].map(([k, v]) => [k, { ...v, columns: new Map(v.columns) }])) };
    low.rollouts.get('top_down')!.columns.set('peak_share', new Float64Array(low.rollouts.get('top_down')!.n).fill(0.1));
    const figures = strategyFigures(low);
    const fell = Math.round(figures.find((f) => f.name === 'top_down')!.fellBack * 100);
    expect(executiveSummary(low, figures).points).toContain(`Top-down reaches critical mass and then falls back below it over the final weeks in ${fell}% of rollouts.`);
  });

  it('spells out "never" for a strategy that does not reach the target and names the cheapest strategy', () => {
    const points = executiveSummary(data).points;
    expect(points.some((p) => /^Bottom-up (never reaches|does not reach) 40% active use within 52 weeks/.test(p))).toBe(true);
    expect(points.some((p) => /^Bottom-up costs least \(median \d+k\); Top-down costs most/.test(p))).toBe(true);
  });

  it('names no winner when no strategy sustains even 1% active use', () => {
    const none: ReportData = { ...data, rollouts: new Map([...data.rollouts].map(([k, v]) => [k, { ...v, columns: new Map(v.columns) }])) };
    for (const r of none.rollouts.values()) r.columns.set('sustained_share', new Float64Array(r.n).fill(0.002));
    expect(executiveSummary(none).headline).toBe('No strategy takes hold: sustained use stays below 1% of employees over the final 13 weeks (median) under every strategy.');
  });

  it('says once that a strategy never reaches critical mass, rather than also listing its target', () => {
    const stuck: ReportData = { ...data, rollouts: new Map([...data.rollouts].map(([k, v]) => [k, { ...v, columns: new Map(v.columns) }])) };
    const bottomUp = stuck.rollouts.get('bottom_up')!;
    bottomUp.columns.set('weeks_to_critical_mass', new Float64Array(bottomUp.n).fill(NaN));
    bottomUp.columns.set('weeks_to_target', new Float64Array(bottomUp.n).fill(NaN));
    const about = executiveSummary(stuck).points.filter((p) => p.startsWith('Bottom-up') && !p.includes('cost'));
    expect(about).toEqual(['Bottom-up never reaches critical mass (20% active use), let alone 40%, in any of its 80 rollouts.']);
  });

  it('gives no cost ratio against a strategy that costs nothing', () => {
    const free: ReportData = { ...data, rollouts: new Map([...data.rollouts].map(([k, v]) => [k, { ...v, columns: new Map(v.columns) }])) };
    free.rollouts.get('bottom_up')!.columns.set('cost', new Float64Array(free.rollouts.get('bottom_up')!.n));
    const sentence = executiveSummary(free).points.find((p) => p.startsWith('Bottom-up costs least'))!;
    expect(sentence).toMatch(/^Bottom-up costs least \(median 0\); Top-down costs most \(median \d+k\)\.$/);
  });

  it('flips a stored paired comparison when asked the other way round', () => {
    const ab = comparison(data, 'top_down', 'bottom_up', 'cost')!;
    const ba = comparison(data, 'bottom_up', 'top_down', 'cost')!;
    expect(ba.pBeats).toBeCloseTo(1 - ab.pBeats, 12);
    expect(ba.lower).toBeCloseTo(1 - ab.upper, 12);
    expect(ba.medianDifference).toBeCloseTo(-ab.medianDifference!, 12);
  });
});
