import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateHrExport, HR_FAULTS, type HrFault } from '../../src/org/generate.ts';
import { uptake } from './spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-org-'));
function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('uptake org', () => {
  it('prints what the bundled export holds: counts, span, departments with sizes, the columns read', async () => {
    const out = await uptake(['org', 'examples/hr/firm-600.csv']);
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('600 people (Viva Insights columns), no problems found');
    for (const word of ['managers', 'teams', 'depth', 'span of control', 'departments (6)', 'locations (4)', 'levels', 'columns read: id ← PersonId']) expect(out.stdout).toContain(word);
    expect(out.stdout).toMatch(/^Tax\s+\d+\s+[\d.]+%$/m);
  });

  it('never shows a group of fewer than --min-group people (default 5) by name: they are merged, and the output says so', async () => {
    const people = ['PersonId,ManagerId,Organization,Location', 'p0,,Tax,Paris', ...Array.from({ length: 11 }, (_, i) => `p${i + 1},p0,${i < 8 ? 'Tax' : 'Legal'},${i < 9 ? 'Paris' : 'Oslo'}`)];
    const file = csv('small-groups.csv', `${people.join('\n')}\n`);
    const text = await uptake(['org', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\(1 group under 5 people, merged\)\s+3\s/m); // Legal, 3 people
    expect(text.stdout).not.toMatch(/^Legal\s/m);
    expect(text.stdout).not.toMatch(/^Oslo\s/m);
    const json = JSON.parse((await uptake(['org', file, '--json'])).stdout);
    expect(json.departments).toEqual([{ name: 'Tax', people: 9 }]);
    expect(json.merged).toEqual({ departments: { groups: 1, people: 3 }, locations: { groups: 1, people: 2 } });
    expect(JSON.stringify(json)).not.toContain('Oslo');
    const all = JSON.parse((await uptake(['org', file, '--json', '--min-group', '1'])).stdout);
    expect(all.departments.map((d: { name: string }) => d.name)).toEqual(['Tax', 'Legal']);
  }, 60_000);

  it('--json prints one object with the documented fields', async () => {
    const out = await uptake(['org', 'examples/hr/firm-600.csv', '--json']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(Object.keys(json)).toEqual(['ok', 'file', 'convention', 'columns', 'ignored_columns', 'snapshot', 'people', 'managers', 'teams', 'depth', 'span_of_control', 'departments', 'levels', 'locations', 'functions', 'named_teams', 'front_line', 'min_group', 'merged', 'problems']);
    expect(json).toMatchObject({ ok: true, convention: 'Viva Insights', people: 600, problems: [], snapshot: null, ignored_columns: ['SupervisorIndicator'] });
    expect(json.departments.reduce((a: number, d: { people: number }) => a + d.people, 0)).toBe(600);
    expect(Object.keys(json.span_of_control)).toEqual(['median', 'mean', 'max']);
  });

  it('exits 2 with every problem of a bad file, one line each, no stack trace and no e-mail address', async () => {
    const faults = Object.fromEntries(HR_FAULTS.map((k) => [k, 1])) as Record<HrFault, number>;
    const generated = generateHrExport({ people: 120, depth: 4, departments: ['Tax', 'Legal'], seed: 3, style: 'email', faults });
    const file = csv('bad.csv', generated.text);
    const out = await uptake(['org', file]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    const lines = out.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(`${generated.faults.length} problems found.`);
    for (const fault of generated.faults) expect(out.stderr).toContain(`${file}:${fault.line}:`);
    expect(out.stderr).not.toMatch(/@|\bat .*\.ts:\d+/);

    const json = await uptake(['org', file, '--json']);
    expect(json.code).toBe(2);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(generated.faults.length);
    expect(Object.keys(report.problems[0]).sort()).toEqual(['col', 'file', 'hint', 'line', 'message', 'path']);
  });

  it('--columns says which column is which; a bad --columns or a missing file is exit 2', async () => {
    const file = csv('own.csv', 'Emp Code,Full Name,Line Mgr,Unit\n1,Ann,,Tax\n2,Bob,1,Tax\n3,Cy,1,Law\n');
    const missing = await uptake(['org', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--columns manager="Line Mgr"');
    const mapped = await uptake(['org', file, '--columns', 'id=Emp Code,manager=Line Mgr,department=Unit', '--json']);
    expect(mapped.code).toBe(0);
    expect(JSON.parse(mapped.stdout)).toMatchObject({ convention: 'mapping', people: 3, managers: 1, depth: 2 });
    const bad = await uptake(['org', file, '--columns', 'boss=Line Mgr']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --columns: unknown field "boss"/);
    const none = await uptake(['org', join(dir, 'nope.csv')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: /);
  });
});
