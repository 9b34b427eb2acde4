import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileClaim } from '../../src/scenarios/claim.ts';
import { FormulaError } from '../../src/scenarios/formula.ts';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';

const context = { strategies: ['top_down', 'bottom_up', 'phased_pilot'], weeks: 104 };

function problem(text: string): { message: string; hint?: string; at: string } {
  try {
    compileClaim(text, context);
  } catch (err) {
    if (!(err instanceof FormulaError)) throw err;
    return { message: err.message, hint: err.hint, at: text.slice(err.offset) };
  }
  throw new Error(`no problem found in ${text}`);
}

describe('the claim language', () => {
  it('reads the three examples of the issue, each with its decision method', () => {
    const p = compileClaim('P(phased_pilot.active_share@52 > top_down.active_share@52) >= 0.8', context);
    expect(p.method).toBe('binomial');
    expect(p.columns).toEqual(['phased_pilot.active_share@52', 'top_down.active_share@52']);
    const m = compileClaim('median(bottom_up.weeks_to_critical_mass) <= 26', context);
    expect(m.method).toBe('order_statistic');
    expect(m.aggregates[0]).toMatchObject({ kind: 'quantile', q: 0.5, text: 'median(bottom_up.weeks_to_critical_mass)' });
    const r = compileClaim('p90(top_down.cost) < 1.2 * p90(phased_pilot.cost)', context);
    expect(r.method).toBe('bootstrap');
    expect(r.aggregates.map((a) => a.q)).toEqual([0.9, 0.9]);
  });

  it('accepts means, paired differences, never, constants on the left and the formula functions', () => {
    expect(compileClaim('mean(phased_pilot.sustained_share - top_down.sustained_share) > 0.05', context).method).toBe('bootstrap');
    expect(compileClaim('P(bottom_up.weeks_to_critical_mass == never) >= 0.5', context).columns).toEqual(['bottom_up.weeks_to_critical_mass']);
    const flipped = compileClaim('0.8 <= P(top_down.cost >= top_down.cost)', context);
    expect(flipped).toMatchObject({ method: 'binomial', op: '<=' });
    expect(compileClaim('P(abs(top_down.cost - phased_pilot.cost) < 1000 and top_down.churn < 0.5) > 0.1', context).method).toBe('binomial');
  });

  it('points at an unknown strategy with a did-you-mean', () => {
    expect(problem('P(top_dwn.cost > 1) >= 0.5')).toEqual({ message: 'unknown strategy top_dwn at character 3', hint: 'did you mean top_down?', at: 'top_dwn.cost > 1) >= 0.5' });
  });

  it('points at an unknown result, and tells a per-week observable from a result', () => {
    expect(problem('median(top_down.cots) < 5')).toMatchObject({ message: 'unknown result cots at character 17', hint: 'did you mean cost?', at: 'cots) < 5' });
    expect(problem('P(top_down.access_share > 0.5) >= 0.5').hint).toBe('access_share is a per-week observable: add a week, e.g. top_down.access_share@104');
    expect(problem('P(top_down.churn@10 > 0.5) >= 0.5').message).toContain('churn is a per-rollout result: drop @10');
  });

  it('wants @ between an observable and a week number', () => {
    expect(problem('P(top_down.active_share@52 > top_down.active_share @52) >= 0.5')).toMatchObject({ message: '@ must follow strategy.observable and precede a week number at character 52', at: '@52) >= 0.5' });
    expect(problem('P(top_down.active_share@week > 0.5) >= 0.5').at).toBe('@week > 0.5) >= 0.5');
  });

  it('reads when a wave opened, for strategies that have that wave', () => {
    const withWaves = { ...context, waves: { phased_pilot: 3 } };
    expect(compileClaim('median(phased_pilot.wave2_open_week) <= 40', withWaves).columns).toEqual(['phased_pilot.wave2_open_week']);
    expect(compileClaim('P(phased_pilot.pilot_open_week == 0) >= 0.9', withWaves).method).toBe('binomial');
    expect(() => compileClaim('median(phased_pilot.wave3_open_week) <= 40', withWaves)).toThrow('there is no wave 3 in strategy phased_pilot at character 21');
    expect(() => compileClaim('median(top_down.pilot_open_week) <= 40', withWaves)).toThrow('there is no pilot in strategy top_down');
  });

  it('refuses three dotted parts that do not start with forecast., and forecast. in a scenario without one', () => {
    expect(problem('median(top_down.cost.x) > 3')).toMatchObject({ message: 'top_down.cost.x has one part too many at character 8', at: 'top_down.cost.x) > 3' });
    expect(problem('median(forecast.top_down.cost) > 3').message).toBe('forecast.top_down is a way forward of a forecast, but this scenario has no forecast: section at character 8');
  });

  it('rejects weeks after the horizon', () => {
    expect(problem('P(top_down.active_share@200 > 0.5) >= 0.5')).toMatchObject({ message: 'week 200 is after the horizon (104 weeks) at character 25', at: '200 > 0.5) >= 0.5' });
  });

  it('rejects claims that cannot be decided from samples, each with a reason', () => {
    expect(problem('top_down.cost > 3').message).toContain('a claim needs an aggregate over rollouts');
    expect(problem('median(top_down.cost) > bottom_up.cost').message).toContain('bottom_up.cost is a value per rollout');
    expect(problem('median(top_down.cost) == 3').message).toContain('"==" is not allowed at the top');
    expect(problem('median(top_down.cost) > 3 and P(top_down.cost > 1) > 0.2').message).toContain('"and" is not allowed at the top');
    expect(problem('median(P(top_down.cost > 1)) > 3').message).toContain('aggregates cannot be nested');
    expect(problem('P(top_down.cost) >= 0.5').message).toContain('P(...) needs a condition per rollout');
    expect(problem('median(top_down.cost > 3) >= 0.5').message).toContain('takes a number per rollout');
    expect(problem('p0(top_down.cost) > 3').message).toContain('p0 is not a percentile');
    expect(problem('median(top_down.cost > 3').message).toContain('is not closed');
  });

  it('keeps the formula whitelist: no evaluate, no matrices, no assignments', () => {
    expect(problem('median(top_down.cost) > evaluate(3)')).toMatchObject({ message: 'function evaluate is not allowed at character 25', at: 'evaluate(3)' });
    expect(problem('median(top_down.cost + [1, 2]) > 3').message).toContain('not allowed');
    expect(problem('median(x = top_down.cost) > 3').message).toContain('not allowed');
    expect(problem('median(top_down.cost + foo) > 3')).toMatchObject({ message: 'unknown variable foo at character 24', at: 'foo) > 3' });
  });
});

describe('the claim parser on arbitrary input', () => {
  const valid = [
    'P(phased_pilot.active_share@52 > top_down.active_share@52) >= 0.8',
    'median(bottom_up.weeks_to_critical_mass) <= 26',
    'p90(top_down.cost) < 1.2 * p90(phased_pilot.cost)',
  ];
  const onlyFormulaErrors = (text: string): void => {
    try {
      compileClaim(text, context);
    } catch (err) {
      if (!(err instanceof FormulaError)) throw err;
      expect(err.offset).toBeGreaterThanOrEqual(0);
      expect(err.offset).toBeLessThanOrEqual(text.length);
    }
  };

  it('throws nothing but its own error, pointing inside the text, for random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), onlyFormulaErrors), { seed: 42, numRuns: 500 });
  });

  it('throws nothing but its own error for mutated valid claims', () => {
    const mutation = fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(5), fc.constantFrom('', '(', ')', '@', '.', '[', ']', '=', ';', ',', '"', '*', 'P(', 'never', '@999', ' and ', '1e400', 'x.y'));
    fc.assert(
      fc.property(mutation, ([text, at, cut, insert]) => {
        const i = at % (text.length + 1);
        onlyFormulaErrors(text.slice(0, i) + insert + text.slice(i + cut));
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});

describe('claims in scenario files', () => {
  const base = readFileSync(new URL('./fixtures/small.yaml', import.meta.url), 'utf8');

  function loadProblems(text: string): string[] {
    try {
      loadScenarioText(text, 'bad.yaml');
    } catch (err) {
      if (err instanceof ScenarioError) return err.lines();
      throw err;
    }
    return [];
  }

  it('load into the experiment, compiled', () => {
    const experiment = loadScenarioText(base, 'small.yaml');
    expect(experiment.assumptions).toMatchObject({ rollouts: 20, budget: 40 });
    expect(experiment.assumptions!.assumptions.map((a) => a.id)).toEqual(['cost_is_at_least_itself', 'launch_beats_no_access', 'no_access_never_reaches_critical_mass']);
    expect(experiment.assumptions!.assumptions[1]!.compiled.columns).toEqual(['no_access.active_share@30', 'top_down.active_share@30']);
  });

  it('report an unknown strategy at file:line:col inside the claim, with a hint', () => {
    const text = base.replace('P(top_down.cost >= top_down.cost)', 'P(top_down.cost >= top_dow.cost)');
    const line = text.split('\n').findIndex((l) => l.includes('top_dow.cost')) + 1;
    const col = text.split('\n')[line - 1]!.indexOf('top_dow.cost') + 1;
    expect(loadProblems(text)).toEqual([`bad.yaml:${line}:${col} assumptions.claims.cost_is_at_least_itself.claim: unknown strategy top_dow at character 20 — did you mean top_down?`]);
  });

  it('report an unknown result and a week past the horizon together, in one pass', () => {
    const text = base
      .replace('no_access.weeks_to_critical_mass == never', 'no_access.weeks_to_critcal_mass == never')
      .replace('top_down.active_share@30 >', 'top_down.active_share@31 >');
    const lines = loadProblems(text);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^bad\.yaml:\d+:\d+ assumptions\.claims\.launch_beats_no_access\.claim: week 31 is after the horizon \(30 weeks\) at character 25 — use a week from 0 to 30$/);
    expect(lines[1]).toMatch(/^bad\.yaml:\d+:\d+ assumptions\.claims\.no_access_never_reaches_critical_mass\.claim: unknown result weeks_to_critcal_mass at character 13 — did you mean weeks_to_critical_mass\?$/);
  });

  it('read the bundled pilot\'s claims on its forecast as forecast claims, and its others as before', async () => {
    const { loadScenario } = await import('../../src/scenarios/load.ts');
    const pilot = await loadScenario(new URL('../../scenarios/pilot.yaml', import.meta.url).pathname);
    const on = Object.fromEntries(pilot.assumptions!.assumptions.map((a) => [a.id, a.compiled.on]));
    expect(on.going_wide_reaches_critical_mass).toBe('strategies');
    expect(Object.values(on).filter((x) => x === 'forecast').length).toBeGreaterThanOrEqual(2);
    expect(Object.values(on).filter((x) => x === 'strategies')).toHaveLength(4);
  });

  it('refuse a forecast alternative in a file without forecast:, at its line and column', () => {
    const text = base.replace('P(top_down.cost >= top_down.cost)', 'P(continue.cost >= top_down.cost)');
    const line = text.split('\n').findIndex((l) => l.includes('continue.cost')) + 1;
    const col = text.split('\n')[line - 1]!.indexOf('continue.cost') + 1;
    expect(loadProblems(text)).toEqual([`bad.yaml:${line}:${col} assumptions.claims.cost_is_at_least_itself.claim: continue is a way forward of a forecast, but this scenario has no forecast: section at character 3 — add a forecast: section naming the strategy in progress and its telemetry (docs/forecast.md), or name a strategy: top_down or no_access`]);
  });

  it('report section problems through the schema: missing description, budget below rollouts, unknown fields', () => {
    const text = base.replace('  budget: 40', '  budget: 10\n  rollout: 5').replace('      description: Certainly true, whatever the model does.\n', '');
    const lines = loadProblems(text).join('\n');
    expect(lines).toMatch(/assumptions\.budget: budget 10 is below the starting rollouts \(20\)/);
    expect(lines).toMatch(/assumptions\.rollout: unknown field rollout — did you mean rollouts\?/);
    expect(lines).toMatch(/assumptions\.claims\.cost_is_at_least_itself\.description: missing required field description/);
  });
});
