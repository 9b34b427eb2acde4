/**
 * Reading a running pilot's weekly telemetry: a CSV with the columns `week,with_access,active,posters` and
 * optionally `posts` and `group` (any order, header names case-insensitive; lines starting with # are comments).
 * Every problem in the file is collected and thrown at once as a ScenarioError (file:line:col, column, hint),
 * so the user fixes it in one go; values that are possible but unusual come back as warnings.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ScenarioError, type Diagnostic } from '../scenarios/errors.ts';
import { closest, listWords } from '../scenarios/names.ts';

export const TELEMETRY_COLUMNS = ['week', 'with_access', 'active', 'posters', 'posts', 'group'] as const;
type Column = (typeof TELEMETRY_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['week', 'with_access', 'active', 'posters'];
/** Counts of people, each at most the one before it on a consistent line. */
const PEOPLE = ['with_access', 'active', 'posters'] as const;
type Count = (typeof PEOPLE)[number] | 'posts';

export interface TelemetryRow {
  group: string | null;
  week: number;
  withAccess: number;
  active: number;
  posters: number;
  posts: number | null;
  line: number;
}

export interface Telemetry {
  file: string;
  /** Group names in order of first appearance; [null] for a whole-organisation file. */
  groups: (string | null)[];
  /** The last observed week W (every group has weeks 1..W). */
  lastWeek: number;
  /** Sorted by group (in `groups` order) then week. */
  rows: TelemetryRow[];
  hasPosts: boolean;
}

export interface TelemetryContext {
  /** The scenario's horizon in weeks: a week past it is a problem. */
  horizon: number;
  /** Group names the scenario knows (its departments' names and its waves' names such as "pilot", "wave1"), with their sizes in people. */
  groups: ReadonlyMap<string, number>;
  /** Employees in the whole organisation. */
  population: number;
  /**
   * Optional: the plan in progress's possible people with access in a group at a week, [min, max];
   * a with_access outside it gives a WARNING (not an error) naming the week, the group, the value and the range.
   */
  expectedAccess?: (group: string | null, week: number) => [number, number] | undefined;
}

export async function readTelemetry(file: string, context: TelemetryContext): Promise<{ telemetry: Telemetry; warnings: Diagnostic[] }> {
  return parseTelemetry(await readFile(file, 'utf8'), file, context);
}

interface Record_ {
  record: string[];
  info: { lines: number };
}

/** A data line as far as it could be read: undefined for a value with a problem. */
interface Parsed {
  line: number;
  /** null: the whole organisation; undefined: the line's group is unknown (empty group cell, wrong field count). */
  group: string | null | undefined;
  week: number | undefined;
  counts: Partial<Record<Count, number>>;
}

const HEADER_EXAMPLE = '`week,with_access,active,posters` (optionally also `posts` and `group`)';

const COUNT_HINTS: Record<Count, string> = {
  with_access: 'write the number of people with access to the platform at the end of that week, e.g. 250',
  active: 'write the number of people who used the platform that week (weekly active users), e.g. 120',
  posters: 'write the number of people who posted that week, e.g. 30 (0 if nobody did)',
  posts: 'write the number of items posted that week, e.g. 85 (0 if none), or drop the posts column',
};

/** Names people give the columns, to suggest the right one. */
const ALIASES: Record<string, Column> = {
  period: 'week',
  access: 'with_access',
  licensed: 'with_access',
  licenses: 'with_access',
  users: 'active',
  wau: 'active',
  contributors: 'posters',
  items: 'posts',
  department: 'group',
  dept: 'group',
  wave: 'group',
  team: 'group',
};

const WHOLE_ORGANISATION = /^(all|total|totals|whole|everyone|company|org|organi[sz]ation|whole[ _-]?organi[sz]ation)$/i;

export function parseTelemetry(text: string, file: string, context: TelemetryContext): { telemetry: Telemetry; warnings: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const problem = (line: number, col: number, path: string, message: string, hint?: string) => problems.push({ file, line, col, path, message, hint });
  const warn = (line: number, col: number, path: string, message: string, hint?: string) => warnings.push({ file, line, col, path, message, hint });
  let records: Record_[];
  try {
    records = parse(text, { info: true, raw: true, skip_empty_lines: true, trim: true, bom: true, comment: '#', comment_no_infix: true, relax_column_count: true }) as unknown as Record_[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ScenarioError([{ file, line: e.lines ?? 0, col: e.lines ? 1 : 0, path: '', message: `not a readable CSV file: ${e.message.replace(/^Invalid \w+ \w+: /, '')}`, hint: `save it as comma-separated text with a header line ${HEADER_EXAMPLE}` }]);
  }
  if (records.length === 0) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'the file is empty', hint: `start with a header line ${HEADER_EXAMPLE}, then one line per week` }]);
  }
  const source = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const textOf = (line: number) => source[line - 1] ?? '';

  // The header.
  const [head, ...data] = records as [Record_, ...Record_[]];
  const headerLine = head.info.lines;
  const written = head.record.map((h) => h.trim());
  const names = written.map((h) => h.toLowerCase());
  const index = new Map<string, number>();
  if (REQUIRED.every((c) => !names.includes(c)) && names.some(Boolean) && names.every((n) => /^[-+.\d]*$/.test(n))) {
    throw new ScenarioError([{ file, line: headerLine, col: 1, path: '', message: 'the first line is not a header: it holds numbers, not column names', hint: `add a header line ${HEADER_EXAMPLE} above the data` }]);
  }
  names.forEach((name, i) => {
    const col = columnOf(textOf(headerLine), i);
    if (name === '') {
      problem(headerLine, col, '', `column ${i + 1} of the header has no name`, `name it (${listWords(TELEMETRY_COLUMNS, 'or')}) or remove it; a comma at the end of the header line makes an empty column`);
      return;
    }
    if (index.has(name)) {
      problem(headerLine, col, written[i]!, `column "${written[i]}" appears twice (columns ${index.get(name)! + 1} and ${i + 1})`, 'keep one of them: only the first is read');
      return;
    }
    index.set(name, i);
    if (!(TELEMETRY_COLUMNS as readonly string[]).includes(name)) {
      const suggestion = suggestColumn(name);
      problem(headerLine, col, written[i]!, `unknown column "${written[i]}"`, `${suggestion ? `did you mean ${suggestion}? ` : ''}the columns are ${listWords(TELEMETRY_COLUMNS, 'and')}; rename or remove the others`);
    }
  });
  for (const column of REQUIRED) {
    if (!index.has(column)) problem(headerLine, 1, column, `missing column "${column}"`, `the first line must name the columns, e.g. ${HEADER_EXAMPLE} (found: ${written.filter(Boolean).join(', ') || 'nothing'})`);
  }
  if (data.length === 0) problem(headerLine, 1, '', 'no data rows after the header', 'add one line per week (per group and week when there is a group column)');
  const grouped = index.has('group');
  const hasPosts = index.has('posts');

  // Each line on its own. Checks that need a missing column are left out; the rest still run.
  const parsed: Parsed[] = [];
  for (const row of data) {
    const line = row.info.lines;
    const lineText = textOf(line);
    const colOf = (name: string) => columnOf(lineText, index.get(name) ?? 0);
    const fields = row.record.length;
    if (fields < names.length || row.record.slice(names.length).some((v) => v !== '')) {
      problem(line, 1, '', `this line has ${fields} field${fields === 1 ? '' : 's'} but the header has ${names.length} columns`, 'check for a missing or extra comma; quote a value that holds a comma, e.g. "Sales, North"');
      parsed.push({ line, group: undefined, week: undefined, counts: {} });
      continue;
    }
    const get = (name: Column) => row.record[index.get(name)!] ?? '';

    let group: string | null | undefined = null;
    if (grouped) {
      group = get('group');
      if (group === '') {
        problem(line, colOf('group'), 'group', 'group is empty', 'name the department or wave of every line, or drop the group column for a whole-organisation file (a file cannot mix the two)');
        group = undefined;
      }
    }

    let week: number | undefined;
    if (index.has('week')) {
      const weekText = get('week');
      const value = Number(weekText);
      if (weekText === '' || !Number.isInteger(value) || value < 1) {
        const message = weekText === '' ? 'week is empty' : !Number.isFinite(value) ? `week "${weekText}" is not a number` : !Number.isInteger(value) ? `week "${weekText}" is not a whole number` : `week ${weekText} is before week 1`;
        problem(line, colOf('week'), 'week', message, 'number the weeks of the plan 1, 2, 3, ... (1 = the first week)');
      } else {
        week = value;
        if (value > context.horizon) {
          problem(line, colOf('week'), 'week', `week ${value} is past the scenario's horizon of ${context.horizon} weeks`, `drop the weeks after ${context.horizon}, or lengthen the scenario's horizon`);
        }
      }
    }

    const counts: Partial<Record<Count, number>> = {};
    for (const name of [...PEOPLE, 'posts'] as const) {
      if (!index.has(name)) continue;
      const valueText = get(name);
      const value = Number(valueText);
      if (valueText === '') problem(line, colOf(name), name, `${name} is empty`, COUNT_HINTS[name]);
      else if (!Number.isFinite(value)) problem(line, colOf(name), name, `${name} "${valueText}" is not a number`, COUNT_HINTS[name]);
      else if (!Number.isInteger(value)) problem(line, colOf(name), name, `${name} "${valueText}" is not a whole number`, name === 'posts' ? COUNT_HINTS.posts : 'give a count of people, not a share or an average (e.g. 120, not 0.4)');
      else if (value < 0) problem(line, colOf(name), name, `${name} is negative (${valueText})`, 'counts cannot be negative: give the number for that week, not a change from the week before');
      else counts[name] = value;
    }

    // Against the group's size: only the first readable count of people, since a later one above the size is
    // also above the count before it, which is reported below.
    const size = group === null ? context.population : group === undefined ? undefined : context.groups.get(group);
    const first = PEOPLE.find((name) => counts[name] !== undefined);
    if (size !== undefined && first !== undefined && counts[first]! > size) {
      const of = group === null ? `the organisation's ${size} employees` : `the size of group ${group} (${size} people)`;
      problem(line, colOf(first), first, `${first} ${counts[first]} is above ${of}`, group === null ? "check the count, or the scenario's population" : "check the line's group, or the group's size in the scenario");
    }
    const { with_access: withAccess, active, posters } = counts;
    if (active !== undefined && withAccess !== undefined && active > withAccess) {
      problem(line, colOf('active'), 'active', `active ${active} is above with_access ${withAccess}`, 'weekly active users are counted among the people with access: check that the columns are not swapped');
    }
    if (posters !== undefined && active !== undefined && posters > active) {
      problem(line, colOf('posters'), 'posters', `posters ${posters} is above active ${active}`, 'everyone who posted used the platform that week, so is counted in active: check that the columns are not swapped');
    }
    parsed.push({ line, group, week, counts });
  }

  // Groups the scenario does not know: once per name, at its first line.
  const known = [...context.groups.keys()];
  const sequenceKey = new Map<string, string>();
  /** Whole-organisation lines in a grouped file belong to no group's weeks. */
  const noSequence = new Set<string>();
  const uses = new Map<string, Parsed[]>();
  for (const p of parsed) {
    if (typeof p.group !== 'string') continue;
    if (!uses.has(p.group)) uses.set(p.group, []);
    uses.get(p.group)!.push(p);
  }
  for (const [name, lines] of uses) {
    if (context.groups.has(name)) continue;
    const suggestion = closest(name, known);
    // A misspelt group is checked for weeks as the group it was meant to be, so a typo on one line is not also a
    // group of its own with missing weeks, nor a gap in the group it belongs to.
    if (suggestion !== undefined) sequenceKey.set(name, suggestion);
    if (WHOLE_ORGANISATION.test(name)) noSequence.add(name);
    const brief = known.length === 0 ? undefined : known.length <= 8 ? listWords(known, 'and') : `${known.slice(0, 8).join(', ')} and ${known.length - 8} more`;
    const hint = WHOLE_ORGANISATION.test(name)
      ? 'a file is either for the whole organisation (no group column) or for groups: put whole-organisation lines in a file of their own'
      : `${suggestion ? `did you mean ${suggestion}? ` : ''}${brief ? `the scenario's departments and waves are ${brief}` : 'the scenario names no departments or waves: drop the group column'}`;
    const firstLine = lines[0]!.line;
    problem(firstLine, columnOf(textOf(firstLine), index.get('group')!), 'group', `unknown group "${name}"${lines.length > 1 ? ` (on ${lines.length} lines)` : ''}`, hint);
  }

  // Weeks within each group: repeated, missing, and the last week. A line whose week was readable counts as
  // present even if another of its values has a problem, so it is not also reported as a missing week; a line
  // whose group is unknown covers its week in every group. Weeks past the horizon (reported above) are left out
  // of the missing and last weeks, so a file that runs on past the horizon gets no missing weeks for it.
  const weekCol = (line: number) => columnOf(textOf(line), index.get('week') ?? 0);
  const sequences = new Map<string | null, { weeks: Map<number, number>; unreadable: number }>();
  const unplacedWeeks = new Set<number>();
  let unplacedUnreadable = 0;
  for (const p of parsed) {
    if (typeof p.group === 'string' && noSequence.has(p.group)) continue;
    if (p.group === undefined) {
      if (p.week === undefined) unplacedUnreadable++;
      else unplacedWeeks.add(p.week);
      continue;
    }
    const key = p.group === null ? null : (sequenceKey.get(p.group) ?? p.group);
    const sequence = sequences.get(key) ?? { weeks: new Map<number, number>(), unreadable: 0 };
    sequences.set(key, sequence);
    if (p.week === undefined) {
      sequence.unreadable++;
    } else if (sequence.weeks.has(p.week)) {
      problem(p.line, weekCol(p.line), 'week', `week ${p.week}${forGroup(key)} is repeated (first on line ${sequence.weeks.get(p.week)})`, `give each week one line${key === null ? '' : ' per group'}; add up the counts of duplicate lines, or fix the week`);
    } else {
      sequence.weeks.set(p.week, p.line);
    }
  }
  if (index.has('week')) {
    const lasts = new Map<string | null, number>();
    for (const [key, { weeks }] of sequences) {
      const inRange = [...weeks.keys()].filter((w) => w <= context.horizon);
      if (inRange.length > 0) lasts.set(key, Math.max(...inRange));
    }
    const lastWeek = Math.max(0, ...lasts.values());
    const latest = [...lasts].filter(([, last]) => last === lastWeek).map(([key]) => String(key));
    for (const [key, { weeks, unreadable }] of sequences) {
      const last = lasts.get(key);
      if (last === undefined) continue;
      const missing: number[] = [];
      for (let w = 1; w < last; w++) if (!weeks.has(w) && !unplacedWeeks.has(w)) missing.push(w);
      const tail: number[] = [];
      for (let w = last + 1; w <= lastWeek; w++) if (!unplacedWeeks.has(w)) tail.push(w);
      // Lines with an unreadable week may well be the missing weeks: do not report those twice.
      const unread = unreadable + unplacedUnreadable;
      if (unread > 0 && missing.length + tail.length <= unread) continue;
      if (missing.length > 0) {
        const after = Math.min(...[...weeks.keys()].filter((w) => w > missing[0]!));
        const line = weeks.get(after)!;
        problem(line, weekCol(line), 'week', `${weekList(missing)} ${missing.length === 1 ? 'is' : 'are'} missing${forGroup(key)}`, `give every week from 1 to ${last} a line${key === null ? '' : ` for group ${key}`}, with the counts of that week`);
      }
      if (tail.length > 0) {
        const line = weeks.get(last)!;
        const others = latest.length <= 3 ? listWords(latest, 'and') : `${latest.slice(0, 3).join(', ')} and ${latest.length - 3} more`;
        problem(line, weekCol(line), 'week', `group ${key} ends at week ${last}, but ${others} end${latest.length === 1 ? 's' : ''} at week ${lastWeek}`, `all groups must end at the same week: add ${weekList(tail)} for ${key}, or drop the later weeks of the other groups`);
      }
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const groups: (string | null)[] = [];
  for (const p of parsed) if (!groups.includes(p.group!)) groups.push(p.group!);
  const rows: TelemetryRow[] = parsed.map((p) => ({
    group: p.group!,
    week: p.week!,
    withAccess: p.counts.with_access!,
    active: p.counts.active!,
    posters: p.counts.posters!,
    posts: hasPosts ? p.counts.posts! : null,
    line: p.line,
  }));
  rows.sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group) || a.week - b.week);
  const accessCol = (line: number) => columnOf(textOf(line), index.get('with_access')!);

  // Warnings, once per group: with_access outside the plan's range, and with_access falling.
  for (const group of groups) {
    const own = rows.filter((r) => r.group === group);
    if (context.expectedAccess) {
      const outside = own.flatMap((r) => {
        const range = context.expectedAccess!(group, r.week);
        return range && (r.withAccess < range[0] || r.withAccess > range[1]) ? [{ row: r, range }] : [];
      });
      if (outside.length > 0) {
        const { row, range } = outside[0]!;
        const n = outside.length;
        warn(row.line, accessCol(row.line), 'with_access', `with_access is outside the plan's range in ${n} week${n === 1 ? '' : 's'}${forGroup(group)}, first at week ${row.week}: ${row.withAccess} where the plan gives ${num(range[0])}–${num(range[1])}`, "the rollout may not be following the scenario's plan: check the waves' timing and sizes, or the with_access counts");
      }
    }
    const falls = own.filter((r, i) => i > 0 && r.withAccess < own[i - 1]!.withAccess);
    if (falls.length > 0) {
      const row = falls[0]!;
      const before = own[own.indexOf(row) - 1]!;
      const more = falls.slice(1).map((r) => r.week);
      warn(row.line, accessCol(row.line), 'with_access', `with_access falls from ${before.withAccess} at week ${before.week} to ${row.withAccess} at week ${row.week}${forGroup(group)}${more.length ? ` (and falls again at ${weekList(more)})` : ''}`, 'people rarely lose access to the platform: check the counts, or whether access was withdrawn that week');
    }
  }
  const lastWeek = rows.reduce((w, r) => Math.max(w, r.week), 0);
  return { telemetry: { file, groups, lastWeek, rows, hasPosts }, warnings };
}

function forGroup(group: string | null): string {
  return group === null ? '' : ` for group ${group}`;
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** `week 4`, `weeks 4–6 and 9`: runs of consecutive weeks, at most six of them. */
function weekList(weeks: number[]): string {
  const runs: [number, number][] = [];
  for (const w of [...weeks].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && w === last[1] + 1) last[1] = w;
    else runs.push([w, w]);
  }
  const parts = runs.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  const shown = parts.length > 6 ? [...parts.slice(0, 5), `${parts.length - 5} more`] : parts;
  return `${weeks.length === 1 ? 'week' : 'weeks'} ${listWords(shown, 'and')}`;
}

/** The known column an unknown header name was probably meant to be. */
function suggestColumn(name: string): Column | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const target = norm(name);
  if (ALIASES[target]) return ALIASES[target];
  const typo = closest(name, TELEMETRY_COLUMNS);
  if (typo) return typo as Column;
  // `active_users`, `people_with_access`, `posts_count`: the longest known name (or alias) inside it.
  const inside = [...TELEMETRY_COLUMNS.map((c) => [norm(c), c] as const), ...Object.entries(ALIASES)]
    .filter(([n]) => n.length >= 4 && target.includes(n))
    .sort((a, b) => b[0].length - a[0].length);
  return inside[0]?.[1];
}

/** 1-based character column of field `index` in a CSV line (commas inside double quotes do not count). */
function columnOf(line: string, index: number): number {
  if (index <= 0) return 1;
  let field = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted && ++field === index) return i + 2;
  }
  return line.length + 1;
}
