/**
 * Claims on a forecast's alternatives: the names (bare `continue`, `forecast.top_down` where an alternative
 * shares a strategy's name), the errors, and deciding them over forecast rollouts of a small scenario
 * calibrated on synthetic telemetry, with the cache keyed by the telemetry's bytes. Main thread (workers: 1).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { testScenario } from '../../src/assumptions/run.ts';
import { ForecastClaimRollouts, forecastCacheKey, prepareForecast } from '../../src/forecast/predict.ts';
import { telemetryCsv } from '../../src/forecast/synthetic.ts';
import { compileClaim, parseColumn, type ClaimContext } from '../../src/scenarios/claim.ts';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';
import { FormulaError } from '../../src/scenarios/formula.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';

const tmp = mkdtempSync(join(tmpdir(), 'uptake-forecast-claims-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** top_down is both a strategy (from week 1) and a way forward (from the week after the last observed one). */
const context: ClaimContext = {
  strategies: ['phased_pilot', 'top_down', 'bottom_up'],
  weeks: 104,
  waves: { phased_pilot: 4 },
  forecast: { alternatives: ['continue', 'top_down'], inProgress: 'phased_pilot', waves: { continue: 4, top_down: 0 } },
};

function problem(text: string, ctx: ClaimContext = context): { message: string; hint?: string; at: string } {
  try {
    compileClaim(text, ctx);
  } catch (err) {
    if (!(err instanceof FormulaError)) throw err;
    return { message: err.message, hint: err.hint, at: text.slice(err.offset) };
  }
  throw new Error(`no problem found in ${text}`);
}

describe('claims naming forecast alternatives', () => {
  it('reads the issue\'s example: continue is not a strategy, so it names the forecast', () => {
    const c = compileClaim('P(continue.active_share@104 >= 0.4) >= 0.8', context);
    expect(c).toMatchObject({ on: 'forecast', method: 'binomial', columns: ['forecast.continue.active_share@104'] });
    expect(parseColumn(c.columns[0]!)).toEqual({ forecast: true, strategy: 'continue', name: 'active_share', week: 104 });
  });

  it('tells the strategy top_down from the forecast\'s top_down: bare is the strategy, forecast.top_down the way forward', () => {
    const strategy = compileClaim('median(top_down.weeks_to_critical_mass) <= 30', context);
    expect(strategy).toMatchObject({ on: 'strategies', columns: ['top_down.weeks_to_critical_mass'] });
    const forward = compileClaim('median(forecast.top_down.weeks_to_critical_mass) <= 30', context);
    expect(forward).toMatchObject({ on: 'forecast', columns: ['forecast.top_down.weeks_to_critical_mass'] });
    // Both spellings of continue are the same column.
    const both = compileClaim('P(continue.sustained_share > forecast.top_down.sustained_share and forecast.continue.cost > 0) >= 0.8', context);
    expect(both.columns).toEqual(['forecast.continue.cost', 'forecast.continue.sustained_share', 'forecast.top_down.sustained_share']);
    expect(parseColumn('top_down.cost')).toEqual({ forecast: false, strategy: 'top_down', name: 'cost' });
  });

  it('reads the waves of each alternative\'s plan', () => {
    expect(compileClaim('median(continue.wave3_open_week) <= 60', context).columns).toEqual(['forecast.continue.wave3_open_week']);
    expect(problem('median(forecast.top_down.pilot_open_week) <= 60')).toMatchObject({ message: 'there is no pilot in forecast alternative top_down at character 26', hint: 'forecast alternative top_down has no waves' });
  });

  it('keeps a strategy called forecast readable: two parts are a strategy, three the forecast', () => {
    const ctx: ClaimContext = { ...context, strategies: [...context.strategies, 'forecast'] };
    expect(compileClaim('median(forecast.cost) > 0', ctx)).toMatchObject({ on: 'strategies', columns: ['forecast.cost'] });
    expect(compileClaim('median(forecast.top_down.cost) > 0', ctx)).toMatchObject({ on: 'forecast', columns: ['forecast.top_down.cost'] });
    expect(parseColumn('forecast.cost')).toEqual({ forecast: false, strategy: 'forecast', name: 'cost' });
  });

  it('rejects a claim mixing the forecast and the strategies, suggesting the forecast spelling', () => {
    expect(problem('P(continue.sustained_share > top_down.sustained_share) >= 0.8')).toEqual({
      message: 'continue.sustained_share reads the forecast and top_down.sustained_share a strategy run from week 1 at character 30: one claim reads one set of rollouts',
      hint: 'for the forecast\'s top_down, write forecast.top_down.sustained_share; to compare with the strategy, write two claims',
      at: 'top_down.sustained_share) >= 0.8',
    });
    // Across aggregates too, and with a strategy that is no alternative.
    expect(problem('median(phased_pilot.cost) < median(forecast.top_down.cost)')).toMatchObject({ hint: 'write two claims: one on the strategies, one on the forecast', at: 'forecast.top_down.cost)' });
  });

  it('rejects alternatives in a scenario without forecast:', () => {
    const plain: ClaimContext = { strategies: ['phased_pilot', 'top_down'], weeks: 104 };
    expect(problem('P(continue.active_share@104 >= 0.4) >= 0.8', plain)).toEqual({
      message: 'continue is a way forward of a forecast, but this scenario has no forecast: section at character 3',
      hint: 'add a forecast: section naming the strategy in progress and its telemetry (docs/forecast.md), or name a strategy: phased_pilot or top_down',
      at: 'continue.active_share@104 >= 0.4) >= 0.8',
    });
    expect(problem('median(forecast.top_down.cost) > 0', plain).message).toBe('forecast.top_down is a way forward of a forecast, but this scenario has no forecast: section at character 8');
    // Without a forecast, an unknown name is an unknown strategy, as before.
    expect(problem('median(contnue.cost) > 0', plain)).toMatchObject({ message: 'unknown strategy contnue at character 8' });
  });

  it('rejects unknown alternatives with a did-you-mean, and says what the plan in progress is called', () => {
    expect(problem('median(forecast.top_dwn.cost) > 0')).toEqual({ message: 'unknown forecast alternative top_dwn at character 17', hint: 'did you mean top_down?', at: 'top_dwn.cost) > 0' });
    expect(problem('median(contnue.cost) > 0')).toMatchObject({ message: 'unknown strategy or forecast alternative contnue at character 8', hint: 'did you mean continue?' });
    expect(problem('median(forecast.phased_pilot.cost) > 0').hint).toBe('phased_pilot is the plan in progress: its way forward is forecast.continue (alternatives: continue or top_down)');
    expect(problem('median(forecast.bottom_up.cost) > 0').hint).toBe('bottom_up is a strategy but not one of the forecast\'s alternatives: continue or top_down (add it to forecast: alternatives:)');
    expect(problem('median(forecast.continue) > 0')).toMatchObject({ message: 'forecast.continue names no result at character 8', hint: 'e.g. forecast.continue.sustained_share' });
    expect(problem('median(top_down.cost.total) > 0').message).toBe('top_down.cost.total has one part too many at character 8');
    expect(problem('median(forecast.top_down.cots) > 0')).toMatchObject({ message: 'unknown result cots at character 26', hint: 'did you mean cost?' });
    expect(problem('median(continue.access_share) > 0').hint).toBe('access_share is a per-week observable: add a week, e.g. continue.access_share@104');
  });

  it('throws nothing but its own error for mutated forecast claims', () => {
    const valid = ['P(continue.active_share@104 >= 0.4) >= 0.8', 'median(forecast.top_down.weeks_to_critical_mass) <= 30', 'P(continue.sustained_share > forecast.top_down.sustained_share) >= 0.8'];
    const mutation = fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(5), fc.constantFrom('', '(', ')', '@', '.', 'forecast.', 'continue.', 'top_down.', '.cost', 'x.y.z', '@999'));
    fc.assert(
      fc.property(mutation, ([text, at, cut, insert]) => {
        const i = at % (text.length + 1);
        try {
          compileClaim(text.slice(0, i) + insert + text.slice(i + cut), context);
        } catch (err) {
          if (!(err instanceof FormulaError)) throw err;
        }
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});

// ── A small scenario with a forecast ─────────────────────────────────────────
// 300 people, 30 weeks; top_down has run for 8 weeks; the ways forward are continue and no_access (a
// plan that only announces). At the last observed week the alternatives are one state (each rollout's
// past is shared), so claims comparing them there have a certain truth.
const small = readFileSync(new URL('./fixtures/small.yaml', import.meta.url), 'utf8');
const LAST_WEEK = 8;

function scenarioText(claims: Record<string, string>): string {
  const body = Object.entries(claims).map(([id, claim]) => `    ${id}:\n      description: ${id} in words\n      claim: "${claim}"`).join('\n');
  return small.replace('\nassumptions:', [
    '',
    'forecast:',
    '  in_progress: top_down',
    '  telemetry: telemetry.csv',
    '  alternatives: [continue, no_access]',
    '  parameters:',
    '    adoption.imitation: {uniform: [0.1, 0.5]}',
    '  particles: 20',
    '  budget: 200',
    '  generations: 2',
    '  organisations: 2',
    '',
    'assumptions:',
  ].join('\n')).replace(/\n  claims:\n[\s\S]*$/, `\n  claims:\n${body}\n`);
}

const CLAIMS = {
  cost_is_at_least_itself: 'P(top_down.cost >= top_down.cost) >= 0.8',
  // True by construction: the ways forward share each rollout's past.
  same_past: `P(continue.access_share@${LAST_WEEK} == forecast.no_access.access_share@${LAST_WEEK} and continue.active_share@${LAST_WEEK} == forecast.no_access.active_share@${LAST_WEEK}) >= 0.9`,
  // False by construction, for the same reason.
  different_past: `P(continue.active_share@${LAST_WEEK} != forecast.no_access.active_share@${LAST_WEEK}) >= 0.5`,
};

function writeScenario(dir: string, claims: Record<string, string>, truth: number, seed: number): Experiment {
  const file = join(dir, 'forecast.yaml');
  writeFileSync(file, scenarioText(claims));
  const experiment = loadScenarioText(readFileSync(file, 'utf8'), file);
  writeFileSync(join(dir, 'telemetry.csv'), telemetryCsv(experiment, { 'adoption.imitation': truth }, { weeks: LAST_WEEK, seed, command: 'test' }));
  return experiment;
}

async function testWithForecast(experiment: Experiment, cacheDir?: string) {
  const prepared = await prepareForecast(experiment);
  const made: ForecastClaimRollouts[] = [];
  const report = await testScenario(experiment, {
    workers: 1,
    ...(cacheDir ? { cacheDir } : {}),
    forecast: (columns) => {
      const source = new ForecastClaimRollouts(prepared, columns, { workers: 1, ...(cacheDir ? { cacheDir } : {}) });
      made.push(source);
      return source;
    },
  });
  return { report, prepared, made };
}

describe('claims on a forecast in a scenario file', () => {
  it('load with the rollouts they read, and every bad claim is reported at once with its line and column', () => {
    const experiment = loadScenarioText(scenarioText(CLAIMS), join(tmp, 'load.yaml'));
    expect(experiment.assumptions!.assumptions.map((a) => a.compiled.on)).toEqual(['strategies', 'forecast', 'forecast']);
    let lines: string[] = [];
    try {
      loadScenarioText(scenarioText({ mixed: 'P(continue.cost > no_access.cost) >= 0.5', typo: 'median(forecast.no_acess.cost) > 0' }), 'bad.yaml');
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      lines = err.lines();
    }
    expect(lines).toEqual([
      expect.stringMatching(/^bad\.yaml:\d+:\d+ assumptions\.claims\.mixed\.claim: continue\.cost reads the forecast and no_access\.cost a strategy run from week 1 at character 19: .* — for the forecast's no_access, write forecast\.no_access\.cost; /),
      expect.stringMatching(/^bad\.yaml:\d+:\d+ assumptions\.claims\.typo\.claim: unknown forecast alternative no_acess at character 17 — did you mean no_access\?$/),
    ]);
    // Without forecast:, the same claim is refused.
    expect(() => loadScenarioText(withoutForecast(scenarioText({ c: 'P(continue.cost > 0) >= 0.5' })), 'plain.yaml')).toThrow('continue is a way forward of a forecast, but this scenario has no forecast: section');
  });

  it('are decided over forecast rollouts: the true claim passes (after more draws), the false one fails', async () => {
    const dir = mkdtempSync(join(tmp, 'decide-'));
    const experiment = writeScenario(dir, CLAIMS, 0.3, 3);
    const { report } = await testWithForecast(experiment);
    const byId = Object.fromEntries(report.assumptions.map((a) => [a.id, a]));
    expect(byId.cost_is_at_least_itself).toMatchObject({ verdict: 'pass', on: 'strategies', rollouts: 20 });
    // 20 of 20 give a lower bound of 0.83 at 97.5%: not yet 0.9, so 20 more posterior draws are continued.
    expect(byId.same_past).toMatchObject({ verdict: 'pass', on: 'forecast', estimate: 1, rollouts: 40, looks: 2 });
    expect(byId.different_past).toMatchObject({ verdict: 'fail', on: 'forecast', estimate: 0, rollouts: 20 });
    expect(report.forecast).toMatchObject({ lastWeek: LAST_WEEK, particles: 20, rollouts: 40, calibrationCached: false, cachedRollouts: 0 });
    expect(report.forecast!.simulations).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it('draw rollout r the same however many are drawn, and do not agree at the last week by accident', async () => {
    const dir = mkdtempSync(join(tmp, 'draws-'));
    const experiment = writeScenario(dir, CLAIMS, 0.3, 3);
    const prepared = await prepareForecast(experiment);
    const columns = [`forecast.continue.active_share@${LAST_WEEK}`, 'forecast.continue.active_share@30', 'forecast.no_access.active_share@30'];
    const many = new ForecastClaimRollouts(prepared, columns, { workers: 1 });
    const few = new ForecastClaimRollouts(prepared, columns, { workers: 1 });
    const a = await many.ensure(24);
    const b = await few.ensure(5);
    await Promise.all([many.close(), few.close()]);
    for (const c of columns) expect(Array.from(b.column(c))).toEqual(Array.from(a.column(c)).slice(0, 5));
    // After the switch the ways forward part: without access nobody new comes, so no_access ends lower somewhere.
    const cont = a.column('forecast.continue.active_share@30');
    const none = a.column('forecast.no_access.active_share@30');
    expect(Array.from(cont).some((v, i) => v !== none[i])).toBe(true);
  }, 120_000);

  it('cache the calibration and the draws, and calibrate again when the telemetry changes', async () => {
    const dir = mkdtempSync(join(tmp, 'cache-'));
    const cacheDir = join(dir, 'cache');
    const experiment = writeScenario(dir, CLAIMS, 0.3, 3);
    const first = await testWithForecast(experiment, cacheDir);
    const forecastFiles = () => readdirSync(cacheDir).filter((f) => f.includes('-forecast-'));
    expect(forecastFiles()).toHaveLength(1);

    const again = await testWithForecast(experiment, cacheDir);
    expect(again.report.forecast).toMatchObject({ calibrationCached: true, cachedRollouts: 40, rollouts: 40, simulations: first.report.forecast!.simulations });
    expect(again.report.assumptions.map((a) => [a.verdict, a.estimate])).toEqual(first.report.assumptions.map((a) => [a.verdict, a.estimate]));

    // A new week of telemetry (here: another pilot) is other bytes: another key, a new calibration, the old entry gone.
    writeFileSync(join(dir, 'telemetry.csv'), telemetryCsv(experiment, { 'adoption.imitation': 0.4 }, { weeks: LAST_WEEK, seed: 4, command: 'test' }));
    const changed = await testWithForecast(experiment, cacheDir);
    expect(forecastCacheKey(changed.prepared)).not.toBe(forecastCacheKey(first.prepared));
    expect(changed.report.forecast).toMatchObject({ calibrationCached: false, cachedRollouts: 0 });
    expect(forecastFiles()).toHaveLength(1);
    // Editing only the comment lines changes the bytes too: the key is the file's bytes, not its numbers.
    writeFileSync(join(dir, 'telemetry.csv'), `# edited\n${readFileSync(join(dir, 'telemetry.csv'), 'utf8')}`);
    expect(forecastCacheKey(await prepareForecast(experiment))).not.toBe(forecastCacheKey(changed.prepared));
  }, 240_000);

  it('refuse a missing telemetry file before anything runs', async () => {
    const experiment = loadScenarioText(scenarioText(CLAIMS), join(tmp, 'nowhere', 'forecast.yaml'));
    await expect(prepareForecast(experiment)).rejects.toThrow(/the telemetry file .*telemetry\.csv does not exist/);
  });
});

function withoutForecast(text: string): string {
  return text.replace(/\nforecast:\n[\s\S]*?\n\nassumptions:/, '\nassumptions:');
}
