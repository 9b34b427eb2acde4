/**
 * The direction of each mechanism (MODEL-BRIEF.md), each a paired comparison:
 * the same organisations and dynamics seeds with and without the cause. The
 * mean paired difference must exceed three standard errors in the stated
 * direction; seeds are fixed, so the verdict never flakes.
 */
import { describe, expect, it } from 'vitest';
import { OBS, RES, builtinStrategy, type StrategyPlan, type Intervention } from '../../src/model/index.ts';
import { mean, paired, params, seriesAt, standardError } from './helpers.ts';

const base = { weeks: 52, organisation: { employees: 800 } } as const;
const rollouts = 16;

function withInterventions(plan: StrategyPlan, ...extra: Intervention[]): StrategyPlan {
  return { ...plan, name: `${plan.name}_plus`, interventions: [...plan.interventions, ...extra] };
}

function expectPositive(diff: number[]): void {
  const m = mean(diff);
  const se = standardError(diff);
  expect(m, `mean paired difference ${m.toFixed(4)} with standard error ${se.toFixed(4)}`).toBeGreaterThan(3 * se);
  expect(m).toBeGreaterThan(0);
}

const seedUsers = (share: number): StrategyPlan => ({
  name: `seed_${share}`,
  interventions: [
    { type: 'access', at: 0, target: { kind: 'all' } },
    { type: 'seed_users', at: 0, target: { kind: 'share', share } },
  ],
});

describe('mechanism directions', () => {
  it('the empty room makes users lapse: a few isolated users leave far more often than a crowd', () => {
    const p = params({ ...base, weeks: 16 });
    const churn = (out: { results: Float64Array }) => out.results[RES.churn]!;
    const { diff } = paired(rollouts, { params: p, plan: seedUsers(0.03) }, { params: p, plan: seedUsers(0.5) }, churn);
    expectPositive(diff);
    // Without the critical-mass mechanism, the few stay: the lapsing came from the empty room.
    const off = params({ ...base, weeks: 16, mechanisms: { criticalMass: false } });
    const few = paired(rollouts, { params: p, plan: seedUsers(0.03) }, { params: off, plan: seedUsers(0.03) }, churn);
    expectPositive(few.diff);
  });

  it('catalyst managers raise their team\'s adoption compared with gatekeepers', () => {
    const catalysts = params({ ...base, managers: { styleMean: 0.9, styleSd: 0 }, mechanisms: { managerDynamics: false } });
    const gatekeepers = params({ ...base, managers: { styleMean: 0.1, styleSd: 0 }, mechanisms: { managerDynamics: false } });
    const plan = builtinStrategy('top_down');
    const { diff } = paired(rollouts, { params: catalysts, plan }, { params: gatekeepers, plan }, (out) => out.results[RES.sustained_share]!);
    expectPositive(diff);
  });

  it('stronger silos lower cross-department knowledge flow', () => {
    const open = params({ ...base, organisation: { ...base.organisation, siloStrength: 0.1 } });
    const siloed = params({ ...base, organisation: { ...base.organisation, siloStrength: 0.95 } });
    const plan = builtinStrategy('phased_pilot');
    const perActiveWeek = (out: { results: Float64Array; series: Float64Array }) => {
      let activeWeeks = 0;
      for (let w = 1; w <= base.weeks; w++) activeWeeks += seriesAt(out.series, w, OBS.active_share);
      return out.results[RES.cross_flow_total]! / Math.max(1e-9, activeWeeks);
    };
    const { diff } = paired(rollouts, { params: open, plan }, { params: siloed, plan }, perActiveWeek);
    expectPositive(diff);
  });

  it('a governance shutdown of a grown free network drops adoption', () => {
    const enthusiasts = builtinStrategy('bottom_up', { enthusiastShare: 0.08 });
    const shutdown = params({
      ...base,
      governance: { triggerShare: 0.06, payProbability: 0, restrictProbability: 0, shutdownProbability: 1 },
    });
    const free = params({ ...base, mechanisms: { governance: false } });
    const outcome: number[] = [];
    const { diff } = paired(rollouts, { params: free, plan: enthusiasts }, { params: shutdown, plan: enthusiasts }, (out, p) => {
      if (p === shutdown) outcome.push(out.results[RES.governance]!);
      return out.results[RES.sustained_share]!;
    });
    expectPositive(diff);
    expect(outcome.filter((g) => g === 3).length).toBeGreaterThanOrEqual(rollouts / 2);
  });

  it('a job-description change raises participation: more active producers and more content', () => {
    const p = params(base);
    const plan = builtinStrategy('top_down');
    const changed = withInterventions(plan, { type: 'job_description', at: 0, target: { kind: 'all' }, relief: 0.5 });
    const producers = paired(rollouts, { params: p, plan: changed }, { params: p, plan }, (out) => out.results[RES.producers_share]!);
    expectPositive(producers.diff);
    const content = paired(rollouts, { params: p, plan: changed }, { params: p, plan }, (out) => seriesAt(out.series, base.weeks, OBS.content));
    expectPositive(content.diff);
  });

  it('reverse mentoring converts managers toward catalysts', () => {
    const p = params(base);
    const plan = builtinStrategy('top_down');
    const mentored = withInterventions(plan, { type: 'reverse_mentoring', at: 0, count: 60, weeks: 26 });
    const catalystsAt26 = (out: { series: Float64Array }) => seriesAt(out.series, 26, OBS.catalyst_share);
    const { diff } = paired(rollouts, { params: p, plan: mentored }, { params: p, plan }, catalystsAt26);
    expectPositive(diff);
    // Switched off, the same pairs change nothing.
    const off = params({ ...base, mechanisms: { reverseMentoring: false } });
    const none = paired(4, { params: off, plan: mentored }, { params: off, plan }, catalystsAt26);
    expect(none.diff.every((d) => d === 0)).toBe(true);
  });
});
