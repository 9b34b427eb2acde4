import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { HR_FIELDS } from '../../src/org/columns.ts';
import { HR_COLUMN_FIELDS } from '../../src/scenarios/schema.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { problems } from './helpers.ts';

const HR = `name: hr_firm
horizon: 30
rollouts: 5
organisation:
  from: ../examples/hr/firm-600.csv
  silo_strength: 0.7
strategies:
  top_down:
    type: top_down
`;

describe('organisation: {from: hr.csv}', () => {
  it('records the HR file, resolved against the scenario\'s folder, and leaves the other organisation parameters in place', () => {
    const experiment = loadScenarioText(HR.replace('  silo_strength: 0.7\n', '  silo_strength: 0.7\n  columns: {id: PersonId}\n'), 'scenarios/hr.yaml');
    expect(experiment.organisationSource).toEqual({ file: resolve('examples/hr/firm-600.csv'), columns: { id: 'PersonId' } });
    expect(experiment.params.organisation.siloStrength).toBe(0.7);
    // Not read here: the CLI reads the file (src/cli/scenario.ts).
    expect(experiment.params.organisation.structure).toBeUndefined();
  });

  it('rejects employees, departments and team_size set alongside it, at their lines, saying the file settles them', () => {
    const text = HR.replace('  silo_strength: 0.7\n', '  silo_strength: 0.7\n  employees: 600\n  team_size: 6\n');
    expect(problems(text)).toEqual([
      'test.yaml:7:3 organisation.employees: employees is settled by the HR file (organisation.from) — the HR file settles employees: delete it here',
      'test.yaml:8:3 organisation.team_size: team_size is settled by the HR file (organisation.from) — the HR file settles team_size: delete it here',
    ]);
  });

  it('rejects them in uncertainties too, and departments as a list', () => {
    const text = `${HR.replace('  silo_strength: 0.7\n', '  departments: [{name: Tax, share: 1}]\n')}uncertainties:\n  organisation.employees: {uniform: [500, 700]}\n`;
    const lines = problems(text);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^test\.yaml:6:3 organisation\.departments: departments is settled by the HR file/);
    expect(lines[1]).toMatch(/^test\.yaml:11:3 uncertainties\.organisation\.employees: organisation\.employees is settled by the HR file .* delete it here$/);
  });

  it('rejects columns: without an HR file', () => {
    expect(problems(HR.replace('  from: ../examples/hr/firm-600.csv\n', '  columns: {id: Emp No}\n'))).toEqual([
      'test.yaml:5:3 organisation.columns: columns: says which column of an HR file is which, but there is no HR file — add organisation.from: hr.csv, or delete columns:',
    ]);
  });

  it('rejects network: complete with it, and department names in targets when the loader is called without their names', () => {
    const text = `network: complete\n${HR.replace('    type: top_down\n', '    type: top_down\n    interventions:\n      - {type: showcase, at: 4, target: {departments: [Tax]}}\n')}`;
    const lines = problems(text);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^test\.yaml:1:1 network: network: complete ignores the HR file's teams/);
    expect(lines[1]).toMatch(/departments of an HR file are named only when a command reads the file \(uptake run, validate, test, explore, forecast\) — run it with one of those commands, or refer to them by number from 0, in alphabetical order/);
  });

  it('the schema\'s column fields are src/org\'s', () => {
    expect([...HR_COLUMN_FIELDS]).toEqual([...HR_FIELDS]);
  });
});
