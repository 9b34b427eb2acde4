/**
 * Assumptions checked on the real model: a 300-person organisation over 30
 * weeks, 20 rollouts, on the main thread (workers: 1) to stay fast.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { testScenario, testPlan } from '../../src/assumptions/run.ts';
import { cacheKey, columnsFor, RolloutSource } from '../../src/assumptions/rollouts.ts';
import { runBatch, layoutOf, seriesAt, strategyOffset, waveForcedAt, waveOpenAt } from '../../src/runner/batch.ts';
import { OBS, OBSERVABLE_COUNT, RES } from '../../src/model/index.ts';
import { interruptedNote } from '../../src/cli/commands/test.ts';

const base = readFileSync(new URL('./fixtures/small.yaml', import.meta.url), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'uptake-assumptions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function withClaims(claims: Record<string, string>, text = base): string {
  const body = Object.entries(claims).map(([id, claim]) => `    ${id}:\n      description: ${id}\n      claim: "${claim}"`).join('\n');
  return text.replace(/\n  claims:\n[\s\S]*$/, `\n  claims:\n${body}\n`);
}

/**
 * A phased strategy `pilot` (2 waves after the pilot, a gate of 90% active use never met, the given maximum
 * wait) beside the fixture's strategies, with one claim: the sample of 4 rollouts read for `columns` (of
 * `pilot.`), and what runBatch packs for the same rollouts (value at `offset` in the pilot strategy's block).
 */
async function phasedRollouts(claims: Record<string, string>, gateMaxWeeks: number, columns: string[]) {
  const experiment = loadScenarioText(withClaims(claims, base.replace(
    '  no_access:\n',
    `  pilot:\n    type: phased_pilot\n    options: {waves: 2, gate_active_share: 0.9, gate_min_weeks: 4, gate_max_weeks: ${gateMaxWeeks}}\n  no_access:\n`,
  )), 'small.yaml');
  const source = new RolloutSource(experiment, columnsFor(experiment, columns.map((c) => `pilot.${c}`)), { workers: 1 });
  const sample = await source.ensure(4);
  await source.close();
  const layout = layoutOf(experiment);
  const packed = runBatch(experiment, { start: 0, end: 4 });
  const packedAt = (r: number, offset: number): number => packed[r * layout.rolloutSize + strategyOffset(layout, 1) + offset]!;
  return { experiment, sample, layout, packedAt };
}

describe('assumptions on the model', () => {
  it('pass when certainly true and fail when certainly false', async () => {
    const experiment = loadScenarioText(withClaims({
      itself: 'P(top_down.cost >= top_down.cost) >= 0.8',
      access_matters: 'P(top_down.active_share@30 > no_access.active_share@30) >= 0.8',
      no_access_wins: 'P(no_access.active_share@30 > top_down.active_share@30) >= 0.3',
      no_access_is_pricier: 'median(no_access.cost) > median(top_down.cost)',
    }), 'small.yaml');
    const report = await testScenario(experiment, { workers: 1 });
    expect(report.assumptions.map((a) => [a.id, a.verdict, a.rollouts])).toEqual([
      ['itself', 'pass', 20],
      ['access_matters', 'pass', 20],
      ['no_access_wins', 'fail', 20],
      ['no_access_is_pricier', 'fail', 20],
    ]);
    expect(report.rollouts).toBe(20);
  });

  it('grow an inconclusive claim by batches of rollouts until it is decided', async () => {
    // 10 wins of 10 cannot show >= 0.85 at 95% over 4 looks (lower bound 0.645), 20 cannot (0.803), 30 can (0.864).
    const experiment = loadScenarioText(withClaims({ certain_but_strict: 'P(top_down.cost >= top_down.cost) >= 0.85', easy: 'P(top_down.cost >= top_down.cost) >= 0.5' }), 'small.yaml');
    const report = await testScenario(experiment, { workers: 1, rollouts: 10, budget: 40 });
    expect(report.plan.looks).toEqual([10, 20, 30, 40]);
    expect(report.assumptions.map((a) => [a.id, a.verdict, a.rollouts, a.looks])).toEqual([
      ['certain_but_strict', 'pass', 30, 3],
      ['easy', 'pass', 10, 1],
    ]);
    expect(report.rollouts).toBe(30);
  });

  it('reads per-week observables and results of the same rollouts the runner produces', async () => {
    const experiment = loadScenarioText(base, 'small.yaml');
    const columns = columnsFor(experiment, ['top_down.active_share@12']);
    const source = new RolloutSource(experiment, columns, { workers: 1 });
    const sample = await source.ensure(3);
    await source.close();
    const packed = runBatch(experiment, { start: 0, end: 3 });
    const layout = layoutOf(experiment);
    for (let r = 0; r < 3; r++) {
      const o = r * layout.rolloutSize + strategyOffset(layout, 0);
      expect(sample.column('top_down.cost')[r]).toBe(packed[o + RES.cost]);
      expect(sample.column('top_down.active_share@12')[r]).toBe(packed[o + seriesAt(layout) + 12 * OBSERVABLE_COUNT + OBS.active_share]);
    }
  });

  it('says how many rollouts had finished when it is interrupted: none before the first, all of them after', async () => {
    const experiment = loadScenarioText(base, 'small.yaml');
    const columns = columnsFor(experiment, ['top_down.cost']);
    const stopped = new AbortController();
    stopped.abort();
    const fresh = new RolloutSource(experiment, columns, { workers: 1, signal: stopped.signal });
    await expect(fresh.ensure(4)).rejects.toMatchObject({ name: 'TestInterrupted', finished: 0 });
    await fresh.close();
    const going = new AbortController();
    const later = new RolloutSource(experiment, columns, { workers: 1, signal: going.signal });
    await later.ensure(3);
    going.abort();
    await expect(later.ensure(6)).rejects.toMatchObject({ name: 'TestInterrupted', finished: 3 });
    await later.close();
    // The note promises a continuation only when something finished.
    expect(interruptedNote('small', 0, true)).not.toContain('cache');
    expect(interruptedNote('small', 3, true)).toContain('The 3 rollouts finished are kept in the cache');
    expect(interruptedNote('small', 1, true)).toContain('The one rollout finished is kept in the cache');
    expect(interruptedNote('small', 3, false)).not.toContain('cache');
  });

  it('gets the same numbers on 2 worker threads as on the main thread, in rollout order', async () => {
    const experiment = loadScenarioText(base, 'small.yaml');
    const columns = columnsFor(experiment, ['no_access.access_share@5']);
    const one = new RolloutSource(experiment, columns, { workers: 1 });
    const two = new RolloutSource(experiment, columns, { workers: 2 });
    await one.ensure(6);
    await two.ensure(6);
    await two.ensure(13); // a second look adds rollouts 6..12
    await one.ensure(13);
    await Promise.all([one.close(), two.close()]);
    for (const c of columns) expect(Array.from(two.table.column(c)), c).toEqual(Array.from(one.table.column(c)));
  });

  it('reads wave open weeks as rollouts.csv has them, "never" for a wave that never opened', async () => {
    const names = ['pilot_open_week', 'wave1_open_week', 'wave2_open_week'];
    const { experiment, sample, packedAt } = await phasedRollouts({ waves_open: 'P(pilot.wave1_open_week > pilot.pilot_open_week) >= 0.5' }, 0, names);
    for (let r = 0; r < 4; r++) {
      for (const [w, name] of names.entries()) expect(Object.is(sample.column(`pilot.${name}`)[r], packedAt(r, waveOpenAt(w)))).toBe(true);
    }
    // The pilot opens at once; a gate of 90% active use, with no deadline, keeps the next waves shut.
    expect(sample.column('pilot.pilot_open_week')[0]).toBeLessThan(5);
    expect(Number.isNaN(sample.column('pilot.wave2_open_week')[0]!)).toBe(true);
    const report = await testScenario(experiment, { workers: 1, rollouts: 10, budget: 10 });
    expect(report.assumptions[0]!.verdict).toBe('pass');
  });

  it('reads whether a wave was forced open by its deadline as rollouts.csv has it', async () => {
    // A gate of 90% active use is not met: the maximum wait of 6 weeks forces each wave open.
    const names = ['pilot_forced', 'wave1_forced', 'wave2_forced', 'wave1_open_week'];
    const { experiment, sample, layout, packedAt } = await phasedRollouts({ forced: 'P(pilot.wave1_forced == 1) >= 0.5' }, 6, names);
    for (let r = 0; r < 4; r++) {
      for (let w = 0; w < 3; w++) expect(Object.is(sample.column(`pilot.${names[w]}`)[r], packedAt(r, waveForcedAt(layout, w))), names[w]).toBe(true);
      expect([sample.column('pilot.pilot_forced')[r], sample.column('pilot.wave1_forced')[r], sample.column('pilot.wave1_open_week')[r]]).toEqual([0, 1, 7]);
    }
    const report = await testScenario(experiment, { workers: 1, rollouts: 10, budget: 10 });
    expect(report.assumptions[0]!.verdict).toBe('pass');
  });

  it('takes its rollouts and budget from the section, and from the command line over it', () => {
    const experiment = loadScenarioText(base, 'small.yaml');
    expect(testPlan(experiment, {})).toEqual({ start: 20, batch: 20, budget: 40, looks: [20, 40] });
    expect(testPlan(experiment, { rollouts: 10 })).toEqual({ start: 10, batch: 10, budget: 40, looks: [10, 20, 30, 40] });
    expect(testPlan(experiment, { rollouts: 10, budget: 10 }).looks).toEqual([10]);
  });
});

describe('the result cache', () => {
  it('serves an unchanged scenario without rerunning, with the same verdicts', async () => {
    const cacheDir = join(tmp, 'cache');
    const experiment = loadScenarioText(base, 'small.yaml');
    const first = await testScenario(experiment, { workers: 1, cacheDir });
    expect(first.cachedRollouts).toBe(0);
    const second = await testScenario(experiment, { workers: 1, cacheDir });
    expect(second.cachedRollouts).toBe(20);
    expect(second.assumptions).toEqual(first.assumptions);
  });

  it('is keyed by what decides the rollouts: a parameter or the seed, not the claims or labels', () => {
    const experiment = loadScenarioText(base, 'small.yaml');
    const columns = columnsFor(experiment);
    const key = cacheKey(experiment, columns);
    expect(cacheKey(loadScenarioText(withClaims({ other: 'median(top_down.cost) > 1' }), 'small.yaml'), columns)).toBe(key);
    expect(cacheKey(loadScenarioText(base.replace('label: Top-down launch', 'label: Launch'), 'small.yaml'), columns)).toBe(key);
    expect(cacheKey(loadScenarioText(base.replace('seed: 7', 'seed: 8'), 'small.yaml'), columns)).not.toBe(key);
    expect(cacheKey(loadScenarioText(base.replace('imitation: {uniform: [0.2, 0.3]}', 'imitation: {uniform: [0.2, 0.4]}'), 'small.yaml'), columns)).not.toBe(key);
  });
});

describe('baselines', () => {
  const baselinesDir = join(tmp, 'baselines');
  const options = { workers: 1, baselinesDir };

  it('are written with --update-baselines, one file per scenario', async () => {
    const report = await testScenario(loadScenarioText(base, 'small.yaml'), { ...options, updateBaselines: true });
    expect(report.baselineWritten).toBe(join(baselinesDir, 'small_assumptions_test.json'));
    const stored = JSON.parse(readFileSync(report.baselineWritten!, 'utf8'));
    expect(stored).toMatchObject({ format: 1, scenario: 'small_assumptions_test', seed: 7, rollouts: 20 });
    expect(stored.results.top_down.cost).toHaveLength(20);
    expect(stored.results.no_access.weeks_to_critical_mass.every((v: unknown) => v === null)).toBe(true);
  });

  it('report no drift for the unchanged scenario, with the same seed or another', async () => {
    const same = await testScenario(loadScenarioText(base, 'small.yaml'), options);
    expect(same.drift).toMatchObject({ tested: 26, drifts: [], notInBaseline: [] });
    const otherSeed = await testScenario(loadScenarioText(base.replace('seed: 7', 'seed: 1234'), 'small.yaml'), options);
    expect(otherSeed.drift!.drifts).toEqual([]);
  });

  it('flag a changed parameter, naming the results that moved, even when every assumption passes', async () => {
    // Far more time slack: people have time for the platform.
    const changed = base.replace('adoption:\n', 'population:\n  time_slack_mean: 0.9\n\nadoption:\n');
    const report = await testScenario(loadScenarioText(changed, 'small.yaml'), options);
    expect(report.assumptions.every((a) => a.verdict === 'pass')).toBe(true);
    const moved = report.drift!.drifts.map((d) => `${d.strategy}.${d.result}`);
    expect(moved).toContain('top_down.active_share');
    expect(moved).toContain('top_down.sustained_share');
    // Nobody without access uses it either way, and licences cost the same.
    expect(moved).not.toContain('no_access.active_share');
    expect(moved).not.toContain('top_down.cost');
    const drift = report.drift!.drifts.find((d) => d.result === 'active_share')!;
    expect(drift.currentMedian).toBeGreaterThan(drift.baselineMedian);
    expect(report.drift!.perTestAlpha).toBeCloseTo(0.01 / 26, 12);
  });

  it('are not needed: without a baseline file there is no drift report', async () => {
    const report = await testScenario(loadScenarioText(base.replace('name: small_assumptions_test', 'name: no_baseline'), 'small.yaml'), options);
    expect(report.drift).toBeUndefined();
    expect(existsSync(join(baselinesDir, 'no_baseline.json'))).toBe(false);
  });
});
