/**
 * What a report is drawn from: the runner's summary.json and manifest.json as
 * written (src/runner/summary.ts is the contract), plus the per-rollout
 * columns of rollouts.csv that the summary does not aggregate (points of the
 * cost chart, joint conditions such as "reached critical mass, then fell
 * back"). Charts, the executive summary and the page read only this.
 */

import type { RunManifest, RunSummary, StrategyInfo } from '../runner/summary.ts';
import type { ScenarioSettings } from './scenario.ts';

export type { MetricInfo, ResultInfo, StrategyInfo, PairedComparison, WaveOpening, ResultDistribution, RunSummary, RunManifest, Better } from '../runner/summary.ts';
export type { Unit } from '../units.ts';

/** rollouts.csv for one strategy, column by column (flat in memory: one Float64Array per column). */
export interface RolloutColumns {
  strategy: string;
  n: number;
  rollout: Float64Array;
  seed: Float64Array;
  /** Column name (result, `pilot_open_week`, `wave1_open_week`, drawn parameter) → values; NaN = "never" or empty. */
  columns: Map<string, Float64Array>;
}

export interface ReportData {
  dir: string;
  summary: RunSummary;
  manifest: RunManifest;
  /** summary.strategies with labels made unique (charts key colours and legends on labels). */
  strategies: StrategyInfo[];
  /** Per strategy name, in summary order. */
  rollouts: Map<string, RolloutColumns>;
  /** The scenario's fixed settings as the run used them (experiment.json), when the folder has them. */
  scenario?: ScenarioSettings;
}

/** A column of one strategy's rollouts; an empty array when the column is absent. */
export function column(data: ReportData, strategy: string, name: string): Float64Array {
  return data.rollouts.get(strategy)?.columns.get(name) ?? new Float64Array(0);
}
