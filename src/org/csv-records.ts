/**
 * The records of a client's CSV file (an HR export, a collaboration network) as csv-parse reads them,
 * each with the line it starts on. A file that cannot be split into fields is one problem at its line,
 * said in general terms: csv-parse's own message may quote the cell it stopped at, which may be personal.
 */
import { parse } from 'csv-parse/sync';
import { ScenarioError } from '../scenarios/errors.ts';

const CSV_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a double quote is opened and never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a double quote inside a field is not doubled ("") or the field is not quoted as a whole',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing double quote',
  CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'lines have different numbers of fields',
};

export interface CsvRecord {
  record: string[];
  /** The line the record starts on (1-based). */
  line: number;
}

/**
 * Every record with a field that is not blank: blank lines, `#` comments and lines of nothing but commas
 * (a spreadsheet's empty rows) are skipped. `headerExample` is the hint's example of a header line.
 */
export function readCsvRecords(text: string, file: string, headerExample: string): CsvRecord[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, skip_empty_lines: true, bom: true, comment: '#', comment_no_infix: true, relax_column_count: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    const what = CSV_ERRORS[e.code ?? ''] ?? 'the text could not be split into fields';
    throw new ScenarioError([{ file, line: e.lines ?? 0, col: e.lines ? 1 : 0, path: '', message: `not a readable CSV file: ${what}`, hint: `save it as comma-separated text with a header line such as ${headerExample}` }]);
  }
  const out: CsvRecord[] = [];
  for (const { record, info } of records) if (record.some((v) => v.trim() !== '')) out.push({ record, line: info.lines });
  return out;
}
