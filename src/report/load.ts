/**
 * Reads an output folder for the report. Anything wrong with it (missing
 * folder or file, not uptake's, corrupt JSON or CSV) becomes one InputError
 * naming the file, and the line or field, and what is wrong: exit 2, no stack.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { UNITS } from '../units.ts';
import { MANIFEST_FORMAT, SUMMARY_FORMAT, type RunManifest, type RunSummary, type StrategyInfo } from '../runner/summary.ts';
import type { ReportData, RolloutColumns } from './model.ts';
import { scenarioSettings } from './scenario.ts';

const num = z.number();
const nullableNum = z.number().nullable();
const metric = z.looseObject({ name: z.string(), label: z.string(), unit: z.enum(UNITS) });
const quantiles = { mean: nullableNum, p05: nullableNum, p25: nullableNum, p50: nullableNum, p75: nullableNum, p95: nullableNum };
const series = z.looseObject(Object.fromEntries(Object.keys(quantiles).map((k) => [k, z.array(nullableNum)])));
/** A result's quantile: weeks count "never" as later than any week, so it can be "never". */
const resultQuantile = z.union([z.number(), z.literal('never')]).nullable();
const resultQuantiles = { mean: nullableNum, p05: resultQuantile, p25: resultQuantile, p50: resultQuantile, p75: resultQuantile, p95: resultQuantile };

/** The parts of summary.json the report reads; other fields pass through untouched. */
const summarySchema = z.looseObject({
  format: z.literal(SUMMARY_FORMAT),
  experiment: z.looseObject({ name: z.string(), label: z.string(), source: z.string(), hash: z.string(), seed: num, rollouts: z.number().int().min(1), weeks: z.number().int().min(1), employees: num.optional(), currency: z.string().optional() }),
  outcomes: z.looseObject({ criticalMassShare: num, targetShare: num, sustainedWeeks: num }),
  strategies: z.array(z.looseObject({ name: z.string(), label: z.string(), waves: z.number().int().min(0) })).min(1),
  observables: z.array(metric),
  results: z.array(metric.extend({ better: z.enum(['higher', 'lower', 'neutral']) })),
  uncertainties: z.array(z.looseObject({ path: z.string(), distribution: z.looseObject({ kind: z.string() }) })),
  timeseries: z.record(z.string(), z.record(z.string(), series)),
  distributions: z.record(z.string(), z.record(z.string(), z.looseObject({ ...resultQuantiles, n: num, never: num, neverShare: num }))),
  comparisons: z.array(z.looseObject({ a: z.string(), b: z.string(), result: z.string(), better: z.enum(['higher', 'lower', 'neutral']), n: num, pBeats: num, ci: z.tuple([num, num]), medianDifference: nullableNum })),
  waveOpenWeeks: z.record(z.string(), z.array(z.looseObject({ wave: z.number().int(), ...resultQuantiles, n: num, never: num, neverShare: num, forced: num.optional(), forcedShare: num.optional() }))),
});

const manifestSchema = z.looseObject({
  format: z.literal(MANIFEST_FORMAT),
  scenario: z.looseObject({ name: z.string(), source: z.string(), hash: z.string() }),
  uptakeVersion: z.string(),
  nodeVersion: z.string(),
  seed: num,
  rollouts: num,
  weeks: num,
  workers: num,
  command: z.string(),
});

function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string, format: string): T {
  if (!existsSync(file)) throw new InputError(`${file}: missing`, `is this an uptake output folder? \`uptake run\` writes ${what}`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`, 'the file is damaged; rerun `uptake run` to write it again');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    if (path === 'format') {
      throw new InputError(`${file}: not an uptake ${what} (field "format" is ${JSON.stringify((value as { format?: unknown } | null)?.format)}, expected ${JSON.stringify(format)})`, 'point `uptake report` at a folder written by `uptake run`');
    }
    throw new InputError(`${file}: field ${path || '(top level)'}: ${issue.message}`, 'the file is damaged or from another uptake version; rerun `uptake run`');
  }
  return parsed.data;
}

/** Parses one CSV cell of rollouts.csv: a number, "never" or empty (NaN), or undefined when it is neither. */
function cell(text: string): number | undefined {
  if (text === '' || text === 'never') return NaN;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

async function readRolloutColumns(file: string, summary: RunSummary): Promise<Map<string, RolloutColumns>> {
  if (!existsSync(file)) throw new InputError(`${file}: missing`, 'is this an uptake output folder? `uptake run` writes rollouts.csv');
  const wanted = new Set(summary.results.map((r) => r.name));
  const builders = new Map<string, { rollout: number[]; seed: number[]; columns: Map<string, number[]> }>();
  for (const s of summary.strategies) builders.set(s.name, { rollout: [], seed: [], columns: new Map() });
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let header: string[] | undefined;
  let keep: number[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.length === 0) continue;
    const cells = line.split(',');
    if (!header) {
      if (cells[0] !== 'strategy' || cells[1] !== 'rollout' || cells[2] !== 'seed') {
        throw new InputError(`${file}:1: header must start with strategy,rollout,seed, got "${line.slice(0, 60)}"`, 'the file is damaged; rerun `uptake run`');
      }
      header = cells;
      // Results and wave opening weeks; drawn parameters (dotted names) are not charted.
      keep = header.map((_, i) => i).filter((i) => i >= 3 && (wanted.has(header![i]!) || /^(pilot|wave\d+)_open_week$/.test(header![i]!)));
      for (const b of builders.values()) for (const i of keep) b.columns.set(header[i]!, []);
      continue;
    }
    if (cells.length !== header.length) {
      throw new InputError(`${file}:${lineNo}: expected ${header.length} values, found ${cells.length}`, 'the file is damaged or was cut short; rerun `uptake run`');
    }
    const b = builders.get(cells[0]!);
    if (!b) throw new InputError(`${file}:${lineNo}: strategy "${cells[0]}" is not in summary.json`, 'rollouts.csv and summary.json come from different runs');
    const rollout = Number(cells[1]);
    const seed = Number(cells[2]);
    if (!Number.isInteger(rollout) || !Number.isFinite(seed) || cells[1] === '' || cells[2] === '') {
      throw new InputError(`${file}:${lineNo}: rollout and seed must be whole numbers, got "${cells[1]}" and "${cells[2]}"`, 'the file is damaged; rerun `uptake run`');
    }
    b.rollout.push(rollout);
    b.seed.push(seed);
    for (const i of keep) {
      const v = cell(cells[i]!);
      if (v === undefined) throw new InputError(`${file}:${lineNo}: column ${header[i]}: expected a number or "never", got "${cells[i]}"`, 'the file is damaged; rerun `uptake run`');
      b.columns.get(header[i]!)!.push(v);
    }
  }
  if (!header) throw new InputError(`${file}: empty`, 'the file is damaged; rerun `uptake run`');
  const out = new Map<string, RolloutColumns>();
  for (const [strategy, b] of builders) {
    out.set(strategy, {
      strategy,
      n: b.rollout.length,
      rollout: Float64Array.from(b.rollout),
      seed: Float64Array.from(b.seed),
      columns: new Map([...b.columns].map(([k, v]) => [k, Float64Array.from(v)])),
    });
  }
  return out;
}

/** Labels must tell strategies apart in legends: repeat labels get the strategy name appended. */
export function uniqueLabels(strategies: readonly StrategyInfo[]): StrategyInfo[] {
  const counts = new Map<string, number>();
  for (const s of strategies) counts.set(s.label, (counts.get(s.label) ?? 0) + 1);
  return strategies.map((s) => ({ ...s, label: (counts.get(s.label) ?? 0) > 1 ? `${s.label} (${s.name})` : s.label || s.name }));
}

export async function loadReportData(dir: string): Promise<ReportData> {
  if (!existsSync(dir)) throw new InputError(`${dir}: no such folder`, 'give the output folder of `uptake run` (e.g. out/default)');
  if (!statSync(dir).isDirectory()) throw new InputError(`${dir}: not a folder`, 'give the output folder of `uptake run`, not a file in it');
  if (!existsSync(join(dir, 'summary.json')) && existsSync(join(dir, 'partial.json'))) {
    throw new InputError(`${dir}: holds one shard's partial result, not a whole run`, 'combine the shards first with `uptake merge <dirs...> --out DIR`, then report on DIR');
  }
  const summary = readJsonFile(join(dir, 'summary.json'), summarySchema, 'summary.json', SUMMARY_FORMAT) as unknown as RunSummary;
  const manifest = readJsonFile(join(dir, 'manifest.json'), manifestSchema, 'manifest.json', MANIFEST_FORMAT) as unknown as RunManifest;
  const rollouts = await readRolloutColumns(join(dir, 'rollouts.csv'), summary);
  return { dir, summary, manifest, strategies: uniqueLabels(summary.strategies), rollouts, scenario: scenarioSettings(dir, summary) };
}
