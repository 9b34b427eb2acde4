/**
 * `uptake explore` end to end on a small scenario (200 people, 20 weeks, 3 inputs, N = 16, R = 2):
 * the same bytes on 1 and 2 workers and after a resumed interrupt, a row for every result, strategy
 * or pair, input and index, an input with no effect shown as about zero, an input with one not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOverrides, loadScenario } from '../../src/scenarios/load.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { exploreSettings } from '../../src/explore/design.ts';
import { EXPLORE_OUTCOMES, ExploreInterrupted, INDICES_COLUMNS, runExplore, unitsOf, type ExploreResult } from '../../src/explore/run.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'small.yaml');
const FILES = ['design.csv', 'indices.csv', 'indices-by-week.csv', 'summary.json'];
let root: string;
let experiment: Experiment;
let sequential: ExploreResult;

const read = (dir: string): Record<string, string> => Object.fromEntries(FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'uptake-explore-'));
  experiment = await loadScenario(FIXTURE);
  sequential = await runExplore({ experiment, settings: exploreSettings(experiment), out: join(root, 'one'), workers: 1, runner: 'sequential' });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake explore --method sobol', () => {
  it('writes the same bytes on 1 and 2 workers', async () => {
    const two = await runExplore({ experiment, settings: exploreSettings(experiment), out: join(root, 'two'), workers: 2, runner: 'pool' });
    expect(two.workers).toBe(2);
    expect(read(two.dir)).toEqual(read(sequential.dir));
    expect(readdirSync(join(root, 'two')).filter((n) => n.startsWith('.'))).toEqual([]); // no work folder left
  }, 120_000);

  it('indices.csv has the documented columns and one row per result, strategy or pair, input, index and N', () => {
    const lines = readFileSync(join(sequential.dir, 'indices.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(INDICES_COLUMNS.join(','));
    expect(lines[0]).toBe('method,outcome,strategy,input,index,estimate,low,high,n');
    const units = unitsOf(['top_down', 'phased_pilot']).map((u) => u.name);
    expect(units).toEqual(['top_down', 'phased_pilot', 'top_down-phased_pilot']);
    const inputs = ['adoption.imitation', 'costs.training_per_person', 'strategies.phased_pilot.options.pilot_share'];
    const keys = new Set(lines.slice(1).map((l) => l.split(',').filter((_, i) => [1, 2, 3, 4, 8].includes(i)).join('|')));
    for (const outcome of EXPLORE_OUTCOMES) for (const unit of units) for (const input of inputs) for (const index of ['first_order', 'total']) for (const n of [8, 16]) {
      expect(keys.has(`${outcome}|${unit}|${input}|${index}|${n}`), `${outcome} ${unit} ${input} ${index} ${n}`).toBe(true);
    }
    expect(lines.length - 1).toBe(EXPLORE_OUTCOMES.length * units.length * inputs.length * 2 * 2);
    const design = readFileSync(join(sequential.dir, 'design.csv'), 'utf8').trimEnd().split('\n');
    expect(design[0]).toBe(`point,block,row,${inputs.join(',')}`);
    expect(design).toHaveLength(1 + 16 * (3 + 2));
    const byWeek = readFileSync(join(sequential.dir, 'indices-by-week.csv'), 'utf8').split('\n')[0];
    expect(byWeek).toBe('method,observable,week,strategy,input,index,estimate,low,high,n');
  });

  it('shows an input with no effect (a cost parameter, on adoption) as about zero, and finds the inputs that matter', () => {
    const rows = sequential.indices;
    const of = (outcome: string, strategy: string, input: string, index: string) => rows.find((r) => r.outcome === outcome && r.strategy === strategy && r.input === input && r.index === index && r.n === 16)!;
    for (const strategy of ['top_down', 'phased_pilot', 'top_down-phased_pilot']) {
      for (const index of ['first_order', 'total']) {
        const row = of('sustained_share', strategy, 'costs.training_per_person', index);
        expect(row.low, `${strategy} ${index}`).toBeLessThanOrEqual(1e-12);
        expect(row.high, `${strategy} ${index}`).toBeGreaterThanOrEqual(-1e-12);
        expect(Math.abs(row.estimate)).toBeLessThan(0.05);
      }
    }
    // The pilot share is not an option of the top-down launch: about zero there, not for the pilot.
    expect(Math.abs(of('sustained_share', 'top_down', 'strategies.phased_pilot.options.pilot_share', 'total').estimate)).toBeLessThan(1e-12);
    expect(of('sustained_share', 'phased_pilot', 'strategies.phased_pilot.options.pilot_share', 'total').low).toBeGreaterThan(0);
    // The cost of training is what moves the top-down launch's cost (its licences do not depend on it).
    expect(of('cost', 'top_down', 'costs.training_per_person', 'total').low).toBeGreaterThan(0);
    expect(of('sustained_share', 'top_down', 'adoption.imitation', 'total').low).toBeGreaterThan(0);
  });

  it('reports the Monte Carlo noise share per result and strategy, and the seeds of the replicates', () => {
    const summary = JSON.parse(readFileSync(join(sequential.dir, 'summary.json'), 'utf8')) as { noise_share: { outcome: string; strategy: string; share: number }[]; replicate_seeds: number[]; design_points: number; simulations: number };
    expect(summary.design_points).toBe(80);
    expect(summary.simulations).toBe(80 * 2 * 2);
    expect(summary.replicate_seeds).toHaveLength(2);
    const noise = summary.noise_share.find((n) => n.outcome === 'sustained_share' && n.strategy === 'top_down')!;
    expect(noise.share).toBeGreaterThan(0);
    expect(noise.share).toBeLessThan(1);
    expect(summary.noise_share.length).toBe(EXPLORE_OUTCOMES.length * 3);
  });

  it('Morris: the same bytes on 1 and 2 workers, μ* of the cost input exactly zero for adoption, and the pilot share first for the pilot', async () => {
    const settings = exploreSettings(experiment, { method: 'morris', samples: 12 });
    const one = await runExplore({ experiment, settings, out: join(root, 'morris-one'), workers: 1, runner: 'sequential' });
    const two = await runExplore({ experiment, settings, out: join(root, 'morris-two'), workers: 2, runner: 'pool' });
    expect(read(two.dir)).toEqual(read(one.dir));
    const design = readFileSync(join(one.dir, 'design.csv'), 'utf8').trimEnd().split('\n');
    expect(design).toHaveLength(1 + 12 * 4);
    expect(design[1]).toMatch(/^0,T0,0,/);
    const of = (strategy: string, input: string, index: string) => one.indices.find((r) => r.outcome === 'sustained_share' && r.strategy === strategy && r.input === input && r.index === index && r.n === 12)!;
    for (const strategy of ['top_down', 'phased_pilot', 'top_down-phased_pilot']) expect(of(strategy, 'costs.training_per_person', 'mu_star')).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(of('phased_pilot', 'strategies.phased_pilot.options.pilot_share', 'mu_star').low).toBeGreaterThan(of('phased_pilot', 'costs.training_per_person', 'mu_star').high);
    expect(one.indices.filter((r) => r.n === 6)).toHaveLength(one.indices.length / 2);
  }, 120_000);

  it('after an interrupt keeps the finished batches, and --resume gives the bytes of an uninterrupted run', async () => {
    const out = join(root, 'stopped');
    const controller = new AbortController();
    await expect(runExplore({
      experiment, settings: exploreSettings(experiment), out, workers: 1, runner: 'sequential', signal: controller.signal,
      onProgress: (done) => { if (done >= 40) controller.abort(); },
    })).rejects.toBeInstanceOf(ExploreInterrupted);
    expect(existsSync(join(out, 'explore'))).toBe(false);
    const work = readdirSync(out).filter((n) => n.startsWith('.explore.uptake-'));
    expect(work).toHaveLength(1);
    // An uptake run into the same folder meanwhile keeps the interrupted explore's batches.
    await runExperiment({ experiment: applyOverrides(experiment, { rollouts: 2 }), out, workers: 1, runner: 'sequential' });
    expect(readdirSync(out).filter((n) => n.startsWith('.explore.uptake-'))).toEqual(work);
    const resumed = await runExplore({ experiment, settings: exploreSettings(experiment), out, workers: 2, resume: true });
    expect(resumed.resumedRollouts).toBeGreaterThan(0);
    expect(read(resumed.dir)).toEqual(read(sequential.dir));
    expect(readdirSync(out).filter((n) => n.startsWith('.') || n === 'explore')).toEqual(['explore']);
    expect(existsSync(join(out, 'summary.json'))).toBe(true); // the run's outputs are still there
  }, 120_000);
});
