/**
 * What `uptake run` writes, as types, and readers for it. This is the
 * contract between the runner (which writes an output folder) and the
 * report (which only reads one). docs/outputs.md describes every file and
 * column in words.
 *
 *   out/<scenario>/
 *     summary.json     RunSummary: everything a report needs, no timings
 *     manifest.json    RunManifest: provenance (versions, hash, seed, time taken)
 *     timeseries.csv   strategy,week,metric,mean,p05,p25,p50,p75,p95
 *     rollouts.csv     strategy,rollout,seed,<every result>,<wave open weeks>,<uncertain parameters>
 *
 * summary.json, timeseries.csv and rollouts.csv are byte-identical whatever
 * the number of workers and however the run was sharded; manifest.json
 * records how the run went (time, workers, shards) and so differs.
 */
import type { Unit } from '../units.ts';
import { readFileSync, createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Uncertainty } from '../scenarios/experiment.ts';

import { quantileCountingNever, quantileOfSorted } from '../quantile.ts';
import type { Driver } from './drivers.ts';

// The one quantile of the project lives in the base; summaries quote it.
export { quantileCountingNever, quantileOfSorted };

export const SUMMARY_FORMAT = 'uptake-summary/1';
export const MANIFEST_FORMAT = 'uptake-manifest/1';

/** The quantiles reported everywhere (timeseries.csv columns, summary.json). */
export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
export const QUANTILE_NAMES = ['p05', 'p25', 'p50', 'p75', 'p95'] as const;
export type QuantileName = (typeof QUANTILE_NAMES)[number];



/** The interval shown around every median: the 5th to the 95th percentile (90% of rollouts). */
export const INTERVAL = { low: 'p05', high: 'p95', lowQuantile: 0.05, highQuantile: 0.95, label: '5th–95th percentile', share: 0.9 } as const;

/** Exact columns of timeseries.csv, in order. */
export const TIMESERIES_COLUMNS = ['strategy', 'week', 'metric', 'mean', 'p05', 'p25', 'p50', 'p75', 'p95'] as const;

/** Which way is better for a per-rollout result, used by the paired comparisons. */
export type Better = 'higher' | 'lower' | 'neutral';

export interface MetricInfo {
  name: string;
  label: string;
  unit: Unit;
}

export interface ResultInfo extends MetricInfo {
  /** 'neutral': neither direction is better (e.g. the week of the peak); pBeats then means P(A higher). */
  better: Better;
}

export interface StrategyInfo {
  name: string;
  label: string;
  /** Waves including the pilot (0: the plan has no waves). */
  waves: number;
  /** The groups each wave is made of, by name, pilot first, when the plan names them (e.g. "Tax, Legal"). */
  waveGroups?: string[];
}

/** Mean and quantiles of one quantity; null when no rollout has a value. */
export interface Quantiles {
  mean: number | null;
  p05: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  p95: number | null;
}

/**
 * Mean and quantiles of one per-rollout result. For a result in weeks the
 * quantiles count "never" as later than any week (quantileCountingNever) and
 * can be the string "never"; the mean covers the rollouts that got there.
 */
export interface ResultQuantiles {
  mean: number | null;
  p05: Quantile;
  p25: Quantile;
  p50: Quantile;
  p75: Quantile;
  p95: Quantile;
}

/** A reported quantile: a number, "never" (a result in weeks), or null when there is nothing to summarise. */
export type Quantile = number | null | 'never';

/** Distribution over rollouts of one per-rollout result for one strategy. */
export interface ResultDistribution extends ResultQuantiles {
  /** Rollouts counted. */
  n: number;
  /** Rollouts where the result is "never" (weeks not reached): counted in the quantiles as later than any week; the mean covers the others. */
  never: number;
  neverShare: number;
  /** Exact smallest and largest values (null if none). */
  min: number | null;
  max: number | null;
  /** For unit 'code' results (governance): rollouts per outcome name. */
  categories?: Record<string, number>;
}

/** A histogram of one result, with edges shared by every strategy so charts can overlay them. */
export interface ResultHistogram {
  result: string;
  /** bins + 1 increasing edges; bin i covers [edges[i], edges[i+1]) (the last bin includes its right edge). */
  edges: number[];
  /** Per strategy name: rollouts per bin (approximate within the sketch error, see docs/outputs.md). "never" is not binned. */
  counts: Record<string, number[]>;
  /** Per strategy name: rollouts with "never". */
  never: Record<string, number>;
}

/** A over B on one result, rollout by rollout (common random numbers). */
export interface PairedComparison {
  a: string;
  b: string;
  result: string;
  better: Better;
  /** Rollouts compared. */
  n: number;
  /** Rollouts where A is better than B (or, for neutral results, higher), worse, equal. "never" is worse than any week. */
  wins: number;
  losses: number;
  ties: number;
  /** (wins + ties / 2) / n: the probability that A beats B. */
  pBeats: number;
  /** 95% Wilson score interval for pBeats. */
  ci: [number, number];
  /** Median and mean of A - B over rollouts where both have a value (null if none). */
  medianDifference: number | null;
  meanDifference: number | null;
  /** Rollouts where both have a value. */
  differenceN: number;
  /**
   * Results in weeks only: true when neither strategy gets there in any
   * rollout. pBeats is then 0.5 from ties alone, which is not a coin flip:
   * every display says "neither reaches 40%" instead.
   */
  neitherReaches?: boolean;
}

/** When each wave of a phased plan opened (wave 0 is the pilot). */
export interface WaveOpening extends ResultQuantiles {
  wave: number;
  label: string;
  n: number;
  never: number;
  neverShare: number;
  /** Rollouts in which the wave was forced open by its deadline (a maximum wait), not its gate; and their share of n. */
  forced: number;
  forcedShare: number;
}

/** Per-week quantiles of one observable for one strategy: arrays indexed by week (0 = before week 1). */
export type WeekSeries = { [K in keyof Quantiles]: (number | null)[] };

export interface QuantileError {
  /** Observables and results measured in shares: absolute error of a reported quantile. */
  shareAbsolute: number;
  /** Weeks and governance codes: reported quantiles are exact (integer bins). */
  weeksAbsolute: number;
  /** Counts, items and money: relative error of a reported quantile (DDSketch-style log buckets). */
  otherRelative: number;
  /** Means are exact (correctly rounded sums). */
  means: 'exact';
}

export interface RunSummary {
  format: typeof SUMMARY_FORMAT;
  experiment: {
    name: string;
    label: string;
    source: string;
    hash: string;
    seed: number;
    rollouts: number;
    weeks: number;
    /** Head count of the organisation (for costs per sustained user). */
    employees?: number;
    /** The scenario's `currency` (a code or symbol) when it sets one: the label of every cost. */
    currency?: string;
  };
  outcomes: { criticalMassShare: number; targetShare: number; sustainedWeeks: number };
  /** In scenario order. */
  strategies: StrategyInfo[];
  observables: MetricInfo[];
  results: ResultInfo[];
  /** `path` as in the scenario file (`organisation.silo_strength`); older folders hold ModelParams paths (`organisation.siloStrength`). */
  uncertainties: Uncertainty[];
  quantileError: QuantileError;
  /** timeseries[strategy][observable]: per-week mean and quantiles (same numbers as timeseries.csv). */
  timeseries: Record<string, Record<string, WeekSeries>>;
  /** distributions[strategy][result]. */
  distributions: Record<string, Record<string, ResultDistribution>>;
  /** One per result, in RESULTS order. */
  histograms: ResultHistogram[];
  /** Every ordered pair (A before B in scenario order) × every result. */
  comparisons: PairedComparison[];
  /** waveOpenWeeks[strategy]: one entry per wave; absent for plans without waves. */
  waveOpenWeeks: Record<string, WaveOpening[]>;
  /**
   * What drives each result: every uncertainty's rank correlation with every per-rollout result of
   * every strategy and pair `A-B` (src/runner/drivers.ts). Absent in older folders and without uncertainties: [].
   */
  drivers?: Driver[];
}

export interface RunManifest {
  format: typeof MANIFEST_FORMAT;
  scenario: { name: string; source: string; hash: string };
  uptakeVersion: string;
  nodeVersion: string;
  seed: number;
  rollouts: number;
  weeks: number;
  strategies: string[];
  workers: number;
  /** Rollouts per task. */
  batchSize: number;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  /** Set when this folder holds one shard's partial result, or when it was merged from shards. */
  shard?: { index: number; count: number; rolloutStart: number; rolloutEnd: number };
  mergedFrom?: { dir: string; shard: string; seconds: number; workers: number }[];
  /** True when the run continued from a checkpoint (--resume). */
  resumed?: boolean;
  command: string;
}

export interface RunOutputs {
  dir: string;
  summary: RunSummary;
  manifest: RunManifest;
}

/** Reads summary.json and manifest.json of an output folder. Throws a plain Error naming the file if either is missing or not uptake's. */
export function readRunOutputs(dir: string): RunOutputs {
  const summary = readJson(join(dir, 'summary.json')) as RunSummary;
  if (summary.format !== SUMMARY_FORMAT) throw new Error(`${join(dir, 'summary.json')}: not an uptake summary (format ${String(summary.format)}, expected ${SUMMARY_FORMAT})`);
  const manifest = readJson(join(dir, 'manifest.json')) as RunManifest;
  if (manifest.format !== MANIFEST_FORMAT) throw new Error(`${join(dir, 'manifest.json')}: not an uptake manifest (format ${String(manifest.format)}, expected ${MANIFEST_FORMAT})`);
  return { dir, summary, manifest };
}

function readJson(file: string): unknown {
  if (!existsSync(file)) throw new Error(`${file}: missing (is this an uptake output folder?)`);
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** One row of timeseries.csv. */
export interface TimeseriesRow extends Quantiles {
  strategy: string;
  week: number;
  metric: string;
}

/** Parses timeseries.csv (small: strategies × weeks × observables rows). */
export function readTimeseries(dir: string): TimeseriesRow[] {
  const text = readFileSync(join(dir, 'timeseries.csv'), 'utf8');
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = lines[0]!.split(',');
  if (header.join(',') !== TIMESERIES_COLUMNS.join(',')) throw new Error(`${join(dir, 'timeseries.csv')}: unexpected header ${lines[0]}`);
  return lines.slice(1).map((line) => {
    const c = line.split(',');
    return {
      strategy: c[0]!, week: Number(c[1]), metric: c[2]!,
      mean: num(c[3]!), p05: num(c[4]!), p25: num(c[5]!), p50: num(c[6]!), p75: num(c[7]!), p95: num(c[8]!),
    };
  });
}

/** One row of rollouts.csv: per-rollout results (null = "never"), wave open weeks and drawn parameters by column name. */
export interface RolloutRow {
  strategy: string;
  rollout: number;
  seed: number;
  values: Record<string, number | null>;
}

/**
 * Streams rollouts.csv row by row (it can hold millions of rows: do not
 * load it whole for big runs). Values "never" and empty become null.
 */
export async function* readRollouts(dir: string): AsyncGenerator<RolloutRow> {
  const lines = createInterface({ input: createReadStream(join(dir, 'rollouts.csv')), crlfDelay: Infinity });
  let header: string[] | null = null;
  for await (const line of lines) {
    if (line.length === 0) continue;
    const c = line.split(',');
    if (!header) {
      header = c;
      continue;
    }
    const values: Record<string, number | null> = {};
    for (let i = 3; i < header.length; i++) values[header[i]!] = num(c[i] ?? '');
    yield { strategy: c[0]!, rollout: Number(c[1]), seed: Number(c[2]), values };
  }
}

function num(text: string): number | null {
  if (text === '' || text === 'never') return null;
  return Number(text);
}
