/**
 * Baselines for drift: `uptake test --update-baselines` records each
 * scenario's per-rollout result distributions in baselines/<scenario>.json;
 * later runs compare the current distributions with them, result by result,
 * with the two-sample Kolmogorov-Smirnov test. The family of tests of one
 * scenario (every strategy × result) shares the error rate `alpha` by
 * Bonferroni, so an unchanged model and scenario are flagged with probability
 * at most alpha (for independent samples; with the same seed, an unchanged
 * scenario reproduces its baseline exactly and is never flagged).
 */
import { InputError } from '../errors.ts';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { columnName } from '../scenarios/claim.ts';
import type { Sample } from './decide.ts';
import { ksTwoSample, quantileSorted, sorted } from './stats.ts';

export const BASELINE_FORMAT = 1;
/** Values are stored, and compared, at this many significant digits. */
const DIGITS = 6;

export interface BaselineFile {
  format: number;
  scenario: string;
  seed: number;
  rollouts: number;
  /** modelVersion() when it was recorded (for the reader; drift is judged on the values). */
  model: string;
  /** strategy -> result -> sorted per-rollout values; null is "never". */
  results: Record<string, Record<string, (number | null)[]>>;
}

export interface Drift {
  strategy: string;
  result: string;
  /** KS distance and p-value. */
  d: number;
  p: number;
  baselineMedian: number;
  currentMedian: number;
}

export interface DriftReport {
  file: string;
  baselineRollouts: number;
  tested: number;
  /** Family-wise error rate, and the per-test level after Bonferroni. */
  alpha: number;
  perTestAlpha: number;
  drifts: Drift[];
  /** Strategies of the scenario the baseline does not have (new or renamed): not compared. */
  notInBaseline: string[];
}

export function baselinePath(dir: string, experiment: Experiment): string {
  return join(dir, `${experiment.name}.json`);
}

function round(v: number): number | null {
  if (Number.isNaN(v) || v === Infinity) return null;
  return Number(v.toPrecision(DIGITS));
}

function valuesOf(sample: Sample, strategy: string, result: string): Float64Array {
  return Float64Array.from(sample.column(columnName(strategy, result)), (v) => round(v) ?? Infinity);
}

export function makeBaseline(experiment: Experiment, sample: Sample, model: string): BaselineFile {
  const results: BaselineFile['results'] = {};
  for (const s of experiment.strategies) {
    results[s.name] = {};
    for (const r of RESULTS) results[s.name]![r.name] = Array.from(sorted(valuesOf(sample, s.name, r.name)), (v) => (v === Infinity ? null : v));
  }
  return { format: BASELINE_FORMAT, scenario: experiment.name, seed: experiment.seed, rollouts: sample.n, model, results };
}

export function writeBaseline(file: string, baseline: BaselineFile): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  // One line per result keeps diffs readable.
  const lines = ['{', `  "format": ${baseline.format},`, `  "scenario": ${JSON.stringify(baseline.scenario)},`, `  "seed": ${baseline.seed},`, `  "rollouts": ${baseline.rollouts},`, `  "model": ${JSON.stringify(baseline.model)},`, '  "results": {'];
  const strategies = Object.keys(baseline.results);
  strategies.forEach((s, i) => {
    lines.push(`    ${JSON.stringify(s)}: {`);
    const results = Object.entries(baseline.results[s]!);
    results.forEach(([r, values], j) => lines.push(`      ${JSON.stringify(r)}: ${JSON.stringify(values)}${j < results.length - 1 ? ',' : ''}`));
    lines.push(`    }${i < strategies.length - 1 ? ',' : ''}`);
  });
  lines.push('  }', '}', '');
  writeFileSync(tmp, lines.join('\n'));
  renameSync(tmp, file);
}

export class BaselineError extends InputError {}

export function readBaseline(file: string): BaselineFile | undefined {
  if (!existsSync(file)) return undefined;
  let data: BaselineFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as BaselineFile;
  } catch (err) {
    throw new BaselineError(`${file}: not a baseline file (${(err as Error).message})`, 'rewrite it with `uptake test --update-baselines`');
  }
  if (data?.format !== BASELINE_FORMAT || typeof data.results !== 'object') throw new BaselineError(`${file}: not a baseline file of format ${BASELINE_FORMAT}`, 'rewrite it with `uptake test --update-baselines`');
  return data;
}

/** Compare the current sample with a baseline, result by result; strategies or results missing on either side are skipped. */
export function detectDrift(experiment: Experiment, sample: Sample, baseline: BaselineFile, alpha: number, file = ''): DriftReport {
  const pairs: { strategy: string; result: string; base: Float64Array; current: Float64Array }[] = [];
  for (const s of experiment.strategies) {
    const stored = baseline.results[s.name];
    if (!stored) continue;
    for (const r of RESULTS) {
      const values = stored[r.name];
      if (!Array.isArray(values)) continue;
      pairs.push({ strategy: s.name, result: r.name, base: Float64Array.from(values, (v) => (v === null ? Infinity : v)), current: valuesOf(sample, s.name, r.name) });
    }
  }
  const perTestAlpha = pairs.length ? alpha / pairs.length : alpha;
  const drifts: Drift[] = [];
  for (const p of pairs) {
    const ks = ksTwoSample(p.base, p.current);
    if (ks.p < perTestAlpha) {
      drifts.push({ strategy: p.strategy, result: p.result, d: ks.d, p: ks.p, baselineMedian: quantileSorted(sorted(p.base), 0.5), currentMedian: quantileSorted(sorted(p.current), 0.5) });
    }
  }
  const notInBaseline = experiment.strategies.map((s) => s.name).filter((name) => !baseline.results[name]);
  return { file, baselineRollouts: baseline.rollouts, tested: pairs.length, alpha, perTestAlpha, drifts, notInBaseline };
}
