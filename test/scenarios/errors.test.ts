import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import { loadScenario, loadScenarioText } from '../../src/scenarios/load.ts';
import { BASE, problem, problems, withCustom } from './helpers.ts';

describe('YAML syntax errors', () => {
  it('name the line and column of an unclosed bracket', () => {
    expect(problem(BASE.replace('silo_strength: 0.6', 'silo_strength: [0.6'))).toMatch(/^test\.yaml:\d+:\d+ YAML syntax: .+ — check the indentation and closing brackets$/);
  });

  it('report a duplicated field with a hint', () => {
    expect(problem(BASE.replace('seed: 7\n', 'seed: 7\nseed: 8\n'))).toBe('test.yaml:6:1 YAML syntax: map keys must be unique — each field may appear once in a mapping');
  });

  it('report tabs used for indentation', () => {
    expect(problems(BASE.replace('  employees: 300', '\temployees: 300')).join('\n')).toMatch(/^test\.yaml:7:1 YAML syntax: .*tab/im);
  });

  it('report an alias without an anchor where it is used', () => {
    expect(problem(`${BASE}  copy: *launch\n`)).toBe('test.yaml:20:9 YAML: alias *launch has no anchor &launch before it — define &launch on an earlier value, or fix the name');
  });

  it('ask for one scenario per file', () => {
    expect(problem(`${BASE}---\nname: other\n`)).toBe('test.yaml:20:1 YAML syntax: the file holds more than one YAML document — one scenario per file; remove the extra ---');
  });

  it('say so when the file is empty', () => {
    expect(problem('# nothing here\n')).toBe('test.yaml:1:1 the file is empty — start from `uptake init` or a file in scenarios/');
  });

  it('say so when the file is not a mapping', () => {
    expect(problem('- a\n- b\n')).toBe('test.yaml:1:1 expected a mapping of fields (name:, strategies:, ...), got a list of 2 — start from `uptake init` or a file in scenarios/');
  });
});

describe('wrong types', () => {
  it('explain the expected parameter range when text is given for a number', () => {
    expect(problem(BASE.replace('employees: 300', 'employees: many'))).toBe(
      'test.yaml:7:14 organisation.employees: expected a whole number between 2 and 1,000,000, or a distribution, got "many" — a number, or a distribution such as {uniform: [min, max]}',
    );
  });

  it('suggest writing numbers without thousands separators', () => {
    expect(problem(BASE.replace('employees: 300', 'employees: "2,000"'))).toMatch(/organisation\.employees: .* got "2,000" — write numbers without separators: 2000$/);
  });

  it('suggest writing percentages as shares', () => {
    expect(problem(BASE.replace('producer_share: 0.1', 'producer_share: 10%'))).toMatch(/population\.producer_share: .* got "10%" — write shares as numbers from 0 to 1: 0\.1$/);
  });

  it('ask for a whole number where the parameter counts things', () => {
    expect(problem(BASE.replace('departments: 4', 'departments: 4.5'))).toBe('test.yaml:8:16 organisation.departments: expected a whole number between 1 and 1000, got 4.5 — whole numbers only: 4 or 5?');
  });

  it('report a missing required field', () => {
    expect(problem(BASE.replace('name: test_firm\n', ''))).toBe('test.yaml:1:1 name: missing required field name — add a scenario identifier, e.g. name: acme_rollout');
  });

  it('reject a name that is not an identifier, suggesting one', () => {
    expect(problem(BASE.replace('name: test_firm', 'name: Test Firm'))).toBe(
      'test.yaml:1:7 name: "Test Firm" is not an identifier — use lower-case letters, digits and _, starting with a letter, e.g. test_firm',
    );
  });

  it('reject a strategy key that is not an identifier and point at the key', () => {
    expect(problem(BASE.replace('  top_down:\n', '  Top Down:\n'))).toBe(
      'test.yaml:13:3 strategies.Top Down: "Top Down" is not an identifier — names are lower-case letters, digits and _, starting with a letter, e.g. top_down; put free text in label:',
    );
  });
});

describe('out-of-range values', () => {
  it('suggest a share when a percentage was given', () => {
    expect(problem(BASE.replace('producer_share: 0.1', 'producer_share: 40'))).toBe(
      'test.yaml:11:19 population.producer_share: expected a number between 0 and 1, got 40 — did you mean 0.40? shares are written from 0 to 1',
    );
  });

  it('give the allowed range otherwise', () => {
    expect(problem(BASE.replace('employees: 300', 'employees: 1'))).toBe('test.yaml:7:14 organisation.employees: expected a whole number between 2 and 1,000,000, got 1 — allowed range 2..1000000');
  });

  it('check the horizon, which cannot be uncertain', () => {
    expect(problem(BASE.replace('horizon: 30', 'horizon: 0'))).toMatch(/^test\.yaml:3:10 horizon: expected a whole number between 1 and 1040, got 0/);
    expect(problem(BASE.replace('horizon: 30', 'horizon: {uniform: [20, 30]}'))).toMatch(/^test\.yaml:3:10 horizon: expected a whole number between 1 and 1040, got a mapping \(uniform\)/);
  });

  it('check strategy options', () => {
    expect(problem(BASE.replace('pilot_share: 0.1', 'pilot_share: 15'))).toBe('test.yaml:18:20 strategies.pilot.options.pilot_share: must be at most 1, got 15 — did you mean 0.15? shares are written from 0 to 1');
    // 1.5 could be 1.5% or a slip for 0.15: no guess, only the rule with both readings.
    expect(problem(BASE.replace('pilot_share: 0.1', 'pilot_share: 1.5'))).toBe('test.yaml:18:20 strategies.pilot.options.pilot_share: must be at most 1, got 1.5 — shares are written from 0 to 1: 40% is 0.4, 1.5% is 0.015');
    expect(problem(BASE.replace('pilot_share: 0.1', 'pilot_share: 5'))).toBe('test.yaml:18:20 strategies.pilot.options.pilot_share: must be at most 1, got 5 — did you mean 0.05? shares are written from 0 to 1');
  });

  it('check relations between parameters over the whole range of distributions', () => {
    expect(problem(BASE.replace('producer_share: 0.1', 'producer_share: 0.5\n  contributor_share: {uniform: [0.3, 0.6]}'))).toBe(
      'test.yaml:12:22 population.contributor_share: producer_share + contributor_share can reach 1.1, above 1 — producers and contributors together are at most everyone; lower one of them',
    );
    expect(problem(BASE.replace('departments: 4', 'departments: 200'))).toBe(
      'test.yaml:8:16 organisation.departments: each department needs at least 2 people: 300 employees allow at most 150 departments, got 200 — fewer departments, or more employees',
    );
  });

  it('check a sustained window written longer than the horizon, and shrink the default one to fit', () => {
    expect(problem(`${BASE}outcomes:\n  sustained_weeks: 40\n`)).toBe('test.yaml:21:20 outcomes.sustained_weeks: sustained_weeks 40 is longer than the horizon (30 weeks) — use at most 30, or raise horizon:');
    expect(loadScenarioText(BASE.replace('horizon: 30', 'horizon: 8'), 't.yaml').params.outcomes.sustainedWeeks).toBe(8);
  });

  it('reject an intervention week after the horizon', () => {
    expect(problem(withCustom('- {type: access, at: 40}'))).toBe('test.yaml:23:28 strategies.plan.interventions[0].at: week 40 is after the horizon (30 weeks) — use a week from 0 to 30, or raise horizon:');
  });
});

describe('unknown fields', () => {
  it('suggest the closest top-level field', () => {
    expect(problem(`${BASE}rolouts: 3\n`)).toBe('test.yaml:20:1 rolouts: unknown field rolouts — did you mean rollouts?');
  });

  it('suggest the closest parameter in a section', () => {
    expect(problem(BASE.replace('silo_strength', 'silo_strenght'))).toBe('test.yaml:9:3 organisation.silo_strenght: unknown field silo_strenght — did you mean silo_strength?');
  });

  it('point camelCase spellings to snake_case', () => {
    expect(problem(BASE.replace('silo_strength', 'siloStrength'))).toBe('test.yaml:9:3 organisation.siloStrength: unknown field siloStrength — write it in snake_case: silo_strength');
  });

  it('find a parameter under uncertainties from its bare name', () => {
    expect(problem(`${BASE}uncertainties:\n  imitation: {uniform: [0.1, 0.3]}\n`)).toBe('test.yaml:21:3 uncertainties.imitation: unknown field imitation — did you mean adoption.imitation?');
  });

  it('name the intervention type when a field does not belong to it', () => {
    expect(problem(withCustom('- {type: training, strength: 0.5}'))).toBe(
      'test.yaml:23:26 strategies.plan.interventions[0].strength: unknown field strength for a training intervention — allowed here: type, at, when, deadline, target, capacity, share, weeks',
    );
  });

  it('suggest the closest strategy option', () => {
    expect(problem(BASE.replace('pilot_share', 'pilot_shares'))).toBe('test.yaml:18:7 strategies.pilot.options.pilot_shares: unknown field pilot_shares in options — did you mean pilot_share?');
  });

  it('point names from other tools to their place here', () => {
    expect(problem(`${BASE}weeks: 52\n`)).toBe('test.yaml:20:1 weeks: unknown field weeks — did you mean horizon?');
    expect(problem(`${BASE}replications: 10\n`)).toBe('test.yaml:20:1 replications: unknown field replications — did you mean rollouts?');
  });

  it('say which section a parameter written in the wrong one belongs to', () => {
    expect(problem(BASE.replace('  silo_strength: 0.6\n', '  silo_strength: 0.6\n  time_slack_mean: 0.4\n'))).toBe(
      'test.yaml:10:3 organisation.time_slack_mean: unknown field time_slack_mean — time_slack_mean belongs under population:',
    );
  });

  it('report a parameter given both in place and under uncertainties', () => {
    expect(problem(`${BASE}uncertainties:\n  organisation.silo_strength: {uniform: [0.4, 0.8]}\n`)).toBe(
      'test.yaml:21:3 uncertainties.organisation.silo_strength: organisation.silo_strength is also set in organisation: — give it in one place: delete it from organisation: or from uncertainties:',
    );
  });
});

describe('unknown strategy and intervention names', () => {
  it('suggest the closest strategy type', () => {
    expect(problem(BASE.replace('type: top_down', 'type: top-down'))).toBe('test.yaml:14:11 strategies.top_down.type: unknown strategy type "top-down" — did you mean top_down?');
  });

  it('list the strategy types when the type is missing', () => {
    expect(problem(BASE.replace('    type: top_down\n', '    label: Launch\n'))).toBe(
      'test.yaml:14:5 strategies.top_down.type: missing strategy type — add type: one of top_down, bottom_up, phased_pilot or custom',
    );
  });

  it('suggest the closest intervention type', () => {
    expect(problem(withCustom('- {type: reverse_mentorship, at: 0}'))).toBe(
      'test.yaml:23:16 strategies.plan.interventions[0].type: unknown intervention type "reverse_mentorship" — did you mean reverse_mentoring?',
    );
  });

  it('reject an unknown department name, suggesting the closest', () => {
    const text = BASE.replace('  departments: 4\n', '  departments:\n    - {name: Sales, share: 0.5}\n    - {name: Operations, share: 0.5}\n');
    expect(problem(`${text}  plan:\n    type: custom\n    interventions:\n      - {type: access, target: {departments: [Operatons]}}\n`)).toBe(
      'test.yaml:25:47 strategies.plan.interventions[0].target.departments[0]: unknown department "Operatons" — did you mean Operations?',
    );
  });

  it('reject a wave the strategy does not have', () => {
    expect(problem(withCustom('- {type: access, target: pilot}'))).toBe(
      'test.yaml:23:32 strategies.plan.interventions[0].target: there is no pilot wave in this strategy — strategy plan has no waves: add waves: {pilot_share: 0.1, waves: 2} (custom) or use type: phased_pilot',
    );
    const text = BASE.replace('      waves: 2\n', '      waves: 2\n    interventions:\n      - {type: showcase, target: {wave: 3}}\n');
    expect(problem(text)).toBe('test.yaml:21:41 strategies.pilot.interventions[0].target.wave: there is no wave 3 in this strategy — strategy pilot has waves 0 (pilot) to 2');
  });

  it('check department shares add up to 1', () => {
    const text = BASE.replace('  departments: 4\n', '  departments:\n    - {name: Sales, share: 0.5}\n    - {name: Ops, share: 0.4}\n');
    expect(problem(text)).toBe('test.yaml:9:5 organisation.departments: department shares add up to 0.9, not 1 — make the shares sum to 1');
  });
});

describe('bad formulas', () => {
  it('point at the position of a syntax error inside the formula', () => {
    // `      - {type: access, when: "week >= "}`: the formula starts at column 31 and is 8 characters long.
    expect(problem(withCustom('- {type: access, when: "week >= "}'))).toBe(
      'test.yaml:23:39 strategies.plan.interventions[0].when: cannot read the formula: Unexpected end of expression at character 9 — check brackets and operators; e.g. "week >= 12 and active_share < 0.3"',
    );
  });

  it('point at an unknown variable and suggest the closest', () => {
    expect(problem(withCustom('- {type: access, when: "week >= 4 and activ_share > 0.2"}'))).toBe(
      'test.yaml:23:45 strategies.plan.interventions[0].when: unknown variable activ_share at character 15 — did you mean active_share?',
    );
  });

  it('read dotted wave variables as one name', () => {
    expect(problem(withCustom('- {type: access, when: "pilot.active_shar > 0.2"}', '    waves: {pilot_share: 0.1}\n'))).toBe(
      'test.yaml:24:31 strategies.plan.interventions[0].when: unknown variable pilot.active_shar at character 1 — did you mean pilot.active_share?',
    );
  });

  it('reject wave variables beyond the strategy\'s waves', () => {
    expect(problem(withCustom('- {type: access, when: "wave2.open > 0"}', '    waves: {pilot_share: 0.1, waves: 1}\n'))).toBe(
      'test.yaml:24:31 strategies.plan.interventions[0].when: unknown variable wave2.open at character 1 — this strategy has waves 0 (pilot) to 1',
    );
  });

  it('check a deadline like a condition, and ask for the `when` it stands in for', () => {
    expect(problem(withCustom('- {type: access, when: "pilot.active_share > 0.2", deadline: "wave2.weeks_open >= 10"}', '    waves: {pilot_share: 0.1, waves: 1}\n'))).toBe(
      'test.yaml:24:69 strategies.plan.interventions[0].deadline: unknown variable wave2.weeks_open at character 1 — this strategy has waves 0 (pilot) to 1',
    );
    expect(problem(withCustom('- {type: access, deadline: "week >= 10"}'))).toBe(
      'test.yaml:23:34 strategies.plan.interventions[0].deadline: a deadline needs a `when` condition: it starts the intervention if `when` has not by then — add when: (the gate), or give the week with at:',
    );
  });

  it('ask a condition to compare something', () => {
    expect(problem(withCustom('- {type: access, when: "active_share"}'))).toMatch(/when: a condition must compare something .* — e\.g\. "week >= 12"/);
  });

  it('point at a bad schedule formula and at values it gives below 0', () => {
    expect(problem(withCustom('- {type: training, capacity: "min(40, 5 * weeks)"}'))).toBe(
      'test.yaml:23:49 strategies.plan.interventions[0].capacity: unknown variable weeks at character 13 — did you mean week?',
    );
    expect(problem(withCustom('- {type: training, capacity: "10 - week"}'))).toBe(
      'test.yaml:23:37 strategies.plan.interventions[0].capacity: the formula gives -1 at week 11, below 0 — clamp it, e.g. "max(0, ...)"',
    );
  });

  it.each([
    ['evaluate("1") > 0', 'function evaluate is not allowed at character 1'],
    ['import(x) > 0', 'function import is not allowed at character 1'],
    ['createUnit("foo") > 0', 'function createUnit is not allowed at character 1'],
    ['f(x) = week', 'function definitions are not allowed'],
    ['week = 3', 'assignments are not allowed'],
    ['[1, 2] > 0', 'matrices and lists are not allowed'],
    ['zeros(10000, 10000) > 0', 'function zeros is not allowed at character 1'],
    ['week > 2 ? 1 : 0', 'conditional expressions (a ? b : c) are not allowed'],
    ['week[1] > 0', 'indexing and property access are not allowed'],
    ['"abc" == week', 'only numbers are allowed as constants, got "abc"'],
    ['week mod 2 == 0', 'operator mod is not allowed at character 6'],
    ['week > 1; week > 2', 'only one expression is allowed (no ; or line breaks)'],
  ])('refuse %s', (formula, message) => {
    const line = problem(withCustom(`- type: access\n  when: '${formula}'`));
    expect(line).toContain(`strategies.plan.interventions[0].when: ${message}`);
  });
});

describe('impossible distributions', () => {
  const at = (dist: string): string => problem(BASE.replace('silo_strength: 0.6', `silo_strength: ${dist}`));

  it('reject uniform with min above max', () => {
    expect(at('{uniform: [0.8, 0.4]}')).toBe('test.yaml:9:28 organisation.silo_strength.uniform: uniform min 0.8 is above max 0.4 — swap them: [0.4, 0.8]');
  });

  it('reject a negative standard deviation', () => {
    expect(at('{truncated_normal: {mean: 0.5, sd: -0.1, min: 0, max: 1}}')).toBe(
      'test.yaml:9:53 organisation.silo_strength.truncated_normal.sd: truncated_normal sd must be above 0, got -0.1 — did you mean sd: 0.1?',
    );
    expect(problem(BASE.replace('employees: 300', 'employees: {normal: [300, -20]}'))).toBe(
      'test.yaml:7:23 organisation.employees.normal: normal sd must be 0 or more, got -20 — did you mean sd: 20?',
    );
  });

  it('reject beta shapes that are not above 0', () => {
    expect(at('{beta: {alpha: 0, beta: 2}}')).toBe(
      'test.yaml:9:33 organisation.silo_strength.beta.alpha: beta alpha must be above 0, got 0 — alpha and beta are shape parameters, e.g. {alpha: 2, beta: 5}',
    );
  });

  it('reject a triangular mode outside min..max', () => {
    expect(at('{triangular: [0.2, 0.9, 0.6]}')).toBe(
      'test.yaml:9:31 organisation.silo_strength.triangular: triangular mode 0.9 lies outside min..max (0.2..0.6) — write [min, mode, max] with min <= mode <= max',
    );
  });

  it('reject choice weights that do not match the values', () => {
    expect(at('{choice: {values: [0.4, 0.6], weights: [1, 2, 3]}}')).toBe(
      'test.yaml:9:57 organisation.silo_strength.choice.weights: choice has 2 values but 3 weights — give one weight per value, in the same order',
    );
  });

  it('reject a truncated normal that keeps almost nothing', () => {
    expect(at('{truncated_normal: [5, 0.1, 0, 1]}')).toMatch(/truncated_normal keeps almost nothing: mean 5 lies more than 5 sd outside 0\.\.1/);
  });

  it('reject a normal distribution on a bounded parameter, suggesting truncated_normal', () => {
    expect(at('{normal: [0.6, 0.1]}')).toBe(
      'test.yaml:9:27 organisation.silo_strength.normal: a normal distribution can produce any value, but this parameter must stay within 0..1 — use truncated_normal, e.g. {truncated_normal: {mean: 0.6, sd: 0.1, min: 0, max: 1}}',
    );
  });

  it('reject a distribution whose values leave the allowed range', () => {
    expect(at('{uniform: [40, 80]}')).toBe(
      'test.yaml:9:28 organisation.silo_strength.uniform: uniform can produce 80, outside the allowed 0..1 — shares are written 0..1: did you mean 0.80?',
    );
    expect(at('{lognormal: [0, 1]}')).toMatch(/lognormal distribution can produce values up to infinity/);
  });

  it('reject two kinds in one distribution and unknown kinds', () => {
    expect(at('{uniform: [0.4, 0.8], fixed: 0.5}')).toBe(
      'test.yaml:9:18 organisation.silo_strength: a distribution has one kind, got fixed and uniform — use one of fixed, uniform, normal, truncated_normal, triangular, beta, lognormal, choice',
    );
    expect(at('{gaussian: [0.4, 0.1]}')).toMatch(/organisation\.silo_strength\.gaussian: unknown field gaussian/);
    expect(at('{unifrom: [0.4, 0.8]}')).toBe('test.yaml:9:19 organisation.silo_strength.unifrom: unknown field unifrom — did you mean uniform?');
  });
});

describe('one pass', () => {
  it('reports every problem of a file at once, sorted by position', () => {
    const text = BASE
      .replace('employees: 300', 'employees: lots')
      .replace('silo_strength: 0.6', 'silo_strength: {uniform: [0.8, 0.4]}')
      .replace('producer_share: 0.1', 'producer_share: 40\n  produser_share: 0.1')
      .replace('type: top_down', 'type: top_dwn')
      .replace('pilot_share: 0.1', 'pilot_share: -1');
    const lines = problems(`${text}  plan:\n    type: custom\n    interventions:\n      - {type: access, when: "evaluate(1)"}\n`);
    expect(lines).toHaveLength(7);
    const positions = lines.map((l) => l.split(' ')[0]!.split(':').slice(1).map(Number));
    const sorted = [...positions].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
    expect(positions).toEqual(sorted);
    expect(lines.join('\n')).toContain('did you mean top_down?');
    expect(lines.join('\n')).toContain('unknown field produser_share — did you mean producer_share?');
  });

  it('throws one ScenarioError carrying structured diagnostics', () => {
    try {
      loadScenarioText(BASE.replace('producer_share: 0.1', 'producer_share: 40'), 'x.yaml');
      expect.fail('should not load');
    } catch (err) {
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).diagnostics[0]).toEqual({
        file: 'x.yaml', line: 11, col: 19, path: 'population.producer_share',
        message: 'expected a number between 0 and 1, got 40', hint: 'did you mean 0.40? shares are written from 0 to 1',
      });
    }
  });

  it('reports a missing file as a ScenarioError naming it', async () => {
    await expect(loadScenario('no/such/scenario.yaml')).rejects.toThrow('no/such/scenario.yaml no such file — bundled scenarios are in scenarios/; `uptake init` writes a starter');
  });
});
