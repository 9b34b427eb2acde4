/**
 * Reading and checking a client's collaboration network: one row per tie, the ids of its two people and
 * optionally a weight (docs/org.md, "The collaboration network"). The ids are the HR file's: each is linked to a
 * person of the checked HR export through the export's own pseudonyms, so the network's ids are never kept
 * either. Every problem is collected and thrown at once as a ScenarioError (file:line:col, column, hint), as
 * src/org/hr.ts does; a message names rows and columns, never an id.
 *
 * Rows are kept as they are (a pair may come several times, in either direction: a weekly edge list repeats
 * it every week); src/org/ties.ts merges them.
 */
import { ProblemCaps } from './problem-caps.ts';
import { readFile } from 'node:fs/promises';
import { readCsvRecords } from './csv-records.ts';
import { ScenarioError, type Diagnostic } from '../scenarios/errors.ts';
import { columnOf, type HrExport } from './hr.ts';
import { looksLikeValue } from './columns.ts';
import { chooseNetworkColumns, NETWORK_FIELDS, type NetworkColumnMapping, type NetworkField } from './network-columns.ts';

export interface NetworkFile {
  file: string;
  /** The header of the column read for each field (null: the file has none). */
  columns: Record<NetworkField, string | null>;
  /** `Viva Insights`, `Worklytics`, `edge list` or `mapping`: how the source and target columns were found. */
  convention: string | null;
  ignoredColumns: string[];
  /** Per row: its two people (indices into the HR export's people) and its weight (1 without a weight column). */
  source: Int32Array;
  target: Int32Array;
  weight: Float64Array;
}

export interface NetworkOptions {
  columns?: NetworkColumnMapping;
  /** Problems of one kind reported one by one before the rest are counted in a single line (default 20). */
  maxPerKind?: number;
}

type Hr = Pick<HrExport, 'file' | 'people' | 'pseudonym'>;

const HEADER_EXAMPLE = '`source,target,weight`, `PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId` (Viva Insights) or `employeeIdSource,employeeIdTarget,weeklyCollaborationTimeMinutes` (Worklytics)';

const KIND_TEXT: Record<string, string> = {
  fields: 'a wrong number of fields',
  blank: 'a blank id',
  unknown: 'an id the HR file does not have',
  self: 'a tie from a person to themselves',
  weight: 'an unreadable weight',
  negative: 'a negative weight',
};

export async function readNetworkFile(file: string, hr: Hr, options: NetworkOptions = {}): Promise<NetworkFile> {
  return parseNetworkFile(await readFile(file, 'utf8'), file, hr, options);
}

export function parseNetworkFile(text: string, file: string, hr: Hr, options: NetworkOptions = {}): NetworkFile {
  const maxPerKind = options.maxPerKind ?? 20;
  const problems: Diagnostic[] = [];
  const caps = new ProblemCaps(file, maxPerKind, KIND_TEXT);
  // The header first, then every row, each with its line number: the file may hold millions of rows, so none is kept.
  let header: string[] | null = null;
  let headerLine = 0;
  let index: Partial<Record<NetworkField, number>> = {};
  let convention: string | null = null;
  let rows = 0;
  let capacity = 1024;
  let sources: Int32Array = new Int32Array(capacity);
  let targets: Int32Array = new Int32Array(capacity);
  let weights = new Float64Array(capacity);
  let kept = 0;
  let linked = 0;
  let readable = false;
  let width = 0;
  // The file's lines, for the column of a problem: split only when there is one (a valid file needs none).
  let lines: string[] | undefined;
  const textOf = (line: number) => (lines ??= text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/))[line - 1] ?? '';

  const columnName = (field: NetworkField) => (index[field] === undefined ? field : header![index[field]]!);
  const problem = (kind: string, line: number, field: NetworkField | null, message: string, hint: string) => {
    if (!caps.admit(kind, line)) return;
    const col = field === null ? 1 : columnOf(textOf(line), index[field] ?? 0);
    problems.push({ file, line, col, path: field === null ? '' : columnName(field), message, hint });
  };

  // Ids to people: each distinct id is pseudonymised once, then looked up among the HR file's pseudonyms.
  const byKey = new Map<string, number>();
  hr.people.forEach((p, i) => byKey.set(p.key, i));
  const personOf = new Map<string, number>();
  const link = (id: string): number => {
    let person = personOf.get(id);
    if (person === undefined) {
      person = byKey.get(hr.pseudonym(id)) ?? -1;
      personOf.set(id, person);
    }
    return person;
  };

  /** The person an id of a row is, or -1 (a problem reported at the row's column). */
  const end = (id: string, line: number, field: 'source' | 'target'): number => {
    if (id.length === 0 || (id.charCodeAt(0) <= 32 && id.trim() === '')) {
      problem('blank', line, field, `the ${field} id is blank`, 'give the ids of both people of the tie, or delete the line');
      return -1;
    }
    const person = link(id);
    if (person < 0) problem('unknown', line, field, `the ${field} id is not the id of anyone in the HR file (${hr.file})`, 'ids are matched exactly, as the HR file writes them (case and spaces count); a tie with someone who is not in the HR file (who has left, or is outside the organisation) cannot be placed: delete the line, or add the person to the HR file');
    else linked++;
    return person;
  };

  const visit = (record: string[], line: number): void => {
    if (header === null) {
      header = record.map((h) => h.trim());
      headerLine = line;
      width = header.length;
      const choice = chooseNetworkColumns(header, options.columns);
      if (choice.problems.length > 0 && header.some(looksLikeValue)) {
        problems.push({ file, line, col: 1, path: '', message: "the first line looks like a tie's data, not a header", hint: `add a header line naming the columns, such as ${HEADER_EXAMPLE}` });
      }
      for (const p of choice.problems) problems.push({ file, line, col: 1, path: p.field, message: p.message, hint: p.hint });
      index = choice.index;
      convention = choice.convention;
      readable = index.source !== undefined && index.target !== undefined;
      return;
    }
    rows++;
    if (record.length < width || (record.length > width && record.slice(width).some((v) => v.trim() !== ''))) {
      problem('fields', line, null, `this line has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${width} columns`, 'check for a missing or extra comma; quote a value that holds a comma');
      return;
    }
    if (!readable) return;
    const from = end(record[index.source!]!, line, 'source');
    const to = end(record[index.target!]!, line, 'target');
    let ok = from >= 0 && to >= 0;
    if (ok && from === to) {
      problem('self', line, 'target', 'the tie goes from a person to themselves', 'a tie needs two different people: delete the line');
      ok = false;
    }
    let weight = 1;
    if (index.weight !== undefined) {
      const value = record[index.weight]!.trim();
      weight = value === '' ? Number.NaN : Number(value);
      if (!Number.isFinite(weight)) {
        problem('weight', line, 'weight', value === '' ? 'the weight is blank' : 'the weight is not a number', 'write a number such as 2.5 (0 is the weakest tie), with a point for decimals');
        ok = false;
      } else if (weight < 0) {
        problem('negative', line, 'weight', 'the weight is negative', 'weights say how much two people collaborate: 0 or more');
        ok = false;
      }
    }
    if (!ok) return;
    if (kept === capacity) {
      capacity *= 2;
      sources = grow(sources, capacity);
      targets = grow(targets, capacity);
      const w = new Float64Array(capacity);
      w.set(weights);
      weights = w;
    }
    sources[kept] = from;
    targets[kept] = to;
    weights[kept++] = weight;
  };
  eachRecord(text, file, visit);
  if (header === null) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'the file is empty', hint: `start with a header line such as ${HEADER_EXAMPLE}, then one line per tie` }]);
  }
  if (rows === 0) problems.push({ file, line: headerLine, col: 1, path: '', message: 'no ties after the header', hint: 'add one line per tie below the header: the ids of two people of the HR file, and a weight if the file has one' });
  if (readable && rows > 0 && linked === 0 && caps.has('unknown')) {
    problems.unshift({ file, line: headerLine, col: 1, path: '', message: `none of the ids in this file is an id of the HR file (${hr.file})`, hint: 'both files must name people the same way: PersonId in both, or e-mail addresses in both, written alike (ids are matched exactly)' });
  }
  problems.push(...caps.summaries());
  if (problems.length > 0) throw new ScenarioError(problems);

  const names: string[] = header;
  const columns = Object.fromEntries(NETWORK_FIELDS.map((f) => [f, index[f] === undefined ? null : names[index[f]]!])) as Record<NetworkField, string | null>;
  const used = new Set(Object.values(index));
  const ignoredColumns = names.filter((h, i) => !used.has(i) && h !== '');
  return { file, columns, convention, ignoredColumns, source: sources.slice(0, kept), target: targets.slice(0, kept), weight: weights.slice(0, kept) };
}

function grow(array: Int32Array, capacity: number): Int32Array {
  const out = new Int32Array(capacity);
  out.set(array);
  return out;
}

/**
 * Calls visit with every record of the CSV text and its line, skipping comment lines (#) and lines of nothing but
 * commas. A file without a double quote (most exports) is split line by line here, since csv-parse's records of a
 * few million rows take tens of seconds and gigabytes; a file with quotes goes through csv-parse.
 */
function eachRecord(text: string, file: string, visit: (record: string[], line: number) => void): void {
  if (!text.includes('"')) {
    let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let line = 0;
    while (at <= text.length) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      line++;
      let stop = end;
      if (stop > at && text.charCodeAt(stop - 1) === 13) stop--;
      const content = text.slice(at, stop);
      at = end + 1;
      // A lone carriage return also ends a line: such a file goes through csv-parse.
      if (content.includes('\r')) return eachRecordParsed(text, file, visit);
      const first = content.charCodeAt(0);
      // # starts a comment; a line of nothing but commas and spaces is a spreadsheet's empty row.
      if (first === 35 || ((first === 44 || first <= 32 || content.length === 0) && /^[\s,]*$/.test(content))) continue;
      visit(content.split(','), line);
    }
    return;
  }
  eachRecordParsed(text, file, visit);
}

function eachRecordParsed(text: string, file: string, visit: (record: string[], line: number) => void): void {
  for (const { record, line } of readCsvRecords(text, file, HEADER_EXAMPLE)) visit(record, line);
}
