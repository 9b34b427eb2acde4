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
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ScenarioError, type Diagnostic } from '../scenarios/errors.ts';
import { CSV_ERRORS, columnOf, type HrExport } from './hr.ts';
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
  const counts = new Map<string, { shown: number; more: number; firstMore: number }>();
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, bom: true, comment: '#', comment_no_infix: true, relax_column_count: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    // csv-parse's own message may quote the cell it stopped at, which may be an id.
    const what = CSV_ERRORS[e.code ?? ''] ?? 'the text could not be split into fields';
    throw new ScenarioError([{ file, line: e.lines ?? 0, col: e.lines ? 1 : 0, path: '', message: `not a readable CSV file: ${what}`, hint: `save it as comma-separated text with a header line such as ${HEADER_EXAMPLE}` }]);
  }
  records = records.filter((r) => r.record.some((v) => v.trim() !== ''));
  if (records.length === 0) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: 'the file is empty', hint: `start with a header line such as ${HEADER_EXAMPLE}, then one line per tie` }]);
  }
  let source: string[] | undefined;
  const textOf = (line: number) => (source ??= text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/))[line - 1] ?? '';

  const [head, ...data] = records as [(typeof records)[number], ...typeof records];
  const headerLine = head.info.lines;
  const header = head.record.map((h) => h.trim());
  const choice = chooseNetworkColumns(header, options.columns);
  if (choice.problems.length > 0 && header.some(looksLikeValue)) {
    problems.push({ file, line: headerLine, col: 1, path: '', message: "the first line looks like a tie's data, not a header", hint: `add a header line naming the columns, such as ${HEADER_EXAMPLE}` });
  }
  for (const p of choice.problems) problems.push({ file, line: headerLine, col: 1, path: p.field, message: p.message, hint: p.hint });
  if (data.length === 0) problems.push({ file, line: headerLine, col: 1, path: '', message: 'no ties after the header', hint: 'add one line per tie below the header: the ids of two people of the HR file, and a weight if the file has one' });
  const index = choice.index;
  const columnName = (field: NetworkField) => (index[field] === undefined ? field : header[index[field]]!);

  const problem = (kind: string, line: number, field: NetworkField | null, message: string, hint: string) => {
    const count = counts.get(kind) ?? { shown: 0, more: 0, firstMore: 0 };
    counts.set(kind, count);
    if (count.shown >= maxPerKind) {
      if (count.more++ === 0) count.firstMore = line;
      return;
    }
    count.shown++;
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

  const rows = data.length;
  const sources = new Int32Array(rows);
  const targets = new Int32Array(rows);
  const weights = new Float64Array(rows).fill(1);
  let kept = 0;
  let linked = 0;
  const readable = index.source !== undefined && index.target !== undefined;
  for (const { record, info } of data) {
    const line = info.lines;
    if (record.length < header.length || record.slice(header.length).some((v) => v.trim() !== '')) {
      problem('fields', line, null, `this line has ${record.length} field${record.length === 1 ? '' : 's'} but the header has ${header.length} columns`, 'check for a missing or extra comma; quote a value that holds a comma');
      continue;
    }
    if (!readable) continue;
    let ok = true;
    const ends: number[] = [];
    for (const field of ['source', 'target'] as const) {
      const id = record[index[field]!]!;
      if (id.trim() === '') {
        problem('blank', line, field, `the ${field} id is blank`, 'give the ids of both people of the tie, or delete the line');
        ok = false;
        continue;
      }
      const person = link(id);
      if (person < 0) {
        problem('unknown', line, field, `the ${field} id is not the id of anyone in the HR file (${hr.file})`, 'ids are matched exactly, as the HR file writes them (case and spaces count); a tie with someone who is not in the HR file (who has left, or is outside the organisation) cannot be placed: delete the line, or add the person to the HR file');
        ok = false;
      } else linked++;
      ends.push(person);
    }
    if (ok && ends[0] === ends[1]) {
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
    if (!ok) continue;
    sources[kept] = ends[0]!;
    targets[kept] = ends[1]!;
    weights[kept++] = weight;
  }
  if (readable && rows > 0 && linked === 0 && counts.has('unknown')) {
    problems.unshift({ file, line: headerLine, col: 1, path: '', message: `none of the ids in this file is an id of the HR file (${hr.file})`, hint: 'both files must name people the same way: PersonId in both, or e-mail addresses in both, written alike (ids are matched exactly)' });
  }
  for (const [kind, count] of counts) {
    if (count.more === 0) continue;
    problems.push({ file, line: count.firstMore, col: 1, path: '', message: `and ${count.more} more line${count.more === 1 ? '' : 's'} with ${KIND_TEXT[kind]}`, hint: `only the first ${maxPerKind} of each kind of problem are listed one by one` });
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const columns = Object.fromEntries(NETWORK_FIELDS.map((f) => [f, index[f] === undefined ? null : header[index[f]]!])) as Record<NetworkField, string | null>;
  const used = new Set(Object.values(index));
  const ignoredColumns = header.filter((h, i) => !used.has(i) && h !== '');
  return { file, columns, convention: choice.convention, ignoredColumns, source: sources.slice(0, kept), target: targets.slice(0, kept), weight: weights.slice(0, kept) };
}
