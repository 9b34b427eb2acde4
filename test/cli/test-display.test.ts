import { describe, expect, it } from 'vitest';
import type { ScenarioTestReport } from '../../src/assumptions/run.ts';
import { claimSides, describeDecision } from '../../src/assumptions/format.ts';
import { scenarioText } from '../../src/cli/commands/test.ts';
import { wrap } from '../../src/cli/format.ts';

type Result = ScenarioTestReport['assumptions'][number];

const LONG = 'P(phased_pilot_with_coaching.active_share@52 > top_down_with_announcement.active_share@52 + 0.05) >= 0.8';
const COST = 'p90(phased_pilot.cost) < 0.8 * p90(top_down.cost)';

function result(over: Partial<Result>): Result {
  return {
    id: 'pilot_is_ahead', description: 'The pilot is ahead after a year', claim: LONG, verdict: 'pass', method: 'binomial',
    quantity: 'P(...)', estimate: 0.93, interval: [0.85, 1], op: '>=', threshold: 0.8, lhs: 0.93, rhs: 0.8,
    rollouts: 60, looks: 1, plannedLooks: 2, confidence: 0.95, alpha: 0.025, ...over,
  } as Result;
}

function report(assumptions: Result[]): ScenarioTestReport {
  return { file: 'scenarios/x.yaml', name: 'x', seed: 1, plan: { start: 30, batch: 30, budget: 120, looks: [30, 60] }, rollouts: 60, cachedRollouts: 0, seconds: 1, assumptions };
}

const COST_RESULT = result({
  id: 'pilot_costs_less', claim: COST, method: 'bootstrap', quantity: 'lhs - rhs', estimate: -53_407, interval: [-60_000, -41_000], op: '<', threshold: 0, lhs: 420_113, rhs: 473_520,
});

describe('uptake test on the terminal', () => {
  it('keeps every claim whole on a 220-column terminal', () => {
    const text = scenarioText(report([result({}), COST_RESULT]), false, 220);
    expect(text).toContain(LONG);
    expect(text).not.toContain('…');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(220);
  });

  it('wraps a claim too long for a narrow terminal onto further lines instead of cutting it', () => {
    const text = scenarioText(report([result({})]), false, 100);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text).not.toContain('…');
    // The claim column starts after "pilot_is_ahead" and two spaces; its further lines leave the other columns empty.
    const claimColumn = text.split('\n').filter((l) => /^(pilot_is_ahead {2}| {16}\S)/.test(l));
    expect(claimColumn.length).toBeGreaterThan(1);
    const rebuilt = claimColumn.map((l) => l.slice(16).replace(/ {2,}.*$/, '').trim()).join(' ').replace(/([.(]) /g, '$1');
    expect(rebuilt).toBe(LONG);
  });

  it('shows the two sides of a claim between two aggregates, not their difference as "lhs - rhs"', () => {
    const text = scenarioText(report([COST_RESULT]), false, 220);
    expect(text).toMatch(/pilot_costs_less\s+p90\(phased_pilot\.cost\) < 0\.8 \* p90\(top_down\.cost\)\s+420,113 vs 473,520\s+difference \[-60,000, -41,000\]\s+pass/);
    expect(text).not.toContain('lhs - rhs');
    const failing = describeDecision({ ...COST_RESULT, verdict: 'fail' });
    expect(failing).toMatch(/^p90\(phased_pilot\.cost\) = 420,113, 0\.8 \* p90\(top_down\.cost\) = 473,520; their difference = -53,407, interval of the difference \[-60,000, -41,000\]/);
    expect(failing).toContain('the claim needs the difference < 0');
  });
});

describe('wrapping and splitting claims', () => {
  it('breaks after spaces, dots and parentheses, and cuts a name only when it is longer than a line', () => {
    expect(wrap('median(top_down.weeks_to_critical_mass) <= 26', 24)).toEqual(['median(top_down.', 'weeks_to_critical_mass)', '<= 26']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('short', 40)).toEqual(['short']);
  });

  it('splits a claim at its comparison, not at == inside P(...)', () => {
    expect(claimSides(COST)).toEqual(['p90(phased_pilot.cost)', '0.8 * p90(top_down.cost)']);
    expect(claimSides('P(a.weeks_to_target == never) >= 0.5')).toEqual(['P(a.weeks_to_target == never)', '0.5']);
  });
});
