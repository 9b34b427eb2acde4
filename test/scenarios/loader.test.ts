import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioOrganised } from '../../src/cli/scenario.ts';
import { PARAMETER_SPECS, getPath } from '../../src/model/params.ts';
import { sampleParams } from '../../src/scenarios/experiment.ts';
import { applyOverrides, loadScenario, loadScenarioText, OverrideError } from '../../src/scenarios/load.ts';
import { starterScenario } from '../../src/scenarios/template.ts';
import { BASE, withCustom } from './helpers.ts';
import type { InterventionOf } from '../../src/model/plan.ts';

const bundled = readdirSync(new URL('../../scenarios/', import.meta.url)).filter((f) => f.endsWith('.yaml')).sort();

describe('bundled scenarios', () => {
  it('include the default and the four client archetypes', () => {
    expect(bundled).toEqual(expect.arrayContaining(['default.yaml', 'startup.yaml', 'bank.yaml', 'manufacturer.yaml', 'lawfirm.yaml']));
  });

  it.each(bundled)('%s loads into an experiment with labelled strategies and some uncertainties', async (file) => {
    // As the commands load it: a scenario on an HR export names the file's departments and offices.
    const e = await loadScenarioOrganised(`scenarios/${file}`);
    expect(e.name).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(e.label).toBeTruthy();
    expect(e.strategies.length).toBeGreaterThanOrEqual(2);
    for (const s of e.strategies) {
      expect(s.label, s.name).toBeTruthy();
      expect(s.interventions.length, s.name).toBeGreaterThan(0);
    }
    expect(e.uncertainties.length).toBeGreaterThan(0);
    expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(bundled)('%s opens with a comment stating the question it answers', async (file) => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(`scenarios/${file}`, 'utf8');
    const head = text.split('\n').slice(0, 12).join('\n');
    expect(head).toMatch(/^# .*Question: /ms);
  });

  it('default.yaml is a 2,000-person firm comparing the three built-in strategies over 104 weeks and 1000 rollouts', async () => {
    const e = await loadScenario('scenarios/default.yaml');
    expect(e.params.organisation.employees).toBe(2000);
    expect(e.params.weeks).toBe(104);
    expect(e.rollouts).toBe(1000);
    expect(e.strategies.map((s) => s.name)).toEqual(['top_down', 'bottom_up', 'phased_pilot']);
  });

  it('bank.yaml has 20,000 employees, strong silos and mostly gatekeeper managers', async () => {
    const e = await loadScenario('scenarios/bank.yaml');
    expect(e.params.organisation.employees).toBe(20000);
    expect(e.params.organisation.siloStrength).toBeGreaterThan(0.7);
    expect(e.params.managers.styleMean).toBeLessThan(0.35);
  });

  it('manufacturer.yaml has a front line and little front-line time slack', async () => {
    const e = await loadScenario('scenarios/manufacturer.yaml');
    expect(e.params.organisation.frontlineShare).toBeGreaterThan(0.4);
    expect(e.params.population.frontlineSlack).toBeLessThan(0.5);
  });

  it('lawfirm.yaml runs reverse mentoring as a custom plan with named departments', async () => {
    const e = await loadScenario('scenarios/lawfirm.yaml');
    const custom = e.strategies.find((s) => s.name === 'reverse_mentoring')!;
    expect(custom.interventions.some((i) => i.type === 'reverse_mentoring')).toBe(true);
    expect(e.departments?.map((d) => d.name)).toContain('Litigation');
    const showcase = custom.interventions.find((i) => i.type === 'showcase')!;
    expect(showcase.target).toEqual({ kind: 'departments', departments: [1] });
    expect(showcase.whenText).toBe('week >= 12 and active_share >= 0.2');
  });

  it('reads a deadline beside its condition, and the phased pilot\'s maximum wait as one', async () => {
    const e = loadScenarioText(
      'name: d\nstrategies:\n  plan:\n    type: custom\n    waves: {pilot_share: 0.1, waves: 1}\n    interventions:\n'
        + '      - {type: access, target: {wave: 1}, when: "pilot.active_share >= 0.3", deadline: "pilot.weeks_open >= 20"}\n'
        + '  phased: {type: phased_pilot, options: {gate_max_weeks: 12}}\n',
      'd.yaml',
    );
    const access = e.strategies[0]!.interventions[0]!;
    expect(access.deadlineText).toBe('pilot.weeks_open >= 20');
    expect(access.deadline).toEqual({ k: 'op', op: '>=', a: { k: 'var', name: 'pilot.weeks_open' }, b: { k: 'num', v: 20 } });
    const wave1 = e.strategies[1]!.interventions.find((i) => i.type === 'access' && i.target?.kind === 'wave' && i.target.wave === 1)!;
    expect(wave1.whenText).toBe('wave0.weeks_open >= 8 and wave0.active_share >= 0.3');
    expect(wave1.deadlineText).toBe('wave0.weeks_open >= 12');
  });

  it('the starter scenario written by uptake init loads', () => {
    const e = loadScenarioText(starterScenario('acme'), 'starter.yaml');
    expect(e.name).toBe('acme');
    expect(e.strategies).toHaveLength(4);
  });
});

describe('expansion', () => {
  it('applies defaults, then the file, mapping snake_case fields to model parameters', () => {
    const e = loadScenarioText(BASE, 'base.yaml');
    expect(e.params.weeks).toBe(30);
    expect(e.params.organisation.siloStrength).toBe(0.6);
    expect(e.params.organisation.teamSize).toBe(8);
    expect(e.seed).toBe(7);
    expect(e.rollouts).toBe(5);
    expect(e.source).toBe('base.yaml');
  });

  it('expands built-in strategies with their options and keeps the identifier as the plan name', () => {
    const e = loadScenarioText(BASE, 'base.yaml');
    const pilot = e.strategies.find((s) => s.name === 'pilot')!;
    expect(pilot.waves).toEqual({ pilotShare: 0.1, selection: 'volunteers', waves: 2 });
    expect(pilot.label).toBe('Phased pilot');
  });

  it('appends extra interventions to a built-in strategy', () => {
    const text = BASE.replace('      waves: 2\n', '      waves: 2\n    interventions:\n      - {type: reverse_mentoring, at: 0, count: 10, target: pilot}\n');
    const pilot = loadScenarioText(text, 't.yaml').strategies.find((s) => s.name === 'pilot')!;
    expect(pilot.interventions.at(-1)).toEqual({ type: 'reverse_mentoring', at: 0, count: 10, weeks: 0, target: { kind: 'wave', wave: 0 } });
  });

  it('turns a schedule formula into one value per week, 0 to the horizon', () => {
    const e = loadScenarioText(withCustom('- {type: training, at: 0, capacity: "min(40, 5 * week)", weeks: 10}'), 't.yaml');
    const capacity = (e.strategies.find((s) => s.name === 'plan')!.interventions[0] as InterventionOf<'training'>).capacity as number[];
    expect(capacity).toHaveLength(31);
    expect(capacity.slice(0, 10)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 40]);
  });

  it('keeps a constant schedule as a number', () => {
    const e = loadScenarioText(withCustom('- {type: training, capacity: "20 + 5", weeks: 10}'), 't.yaml');
    expect((e.strategies.find((s) => s.name === 'plan')!.interventions[0] as InterventionOf<'training'>).capacity).toBe(25);
  });

  it('compiles a condition into an expression tree and keeps its text', () => {
    const e = loadScenarioText(withCustom('- {type: access, target: {wave: 1}, when: "week >= 12 and pilot.active_share >= 0.4"}', '    waves: {pilot_share: 0.2, waves: 1}\n'), 't.yaml');
    const i = e.strategies.find((s) => s.name === 'plan')!.interventions[0]!;
    expect(i.at).toBeUndefined();
    expect(i.when).toEqual({
      k: 'op', op: 'and',
      a: { k: 'op', op: '>=', a: { k: 'var', name: 'week' }, b: { k: 'num', v: 12 } },
      b: { k: 'op', op: '>=', a: { k: 'var', name: 'pilot.active_share' }, b: { k: 'num', v: 0.4 } },
    });
    expect(e.strategies.find((s) => s.name === 'plan')!.waves).toEqual({ pilotShare: 0.2, selection: 'volunteers', waves: 1 });
  });

  it('starts an intervention without at or when at week 0, with the defaults of its type filled in', () => {
    const e = loadScenarioText(withCustom('- {type: access}'), 't.yaml');
    expect(e.strategies.find((s) => s.name === 'plan')!.interventions[0]).toEqual({ type: 'access', at: 0, free: false, target: { kind: 'all' } });
  });

  it('maps named departments to numbers and keeps their shares, sizes setting the head count', () => {
    const text = BASE.replace('  employees: 300\n  departments: 4\n', '  departments:\n    - {name: Sales, size: 100}\n    - {name: Ops, size: 300}\n');
    const e = loadScenarioText(`${text}  plan:\n    type: custom\n    interventions:\n      - {type: access, target: {departments: [Ops, 0]}}\n`, 't.yaml');
    expect(e.params.organisation.departments).toBe(2);
    expect(e.params.organisation.employees).toBe(400);
    expect(e.departments).toEqual([{ name: 'Sales', share: 0.25 }, { name: 'Ops', share: 0.75 }]);
    expect(e.strategies.find((s) => s.name === 'plan')!.interventions[0]!.target).toEqual({ kind: 'departments', departments: [1, 0] });
  });

  it('treats a distribution written in place and one under uncertainties: as the same experiment', () => {
    const inPlace = loadScenarioText(BASE.replace('silo_strength: 0.6', 'silo_strength: {uniform: [0.4, 0.8]}'), 'a.yaml');
    const gathered = loadScenarioText(BASE.replace('  silo_strength: 0.6\n', '') + 'uncertainties:\n  organisation.silo_strength: {uniform: {min: 0.4, max: 0.8}}\n', 'b.yaml');
    expect(inPlace.uncertainties).toEqual([{ path: 'organisation.siloStrength', distribution: { kind: 'uniform', min: 0.4, max: 0.8 } }]);
    expect(gathered.hash).toBe(inPlace.hash);
    expect(inPlace.params.organisation.siloStrength).toBeCloseTo(0.6);
  });

  it('orders uncertainties as the parameter table does, wherever they are written', () => {
    const text = `${BASE}uncertainties:\n  adoption.imitation: {uniform: [0.1, 0.3]}\n  organisation.weak_ties: {choice: [4, 6, 8]}\n`;
    const e = loadScenarioText(text.replace('producer_share: 0.1', 'producer_share: {beta: {alpha: 2, beta: 18, max: 0.4}}'), 't.yaml');
    const order = PARAMETER_SPECS.map((s) => s.path);
    const paths = e.uncertainties.map((u) => u.path);
    expect(paths).toEqual([...paths].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(paths).toEqual(['organisation.weakTies', 'population.producerShare', 'adoption.imitation']);
  });

  it('draws every uncertain parameter within its allowed range', async () => {
    const e = await loadScenario('scenarios/bank.yaml');
    for (let r = 0; r < 200; r++) {
      const p = sampleParams(e, r);
      for (const u of e.uncertainties) {
        const spec = PARAMETER_SPECS.find((s) => s.path === u.path)!;
        const v = getPath(p, u.path) as number;
        expect(v).toBeGreaterThanOrEqual(spec.min);
        expect(v).toBeLessThanOrEqual(spec.max);
      }
    }
  });

  it('lets strategies share settings through YAML anchors and merge keys', () => {
    const text = BASE.replace('  pilot:\n    type: phased_pilot\n    options:\n', '  pilot:\n    type: phased_pilot\n    options: &pilot_options\n')
      + '  bigger_pilot:\n    type: phased_pilot\n    options:\n      <<: *pilot_options\n      pilot_share: 0.3\n';
    const e = loadScenarioText(text, 't.yaml');
    expect(e.strategies.find((s) => s.name === 'bigger_pilot')!.waves).toEqual({ pilotShare: 0.3, selection: 'volunteers', waves: 2 });
  });

  it('switches mechanisms by their snake_case names', () => {
    const e = loadScenarioText(`${BASE}mechanisms:\n  complex_contagion: false\n  governance: false\n`, 't.yaml');
    expect(e.params.mechanisms.complexContagion).toBe(false);
    expect(e.params.mechanisms.governance).toBe(false);
    expect(e.params.mechanisms.imitation).toBe(true);
  });
});

describe('experiment hash', () => {
  it('ignores the file name, comments, layout and key order', () => {
    const a = loadScenarioText(BASE, 'a.yaml');
    const reordered = `# a comment\nseed: 7\n${BASE.replace('seed: 7\n', '')}`;
    const b = loadScenarioText(reordered, 'elsewhere/b.yaml');
    expect(b.hash).toBe(a.hash);
  });

  it('changes when anything that affects results changes', () => {
    const a = loadScenarioText(BASE, 'a.yaml');
    expect(loadScenarioText(BASE.replace('silo_strength: 0.6', 'silo_strength: 0.61'), 'a.yaml').hash).not.toBe(a.hash);
    expect(loadScenarioText(BASE.replace('seed: 7', 'seed: 8'), 'a.yaml').hash).not.toBe(a.hash);
  });
});

describe('overrides', () => {
  it('replace rollouts and seed and update the hash', () => {
    const e = loadScenarioText(BASE, 'a.yaml');
    const o = applyOverrides(e, { rollouts: 50, seed: 3 });
    expect(o.rollouts).toBe(50);
    expect(o.seed).toBe(3);
    expect(o.hash).not.toBe(e.hash);
    expect(applyOverrides(e, {}).hash).toBe(e.hash);
    expect(loadScenarioText(BASE.replace('rollouts: 5', 'rollouts: 50').replace('seed: 7', 'seed: 3'), 'b.yaml').hash).toBe(o.hash);
  });

  it('reject impossible values with exit code 2', () => {
    const e = loadScenarioText(BASE, 'a.yaml');
    expect(() => applyOverrides(e, { rollouts: 0 })).toThrow(OverrideError);
    expect(() => applyOverrides(e, { seed: -1 })).toThrow(/--seed must be a whole number/);
    try {
      applyOverrides(e, { rollouts: 1.5 });
    } catch (err) {
      expect((err as OverrideError).exitCode).toBe(2);
    }
  });
});
