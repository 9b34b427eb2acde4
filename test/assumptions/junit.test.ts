import { describe, expect, it } from 'vitest';
import { junitXml } from '../../src/assumptions/junit.ts';
import { advice } from '../../src/assumptions/format.ts';
import type { AssumptionResult, ScenarioTestReport } from '../../src/assumptions/run.ts';
import { all, parseXml } from './xml.ts';

function assumption(id: string, verdict: AssumptionResult['verdict'], description = `${id} in words`): AssumptionResult {
  return {
    id, description, claim: 'P(a.cost < b.cost) >= 0.8', verdict, estimate: 0.9, interval: [0.7, 0.97], quantity: 'P(a.cost < b.cost)', op: '>=', threshold: 0.8,
    method: 'binomial', lhs: 0.9, rhs: 0.8, rollouts: 30, alpha: 0.025, confidence: 0.95, looks: 2, plannedLooks: 2, on: 'strategies',
  };
}

function report(name: string, assumptions: AssumptionResult[], drift?: ScenarioTestReport['drift']): ScenarioTestReport {
  return { file: `scenarios/${name}.yaml`, name, seed: 1, plan: { start: 15, batch: 15, budget: 30, looks: [15, 30] }, rollouts: 30, cachedRollouts: 0, seconds: 1.5, assumptions, ...(drift ? { drift } : {}) };
}

const drift = {
  file: 'baselines/b.json', baselineRollouts: 30, tested: 26, alpha: 0.01, perTestAlpha: 0.01 / 26, notInBaseline: [],
  drifts: [{ strategy: 'a', result: 'cost', d: 1, p: 1e-9, baselineMedian: 10, currentMedian: 20 }],
};

describe('JUnit XML', () => {
  const reports = [
    report('a', [assumption('ok', 'pass'), assumption('broken', 'fail', 'Pilots <always> win & "never" lose \u0001'), assumption('unsure', 'inconclusive')]),
    report('b', [assumption('fine', 'pass')], drift),
  ];

  it('is well-formed, escapes what it quotes, and counts failures and inconclusive claims', () => {
    const xml = parseXml(junitXml(reports, { allowInconclusive: false, failOnDrift: false }));
    expect(xml.attributes).toMatchObject({ name: 'uptake test', tests: '5', failures: '2', errors: '0', skipped: '0' });
    const suites = all(xml, 'testsuite');
    expect(suites.map((s) => [s.attributes.name, s.attributes.tests, s.attributes.failures])).toEqual([['a', '3', '2'], ['b', '2', '0']]);
    expect(all(xml, 'failure').map((f) => [f.attributes.type, f.attributes.message])).toEqual([
      ['fail', 'assumption failed: P(a.cost < b.cost) >= 0.8'],
      ['inconclusive', 'inconclusive after 30 rollouts: P(a.cost < b.cost) >= 0.8'],
    ]);
    expect(all(xml, 'testcase').map((c) => c.attributes.name)).toEqual(['ok', 'broken', 'unsure', 'fine', 'baseline drift']);
  });

  it('marks inconclusive claims skipped with --allow-inconclusive, and drift failed with --fail-on-drift', () => {
    const xml = parseXml(junitXml(reports, { allowInconclusive: true, failOnDrift: true }));
    expect(xml.attributes).toMatchObject({ tests: '5', failures: '2', skipped: '1' });
    expect(all(xml, 'failure').map((f) => f.attributes.type)).toEqual(['fail', 'drift']);
    expect(all(xml, 'skipped')).toHaveLength(1);
  });
});

describe('JUnit XML of claims on a forecast', () => {
  it('says in the message and the details that the claim is about the forecast', () => {
    const failed = { ...assumption('wide_now', 'fail'), claim: 'P(forecast.top_down.cost < continue.cost) >= 0.8', on: 'forecast' as const };
    const forecast = { telemetry: 'scenarios/pilot.csv', lastWeek: 14, particles: 200, generations: 6, simulations: 11600, stopReason: 'max_generations', calibrationCached: true, rollouts: 30, cachedRollouts: 30, warnings: [] };
    const text = junitXml([{ ...report('p', [assumption('ok', 'pass'), failed]), forecast }], { allowInconclusive: false, failOnDrift: false });
    expect(all(parseXml(text), 'failure')[0]!.attributes.message).toBe('assumption failed (on the forecast): P(forecast.top_down.cost < continue.cost) >= 0.8');
    const [passed, failedCase] = text.split('<testcase').slice(1);
    expect(failedCase).toContain('on the forecast from week 15, calibrated on weeks 1–14 of scenarios/pilot.csv (200 particles, 6 generations, 11,600 simulations, from the cache)');
    expect(failedCase).toContain('fail after 30 forecast rollouts');
    expect(passed).not.toContain('forecast');
  });
});

describe('advice for inconclusive probability claims', () => {
  it('says how many rollouts the claim needs at the least, or that it can never pass', () => {
    const d = { ...assumption('x', 'inconclusive'), threshold: 0.9, alpha: 0.0125 };
    // 0.0125^(1/42) = 0.901 >= 0.9, 0.0125^(1/41) < 0.9.
    expect(advice(d)).toBe('even if every rollout agreed, this takes at least 42 rollouts at this confidence');
    expect(advice({ ...d, threshold: 1 })).toContain('no number of rollouts can show a probability >= 1');
    expect(advice({ ...d, verdict: 'pass' })).toBeUndefined();
  });
});
