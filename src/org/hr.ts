/**
 * Reading and checking a client's HR export: one row per person with an id, their manager's id (blank at the
 * top) and a department, optionally team, location, level, function, a front-line flag, a hire date and an
 * effective date (docs/org.md). Every problem in the file is collected and thrown at once as a ScenarioError
 * (file:line:col, column, hint), as src/forecast/telemetry.ts does for telemetry.
 *
 * Privacy: ids are replaced by pseudonyms (src/org/pseudonym.ts) once checked; names and e-mail addresses are
 * never read. A message names lines and columns, never an id or a manager's id, since those may be personal
 * (an e-mail address, an employee number); only group values (department, team, location, level, function)
 * are shown.
 */
import { ProblemCaps } from './problem-caps.ts';
import { readFile } from 'node:fs/promises';
import { readCsvRecords } from './csv-records.ts';
import { ScenarioError, type Diagnostic } from '../scenarios/errors.ts';
import { chooseColumns, looksLikeValue, type ColumnMapping, type HrField, HR_FIELDS } from './columns.ts';
import { pseudonymiser } from './pseudonym.ts';
import { summarise, type HrSummary } from './summary.ts';

export interface HrPerson {
  /** Pseudonym of the person's id. */
  key: string;
  /** Index of the manager in `people`; -1 for the top of the organisation. */
  manager: number;
  /** Line of the file the person is on. */
  line: number;
  department: string;
  team: string | null;
  location: string | null;
  level: string | null;
  function: string | null;
  frontLine: boolean | null;
  /** YYYY-MM-DD. */
  hireDate: string | null;
}

export interface HrExport {
  file: string;
  /**
   * Depth first from the top, each manager's direct reports in order of their pseudonyms: the same for any order
   * of the rows, and every manager comes before the people under them.
   */
  people: HrPerson[];
  /** The header name of the column read for each field (null: the file has none). */
  columns: Record<HrField, string | null>;
  /** `Viva Insights`, `org chart`, `e-mail` or `mapping`: how the id and manager columns were found. */
  convention: string | null;
  /** Columns that were not read, by name. */
  ignoredColumns: string[];
  /** When the file holds several effective dates, only the rows of the latest are read. */
  snapshot: { effectiveDate: string; rowsIgnored: number } | null;
  summary: HrSummary;
  /** The pseudonym of an id, keyed as the file's own: links a network file's ids to `people` (src/org/network-file.ts). */
  pseudonym: (id: string) => string;
}

export interface HrOptions {
  /** Which column is which, overriding the recognised names field by field. */
  columns?: ColumnMapping;
  /** A secret for pseudonyms that stay the same across exports (default: drawn from the file's ids). */
  salt?: string;
  /** Problems of one kind reported one by one before the rest are counted in a single line (default 20). */
  maxPerKind?: number;
}

export async function readHrExport(file: string, options: HrOptions = {}): Promise<HrExport> {
  return parseHrExport(await readFile(file, 'utf8'), file, options);
}

/** A row as read: a person's fields as HrPerson has them, but ids as written, not yet linked or pseudonymised. */
interface Row extends Omit<HrPerson, 'key' | 'manager'> {
  /** As written (not trimmed: ids that differ only by spaces are a problem to report, not to hide). */
  id: string;
  manager: string;
  effectiveDate: string | null;
  /** False when a value of the row could not be read: it is left out of the checks across rows that would only repeat it. */
  readable: boolean;
}

const HEADER_EXAMPLE = '`PersonId,ManagerId,Organization` (Viva Insights), `ID,Boss ID,Department` or `Email,SupervisorEmail,Department`';
const DATE_HINT = 'write dates as YYYY-MM-DD (e.g. 2021-03-15) or MM/DD/YYYY as Viva Insights does (03/15/2021)';

const KIND_TEXT: Record<string, string> = {
  fields: 'a wrong number of fields',
  blank: 'a blank id',
  department: 'a blank department',
  date: 'an unreadable date',
  flag: 'an unreadable front-line flag',
  duplicate: 'a repeated id',
  near: 'an id that differs from another only in case or spaces',
  self: 'someone managing themselves',
  unknown: 'an unknown manager',
  case: "a manager's id that differs from an id only in case or spaces",
  cycle: 'a cycle of managers',
  top: 'a second person at the top',
};

export function parseHrExport(text: string, file: string, options: HrOptions = {}): HrExport {
  const maxPerKind = options.maxPerKind ?? 20;
  const problems: Diagnostic[] = [];
  const caps = new ProblemCaps(file, maxPerKind, KIND_TEXT);
  const records = readCsvRecords(text, file, HEADER_EXAMPLE);
  if (records.length === 0) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'the file is empty', hint: `start with a header line such as ${HEADER_EXAMPLE}, then one line per person` }]);
  }
  // The file's lines, for the column of a problem: split only when there is one (a valid file needs none).
  let source: string[] | undefined;
  const textOf = (line: number) => (source ??= text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/))[line - 1] ?? '';

  const [head, ...data] = records as [(typeof records)[number], ...typeof records];
  const headerLine = head.line;
  const header = head.record.map((h) => h.trim());
  const choice = chooseColumns(header, options.columns);
  if (choice.problems.length > 0 && header.some(looksLikeValue)) {
    problems.push({ file, line: headerLine, col: 1, path: '', message: 'the first line looks like a person\'s data, not a header', hint: `add a header line naming the columns, such as ${HEADER_EXAMPLE}` });
  }
  for (const p of choice.problems) problems.push({ file, line: headerLine, col: 1, path: p.field, message: p.message, hint: p.hint });
  if (data.length === 0) problems.push({ file, line: headerLine, col: 1, path: '', message: 'no people after the header', hint: 'add one line per person below the header' });
  const index = choice.index;
  const columnName = (field: HrField) => (index[field] === undefined ? field : header[index[field]]!);

  /** A problem at a row's field; `kind` caps how many of one kind are listed one by one. */
  const problem = (kind: string, line: number, field: HrField | null, message: string, hint: string) => {
    if (!caps.admit(kind, line)) return;
    const col = field === null ? 1 : columnOf(textOf(line), index[field] ?? 0);
    problems.push({ file, line, col, path: field === null ? '' : columnName(field), message, hint });
  };

  // Each row on its own.
  const rows: Row[] = [];
  for (const { record, line } of data) {
    const row: Row = { line, id: '', manager: '', department: '', team: null, location: null, level: null, function: null, frontLine: null, hireDate: null, effectiveDate: null, readable: true };
    rows.push(row);
    if (record.length < header.length || record.slice(header.length).some((v) => v.trim() !== '')) {
      problem('fields', line, null, `this line has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${header.length} columns`, 'check for a missing or extra comma; quote a value that holds a comma, e.g. "Sales, North"');
      row.readable = false;
      continue;
    }
    const get = (field: HrField): string | undefined => (index[field] === undefined ? undefined : (record[index[field]] ?? ''));
    const group = (field: HrField): string | null => {
      const value = get(field)?.trim();
      return value ? value : null;
    };
    if (index.id !== undefined) {
      row.id = get('id')!;
      if (row.id.trim() === '') {
        problem('blank', line, 'id', 'the id is blank', "give every person an id; a line without one cannot be linked to anyone's manager");
        row.readable = false;
      }
    } else row.readable = false;
    if (index.manager !== undefined) row.manager = get('manager')!;
    else row.readable = false;
    if (index.department !== undefined) {
      row.department = get('department')!.trim();
      if (row.department === '') problem('department', line, 'department', 'the department is blank', "give every person a department (the department of their team, if they have none of their own)");
    }
    row.team = group('team');
    row.location = group('location');
    row.level = group('level');
    row.function = group('function');
    if (index.front_line !== undefined) {
      const value = get('front_line')!.trim();
      const read = flag(value);
      row.frontLine = read ?? null;
      if (read === undefined) {
        problem('flag', line, 'front_line', 'the front-line flag is not yes or no', 'write yes or no (also true/false, y/n, 1/0), or leave it blank when unknown');
      }
    }
    for (const field of ['hire_date', 'effective_date'] as const) {
      const value = get(field)?.trim();
      if (!value) continue;
      const date = readDate(value);
      // The value is not shown: a hire date is a fact about a person.
      if (date === undefined) problem('date', line, field, `the ${field === 'hire_date' ? 'hire date' : 'effective date'} is not a readable date`, DATE_HINT);
      else if (field === 'hire_date') row.hireDate = date;
      else row.effectiveDate = date;
    }
  }

  // A file of several snapshots (Viva Insights uploads may hold one per effective date): the latest is the organisation.
  let snapshot: HrExport['snapshot'] = null;
  let current = rows;
  const dates = new Set(rows.map((r) => r.effectiveDate).filter((d): d is string => d !== null));
  if (dates.size > 1) {
    const latest = [...dates].sort().pop()!;
    current = rows.filter((r) => r.effectiveDate === latest || r.effectiveDate === null);
    snapshot = { effectiveDate: latest, rowsIgnored: rows.length - current.length };
  }

  // Ids across rows: repeated, or the same but for case and spaces.
  const byId = new Map<string, Row>();
  const byCanonical = new Map<string, Row>();
  const unique: Row[] = [];
  for (const row of current) {
    if (index.id === undefined || row.id.trim() === '') continue;
    const same = byId.get(row.id);
    if (same) {
      problem('duplicate', row.line, 'id', `the same id as the person on line ${same.line}`, `give each person one line and an id of their own${index.effective_date === undefined ? '' : '; of a file with several effective dates only the rows of the latest are read, so a repeat within one date is a problem'}`);
      continue;
    }
    const canonical = canonicalId(row.id);
    const near = byCanonical.get(canonical);
    if (near) {
      problem('near', row.line, 'id', `this id differs from the id on line ${near.line} only in upper and lower case or spaces`, 'ids are matched exactly: write the same person the same way everywhere, or make the two ids clearly different');
      continue;
    }
    byId.set(row.id, row);
    byCanonical.set(canonical, row);
    unique.push(row);
  }

  // Managers: -1 the top, -2 not resolved (reported).
  const position = new Map(unique.map((r, i) => [r, i]));
  const manager = new Int32Array(unique.length).fill(-2);
  if (index.id !== undefined && index.manager !== undefined) {
    unique.forEach((row, i) => {
      if (row.manager.trim() === '') {
        manager[i] = -1;
        return;
      }
      if (row.manager === row.id) {
        problem('self', row.line, 'manager', 'this person is their own manager', "give their manager's id, or leave it blank if they are the top of the organisation");
        return;
      }
      const boss = byId.get(row.manager);
      if (boss) {
        manager[i] = position.get(boss)!;
        return;
      }
      const near = byCanonical.get(canonicalId(row.manager));
      if (near) {
        problem('case', row.line, 'manager', `the manager's id differs from the id on line ${near.line} only in upper and lower case or spaces`, 'ids are matched exactly: write the manager\'s id as on their own line');
      } else {
        problem('unknown', row.line, 'manager', "the manager's id is not the id of anyone in the file", 'every manager needs a line of their own; check for a typo or a manager who has left (a blank manager is only for the top of the organisation)');
      }
    });
  }

  // Cycles: follow each chain of managers; a chain that comes back to a person on it is a loop.
  const state = new Uint8Array(unique.length); // 0 unseen, 1 on the current chain, 2 done
  const cycles: number[][] = [];
  for (let start = 0; start < unique.length; start++) {
    const chain: number[] = [];
    let i = start;
    while (i >= 0 && state[i] === 0) {
      state[i] = 1;
      chain.push(i);
      i = manager[i]!;
    }
    if (i >= 0 && state[i] === 1) cycles.push(chain.slice(chain.indexOf(i)));
    for (const j of chain) state[j] = 2;
  }
  for (const cycle of cycles) {
    const lines = cycle.map((i) => unique[i]!.line);
    // Named from its first line in the file, each person by their line, never by id.
    const first = lines.indexOf(lines.reduce((a, b) => Math.min(a, b)));
    const ordered = [...lines.slice(first), ...lines.slice(0, first)];
    const shown = ordered.length > 12 ? [...ordered.slice(0, 10), `… (${ordered.length - 10} more)`] : ordered;
    problem('cycle', ordered[0]!, 'manager', `the chain of managers goes round in a circle: line ${[...shown, ordered[0]].join(' → line ')} (each reports to the next)`, 'somebody in the circle has the wrong manager: fix one of their manager ids so that the chain reaches the top');
  }

  // The top: exactly one person without a manager.
  const resolved = index.id !== undefined && index.manager !== undefined;
  const tops = resolved ? unique.map((_, i) => i).filter((i) => manager[i] === -1) : [];
  if (resolved && unique.length > 0 && tops.length === 0 && cycles.length === 0 && ![...manager].includes(-2)) {
    problem('top', headerLine, 'manager', 'nobody is at the top of the organisation: everyone has a manager', 'leave the manager blank for the head of the organisation');
  }
  if (tops.length > 1) {
    const under = peopleUnder(manager, tops);
    const main = tops.reduce((best, t) => (under[t]! > under[best]! ? t : best), tops[0]!);
    for (const t of tops) {
      if (t === main) continue;
      problem('top', unique[t]!.line, 'manager', `this person has no manager, but the top of the organisation is the person on line ${unique[main]!.line} (${under[main]} people under them): ${tops.length} people are at the top`, "give them their manager's id; only the head of the organisation has a blank manager");
    }
  }

  problems.push(...caps.summaries());
  if (problems.length > 0) throw new ScenarioError(problems);

  // Pseudonyms, then the canonical order: depth first from the top, reports in order of pseudonym.
  const pseudonym = pseudonymiser(unique.map((r) => r.id), options.salt);
  const keys = unique.map((r) => pseudonym(r.id));
  const reports: number[][] = unique.map(() => []);
  unique.forEach((_, i) => {
    if (manager[i]! >= 0) reports[manager[i]!]!.push(i);
  });
  for (const list of reports) list.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const order: number[] = [];
  const stack = [tops[0]!];
  while (stack.length > 0) {
    const i = stack.pop()!;
    order.push(i);
    const list = reports[i]!;
    for (let k = list.length - 1; k >= 0; k--) stack.push(list[k]!);
  }
  const newIndex = new Int32Array(unique.length);
  order.forEach((old, i) => (newIndex[old] = i));
  const people: HrPerson[] = order.map((old) => {
    const r = unique[old]!;
    return { key: keys[old]!, manager: manager[old]! < 0 ? -1 : newIndex[manager[old]!]!, line: r.line, department: r.department, team: r.team, location: r.location, level: r.level, function: r.function, frontLine: r.frontLine, hireDate: r.hireDate };
  });

  const columns = Object.fromEntries(HR_FIELDS.map((f) => [f, index[f] === undefined ? null : header[index[f]]!])) as Record<HrField, string | null>;
  const used = new Set(Object.values(index));
  const ignoredColumns = header.filter((h, i) => !used.has(i) && h !== '');
  return { file, people, columns, convention: choice.convention, ignoredColumns, snapshot, summary: summarise(people, columns), pseudonym };
}

/** For each person reachable from a top, how many people are under them (themselves not counted). */
function peopleUnder(manager: Int32Array, tops: readonly number[]): Int32Array {
  const reports: number[][] = Array.from({ length: manager.length }, () => []);
  manager.forEach((m, i) => {
    if (m >= 0) reports[m]!.push(i);
  });
  // Walking down from the tops never enters a cycle of managers (nobody in it is under a top).
  const order: number[] = [];
  const stack = [...tops];
  while (stack.length > 0) {
    const i = stack.pop()!;
    order.push(i);
    for (const r of reports[i]!) stack.push(r);
  }
  const under = new Int32Array(manager.length);
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    if (manager[i]! >= 0) under[manager[i]!]! += under[i]! + 1;
  }
  return under;
}

/** What makes two ids look the same to a person: case and spaces. */
function canonicalId(id: string): string {
  return id.toLowerCase().replace(/\s+/g, '');
}

const YES = new Set(['yes', 'y', 'true', 't', '1', 'x']);
const NO = new Set(['no', 'n', 'false', 'f', '0']);

/** A yes/no cell; null when blank, undefined when unreadable. */
function flag(value: string): boolean | null | undefined {
  const v = value.toLowerCase();
  if (v === '') return null;
  return YES.has(v) ? true : NO.has(v) ? false : undefined;
}

/** YYYY-MM-DD (a time after it is ignored) or Viva Insights' MM/DD/YYYY, as YYYY-MM-DD; undefined when not a real date. */
export function readDate(text: string): string | undefined {
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+Z?)?$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: [\d:]+(?: ?[AP]M)?)?$/i.exec(text);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 1-based character column of field `index` in a CSV line (commas inside double quotes do not count). */
export function columnOf(line: string, index: number): number {
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

