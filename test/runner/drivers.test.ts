/** What drives a run's results: Spearman's rank correlation, its interval's coverage, and a run's drivers in summary.json. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { ranks, spearman, spearmanInterval } from '../../src/runner/drivers.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import type { RunSummary } from '../../src/runner/summary.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { BASE } from '../scenarios/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'uptake-drivers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Pairs of a bivariate normal with correlation r (Box–Muller from a seeded stream). */
function bivariate(random: () => number, n: number, r: number): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    const a = u * Math.cos(angle);
    const b = u * Math.sin(angle);
    x[i] = a;
    y[i] = r * a + Math.sqrt(1 - r * r) * b;
  }
  return { x, y };
}

describe("Spearman's rank correlation", () => {
  it('ranks ties by their mean rank', () => {
    expect(Array.from(ranks([3, 1, 2, 2]))).toEqual([4, 1, 2.5, 2.5]);
  });

  it('is 1 for any increasing transform, −1 for a decreasing one, and NaN for a constant', () => {
    const x = [0.1, 0.5, 0.2, 0.9, 0.7];
    expect(spearman(x, x.map((v) => Math.exp(5 * v)))).toBeCloseTo(1, 12);
    expect(spearman(x, x.map((v) => -v * v * v))).toBeCloseTo(-1, 12);
    expect(spearman(x, x.map(() => 3))).toBeNaN();
  });

  it('has a 95% interval that covers the true value 95% of the time, for ρ = 0 and for a bivariate normal with r = 0.6', () => {
    // The population Spearman correlation of a bivariate normal is (6/π)·asin(r/2) (Pearson 1907).
    const trials = 400;
    const tolerance = 3 * Math.sqrt((0.95 * 0.05) / trials);
    for (const r of [0, 0.6]) {
      const truth = (6 / Math.PI) * Math.asin(r / 2);
      const random = seedrandom.xor4096(`spearman-${r}`);
      let covered = 0;
      for (let t = 0; t < trials; t++) {
        const { x, y } = bivariate(random, 100, r);
        const { low, high } = spearmanInterval(spearman(x, y), 100);
        if (low <= truth && truth <= high) covered++;
      }
      expect(Math.abs(covered / trials - 0.95), `r = ${r}: covered ${covered} of ${trials}`).toBeLessThanOrEqual(tolerance);
    }
  });
});

describe('a run says what drives its results', () => {
  it('puts every uncertainty against every result of every strategy and pair in summary.json; an input with no effect gets an interval covering 0', async () => {
    const text = `${BASE.replace('rollouts: 5', 'rollouts: 120')}uncertainties:
  adoption.empty_room_lapse: {uniform: [0.05, 0.6]}
  costs.training_per_person: {uniform: [50, 500]}
`;
    const experiment = loadScenarioText(text, join(root, 'drivers.yaml'));
    const out = join(root, 'run');
    await runExperiment({ experiment, out, workers: 1, runner: 'sequential' });
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    const drivers = summary.drivers!;
    const find = (outcome: string, strategy: string, input: string) => drivers.find((d) => d.outcome === outcome && d.strategy === strategy && d.input === input);
    for (const strategy of ['top_down', 'pilot', 'top_down-pilot']) {
      for (const input of ['adoption.empty_room_lapse', 'costs.training_per_person']) expect(find('sustained_share', strategy, input), `${strategy} ${input}`).toBeDefined();
    }
    // The training price changes no one's behaviour: its interval for sustained use covers 0.
    const price = find('sustained_share', 'top_down', 'costs.training_per_person')!;
    expect(price.low).toBeLessThanOrEqual(0);
    expect(price.high).toBeGreaterThanOrEqual(0);
    // Leaving empty rooms more readily lowers sustained use, clearly.
    const lapse = find('sustained_share', 'top_down', 'adoption.empty_room_lapse')!;
    expect(lapse.high).toBeLessThan(0);
    expect(lapse.n).toBe(120);
    // A pair's difference is measured rollout by rollout: recompute one from rollouts.csv.
    const rows = readFileSync(join(out, 'rollouts.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const of = (s: string) => rows.slice(1).filter((r) => r[0] === s);
    const a = of('top_down');
    const b = of('pilot');
    const difference = a.map((r, k) => Number(r[col('sustained_share')]) - Number(b[k]![col('sustained_share')]));
    const rho = spearman(a.map((r) => Number(r[col('adoption.empty_room_lapse')])), difference);
    expect(find('sustained_share', 'top_down-pilot', 'adoption.empty_room_lapse')!.rho).toBeCloseTo(rho, 4);
  }, 120_000);
});
