import { describe, expect, it } from 'vitest';
import { builtinStrategy, RES, RESULT_COUNT, withDefaults } from '../../src/model/index.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';
import { Aggregate, compare } from '../../src/runner/aggregate.ts';
import { layoutOf, strategyOffset } from '../../src/runner/batch.ts';
import { buildSummary, comparisonsOf, wilson } from '../../src/runner/finalise.ts';
import { BETTER } from '../../src/runner/metrics.ts';

const experiment: Experiment = {
  name: 'constructed', source: 'test', hash: 'h', seed: 1, rollouts: 0,
  params: withDefaults({ weeks: 2 }),
  uncertainties: [],
  strategies: [builtinStrategy('top_down', {}, 'a'), builtinStrategy('bottom_up', {}, 'b')],
};

/** Packs per-rollout results for strategies a and b (series left at zero). */
function pack(rows: { a: Partial<Record<keyof typeof RES, number>>; b: Partial<Record<keyof typeof RES, number>> }[]): Float64Array {
  const layout = layoutOf(experiment);
  const out = new Float64Array(rows.length * layout.rolloutSize);
  rows.forEach((row, i) => {
    const base = i * layout.rolloutSize;
    [row.a, row.b].forEach((values, s) => {
      const o = base + strategyOffset(layout, s);
      for (let j = 0; j < RESULT_COUNT; j++) out[o + j] = 0;
      for (const [name, v] of Object.entries(values)) out[o + RES[name as keyof typeof RES]] = v;
    });
  });
  return out;
}

describe('paired comparisons', () => {
  it('define which way is better once: more use and flow is better, less cost, churn and waiting is better', () => {
    expect(BETTER.sustained_share).toBe('higher');
    expect(BETTER.cross_flow_total).toBe('higher');
    expect(BETTER.cost).toBe('lower');
    expect(BETTER.churn).toBe('lower');
    expect(BETTER.weeks_to_target).toBe('lower');
  });

  it('count "never" as worse than any week and equal to another "never"', () => {
    expect(compare(30, NaN, 'lower', true)).toBe(1);
    expect(compare(NaN, 30, 'lower', true)).toBe(-1);
    expect(compare(NaN, NaN, 'lower', true)).toBe(0);
    expect(compare(10, 20, 'lower', true)).toBe(1);
    expect(compare(0.5, 0.4, 'higher', false)).toBe(1);
    expect(compare(0.5, 0.5, 'higher', false)).toBe(0);
  });

  it('give P(A beats B) from paired wins with ties split, a Wilson interval and the median paired difference', () => {
    // 10 rollouts: A higher in 6, lower in 2, equal in 2 → P = (6 + 1) / 10 = 0.7.
    const shares = [[0.5, 0.4], [0.6, 0.3], [0.7, 0.5], [0.4, 0.35], [0.9, 0.2], [0.3, 0.1], [0.2, 0.3], [0.1, 0.4], [0.5, 0.5], [0.25, 0.25]];
    const agg = new Aggregate(experiment, 'k');
    agg.addBatch(pack(shares.map(([a, b]) => ({ a: { sustained_share: a!, weeks_to_target: NaN }, b: { sustained_share: b!, weeks_to_target: 12 } }))));
    const comps = comparisonsOf(agg, experiment);
    const sustained = comps.find((c) => c.result === 'sustained_share')!;
    expect(sustained).toMatchObject({ a: 'a', b: 'b', n: 10, wins: 6, losses: 2, ties: 2, pBeats: 0.7, differenceN: 10 });
    // Wilson 95% for 0.7 of 10: centre 0.6445, half-width 0.2477.
    expect(sustained.ci[0]).toBeCloseTo(0.39678, 4);
    expect(sustained.ci[1]).toBeCloseTo(0.89221, 4);
    // Differences sorted: -0.3 -0.1 0 0 0.05 0.1 0.2 0.2 0.3 0.7; the median is (0.05 + 0.1) / 2, within 0.0005.
    expect(Math.abs(sustained.medianDifference! - 0.075)).toBeLessThanOrEqual(0.0005);
    expect(sustained.meanDifference).toBeCloseTo(0.115, 6);
    // A never reaches the target, B always does at week 12: B beats A every time, and no difference is defined.
    const target = comps.find((c) => c.result === 'weeks_to_target')!;
    expect(target).toMatchObject({ wins: 0, losses: 10, ties: 0, pBeats: 0, differenceN: 0, medianDifference: null });
  });

  it('match a textbook Wilson interval and stay inside [0, 1]', () => {
    const [lo, hi] = wilson(0.5, 100);
    expect(lo).toBeCloseTo(0.403832, 5);
    expect(hi).toBeCloseTo(0.596168, 5);
    expect(wilson(0, 5)[0]).toBe(0);
    expect(wilson(1, 5)[1]).toBe(1);
  });

  it('summarise result distributions with the share of "never" and governance outcomes by name', () => {
    const agg = new Aggregate(experiment, 'k');
    agg.addBatch(pack([
      { a: { weeks_to_critical_mass: 10, governance: 0 }, b: { weeks_to_critical_mass: NaN, governance: 3 } },
      { a: { weeks_to_critical_mass: 20, governance: 1 }, b: { weeks_to_critical_mass: NaN, governance: 3 } },
      { a: { weeks_to_critical_mass: NaN, governance: 0 }, b: { weeks_to_critical_mass: 40, governance: 2 } },
      { a: { weeks_to_critical_mass: 30, governance: 0 }, b: { weeks_to_critical_mass: NaN, governance: 0 } },
    ]));
    const summary = buildSummary(experiment, agg);
    const a = summary.distributions.a!.weeks_to_critical_mass!;
    // Quantiles count "never" as later than any week: of 10, 20, 30 and never the median is 25 (type 7),
    // the 5th percentile 11.5 and the 95th never; the mean covers the rollouts that got there.
    expect(a).toMatchObject({ n: 4, never: 1, neverShare: 0.25, mean: 20, p05: 11.5, p50: 25, p95: 'never', min: 10, max: 30 });
    // 40 and three nevers: the median is never, and so is the 5th percentile (it interpolates toward never); the minimum is 40.
    expect(summary.distributions.b!.weeks_to_critical_mass).toMatchObject({ never: 3, p05: 'never', p50: 'never', min: 40 });
    expect(summary.distributions.b!.governance!.categories).toEqual({ none: 1, paid: 0, restricted: 1, shut_down: 2 });
    const hist = summary.histograms.find((h) => h.result === 'weeks_to_critical_mass')!;
    expect(hist.counts.a!.reduce((s, c) => s + c, 0)).toBe(3);
    expect(hist.never).toEqual({ a: 1, b: 3 });
    expect(hist.edges[0]).toBe(10);
  });
});

describe('memory', () => {
  it('stays flat in the number of rollouts: ten times the rollouts, nowhere near ten times the summaries', () => {
    const exp: Experiment = { ...experiment, params: withDefaults({ weeks: 10 }) };
    const layout = layoutOf(exp);
    const agg = new Aggregate(exp, 'k');
    let state = 12345;
    const random = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const batch = new Float64Array(100 * layout.rolloutSize);
    let sizeAt2000 = 0;
    for (let b = 0; b < 200; b++) {
      for (let i = 0; i < batch.length; i++) batch[i] = random();
      agg.addBatch(batch);
      if (agg.rollouts === 2000) sizeAt2000 = agg.footprint();
    }
    expect(agg.rollouts).toBe(20000);
    // Values spread over (0, 1): log buckets reach further towards zero as rare small values appear (bounded at 1e-9).
    expect(agg.footprint()).toBeLessThan(sizeAt2000 * 1.5);
  });
});
