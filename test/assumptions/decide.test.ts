/**
 * Decisions on synthetic rollouts: cheap, so the error rates can be checked
 * over thousands of repetitions without running the model.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/model/rng.ts';
import { compileClaim, type CompiledClaim } from '../../src/scenarios/claim.ts';
import { decide, sampleOf, type Sample } from '../../src/assumptions/decide.ts';
import { planLooks, testSequentially } from '../../src/assumptions/sequential.ts';

const context = { strategies: ['a', 'b'], weeks: 52 };
const claim = (text: string): CompiledClaim => compileClaim(text, context);

function uniform(seed: number, n: number, shift = 0): Float64Array {
  const random = createRandom(seed);
  return Float64Array.from({ length: n }, () => random() + shift);
}

describe('claims whose truth is certain', () => {
  const random = createRandom(3);
  const cost = Float64Array.from({ length: 30 }, () => 1000 + 500 * random());
  const never = Float64Array.from({ length: 30 }, () => NaN);
  const weeks = Float64Array.from({ length: 30 }, (_, i) => 10 + (i % 7));
  const sample = sampleOf({ 'a.cost': cost, 'b.cost': Float64Array.from(cost, (c) => c * 2), 'a.weeks_to_target': weeks, 'b.weeks_to_target': never });

  it('pass when true: a value is always at least itself', () => {
    const d = decide(claim('P(a.cost >= a.cost) >= 0.8'), sample, 0.05, 1);
    expect(d).toMatchObject({ verdict: 'pass', estimate: 1, method: 'binomial', rollouts: 30 });
  });

  it('fail when false: a value is never above itself', () => {
    const d = decide(claim('P(a.cost > a.cost) >= 0.2'), sample, 0.05, 1);
    expect(d).toMatchObject({ verdict: 'fail', estimate: 0 });
    expect(d.interval[1]).toBeLessThan(0.2);
  });

  it('decide quantile claims on both sides of the data', () => {
    expect(decide(claim('median(a.cost) <= 2000'), sample, 0.05, 1).verdict).toBe('pass');
    expect(decide(claim('p90(a.cost) >= 2000'), sample, 0.05, 1).verdict).toBe('fail');
    expect(decide(claim('2000 >= median(a.cost)'), sample, 0.05, 1).verdict).toBe('pass');
  });

  it('decide paired and ratio claims with the bootstrap', () => {
    const twice = decide(claim('p90(b.cost) < 1.5 * p90(a.cost)'), sample, 0.05, 1);
    expect(twice.method).toBe('bootstrap');
    expect(twice.verdict).toBe('fail');
    expect(decide(claim('mean(b.cost - a.cost) > 0'), sample, 0.05, 1).verdict).toBe('pass');
    expect(decide(claim('median(b.cost) / median(a.cost) > 1.9'), sample, 0.05, 1).verdict).toBe('pass');
  });

  it('treat "never" as later than every week', () => {
    expect(decide(claim('P(a.weeks_to_target < b.weeks_to_target) >= 0.9'), sample, 0.05, 1).verdict).toBe('pass');
    expect(decide(claim('P(b.weeks_to_target == never) >= 0.9'), sample, 0.05, 1).verdict).toBe('pass');
    const median = decide(claim('median(b.weeks_to_target) <= 26'), sample, 0.05, 1);
    expect(median.estimate).toBe(Infinity);
    expect(median.verdict).toBe('fail');
  });
});

describe('error rates over many repetitions', () => {
  const reps = 2000;
  const slack = (alpha: number): number => alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / reps);

  it('a true probability claim at its threshold fails no more often than 5%', () => {
    // P(u < 0.8) is exactly 0.8 for uniform u: the hardest true claim.
    const c = claim('P(a.sustained_share < 0.8) >= 0.8');
    let fails = 0;
    for (let rep = 0; rep < reps; rep++) {
      if (decide(c, sampleOf({ 'a.sustained_share': uniform(rep, 40) }), 0.05, rep).verdict === 'fail') fails++;
    }
    expect(fails / reps).toBeLessThan(slack(0.05));
    expect(fails).toBeGreaterThan(0); // the bound is not vacuous
  });

  it('a true quantile claim at its threshold fails no more often than 5%', () => {
    const c = claim('median(a.sustained_share) <= 0.5');
    let fails = 0;
    for (let rep = 0; rep < reps; rep++) {
      if (decide(c, sampleOf({ 'a.sustained_share': uniform(10_000 + rep, 35) }), 0.05, rep).verdict === 'fail') fails++;
    }
    expect(fails / reps).toBeLessThan(slack(0.05));
  });

  it('a true mean claim at its threshold fails about as often as the bootstrap allows', () => {
    const c = claim('mean(a.sustained_share) <= 0.5');
    const n = 300;
    let fails = 0;
    for (let rep = 0; rep < n; rep++) {
      if (decide(c, sampleOf({ 'a.sustained_share': uniform(20_000 + rep, 60) }), 0.05, rep).verdict === 'fail') fails++;
    }
    // The percentile bootstrap is approximate: allow its small-sample excess.
    expect(fails / n).toBeLessThan(0.05 + 3 * Math.sqrt((0.05 * 0.95) / n) + 0.02);
  });

  it('a false claim passes no more often than 5%, sequential looks included', async () => {
    // P(u < 0.8) = 0.8 < 0.85: false. Four planned looks, Bonferroni inside.
    const c = { id: 'x', compiled: claim('P(a.sustained_share < 0.8) >= 0.85'), confidence: 0.95 };
    const plan = planLooks(20, 20, 80);
    let passes = 0;
    const sequences = 1000;
    for (let rep = 0; rep < sequences; rep++) {
      const data = uniform(30_000 + rep, 80);
      const [outcome] = await testSequentially([c], async (n) => sampleOf({ 'a.sustained_share': data.subarray(0, n) }), plan, rep);
      if (outcome!.verdict === 'pass') passes++;
    }
    expect(passes / sequences).toBeLessThan(0.05 + 3 * Math.sqrt((0.05 * 0.95) / sequences));
  });

  it('a true claim fails no more often than 5% over sequential looks', async () => {
    const c = { id: 'x', compiled: claim('P(a.sustained_share < 0.8) >= 0.8'), confidence: 0.95 };
    const plan = planLooks(20, 20, 100);
    let fails = 0;
    const sequences = 1000;
    for (let rep = 0; rep < sequences; rep++) {
      const data = uniform(40_000 + rep, 100);
      const [outcome] = await testSequentially([c], async (n) => sampleOf({ 'a.sustained_share': data.subarray(0, n) }), plan, rep);
      if (outcome!.verdict === 'fail') fails++;
    }
    expect(fails / sequences).toBeLessThan(0.05 + 3 * Math.sqrt((0.05 * 0.95) / sequences));
  });
});

describe('sequential testing', () => {
  it('plans looks from the start to the budget in batches', () => {
    expect(planLooks(30, 30, 120).looks).toEqual([30, 60, 90, 120]);
    expect(planLooks(30, 40, 100).looks).toEqual([30, 70, 100]);
    expect(planLooks(50, 50, 50).looks).toEqual([50]);
  });

  it('adds rollouts to an inconclusive claim until it is decided', async () => {
    // P(u < 0.9) = 0.9 against 0.75: inconclusive with 10 rollouts, decided with more.
    const data = uniform(99, 400);
    const asked: number[] = [];
    const source = async (n: number): Promise<Sample> => {
      asked.push(n);
      return sampleOf({ 'a.sustained_share': data.subarray(0, n) });
    };
    const [outcome] = await testSequentially([{ id: 'x', compiled: claim('P(a.sustained_share < 0.9) >= 0.75'), confidence: 0.95 }], source, planLooks(10, 10, 400), 1);
    expect(asked[0]).toBe(10);
    expect(asked.length).toBeGreaterThan(1);
    expect(outcome).toMatchObject({ verdict: 'pass', looks: asked.length, plannedLooks: 40 });
    expect(outcome!.rollouts).toBe(asked[asked.length - 1]);
    expect(outcome!.rollouts).toBeGreaterThan(10);
  });

  it('settles each claim at its first decisive look and stops when all are settled', async () => {
    const data = uniform(5, 200);
    const asked: number[] = [];
    const source = async (n: number): Promise<Sample> => {
      asked.push(n);
      return sampleOf({ 'a.sustained_share': data.subarray(0, n) });
    };
    const outcomes = await testSequentially(
      [
        { id: 'easy', compiled: claim('P(a.sustained_share <= 1) >= 0.5'), confidence: 0.95 },
        { id: 'harder', compiled: claim('P(a.sustained_share < 0.9) >= 0.7'), confidence: 0.95 },
      ],
      source,
      planLooks(10, 10, 200),
      1,
    );
    expect(outcomes[0]).toMatchObject({ id: 'easy', verdict: 'pass', looks: 1, rollouts: 10 });
    expect(outcomes[1]!.verdict).toBe('pass');
    expect(asked[asked.length - 1]).toBe(outcomes[1]!.rollouts);
  });

  it('gives up as inconclusive at the budget when the truth sits on the threshold', async () => {
    const data = uniform(8, 60);
    const [outcome] = await testSequentially(
      [{ id: 'edge', compiled: claim('P(a.sustained_share < 0.5) >= 0.5'), confidence: 0.95 }],
      async (n) => sampleOf({ 'a.sustained_share': data.subarray(0, n) }),
      planLooks(20, 20, 60),
      1,
    );
    expect(outcome).toMatchObject({ verdict: 'inconclusive', rollouts: 60, looks: 3, plannedLooks: 3 });
  });
});
