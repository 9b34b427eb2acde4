import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTelemetry, readTelemetry, TELEMETRY_COLUMNS, type TelemetryContext } from '../../src/forecast/telemetry.ts';
import { ScenarioError, type Diagnostic } from '../../src/scenarios/errors.ts';

const CONTEXT: TelemetryContext = {
  horizon: 12,
  population: 1000,
  groups: new Map([
    ['pilot', 100],
    ['wave1', 300],
    ['sales', 200],
  ]),
};

/** The problems a file is rejected with (fails the test if it is accepted). */
function problems(text: string, context: TelemetryContext = CONTEXT): Diagnostic[] {
  try {
    parseTelemetry(text, 'pilot.csv', context);
  } catch (err) {
    if (err instanceof ScenarioError) return err.diagnostics;
    throw err;
  }
  throw new Error('the file was accepted');
}

/** The single problem a file is rejected with. */
function only(text: string, context: TelemetryContext = CONTEXT): Diagnostic {
  const found = problems(text, context);
  expect(found.map((d) => `${d.line}:${d.col} ${d.path}: ${d.message}`)).toHaveLength(1);
  return found[0]!;
}

const WHOLE = `week,with_access,active,posters,posts
1,50,30,8,20
2,120,70,15,41
3,120,85,22,60
`;

describe('reading a telemetry file', () => {
  it('reads a whole-organisation file', () => {
    const { telemetry, warnings } = parseTelemetry(WHOLE, 'pilot.csv', CONTEXT);
    expect(telemetry).toEqual({
      file: 'pilot.csv',
      groups: [null],
      lastWeek: 3,
      hasPosts: true,
      rows: [
        { group: null, week: 1, withAccess: 50, active: 30, posters: 8, posts: 20, line: 2 },
        { group: null, week: 2, withAccess: 120, active: 70, posters: 15, posts: 41, line: 3 },
        { group: null, week: 3, withAccess: 120, active: 85, posters: 22, posts: 60, line: 4 },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('reads a grouped file in any row order and returns it sorted by group (first appearance) then week', () => {
    const text = `group,week,with_access,active,posters
wave1,2,200,90,10
pilot,2,100,60,12
pilot,1,100,40,9
wave1,1,150,30,4
`;
    const { telemetry, warnings } = parseTelemetry(text, 'pilot.csv', CONTEXT);
    expect(telemetry.groups).toEqual(['wave1', 'pilot']);
    expect(telemetry.lastWeek).toBe(2);
    expect(telemetry.hasPosts).toBe(false);
    expect(telemetry.rows.map((r) => [r.group, r.week, r.withAccess, r.line])).toEqual([
      ['wave1', 1, 150, 5],
      ['wave1', 2, 200, 2],
      ['pilot', 1, 100, 4],
      ['pilot', 2, 100, 3],
    ]);
    expect(warnings).toEqual([]);
  });

  it('does not care about column order, case or spaces in the header', () => {
    const shuffled = ` Posts ,POSTERS,Active,  Week,With_Access
20,8,30,1,50
41,15,70,2,120
60,22,85,3,120
`;
    const strip = (rows: { line: number }[]) => rows.map(({ line: _, ...rest }) => rest);
    expect(strip(parseTelemetry(shuffled, 'a.csv', CONTEXT).telemetry.rows)).toEqual(strip(parseTelemetry(WHOLE, 'b.csv', CONTEXT).telemetry.rows));
    expect(TELEMETRY_COLUMNS).toEqual(['week', 'with_access', 'active', 'posters', 'posts', 'group']);
  });

  it('accepts comment lines, blank lines, a byte-order mark and CRLF line ends', () => {
    const text = '\uFEFF# exported from the admin console\r\nweek,with_access,active,posters\r\n# first week\r\n1,50,30,8\r\n\r\n2,60,31,9\r\n';
    const { telemetry } = parseTelemetry(text, 'pilot.csv', CONTEXT);
    expect(telemetry.rows.map((r) => [r.week, r.withAccess, r.line])).toEqual([
      [1, 50, 4],
      [2, 60, 6],
    ]);
    // Positions still count the comment lines, and columns are found on the line itself.
    const d = only('\uFEFF# note\nweek,with_access,active,posters\n# more\n1,50,x,8\n');
    expect([d.line, d.col, d.path]).toEqual([4, 6, 'active']);
  });

  it('takes posts as optional: without the column posts is null and hasPosts false', () => {
    const { telemetry } = parseTelemetry('week,with_access,active,posters\n1,50,30,8\n', 'pilot.csv', CONTEXT);
    expect(telemetry.hasPosts).toBe(false);
    expect(telemetry.rows[0]!.posts).toBeNull();
  });

  it('keeps a group name holding a comma or a # when quoted', () => {
    const context = { ...CONTEXT, groups: new Map([['Sales, North #2', 50]]) };
    const { telemetry } = parseTelemetry('week,group,with_access,active,posters\n1,"Sales, North #2",40,20,5\n', 'pilot.csv', context);
    expect(telemetry.groups).toEqual(['Sales, North #2']);
    // The column of a field after a quoted comma is right.
    const d = only('week,group,with_access,active,posters\n1,"Sales, North #2",40,20,x\n', context);
    expect([d.line, d.col, d.path]).toEqual([2, 27, 'posters']);
  });

  it('reads a file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uptake-telemetry-'));
    try {
      const file = join(dir, 'pilot.csv');
      await writeFile(file, WHOLE);
      const { telemetry } = await readTelemetry(file, CONTEXT);
      expect(telemetry.file).toBe(file);
      expect(telemetry.rows.map((r) => r.active)).toEqual([30, 70, 85]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('problems in a telemetry file', () => {
  it('reports every problem of a file at once, each on its line and column', () => {
    const text = `group,week,with_access,active,posters,posts,wau
pilot,1,40,50,5,3,1
pilot,x,40,20,5,3,1
pilot,4,40,20,5,-2,1
pliot,5,40,20,30,3,1
,6,40,20,5,3,1
wave1,1,400,20,5,3,1
wave1,1,20,20,5,3,1
wave1,14,20,20,5,3,1
wave1,5,20,,5,3,1
`;
    const found = problems(text);
    expect(found.map((d) => [d.line, d.path])).toEqual([
      [1, 'wau'], // unknown column
      [2, 'active'], // active 50 above with_access 40
      [3, 'week'], // week "x"
      [4, 'week'], // weeks 2–3 missing for pilot
      [4, 'posts'], // negative posts
      [5, 'group'], // unknown group "pliot"
      [5, 'posters'], // posters 30 above active 20
      [6, 'group'], // empty group cell
      [7, 'with_access'], // 400 above wave1's 300 people
      [8, 'week'], // week 1 of wave1 repeated
      [9, 'week'], // week 14 past the horizon
      [10, 'week'], // weeks 2–4 missing for wave1
      [10, 'active'], // active empty
    ]);
    expect(found).toHaveLength(13);
    expect(found.every((d) => d.file === 'pilot.csv' && d.hint)).toBe(true);
    const message = (line: number, path: string) => found.find((d) => d.line === line && d.path === path)!.message;
    expect(message(1, 'wau')).toBe('unknown column "wau"');
    expect(found[0]!.hint).toMatch(/^did you mean active\?/);
    expect(message(4, 'week')).toBe('weeks 2–3 are missing for group pilot');
    expect(message(10, 'week')).toBe('weeks 2–4 are missing for group wave1');
    expect(message(8, 'week')).toBe('week 1 for group wave1 is repeated (first on line 7)');
    expect(found.map((d) => d.col)).toEqual([45, 12, 7, 7, 17, 1, 15, 1, 9, 7, 7, 7, 12]);
  });

  it('rejects a file that is not readable CSV', () => {
    const d = only('week,with_access,active,posters\n1,"50,30,8\n');
    expect(d.message).toMatch(/^not a readable CSV file: /);
    expect(d.line).toBe(2);
  });

  it('rejects an empty file, a file of comments only, and a header without data', () => {
    expect(only('').message).toBe('the file is empty');
    expect(only('# nothing yet\n\n').message).toBe('the file is empty');
    const d = only('# weekly export\nweek,with_access,active,posters\n');
    expect([d.line, d.path, d.message]).toEqual([2, '', 'no data rows after the header']);
  });

  it('rejects data without a header line', () => {
    const d = only('1,50,30,8\n2,60,31,9\n');
    expect([d.line, d.message]).toEqual([1, 'the first line is not a header: it holds numbers, not column names']);
  });

  it('names a missing column on the header line, listing what was found', () => {
    const d = only('week,with_access,active\n1,50,30\n');
    expect([d.line, d.col, d.path, d.message]).toEqual([1, 1, 'posters', 'missing column "posters"']);
    expect(d.hint).toContain('(found: week, with_access, active)');
  });

  it('suggests the known column for a misspelt one', () => {
    const found = problems('week,withaccess,active_users,poster\n1,50,30,8\n');
    const unknown = found.filter((d) => d.message.startsWith('unknown column'));
    expect(unknown.map((d) => [d.path, d.col, d.hint!.split('?')[0]])).toEqual([
      ['withaccess', 6, 'did you mean with_access'],
      ['active_users', 17, 'did you mean active'],
      ['poster', 30, 'did you mean posters'],
    ]);
    // The three required columns they were meant to be are missing too.
    expect(found.filter((d) => d.message.startsWith('missing column')).map((d) => d.path)).toEqual(['with_access', 'active', 'posters']);
    expect(found).toHaveLength(6);
  });

  it('rejects an unknown column with no close name, listing the known ones', () => {
    const d = only('week,with_access,active,posters,comment\n1,50,30,8,ok\n');
    expect([d.col, d.path, d.message]).toEqual([33, 'comment', 'unknown column "comment"']);
    expect(d.hint).toBe('the columns are week, with_access, active, posters, posts and group; rename or remove the others');
  });

  it('rejects a column given twice', () => {
    const d = only('week,with_access,active,posters,active\n1,50,30,8,30\n');
    expect([d.col, d.path, d.message]).toEqual([33, 'active', 'column "active" appears twice (columns 3 and 5)']);
  });

  it('rejects a line with the wrong number of fields', () => {
    const d = only('week,with_access,active,posters\n1,50,30,8\n2,60,31\n');
    expect([d.line, d.message]).toEqual([3, 'this line has 3 fields but the header has 4 columns']);
  });

  it.each([
    ['', 'week is empty'],
    ['2.5', 'week "2.5" is not a whole number'],
    ['two', 'week "two" is not a number'],
    ['0', 'week 0 is before week 1'],
    ['-1', 'week -1 is before week 1'],
  ])('rejects week %j', (week, message) => {
    const d = only(`week,with_access,active,posters\n${week},50,30,8\n`);
    expect([d.line, d.col, d.path, d.message]).toEqual([2, 1, 'week', message]);
  });

  it.each([
    ['with_access', '1,,30,8,5', 3, 'with_access is empty'],
    ['with_access', '1,50.5,30,8,5', 3, 'with_access "50.5" is not a whole number'],
    ['active', '1,50,-3,0,5', 6, 'active is negative (-3)'],
    ['active', '1,50,3O,8,5', 6, 'active "3O" is not a number'],
    ['posters', '1,50,30,,5', 9, 'posters is empty'],
    ['posts', '1,50,30,8,-1', 11, 'posts is negative (-1)'],
    ['posts', '1,50,30,8,', 11, 'posts is empty'],
  ])('rejects a bad %s count', (path, line, col, message) => {
    const d = only(`week,with_access,active,posters,posts\n${line}\n`);
    expect([d.line, d.col, d.path, d.message]).toEqual([2, col, path, message]);
  });

  it('rejects more active users than people with access, and more posters than active users', () => {
    const a = only('week,with_access,active,posters\n1,50,60,8\n');
    expect([a.col, a.path, a.message]).toEqual([6, 'active', 'active 60 is above with_access 50']);
    const p = only('week,with_access,active,posters\n1,50,30,31\n');
    expect([p.col, p.path, p.message]).toEqual([9, 'posters', 'posters 31 is above active 30']);
  });

  it("rejects a count above the group's size, or the population for the whole organisation", () => {
    const g = only('group,week,with_access,active,posters\npilot,1,101,30,8\n');
    expect([g.col, g.path, g.message]).toEqual([9, 'with_access', 'with_access 101 is above the size of group pilot (100 people)']);
    const w = only('week,with_access,active,posters\n1,1001,30,8\n');
    expect([w.path, w.message]).toEqual(['with_access', "with_access 1001 is above the organisation's 1000 employees"]);
    // With with_access unreadable, active is checked against the size instead.
    const found = problems('group,week,with_access,active,posters\npilot,1,,130,8\n');
    expect(found.map((d) => d.message)).toEqual(['with_access is empty', 'active 130 is above the size of group pilot (100 people)']);
  });

  it('rejects a week repeated within a group, naming the first line', () => {
    const d = only('group,week,with_access,active,posters\npilot,1,50,30,8\nwave1,1,50,30,8\npilot,1,50,30,8\n');
    expect([d.line, d.col, d.path, d.message]).toEqual([4, 7, 'week', 'week 1 for group pilot is repeated (first on line 2)']);
    const w = only('week,with_access,active,posters\n1,50,30,8\n2,50,30,8\n1,50,30,8\n');
    expect(w.message).toBe('week 1 is repeated (first on line 2)');
  });

  it('reports the missing weeks of a group once, compactly', () => {
    const text = `group,week,with_access,active,posters
pilot,1,50,30,8
pilot,2,50,30,8
pilot,3,50,30,8
pilot,7,50,30,8
pilot,8,50,30,8
pilot,10,50,30,8
`;
    const d = only(text);
    expect([d.line, d.col, d.path, d.message]).toEqual([5, 7, 'week', 'weeks 4–6 and 9 are missing for group pilot']);
    expect(d.hint).toBe('give every week from 1 to 10 a line for group pilot, with the counts of that week');
    expect(only('week,with_access,active,posters\n2,50,30,8\n').message).toBe('week 1 is missing');
  });

  it('rejects groups that end at different weeks, saying which', () => {
    const text = `group,week,with_access,active,posters
pilot,1,50,30,8
pilot,2,50,30,8
pilot,3,50,30,8
wave1,1,50,30,8
sales,1,50,30,8
sales,2,50,30,8
sales,3,50,30,8
`;
    const d = only(text);
    expect([d.line, d.path, d.message]).toEqual([5, 'week', 'group wave1 ends at week 1, but pilot and sales end at week 3']);
    expect(d.hint).toBe('all groups must end at the same week: add weeks 2–3 for wave1, or drop the later weeks of the other groups');
  });

  it("rejects a week past the scenario's horizon, naming it", () => {
    const d = only('week,with_access,active,posters\n1,50,30,8\n2,50,30,8\n3,50,30,8\n', { ...CONTEXT, horizon: 2 });
    expect([d.line, d.path, d.message]).toEqual([4, 'week', "week 3 is past the scenario's horizon of 2 weeks"]);
  });

  it('rejects a group the scenario does not know, once, with the closest known name', () => {
    const d = only('group,week,with_access,active,posters\nmarketing,1,50,30,8\nmarketing,2,50,30,8\n');
    expect([d.line, d.col, d.path, d.message]).toEqual([2, 1, 'group', 'unknown group "marketing" (on 2 lines)']);
    expect(d.hint).toBe("the scenario's departments and waves are pilot, wave1 and sales");
    const typo = only('group,week,with_access,active,posters\nwave_1,1,50,30,8\n');
    expect(typo.hint).toBe("did you mean wave1? the scenario's departments and waves are pilot, wave1 and sales");
  });

  it('rejects an empty group cell: a file cannot mix groups and the whole organisation', () => {
    const d = only('group,week,with_access,active,posters\npilot,1,50,30,8\n,1,500,300,80\n');
    expect([d.line, d.col, d.path, d.message]).toEqual([3, 1, 'group', 'group is empty']);
    expect(d.hint).toContain('drop the group column');
    const total = only('group,week,with_access,active,posters\npilot,1,50,30,8\ntotal,1,500,300,80\n');
    expect(total.message).toBe('unknown group "total"');
    expect(total.hint).toContain('put whole-organisation lines in a file of their own');
  });
});

describe('no cascade of problems from one bad line', () => {
  it('a line with an unreadable week is not also reported as its missing week, nor as an early end', () => {
    const middle = only('week,with_access,active,posters\n1,50,30,8\n2x,50,30,8\n3,50,30,8\n');
    expect(middle.message).toBe('week "2x" is not a number');
    const last = only('group,week,with_access,active,posters\npilot,1,50,30,8\npilot,,50,30,8\nwave1,1,50,30,8\nwave1,2,50,30,8\n');
    expect(last.message).toBe('week is empty');
  });

  it('a line with a bad count still holds its week', () => {
    const d = only('week,with_access,active,posters\n1,50,30,8\n2,50,-1,8\n3,50,30,8\n');
    expect(d.message).toBe('active is negative (-1)');
  });

  it('a misspelt group on one line is not also a gap in its group, nor a group of its own', () => {
    const d = only('group,week,with_access,active,posters\npilot,1,50,30,8\npliot,2,50,30,8\npilot,3,50,30,8\n');
    expect(d.message).toBe('unknown group "pliot"');
    expect(d.hint).toMatch(/^did you mean pilot\?/);
  });

  it('an empty group cell is not also a gap in the groups', () => {
    const d = only('group,week,with_access,active,posters\npilot,1,50,30,8\n,2,50,30,8\npilot,3,50,30,8\n');
    expect(d.message).toBe('group is empty');
  });

  it('a count above the size is reported once per line, not for every count below it', () => {
    const d = only('group,week,with_access,active,posters\npilot,1,150,120,110\n');
    expect(d.path).toBe('with_access');
  });

  it('weeks past the horizon do not make the other groups short or gapped', () => {
    const text = `group,week,with_access,active,posters
pilot,1,50,30,8
pilot,2,50,30,8
pilot,3,50,30,8
wave1,1,50,30,8
wave1,2,50,30,8
`;
    const found = problems(text, { ...CONTEXT, horizon: 2 });
    expect(found.map((d) => [d.line, d.message])).toEqual([[4, "week 3 is past the scenario's horizon of 2 weeks"]]);
  });
});

describe('telemetry warnings', () => {
  const grouped = `group,week,with_access,active,posters
pilot,1,40,20,5
pilot,2,100,50,10
pilot,3,100,50,10
pilot,4,100,60,12
wave1,1,0,0,0
wave1,2,0,0,0
wave1,3,250,90,9
wave1,4,300,150,20
`;

  it("warn once per group when with_access leaves the plan's range, naming the first week and how many", () => {
    // The plan: pilot has its 100 people from week 1, wave1 its 300 from week 3.
    const expectedAccess = (group: string | null, week: number): [number, number] | undefined =>
      group === 'pilot' ? [100, 100] : group === 'wave1' ? (week >= 3 ? [300, 300] : [0, 0]) : undefined;
    const { warnings } = parseTelemetry(grouped, 'pilot.csv', { ...CONTEXT, expectedAccess });
    expect(warnings.map((w) => [w.line, w.col, w.path, w.message])).toEqual([
      [2, 9, 'with_access', "with_access is outside the plan's range in 1 week for group pilot, first at week 1: 40 where the plan gives 100–100"],
      [8, 9, 'with_access', "with_access is outside the plan's range in 1 week for group wave1, first at week 3: 250 where the plan gives 300–300"],
    ]);
    const wide = parseTelemetry(grouped, 'pilot.csv', { ...CONTEXT, expectedAccess: () => [0, 90.25] });
    expect(wide.warnings.map((w) => w.message)).toEqual([
      "with_access is outside the plan's range in 3 weeks for group pilot, first at week 2: 100 where the plan gives 0–90.3",
      "with_access is outside the plan's range in 2 weeks for group wave1, first at week 3: 250 where the plan gives 0–90.3",
    ]);
    expect(parseTelemetry(grouped, 'pilot.csv', CONTEXT).warnings).toEqual([]);
  });

  it('warn when with_access falls from one week to the next, naming the week', () => {
    const text = 'week,with_access,active,posters\n1,50,30,8\n2,120,70,15\n3,110,70,15\n4,115,70,15\n5,100,70,15\n';
    const { telemetry, warnings } = parseTelemetry(text, 'pilot.csv', CONTEXT);
    expect(telemetry.rows).toHaveLength(5);
    expect(warnings.map((w) => [w.line, w.path, w.message])).toEqual([[4, 'with_access', 'with_access falls from 120 at week 2 to 110 at week 3 (and falls again at week 5)']]);
    expect(warnings[0]!.hint).toMatch(/^people rarely lose access/);
  });
});
