/**
 * Reads the folder `uptake forecast` writes (<out>/forecast/, docs/outputs.md) for its charts and
 * report: the forecast's run-shaped files (summary.json, manifest.json, rollouts.csv) through the run
 * report's own loader, and the forecast's own files (diagnostics.json, observed.csv, posterior.csv,
 * parameters.csv, backtest.csv, experiment.json). Anything missing or garbled is one InputError naming
 * the file and what is wrong, as for a run's folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import type { Distribution } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { loadReportData } from './load.ts';
import type { ReportData } from './model.ts';
import type { BacktestRow } from '../forecast/backtest.ts';

/** diagnostics.json's format; src/forecast/forecast.ts writes it (FORECAST_FORMAT), repeated here so reading a folder loads no simulation code. */
export const FORECAST_DIAGNOSTICS_FORMAT = 'uptake-forecast/1';

export const TELEMETRY_METRICS = ['with_access', 'active', 'posters', 'posts'] as const;
export type TelemetryMetric = (typeof TELEMETRY_METRICS)[number];

const num = z.number();
const diagnosticsSchema = z.looseObject({
  format: z.literal(FORECAST_DIAGNOSTICS_FORMAT),
  scenario: z.looseObject({ name: z.string(), source: z.string(), hash: z.string() }),
  telemetry: z.looseObject({ file: z.string(), lastWeek: z.number().int().min(1), groups: z.array(z.string().nullable()) }),
  calibratedWeeks: z.number().int().min(1),
  holdout: z.number().int().min(0),
  inProgress: z.string(),
  alternatives: z.array(z.string()).min(1),
  metrics: z.record(z.string(), num),
  stopReason: z.string(),
  stopReasonText: z.string(),
  simulations: num,
  generations: z.array(z.looseObject({ generation: num, tolerance: num.nullable(), acceptanceRate: num, ess: num })).min(1),
  warnings: z.array(z.string()),
  forecastRollouts: num,
  backtest: z.looseObject({
    weeks: num,
    model: z.looseObject({ coverage50: num, coverage90: num, intervalScore90: num, crps: num, medianApe: num.nullable() }),
    bass: z.looseObject({ mape: num.nullable() }).nullable(),
  }).nullable(),
});
export type ForecastDiagnostics = z.infer<typeof diagnosticsSchema>;

const distributionSchema = z.looseObject({ kind: z.enum(['fixed', 'uniform', 'normal', 'truncated_normal', 'triangular', 'beta', 'lognormal', 'choice']) });
const experimentSchema = z.looseObject({
  params: z.looseObject({ organisation: z.looseObject({ employees: num }) }),
  departments: z.array(z.looseObject({ name: z.string() })).optional(),
  strategies: z.array(z.looseObject({ name: z.string(), waves: z.looseObject({ waves: num }).optional() })),
  forecast: z.looseObject({
    inProgress: z.number().int().min(0),
    parameters: z.array(z.looseObject({ path: z.string(), distribution: distributionSchema })).min(1),
    alternatives: z.array(z.looseObject({ name: z.string(), label: z.string(), continues: z.boolean() })).min(1),
  }),
});

export interface ObservedRow {
  /** null: the whole organisation. */
  group: string | null;
  week: number;
  with_access: number;
  active: number;
  posters: number;
  posts: number | null;
}

export interface ParameterRow {
  parameter: string;
  prior: { p05: number; p50: number; p95: number };
  posterior: { p05: number; p50: number; p95: number };
}

/** A row of backtest.csv: the type the forecast writes (type-only, so reading loads no simulation code). */
export type { BacktestRow };

export interface ForecastData {
  dir: string;
  /** summary.json, manifest.json and rollouts.csv: the ways forward as a run's strategies. */
  run: ReportData;
  diagnostics: ForecastDiagnostics;
  observed: ObservedRow[];
  hasPosts: boolean;
  /** posterior.csv: one weight per particle and, per parameter (file path), its values. */
  posterior: { weights: number[]; values: Map<string, number[]> };
  parameters: ParameterRow[];
  /** Prior of each calibrated parameter, by its path in the scenario file's words (as in parameters.csv). */
  priors: Map<string, Distribution>;
  backtest: BacktestRow[] | null;
  /** The ways forward in summary order, and which one continues the plan in progress. */
  alternatives: { name: string; label: string; continues: boolean }[];
  employees: number;
  /** The scenario's department names and the wave names of the plan in progress (pilot, wave1, …), for grouped telemetry. */
  departments: string[];
  waves: string[];
}

const REFORECAST = 'rerun `uptake forecast` to write it again';

function notForecast(dir: string, file: string): InputError {
  return new InputError(`${join(dir, file)}: missing`, `is ${dir} the forecast/ folder of \`uptake forecast\`? It writes ${file}`);
}

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(dir, file);
  if (!existsSync(path)) throw notForecast(dir, file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: not valid JSON (${(err as Error).message})`, `the file is damaged; ${REFORECAST}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    if (field === 'format') throw new InputError(`${path}: not an uptake forecast's diagnostics (field "format" is ${JSON.stringify((value as { format?: unknown } | null)?.format)}, expected ${JSON.stringify(FORECAST_DIAGNOSTICS_FORMAT)})`, 'point it at the forecast/ folder written by `uptake forecast`');
    throw new InputError(`${path}: field ${field || '(top level)'}: ${issue.message}`, `the file is damaged or from another uptake version; ${REFORECAST}`);
  }
  return parsed.data;
}

/** A CSV as rows of named cells, checked for its leading columns and for each row's number of values. */
function readCsv(dir: string, file: string, leading: readonly string[]): { header: string[]; rows: { line: number; cells: string[] }[] } {
  const path = join(dir, file);
  if (!existsSync(path)) throw notForecast(dir, file);
  let records: string[][];
  try {
    records = parse(readFileSync(path, 'utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (err) {
    throw new InputError(`${path}: not a readable CSV (${(err as Error).message})`, `the file is damaged; ${REFORECAST}`);
  }
  const header = records[0];
  if (!header) throw new InputError(`${path}: empty`, `the file is damaged; ${REFORECAST}`);
  if (leading.some((c, i) => header[i] !== c)) {
    throw new InputError(`${path}:1: header must start with ${leading.join(',')}, got "${header.join(',').slice(0, 80)}"`, `the file is damaged or from another uptake version; ${REFORECAST}`);
  }
  const rows = records.slice(1).map((cells, i) => {
    if (cells.length !== header.length) throw new InputError(`${path}:${i + 2}: expected ${header.length} values, found ${cells.length}`, `the file is damaged or was cut short; ${REFORECAST}`);
    return { line: i + 2, cells };
  });
  return { header, rows };
}

/** A number cell; `blank` is what an empty cell means (undefined: an empty cell is an error). */
function numberCell(dir: string, file: string, line: number, column: string, text: string, blank?: number | null): number {
  if (text === '' && blank !== undefined) return blank as number;
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new InputError(`${join(dir, file)}:${line}: column ${column}: expected a number, got "${text}"`, `the file is damaged; ${REFORECAST}`);
  return v;
}

function readObserved(dir: string): { rows: ObservedRow[]; hasPosts: boolean } {
  const file = 'observed.csv';
  const { header, rows } = readCsv(dir, file, ['group', 'week', 'with_access', 'active', 'posters']);
  const hasPosts = header[5] === 'posts';
  return {
    hasPosts,
    rows: rows.map(({ line, cells }) => {
      const n = (i: number) => numberCell(dir, file, line, header[i]!, cells[i]!);
      return { group: cells[0] === '' ? null : cells[0]!, week: n(1), with_access: n(2), active: n(3), posters: n(4), posts: hasPosts ? numberCell(dir, file, line, 'posts', cells[5]!, null) : null };
    }),
  };
}

function readPosterior(dir: string): ForecastData['posterior'] {
  const file = 'posterior.csv';
  const { header, rows } = readCsv(dir, file, ['particle', 'weight', 'distance', 'seed']);
  const names = header.slice(4);
  const values = new Map(names.map((n) => [n, [] as number[]]));
  const weights: number[] = [];
  for (const { line, cells } of rows) {
    weights.push(numberCell(dir, file, line, 'weight', cells[1]!));
    // An empty cell is a value that was not finite (files.ts writes those empty): left out of the chart.
    names.forEach((n, k) => values.get(n)!.push(numberCell(dir, file, line, n, cells[4 + k]!, NaN)));
  }
  if (rows.length === 0) throw new InputError(`${join(dir, file)}: no particles`, `the file is damaged; ${REFORECAST}`);
  return { weights, values };
}

function readParameters(dir: string): ParameterRow[] {
  const file = 'parameters.csv';
  const { header, rows } = readCsv(dir, file, ['parameter', 'prior_p05', 'prior_p50', 'prior_p95', 'posterior_p05', 'posterior_p50', 'posterior_p95']);
  return rows.map(({ line, cells }) => {
    const n = (i: number) => numberCell(dir, file, line, header[i]!, cells[i]!, NaN);
    return { parameter: cells[0]!, prior: { p05: n(1), p50: n(2), p95: n(3) }, posterior: { p05: n(4), p50: n(5), p95: n(6) } };
  });
}

function readBacktest(dir: string): BacktestRow[] {
  const file = 'backtest.csv';
  const { header, rows } = readCsv(dir, file, ['group', 'metric', 'week', 'observed', 'p05', 'p25', 'p50', 'p75', 'p95']);
  return rows.map(({ line, cells }) => {
    const metric = cells[1] as TelemetryMetric;
    if (!TELEMETRY_METRICS.includes(metric)) throw new InputError(`${join(dir, file)}:${line}: column metric: expected one of ${TELEMETRY_METRICS.join(', ')}, got "${cells[1]}"`, `the file is damaged; ${REFORECAST}`);
    const n = (i: number) => numberCell(dir, file, line, header[i]!, cells[i]!);
    return { group: cells[0]!, metric, week: n(2), observed: n(3), p05: n(4), p25: n(5), p50: n(6), p75: n(7), p95: n(8) };
  });
}

export function waveNames(count: number): string[] {
  return Array.from({ length: count }, (_, w) => (w === 0 ? 'pilot' : `wave${w}`));
}

export async function loadForecastData(dir: string): Promise<ForecastData> {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such folder`, 'give the forecast/ folder of `uptake forecast` (e.g. out/pilot_in_progress/forecast)');
  if (!statSync(dir).isDirectory()) throw new InputError(`${dir}: not a folder`, 'give the forecast/ folder of `uptake forecast`, not a file in it');
  const diagnostics = readJson(dir, 'diagnostics.json', diagnosticsSchema);
  const experiment = readJson(dir, 'experiment.json', experimentSchema);
  const run = await loadReportData(dir);
  const { rows: observed, hasPosts } = readObserved(dir);
  if (observed.length === 0) throw new InputError(`${join(dir, 'observed.csv')}: no observed weeks`, `the file is damaged; ${REFORECAST}`);
  const posterior = readPosterior(dir);
  const parameters = readParameters(dir);
  const backtest = diagnostics.backtest ? readBacktest(dir) : null;
  const plan = experiment.forecast;
  const inProgress = experiment.strategies[plan.inProgress];
  const labels = new Map(run.strategies.map((s) => [s.name, s.label]));
  return {
    dir,
    run,
    diagnostics,
    observed,
    hasPosts,
    posterior,
    parameters,
    priors: new Map(plan.parameters.map((p) => [fileParamPath(p.path), p.distribution as unknown as Distribution])),
    backtest,
    // Labels as the run report shows them (made unique), in summary order.
    alternatives: run.strategies.map((s) => ({ name: s.name, label: labels.get(s.name) ?? s.name, continues: plan.alternatives.find((a) => a.name === s.name)?.continues ?? false })),
    employees: run.summary.experiment.employees ?? experiment.params.organisation.employees,
    departments: (experiment.departments ?? []).map((d) => d.name),
    waves: inProgress?.waves ? waveNames(inProgress.waves.waves + 1) : [],
  };
}
