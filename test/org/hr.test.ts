import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseColumnsFlag } from '../../src/org/columns.ts';
import { generateHrExport, HR_FAULTS, HR_STYLES, type HrFault } from '../../src/org/generate.ts';
import { parseHrExport, readDate, type HrExport } from '../../src/org/hr.ts';
import { pseudonymiser } from '../../src/org/pseudonym.ts';
import { ScenarioError, type Diagnostic } from '../../src/scenarios/errors.ts';

/** The diagnostics of a file that must fail. */
function problems(text: string, options = {}): Diagnostic[] {
  try {
    parseHrExport(text, 'hr.csv', options);
  } catch (err) {
    if (err instanceof ScenarioError) return err.diagnostics;
    throw err;
  }
  throw new Error('expected the file to have problems');
}

const ALL_FAULTS = Object.fromEntries(HR_FAULTS.map((kind) => [kind, 2])) as Record<HrFault, number>;

describe('an HR export with planted faults', () => {
  it.each(HR_STYLES)('reports every fault at once, each at its line and column with a hint (%s headers)', (style) => {
    const generated = generateHrExport({ people: 300, depth: 5, departments: ['Tax', 'Audit', 'Legal'], seed: 11, style, faults: ALL_FAULTS });
    const found = problems(generated.text);
    expect(generated.faults).toHaveLength(2 * HR_FAULTS.length);
    for (const fault of generated.faults) {
      const at = found.filter((d) => d.line === fault.line);
      expect(at, `${fault.kind} at line ${fault.line}`).toHaveLength(1);
      expect(at[0]!.path).toBe(fault.column);
      expect(at[0]!.col).toBeGreaterThan(0);
      expect(at[0]!.hint?.length).toBeGreaterThan(10);
      for (const line of fault.lines ?? []) expect(at[0]!.message).toContain(`line ${line}`);
    }
    // Nothing else: a fault is not also reported as a consequence elsewhere.
    expect(found).toHaveLength(generated.faults.length);
  });

  it('never shows an id, an e-mail address or a name in a message or hint', () => {
    const generated = generateHrExport({ people: 200, depth: 4, departments: ['Tax', 'Legal'], seed: 5, style: 'email', faults: ALL_FAULTS });
    const found = problems(generated.text);
    expect(found.length).toBeGreaterThan(10);
    const text = found.map((d) => `${d.message} ${d.hint} ${d.path}`).join('\n');
    expect(text).not.toMatch(/@/);
    for (const value of [...generated.ids, ...generated.names]) {
      expect(text).not.toContain(value);
      expect(text.toLowerCase()).not.toContain(value.split('@')[0]!.toLowerCase());
    }
    expect(text).not.toContain('left.company');
  });

  it('names the people in a circle of managers by line, in the order of the chain', () => {
    const text = ['Email,SupervisorEmail,Department', 'ceo@x.org,,Board', 'ann@x.org,bob@x.org,Tax', 'bob@x.org,cat@x.org,Tax', 'cat@x.org,ann@x.org,Tax', 'dan@x.org,cat@x.org,Tax'].join('\n');
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 3, path: 'SupervisorEmail' });
    expect(found[0]!.message).toContain('line 3 → line 4 → line 5 → line 3');
    expect(found[0]!.message).not.toMatch(/ann|bob|cat|@/);
  });

  it('reports someone managing themselves, and ids that differ only in case or spaces, including a manager written so', () => {
    const text = ['ID,Boss ID,Department', 'E1,,Board', 'E2,E1,Tax', 'e2,E1,Tax', 'E3,E3,Tax', 'E4,e1 ,Tax', 'E5 ,E1,Tax'].join('\n');
    const found = problems(text);
    expect(found.map((d) => [d.line, d.path])).toEqual([
      [4, 'ID'],
      [5, 'Boss ID'],
      [6, 'Boss ID'],
    ]);
    expect(found[0]!.message).toContain('line 3');
    expect(found[1]!.message).toContain('their own manager');
    expect(found[2]!.message).toContain('line 2');
    // "E5 " is an id of its own (nobody else is E5): ids are matched exactly.
  });

  it('says who the top is when several people have no manager', () => {
    const text = ['ID,Boss ID,Department', 'A,,X', 'B,A,X', 'C,A,X', 'D,,Y', 'E,D,Y'].join('\n');
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 5, path: 'Boss ID' });
    expect(found[0]!.message).toContain('line 2 (2 people under them)');
  });

  it('lists twenty problems of a kind one by one and counts the rest', () => {
    const rows = ['ID,Boss ID,Department', 'A,,X', ...Array.from({ length: 30 }, (_, i) => `P${i},Z${i},X`)];
    const found = problems(rows.join('\n'));
    expect(found).toHaveLength(21);
    expect(found[20]!.message).toBe('and 10 more lines with an unknown manager');
    expect(found[20]!.line).toBe(23);
  });
});

describe('the header', () => {
  const cases: [string, string, string | null][] = [
    ['PersonId,ManagerId,Organization,EffectiveDate,LevelDesignation', 'PersonId', 'Viva Insights'],
    ['id,boss_id,department,location', 'id', 'org chart'],
    [' E-mail , Supervisor Email ,Dept', 'E-mail', 'e-mail'],
    ['Name,PersonId,Email,ManagerId,Organization', 'PersonId', 'Viva Insights'],
    ['Name,PersonId,Email,SupervisorEmail,Organization', 'Email', 'e-mail'],
  ];
  it.each(cases)('%s is recognised', (header, id, convention) => {
    const hr = parseHrExport(`${header}\n${fill(header)}\n`, 'hr.csv');
    expect(hr.columns.id).toBe(id);
    expect(hr.convention).toBe(convention);
    expect(hr.summary.people).toBe(1);
  });

  it('reads a mapping for headers it does not know, and matches the mapped names case and spacing aside', () => {
    const text = 'Emp Code,Full Name,Line Mgr,Unit\n1,Ann,,Tax\n2,Bob,1,Tax\n';
    const missing = problems(text);
    expect(missing.map((d) => d.path)).toEqual(['id', 'manager', 'department']);
    const manager = missing.find((d) => d.path === 'manager')!;
    expect(manager.hint).toContain('columns: {manager: Line Mgr}');
    expect(manager.hint).toContain('Emp Code, Full Name, Line Mgr, Unit');
    const hr = parseHrExport(text, 'hr.csv', { columns: { id: 'emp code', manager: 'LINE MGR', department: 'Unit' } });
    expect(hr.convention).toBe('mapping');
    expect(hr.columns).toMatchObject({ id: 'Emp Code', manager: 'Line Mgr', department: 'Unit' });
    expect(hr.ignoredColumns).toEqual(['Full Name']);
    expect(hr.summary.people).toBe(2);
  });

  it('says when a mapped column is not in the file', () => {
    const found = problems('ID,Boss ID,Department\nA,,X\n', { columns: { department: 'Dept' } });
    expect(found).toEqual([expect.objectContaining({ line: 1, path: 'department', message: 'the column "Dept" given for department is not in the file', hint: "the file's columns are ID, Boss ID, Department" })]);
  });

  it('parses --columns', () => {
    expect(parseColumnsFlag('id=Emp No, manager = Reports To,hire-date="Start"')).toEqual({ mapping: { id: 'Emp No', manager: 'Reports To', hire_date: 'Start' }, problems: [] });
    expect(parseColumnsFlag('boss=X,id=').problems).toHaveLength(2);
  });
});

describe('other problems of a file', () => {
  it('a file without a header: its first line is not echoed', () => {
    const found = problems('ann.lee@firm.example,Ann Lee,,Board\nbob.ray@firm.example,Bob Ray,ann.lee@firm.example,Tax\n');
    expect(found[0]!.message).toBe("the first line looks like a person's data, not a header");
    const text = found.map((d) => `${d.message} ${d.hint}`).join('\n');
    expect(text).not.toMatch(/ann|bob|@firm|Lee|Board/i);
    expect(text).toContain('(column 1)');
    expect(problems('E00417,,Board\n').map((d) => `${d.message} ${d.hint}`).join('\n')).not.toContain('E00417');
  });

  it('an empty file, a header alone, a broken quote', () => {
    expect(problems('')[0]!.message).toBe('the file is empty');
    expect(problems('# only a comment\n,,\n')[0]!.message).toBe('the file is empty');
    expect(problems('ID,Boss ID,Department\n')[0]!.message).toBe('no people after the header');
    const broken = problems('ID,Boss ID,Department\n"secret@x.org,,Tax\n');
    expect(broken[0]!.message).toContain('not a readable CSV file');
    expect(broken[0]!.message).not.toContain('secret');
  });

  it('unreadable dates and flags, blank departments and ids, wrong field counts, all at once', () => {
    const text = ['ID,Boss ID,Department,Hire Date,Front Line', 'A,,X,2020-01-31,no', 'B,A,X,2020-02-30,yes', 'C,A,,01/15/2020,maybe', ',A,X,,', 'D,A,X'].join('\n');
    expect(problems(text).map((d) => [d.line, d.path])).toEqual([
      [3, 'Hire Date'],
      [4, 'Department'],
      [4, 'Front Line'],
      [5, 'ID'],
      [6, ''],
    ]);
  });

  it('reads dates in ISO and Viva Insights form, and no impossible ones', () => {
    expect(readDate('2021-03-15')).toBe('2021-03-15');
    expect(readDate('2021-3-5T10:00:00Z')).toBe('2021-03-05');
    expect(readDate('03/15/2021')).toBe('2021-03-15');
    expect(readDate('2/29/2024')).toBe('2024-02-29');
    for (const bad of ['2021-02-29', '15/03/2021', '2021', 'soon', '2021-13-01']) expect(readDate(bad)).toBeUndefined();
  });

  it('reads only the latest snapshot of a file with several effective dates', () => {
    const text = ['PersonId,ManagerId,Organization,EffectiveDate', 'A,,X,2026-01-01', 'B,A,X,2026-01-01', 'A,,X,2026-06-01', 'B,A,Y,2026-06-01', 'C,B,Y,2026-06-01'].join('\n');
    const hr = parseHrExport(text, 'hr.csv');
    expect(hr.snapshot).toEqual({ effectiveDate: '2026-06-01', rowsIgnored: 2 });
    expect(hr.summary.people).toBe(3);
    expect(hr.summary.departments).toEqual([
      { name: 'Y', people: 2 },
      { name: 'X', people: 1 },
    ]);
  });
});

describe('privacy', () => {
  it('keeps no id: people carry pseudonyms, the same for the same file and different for another salt', () => {
    const generated = generateHrExport({ people: 50, depth: 3, departments: ['Tax'], seed: 2, style: 'email' });
    const hr = parseHrExport(generated.text, 'hr.csv');
    const json = JSON.stringify(hr);
    for (const id of generated.ids) expect(json).not.toContain(id);
    expect(json).not.toMatch(/@/);
    expect(hr.people.every((p) => /^[0-9a-f]{16}$/.test(p.key))).toBe(true);
    expect(parseHrExport(generated.text, 'hr.csv').people.map((p) => p.key)).toEqual(hr.people.map((p) => p.key));
    expect(parseHrExport(generated.text, 'hr.csv', { salt: 'client secret' }).people[0]!.key).not.toBe(hr.people[0]!.key);
  });

  it('keys pseudonyms by the whole set of ids, so a short id cannot be looked up alone', () => {
    const a = pseudonymiser(['E1', 'E2', 'E3']);
    const b = pseudonymiser(['E1', 'E2', 'E4']);
    expect(a('E1')).not.toBe(b('E1'));
    expect(pseudonymiser(['E3', 'E1', 'E2'])('E1')).toBe(a('E1'));
  });
});

describe('properties of valid files', () => {
  /** A random tree: person i > 0 reports to someone before them; ids, departments and row order drawn too. */
  const tree = fc
    .integer({ min: 1, max: 120 })
    .chain((n) =>
      fc.record({
        parents: fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: 0, max: Math.max(0, i - 1) }))),
        departments: fc.array(fc.constantFrom('Tax', 'Audit', 'Legal', 'IT'), { minLength: n, maxLength: n }),
        order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        order2: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        emails: fc.boolean(),
      }),
    );

  function csv(t: { parents: number[]; departments: string[]; emails: boolean }, order: number[]): string {
    const id = (i: number) => (t.emails ? `p${i * 37 + 1}@firm.example` : `E${String(i * 37 + 1).padStart(5, '0')}`);
    return ['Email,SupervisorEmail,Department', ...order.map((i) => `${id(i)},${i === 0 ? '' : id(t.parents[i]!)},${t.departments[i]}`)].join('\n');
  }

  it('any tree gives the counts it should', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const n = t.parents.length;
        const hr = parseHrExport(csv(t, t.order), 'hr.csv');
        const reports = new Array<number>(n).fill(0);
        const depth = new Array<number>(n).fill(1);
        for (let i = 1; i < n; i++) {
          reports[t.parents[i]!]!++;
          depth[i] = depth[t.parents[i]!]! + 1;
        }
        const sizes: Record<string, number> = {};
        for (const d of t.departments) sizes[d] = (sizes[d] ?? 0) + 1;
        expect(hr.summary.people).toBe(n);
        expect(hr.summary.managers).toBe(reports.filter((r) => r > 0).length);
        expect(hr.summary.teams).toBe(hr.summary.managers);
        expect(hr.summary.depth).toBe(Math.max(...depth));
        expect(hr.summary.span_of_control.max).toBe(Math.max(...reports));
        expect(Object.fromEntries(hr.summary.departments.map((d) => [d.name, d.people]))).toEqual(sizes);
        // Every manager comes before the people under them.
        hr.people.forEach((p, i) => expect(p.manager).toBeLessThan(i));
      }),
      { numRuns: 150, seed: 16 },
    );
  });

  it('a permutation of the rows gives the same summary and the same people', () => {
    const withoutLines = (hr: HrExport) => hr.people.map(({ line: _, ...rest }) => rest);
    fc.assert(
      fc.property(tree, (t) => {
        const a = parseHrExport(csv(t, t.order), 'hr.csv');
        const b = parseHrExport(csv(t, t.order2), 'hr.csv');
        expect(b.summary).toEqual(a.summary);
        expect(withoutLines(b)).toEqual(withoutLines(a));
      }),
      { numRuns: 150, seed: 61 },
    );
  });

  it('the generator gives the counts it says, in every header convention and depth', () => {
    for (const style of HR_STYLES) {
      for (const depth of [2, 3, 6]) {
        const generated = generateHrExport({ people: 400, depth, departments: ['A', 'B', 'C', 'D', 'E'], seed: depth, style });
        const hr = parseHrExport(generated.text, 'hr.csv');
        expect(hr.summary).toMatchObject({ people: 400, managers: generated.expected.managers, depth: generated.expected.depth });
        expect(hr.summary.depth).toBe(depth);
        expect(hr.summary.span_of_control.max).toBe(generated.expected.maxSpan);
        expect(Object.fromEntries(hr.summary.departments.map((d) => [d.name, d.people]))).toEqual(generated.expected.departments);
      }
    }
  });

  it('the bundled examples/hr/firm-600.csv is the generator\'s file: synthetic, 600 people in 6 departments', () => {
    const text = readFileSync(new URL('../../examples/hr/firm-600.csv', import.meta.url), 'utf8');
    const command = /^# Made by: npx tsx scripts\/hr-export\.ts (.*)$/m.exec(text)![1]!;
    expect(text).toMatch(/^# Synthetic HR export/);
    const flag = (name: string) => new RegExp(`--${name} (\\S+)`).exec(command)![1]!;
    const again = generateHrExport({ people: Number(flag('people')), depth: Number(flag('depth')), departments: flag('departments').split(','), seed: Number(flag('seed')), style: 'viva', command: `npx tsx scripts/hr-export.ts ${command}` });
    expect(again.text).toBe(text);
    const hr = parseHrExport(text, 'firm-600.csv');
    expect(hr.convention).toBe('Viva Insights');
    expect(hr.summary.people).toBe(600);
    expect(hr.summary.departments).toHaveLength(6);
  });
});

/** A data line for a header: blank manager, a value for everything else. */
function fill(header: string): string {
  return header
    .split(',')
    .map((h) => {
      const n = h.trim().toLowerCase().replace(/[\s_\-.]/g, '');
      if (/manager|boss|supervisor/.test(n)) return '';
      if (/date/.test(n)) return '2024-01-01';
      return 'v';
    })
    .join(',');
}
