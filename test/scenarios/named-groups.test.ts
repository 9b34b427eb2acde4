/**
 * Pilots, waves and targets by the names of an HR file's departments, locations and levels (docs/scenarios.md,
 * "Pilots and waves by name"): what the loader expands them to, and every wrong name at its line with the nearest
 * known one as a hint.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { waveGroupNames } from '../../src/scenarios/group-names.ts';
import type { HrGroupNames } from '../../src/scenarios/source.ts';
import { BASE, problems } from './helpers.ts';

const HR_GROUPS: HrGroupNames = { departments: ['Audit', 'Legal', 'Tax'], locations: ['Dublin', 'London'], levels: ['Manager', 'Partner', 'Senior'] };

const HR = (strategies: string) => `name: hr_firm
horizon: 30
organisation:
  from: hr.csv
strategies:
${strategies}`;

function load(text: string, hrGroups: HrGroupNames = HR_GROUPS) {
  return loadScenarioText(text, 'scenario.yaml', { hrGroups });
}

function problemLines(text: string, hrGroups: HrGroupNames = HR_GROUPS): string[] {
  try {
    load(text, hrGroups);
  } catch (err) {
    if (err instanceof ScenarioError) return err.lines();
    throw err;
  }
  return expect.fail('expected the scenario to be rejected');
}

describe('pilots and waves by name', () => {
  it('a phased pilot names its pilot and lists its waves: the plan has one wave per entry, in the model\'s numbering', () => {
    const experiment = load(HR(`  tax_first:
    type: phased_pilot
    pilot: {departments: [Tax, Legal]}
    waves:
      - [Audit]
      - {locations: [Dublin]}
`));
    const plan = experiment.strategies[0]!;
    expect(plan.waves!.waves).toBe(2);
    expect(plan.waves!.named).toEqual({
      pilot: { kind: 'departments', departments: [2, 1] },
      waves: [{ kind: 'departments', departments: [0] }, { kind: 'locations', locations: [0] }],
    });
    // The phased pilot's gates follow the listed waves: wave 2 opens on wave 1's results.
    expect(plan.interventions.filter((i) => i.type === 'access').map((i) => i.target)).toEqual([0, 1, 2].map((wave) => ({ kind: 'wave', wave })));
  });

  it('a custom plan names its pilot in waves: and may count the rest into waves or list them', () => {
    const experiment = load(HR(`  by_level:
    type: custom
    waves: {pilot: {levels: [Partner]}, waves: 2}
    interventions:
      - {type: access, at: 0, target: pilot}
      - {type: training, at: 4, target: {levels: [Manager, Senior]}, capacity: 10}
`));
    const plan = experiment.strategies[0]!;
    expect(plan.waves).toMatchObject({ waves: 2, named: { pilot: { kind: 'levels', levels: [1] }, waves: [] } });
    expect(plan.interventions[1]!.target).toEqual({ kind: 'levels', levels: [0, 2] });
  });

  it('every wrong name is reported at once at its line, with the nearest known name', () => {
    const lines = problemLines(HR(`  a:
    type: phased_pilot
    pilot: {departments: [Taxx]}
    waves: [[Audit], {locations: [Dubln]}, {levels: [Director]}]
  b:
    type: custom
    interventions:
      - {type: access, at: 0, target: {levels: [Seniour]}}
`));
    expect(lines).toEqual([
      'scenario.yaml:8:27 strategies.a.pilot.departments[0]: unknown department "Taxx" — did you mean Tax?',
      'scenario.yaml:9:35 strategies.a.waves[1].locations[0]: unknown location "Dubln" — did you mean Dublin?',
      'scenario.yaml:9:54 strategies.a.waves[2].levels[0]: unknown level "Director" — levels: Manager, Partner or Senior',
      'scenario.yaml:13:49 strategies.b.interventions[0].target.levels[0]: unknown level "Seniour" — did you mean Senior?',
    ]);
  });

  it('a named pilot is not chosen by a share or a rule too, and named waves need a named pilot', () => {
    const lines = problemLines(HR(`  a:
    type: phased_pilot
    pilot: {departments: [Tax]}
    options: {pilot_share: 0.2, selection: random, waves: 3}
    waves: [[Audit]]
  b:
    type: phased_pilot
    waves: [[Audit]]
  c:
    type: custom
    waves: {waves: 2}
    interventions:
      - {type: access, at: 0, target: pilot}
`));
    expect(lines).toEqual([
      'scenario.yaml:9:15 strategies.a.options.pilot_share: pilot_share chooses the pilot, but pilot: names it — keep one: delete pilot_share, or pilot:',
      'scenario.yaml:9:33 strategies.a.options.selection: selection chooses the pilot, but pilot: names it — keep one: delete selection, or pilot:',
      'scenario.yaml:9:52 strategies.a.options.waves: options.waves counts the waves, but waves: lists them — keep one: delete options.waves, or waves:',
      'scenario.yaml:13:5 strategies.b.waves: waves by name need the pilot by name too — add pilot: {departments: [...]}, or give waves as a number',
      'scenario.yaml:16:5 strategies.c.waves: the waves need a pilot: pilot_share or pilot — add pilot_share: 0.1 (whole teams, by the selection rule) or pilot: {departments: [...]}',
    ]);
  });

  it('locations and levels need an HR file with that column', () => {
    const noLocations = problemLines(HR(`  a:
    type: phased_pilot
    pilot: {locations: [Dublin]}
`), { departments: ['Tax'] });
    expect(noLocations).toEqual(['scenario.yaml:8:24 strategies.a.pilot.locations: the HR file has no location column — name it with organisation.columns: {location: <header>}, or target departments']);
    const generated = problems(`${BASE}  by_office:\n    type: phased_pilot\n    pilot: {levels: [Partner]}\n`);
    expect(generated).toEqual([expect.stringMatching(/strategies\.by_office\.pilot\.levels: levels come from an HR file's level column, and this scenario has none/)]);
  });

  it('a generated organisation\'s named departments serve a pilot and waves by name too', () => {
    const text = BASE.replace('  departments: 4\n', '  departments: [{name: Sales, share: 0.5}, {name: Ops, share: 0.3}, {name: IT, share: 0.2}]\n')
      + '  sales_first:\n    type: phased_pilot\n    pilot: {departments: [Sales]}\n    waves: [[IT], [Ops]]\n';
    const plan = loadScenarioText(text, 'test.yaml').strategies.find((s) => s.name === 'sales_first')!;
    expect(plan.waves!.named).toEqual({ pilot: { kind: 'departments', departments: [0] }, waves: [{ kind: 'departments', departments: [2] }, { kind: 'departments', departments: [1] }] });
  });

  it('reports name each wave by its groups, the wave the rest join saying so; waves drawn by a rule have no names', () => {
    const experiment = load(HR(`  tax_first:
    type: phased_pilot
    pilot: {departments: [Tax, Legal]}
    waves: [[Audit], {locations: [Dublin]}]
  partners_first:
    type: custom
    waves: {pilot: {levels: [Partner]}, waves: 2}
    interventions:
      - {type: access, at: 0, target: pilot}
  by_share:
    type: phased_pilot
`));
    // The names come with the organisation's structure (src/org/structure.ts); here, as the CLI would attach them.
    experiment.params.organisation.structure = { teamSizes: [], teamDepartments: [], parentTeams: [], executiveTeam: false, departmentNames: [...HR_GROUPS.departments], locations: { names: [...HR_GROUPS.locations!], runs: [] }, levels: { names: [...HR_GROUPS.levels!], runs: [] } };
    const [taxFirst, partnersFirst, byShare] = experiment.strategies;
    expect(waveGroupNames(taxFirst!, experiment)).toEqual(['Tax, Legal', 'Audit', 'Dublin and the rest']);
    expect(waveGroupNames(partnersFirst!, experiment)).toEqual(['Partner', 'other teams, drawn at random', 'other teams, drawn at random']);
    expect(waveGroupNames(byShare!, experiment)).toBeUndefined();
  });
});
