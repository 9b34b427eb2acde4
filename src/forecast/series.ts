/**
 * Reading a Bass series: a CSV with columns `period,adopters` (new adopters per
 * period; lines starting with # are comments). Every problem in the file is collected and thrown at once as a
 * ScenarioError (file:line:col, column, hint), so the user fixes it in one go.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ScenarioError, type Diagnostic } from '../scenarios/errors.ts';

export interface AdopterSeries {
  /** Period labels, consecutive integers in increasing order. */
  periods: number[];
  adopters: number[];
}

/** A Bass fit needs at least this many periods (three parameters). */
export const MIN_PERIODS = 3;

export async function readAdopterSeries(file: string, options: { minPeriods?: number } = {}): Promise<AdopterSeries> {
  return parseAdopterSeries(await readFile(file, 'utf8'), file, options);
}

interface Row {
  record: Record<string, string>;
  info: { lines: number };
  raw: string;
}

export function parseAdopterSeries(text: string, file: string, options: { minPeriods?: number } = {}): AdopterSeries {
  const minPeriods = options.minPeriods ?? MIN_PERIODS;
  const problems: Diagnostic[] = [];
  const problem = (line: number, col: number, path: string, message: string, hint?: string) => problems.push({ file, line, col, path, message, hint });
  let rows: Row[];
  try {
    rows = parse(text, { columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), info: true, raw: true, skip_empty_lines: true, trim: true, bom: true, comment: '#' }) as unknown as Row[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new ScenarioError([{ file, line: e.lines ?? 0, col: e.lines ? 1 : 0, path: '', message: `not a readable CSV file: ${e.message.replace(/^Invalid \w+ \w+: /, '')}`, hint: 'save it as comma-separated text with a header line `period,adopters`' }]);
  }
  const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '').split(',').map((h) => h.trim().toLowerCase());
  for (const column of ['period', 'adopters']) {
    if (!header.includes(column)) problem(1, 1, column, `missing column "${column}"`, `the first line must name the columns, e.g. \`period,adopters\` (found: ${header.filter(Boolean).join(', ') || 'nothing'})`);
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const seen = new Map<number, number>();
  const parsed: { period: number; adopters: number; line: number }[] = [];
  for (const row of rows) {
    const line = row.info.lines;
    const colOf = (name: string) => columnOf(row.raw, header.indexOf(name));
    const periodText = row.record.period ?? '';
    const adoptersText = row.record.adopters ?? '';
    const period = Number(periodText);
    const adopters = Number(adoptersText);
    let ok = true;
    if (periodText === '' || !Number.isInteger(period)) {
      problem(line, colOf('period'), 'period', periodText === '' ? 'period is empty' : `period "${periodText}" is not a whole number`, 'number the periods 1, 2, 3, ... (or years such as 1949)');
      ok = false;
    } else if (seen.has(period)) {
      problem(line, colOf('period'), 'period', `period ${period} is repeated (first on line ${seen.get(period)})`, 'give each period one line; add up the adopters of duplicate lines');
      ok = false;
    } else {
      seen.set(period, line);
    }
    if (adoptersText === '' || !Number.isFinite(adopters)) {
      problem(line, colOf('adopters'), 'adopters', adoptersText === '' ? 'adopters is empty' : `adopters "${adoptersText}" is not a number`, 'write the count of new adopters in that period, e.g. 120');
      ok = false;
    } else if (adopters < 0) {
      problem(line, colOf('adopters'), 'adopters', `adopters is negative (${adoptersText})`, 'new adopters per period cannot be negative: give the count of first-time adopters, not a change in a total');
      ok = false;
    }
    if (ok) parsed.push({ period, adopters, line });
  }
  parsed.sort((a, b) => a.period - b.period);
  // Gaps among every readable period, so a line with a bad count is not also reported as a missing period.
  const known = [...seen.entries()].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < known.length; i++) {
    const [prev] = known[i - 1]!;
    const [next, line] = known[i]!;
    if (next - prev > 1) {
      const gap = next - prev === 2 ? `period ${prev + 1} is missing` : `periods ${prev + 1} to ${next - 1} are missing`;
      problem(line, columnOf(rows.find((r) => r.info.lines === line)!.raw, header.indexOf('period')), 'period', gap, 'add a line for every period, with 0 adopters if there were none');
    }
  }
  const count = seen.size;
  if (count < minPeriods) {
    const last = rows.length > 0 ? rows[rows.length - 1]!.info.lines : 1;
    problem(last, 1, 'period', `${count === 0 ? 'no' : `only ${count}`} period${count === 1 ? '' : 's'} to fit, need at least ${minPeriods}`, minPeriods > MIN_PERIODS ? `a Bass fit needs ${MIN_PERIODS} periods plus those held out (--holdout)` : 'a Bass fit estimates three parameters (p, q, m): give at least 3 periods');
  }
  if (count >= minPeriods && parsed.length === count && parsed.every((r) => r.adopters === 0)) {
    problem(parsed[parsed.length - 1]!.line, columnOf(rows[rows.length - 1]!.raw, header.indexOf('adopters')), 'adopters', 'every period has 0 adopters: there is nothing to fit', 'a Bass fit needs some adopters; check that the column holds new adopters per period');
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return { periods: parsed.map((r) => r.period), adopters: parsed.map((r) => r.adopters) };
}

/** 1-based character column of field `index` in a raw CSV line (fields without embedded commas). */
function columnOf(raw: string, index: number): number {
  if (index <= 0) return 1;
  const fields = raw.replace(/\r?\n$/, '').split(',');
  return fields.slice(0, index).join(',').length + 2;
}
