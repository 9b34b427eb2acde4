/**
 * The starter's own plan must survive the first edit a consultant makes: the
 * organisation's size. Its capacities and gates are shares, so the custom
 * plan sustains about the same use at 300, 1,000, 3,500 and 10,000 people
 * (the starter written before used fixed capacities and fell from about 51%
 * to 1.7% at 3,500).
 */
import { describe, expect, it } from 'vitest';
import { RES } from '../../src/model/index.ts';
import { layoutOf, runBatch, strategyOffset } from '../../src/runner/batch.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { starterScenario } from '../../src/scenarios/template.ts';

const ROLLOUTS = 16;

function medianSustained(employees: number): number {
  const text = starterScenario('s').replace('employees: 1000', `employees: ${employees}`);
  const full = loadScenarioText(text, 's.yaml');
  const experiment = { ...full, strategies: full.strategies.filter((p) => p.name === 'my_plan'), rollouts: ROLLOUTS };
  const packed = runBatch(experiment, { start: 0, end: ROLLOUTS });
  const layout = layoutOf(experiment);
  const values = Array.from({ length: ROLLOUTS }, (_, r) => packed[r * layout.rolloutSize + strategyOffset(layout, 0) + RES.sustained_share]!).sort((a, b) => a - b);
  return (values[ROLLOUTS / 2 - 1]! + values[ROLLOUTS / 2]!) / 2;
}

describe('the starter scenario', () => {
  it('keeps its custom plan working whatever the organisation\'s size', () => {
    const sizes = [300, 1000, 3500, 10_000];
    const medians = sizes.map(medianSustained);
    // Seeded, so the numbers are fixed; the tolerance is about five Monte Carlo
    // standard errors of a median of 16 rollouts (sd of sustained use about 0.05).
    for (const m of medians) expect(m).toBeGreaterThan(0.45);
    expect(Math.max(...medians) - Math.min(...medians)).toBeLessThan(0.12);
  }, 120_000);
});
