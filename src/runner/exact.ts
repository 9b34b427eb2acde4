/**
 * The exact per-rollout results of a finished rollouts.csv, for summary.json to quote the numbers the
 * report and the terminal quote rather than the sketches' approximations.
 *
 * Memory flat in rollouts (issue 17): rollouts.csv is read once, 64 kB at a time, and its result,
 * wave and draw columns are written column by column into a scratch file of doubles; a summary then
 * reads back one column at a time (n doubles) and lets it go. Holding every column of every strategy
 * at once cost 8 bytes × columns × strategies × rollouts, plus the garbage of building it.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULTS } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { forEachLine } from './outputs.ts';

/**
 * Per-rollout values of one strategy's column (NaN = "never"), rollouts in file order; undefined when
 * rollouts.csv has no such column. `into`, if given and of the right length, is filled and returned:
 * a long run's columns are megabytes each, outside the JS heap, and V8 frees such arrays only when
 * its heap collects, so a summary reuses a few rather than leaving one behind per column.
 */
export interface ExactSource {
  column(strategy: string, name: string, into?: Float64Array): Float64Array | undefined;
}

/** Values written to the scratch file at a time, per strategy and column. */
const CHUNK = 1024;

const RESULT_NAMES: ReadonlySet<string> = new Set(RESULTS.map((r) => r.name));

/** The columns of rollouts.csv a summary quotes: every result, the waves' open weeks and the drawn uncertainties. */
function wantedColumns(header: string[], experiment: Experiment): string[] {
  const draws = new Set(experiment.uncertainties.map((u) => fileParamPath(u.path)));
  return header.map((name, i) => (i >= 3 && (RESULT_NAMES.has(name) || name.endsWith('_open_week') || draws.has(name)) ? name : ''));
}

/** One cell of rollouts.csv as a number: "never" and empty are NaN. */
function valueOf(text: string): number {
  return text === '' || text === 'never' ? NaN : Number(text);
}

export class ExactColumns implements ExactSource {
  private fd: number | null;
  /** Per strategy: rows, and per column name its first double in the scratch file. */
  private readonly layout = new Map<string, { rows: number; at: Map<string, number> }>();
  /** The columns held, in file order. */
  readonly names: readonly string[];

  /** Reads `file` (rollouts.csv of `experiment`) into `scratch`, a file of its own that close() removes. */
  constructor(file: string, experiment: Experiment, private readonly scratch: string) {
    // Pass 1: the header and each strategy's rows, so that every column gets its place in the file.
    let header: string[] = [];
    const counts = new Map<string, number>();
    forEachLine(file, (line, i) => {
      if (i === 0) header = line.split(',');
      else if (line) {
        const strategy = line.slice(0, line.indexOf(','));
        counts.set(strategy, (counts.get(strategy) ?? 0) + 1);
      }
    });
    const wanted = wantedColumns(header, experiment);
    const names = wanted.filter(Boolean);
    this.names = names;
    let next = 0;
    for (const plan of experiment.strategies) {
      const rows = counts.get(plan.name) ?? 0;
      const at = new Map<string, number>();
      for (const name of names) {
        at.set(name, next);
        next += rows;
      }
      this.layout.set(plan.name, { rows, at });
    }
    // Pass 2: each (strategy, column) fills a small buffer, written to its place when full.
    this.fd = openSync(scratch, 'w+');
    const fd = this.fd;
    const pending = new Map<string, Map<number, { at: number; values: Float64Array; used: number }>>();
    for (const [strategy, { rows, at }] of this.layout) {
      const size = Math.max(1, Math.min(CHUNK, rows));
      const buffers = new Map<number, { at: number; values: Float64Array; used: number }>();
      wanted.forEach((name, c) => {
        if (name) buffers.set(c, { at: at.get(name)!, values: new Float64Array(size), used: 0 });
      });
      pending.set(strategy, buffers);
    }
    const flush = (b: { at: number; values: Float64Array; used: number }): void => {
      if (b.used === 0) return;
      writeSync(fd, b.values, 0, b.used * 8, b.at * 8);
      b.at += b.used;
      b.used = 0;
    };
    forEachLine(file, (line, i) => {
      if (i === 0 || !line) return;
      const cells = line.split(',');
      const buffers = pending.get(cells[0]!);
      if (!buffers) return;
      for (const [c, b] of buffers) {
        // A short row leaves its missing cells at 0, as a fresh array of the row's columns would.
        b.values[b.used++] = c < cells.length ? valueOf(cells[c]!) : 0;
        if (b.used === b.values.length) flush(b);
      }
    });
    for (const buffers of pending.values()) for (const b of buffers.values()) flush(b);
  }

  column(strategy: string, name: string, into?: Float64Array): Float64Array | undefined {
    const entry = this.layout.get(strategy);
    const at = entry?.at.get(name);
    if (!entry || at === undefined) return undefined;
    if (this.fd === null) throw new Error('exact results read after close');
    const values = into?.length === entry.rows ? into : new Float64Array(entry.rows);
    let done = 0;
    const bytes = values.byteLength;
    while (done < bytes) {
      const read = readSync(this.fd, values, done, bytes - done, at * 8 + done);
      if (read === 0) throw new Error(`${this.scratch}: ended early`);
      done += read;
    }
    return values;
  }

  /** Closes and removes the scratch file. */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
    rmSync(this.scratch, { force: true });
  }
}

/** Runs `use` on the exact results of `file`, kept in `scratch` (removed after). */
export function withExactColumns<T>(file: string, experiment: Experiment, scratch: string, use: (exact: ExactColumns) => T): T {
  const exact = new ExactColumns(file, experiment, scratch);
  try {
    return use(exact);
  } finally {
    exact.close();
  }
}

/** Every wanted column of every strategy at once (discover reads them row by row): by strategy, then column name. */
export function readExactResults(file: string, experiment: Experiment): Map<string, Map<string, Float64Array>> {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-exact-'));
  try {
    return withExactColumns(file, experiment, join(dir, 'columns.bin'), (exact) =>
      new Map(experiment.strategies.map((plan) => [plan.name, new Map(exact.names.map((name) => [name, exact.column(plan.name, name)!]))])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
