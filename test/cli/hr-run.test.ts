/** `uptake run`, `validate` and `test` on a scenario whose organisation is an HR export (organisation: {from: hr.csv}). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHrExport } from '../../src/org/generate.ts';
import { uptake } from './spawn.ts';
import { loadScenarioOrganised } from '../../src/cli/scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-hr-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const generated = generateHrExport({ people: 60, depth: 3, departments: ['Tax', 'Legal', 'Audit'], seed: 5, style: 'email' });
writeFileSync(join(dir, 'hr.csv'), generated.text);

function scenario(name: string, organisation: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nhorizon: 20\nrollouts: 3\norganisation:\n${organisation}strategies:\n  top_down: {type: top_down}\n  bottom_up: {type: bottom_up}\n`);
  return file;
}

describe('a scenario on an HR export', () => {
  it('uptake run exits 0 on the file\'s organisation: one row per strategy and rollout, 60 employees in its teams', async () => {
    const file = scenario('tiny_hr', '  from: hr.csv\n  silo_strength: 0.5\n');
    const out = join(dir, 'run');
    const r = await uptake(['run', file, '--rollouts', '4', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = readFileSync(join(out, 'rollouts.csv'), 'utf8').trim().split('\n');
    expect(rows).toHaveLength(1 + 2 * 4);
    const experiment = JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8'));
    expect(experiment.params.organisation).toMatchObject({ employees: 60, departments: 3, siloStrength: 0.5 });
    expect(experiment.params.organisation.structure.teamSizes).toHaveLength(generated.expected.managers);
    expect(experiment.departments.map((d: { name: string }) => d.name)).toEqual(['Audit', 'Legal', 'Tax']);
    // Pseudonymised on import and never written: no id or name of the file reaches an output.
    const written = ['rollouts.csv', 'experiment.json', 'summary.json', 'manifest.json'].map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const id of [...generated.ids, ...generated.names]) expect(written).not.toContain(id);
  }, 120_000);

  it('uptake validate exits 2 with every problem of a bad HR file, as uptake org prints them', async () => {
    const bad = generateHrExport({ people: 60, depth: 3, departments: ['Tax'], seed: 5, style: 'email', faults: { 'unknown-manager': 1, duplicate: 1 } });
    writeFileSync(join(dir, 'bad.csv'), bad.text);
    const r = await uptake(['validate', scenario('bad_hr', '  from: bad.csv\n')]);
    expect(r.code).toBe(2);
    for (const fault of bad.faults) expect(r.stderr).toContain(`bad.csv:${fault.line}:`);
    expect(r.stderr).toContain('2 problems found.');
  }, 60_000);

  it('uptake validate exits 2 when the scenario sets employees too, at its line', async () => {
    const r = await uptake(['validate', scenario('both', '  from: hr.csv\n  employees: 60\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('both.yaml:6:3 organisation.employees: employees is settled by the HR file (organisation.from) — the HR file settles employees: delete it here');
  }, 60_000);

  it('a department number that the HR file does not have is a problem at its line, listing its departments', async () => {
    const file = join(dir, 'numbers.yaml');
    writeFileSync(file, 'name: numbers\norganisation:\n  from: hr.csv\nstrategies:\n  launch:\n    type: custom\n    interventions:\n      - {type: access, at: 0, target: {departments: [1, 3]}}\n');
    const r = await uptake(['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/numbers\.yaml:8:\d+ strategies\.launch\.interventions\[0\]\.target\.departments\[1\]: department number 3 does not exist — departments are numbered 0 to 2: 0 Audit, 1 Legal, 2 Tax/);
    expect(r.stderr).not.toContain('number 1 ');
  }, 60_000);

  it('targets name the HR file\'s departments, and a typo gets the nearest name at its line', async () => {
    const file = join(dir, 'names.yaml');
    writeFileSync(file, 'name: names\nhorizon: 20\nrollouts: 3\norganisation:\n  from: hr.csv\nstrategies:\n  launch:\n    type: custom\n    interventions:\n      - {type: access, at: 0, target: {departments: [Tax, Legal]}}\n      - {type: announcement, at: 0, target: {departments: [Tax, Legal]}}\n');
    const out = join(dir, 'names-run');
    const ok = await uptake(['run', file, '--out', out, '--quiet', '--no-report']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const experiment = JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8'));
    // Audit 0, Legal 1, Tax 2: the file's departments in alphabetical order.
    expect(experiment.strategies[0].interventions[0].target).toEqual({ kind: 'departments', departments: [2, 1] });
    writeFileSync(file, readFileSync(file, 'utf8').replace('[Tax, Legal]}}\n      - {type: announcement', '[Taxes, Legal]}}\n      - {type: announcement'));
    const typo = await uptake(['validate', file]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/names\.yaml:10:\d+ strategies\.launch\.interventions\[0\]\.target\.departments\[0\]: unknown department "Taxes" — did you mean Tax\?/);
  }, 60_000);

  it('a missing HR file is a problem naming the file and the scenario', async () => {
    const r = await uptake(['validate', scenario('missing', '  from: nowhere.csv\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nowhere\.csv no such file — organisation\.from in .*missing\.yaml names it/);
  }, 60_000);

  it("the experiment's hash depends on what the HR file holds, not on where it lies", async () => {
    const text = 'name: where\nhorizon: 20\norganisation:\n  from: hr.csv\nstrategies:\n  top_down: {type: top_down}\n';
    const hashIn = async (folder: string, csv: string) => {
      mkdirSync(join(dir, folder), { recursive: true });
      writeFileSync(join(dir, folder, 'hr.csv'), csv);
      writeFileSync(join(dir, folder, 'where.yaml'), text);
      return (await loadScenarioOrganised(join(dir, folder, 'where.yaml'))).hash;
    };
    const here = await hashIn('checkout-a', generated.text);
    expect(await hashIn('elsewhere/checkout-b', generated.text)).toBe(here);
    const other = generateHrExport({ people: 60, depth: 3, departments: ['Tax', 'Legal', 'Audit'], seed: 6, style: 'email' });
    expect(await hashIn('checkout-c', other.text)).not.toBe(here);
  });
});
