/**
 * Testing one scenario's assumptions: plan the looks, run rollouts on demand
 * (cached), decide every claim sequentially, then compare with the baseline
 * or record a new one. Claims on a forecast's alternatives are decided the
 * same way over forecast rollouts, which the caller supplies (options.forecast,
 * made by src/forecast/predict.ts: this layer does not import src/forecast).
 */
import { existsSync } from 'node:fs';
import type { Experiment } from '../scenarios/experiment.ts';
import { baselinePath, detectDrift, makeBaseline, readBaseline, writeBaseline, type DriftReport } from './baseline.ts';
import { DEFAULT_CONFIDENCE, type Assumption, type ClaimRollouts } from '../scenarios/claim.ts';
import type { Sample } from './decide.ts';
import { columnsFor, modelVersion, RolloutSource } from './rollouts.ts';
import { planLooks, testSequentially, type ClaimOutcome } from './sequential.ts';

export interface TestOptions {
  /** Starting rollouts (overrides the scenario's assumptions.rollouts). */
  rollouts?: number;
  /** Most rollouts (overrides assumptions.budget). */
  budget?: number;
  /** Confidence of every verdict (overrides the file's). */
  confidence?: number;
  workers: number;
  /** Cache folder; undefined: no cache. */
  cacheDir?: string;
  /** Baselines folder; undefined: no drift check. */
  baselinesDir?: string;
  updateBaselines?: boolean;
  /** Family-wise error rate of the drift tests of one scenario (default 0.01). */
  driftAlpha?: number;
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops the run (TestInterrupted); finished rollouts stay in the cache. */
  signal?: AbortSignal;
  /** Forecast rollouts keeping these columns, for claims on the forecast; needed only when the scenario has such claims. */
  forecast?: (columns: readonly string[]) => ForecastRollouts;
}

/** Forecast rollouts on demand, as RolloutSource gives a scenario's: `ensure(n)` returns the first n, the same ones every time. */
export interface ForecastRollouts {
  ensure(n: number): Promise<Sample>;
  /** Stop the workers and write the cache. */
  close(): Promise<void>;
  /** Stop at once; what finished is still cached. */
  destroy(): Promise<void>;
  summary(): ForecastTestSummary;
}

/** What the forecast claims were decided on. */
export interface ForecastTestSummary {
  telemetry: string;
  /** Weeks 1..lastWeek were calibrated on; the ways forward start the week after. */
  lastWeek: number;
  particles: number;
  generations: number;
  simulations: number;
  stopReason: string;
  /** The calibration came from the cache (the same scenario and telemetry bytes). */
  calibrationCached: boolean;
  /** Forecast rollouts drawn in the end, and how many came from the cache. */
  rollouts: number;
  cachedRollouts: number;
  /** The calibration's own warnings (e.g. few effective particles). */
  warnings: string[];
}

export interface AssumptionResult extends ClaimOutcome {
  description: string;
  claim: string;
  /** The rollouts decided on: the strategies', or the forecast's. */
  on: ClaimRollouts;
}

export interface ScenarioTestReport {
  file: string;
  name: string;
  label?: string;
  seed: number;
  plan: { start: number; batch: number; budget: number; looks: number[] };
  /** Rollouts run (or read from the cache) in the end. */
  rollouts: number;
  cachedRollouts: number;
  seconds: number;
  assumptions: AssumptionResult[];
  /** When claims read the forecast. */
  forecast?: ForecastTestSummary;
  drift?: DriftReport;
  /** Where a baseline was written (--update-baselines). */
  baselineWritten?: string;
}

export const DEFAULT_DRIFT_ALPHA = 0.01;
/** Starting rollouts when the file does not say: the scenario's, at most this many. */
export const DEFAULT_TEST_ROLLOUTS = 100;

export function testPlan(experiment: Experiment, options: Pick<TestOptions, 'rollouts' | 'budget'>): { start: number; batch: number; budget: number; looks: number[] } {
  const a = experiment.assumptions;
  const start = options.rollouts ?? a?.rollouts ?? Math.min(DEFAULT_TEST_ROLLOUTS, experiment.rollouts);
  const budget = Math.max(start, options.budget ?? (options.rollouts === undefined ? a?.budget : undefined) ?? 4 * start);
  const batch = options.rollouts === undefined ? (a?.batch ?? start) : start;
  return { start, batch, budget, looks: planLooks(start, batch, budget).looks };
}

export async function testScenario(experiment: Experiment, options: TestOptions): Promise<ScenarioTestReport> {
  const t0 = performance.now();
  const plan = testPlan(experiment, options);
  const assumptions = experiment.assumptions?.assumptions ?? [];
  const onStrategies = assumptions.filter((a) => a.compiled.on === 'strategies');
  const onForecast = assumptions.filter((a) => a.compiled.on === 'forecast');
  const fileConfidence = experiment.assumptions?.confidence ?? DEFAULT_CONFIDENCE;
  const toTest = (list: Assumption[]) => list.map((a) => ({ id: a.id, compiled: a.compiled, confidence: options.confidence ?? a.confidence ?? fileConfidence }));
  const extra = onStrategies.flatMap((a) => a.compiled.columns);
  const source = new RolloutSource(experiment, columnsFor(experiment, extra), { workers: options.workers, cacheDir: options.cacheDir, onProgress: options.onProgress, signal: options.signal });
  const outcomes = new Map<string, ClaimOutcome>();
  try {
    for (const o of await testSequentially(toTest(onStrategies), (n) => source.ensure(n), { looks: plan.looks }, experiment.seed)) outcomes.set(o.id, o);
    // Baselines and drift need at least the starting rollouts, even without claims.
    if (options.baselinesDir && (options.updateBaselines || existsSync(baselinePath(options.baselinesDir, experiment)))) await source.ensure(plan.start);
  } catch (err) {
    await source.destroy();
    throw err;
  }
  await source.close();

  // The forecast's claims: the same looks over forecast rollouts (more of them are more posterior draws, not a new calibration).
  let forecast: ForecastTestSummary | undefined;
  if (onForecast.length) {
    if (!options.forecast) throw new Error(`${experiment.name}: claims on the forecast need forecast rollouts (TestOptions.forecast)`);
    const rollouts = options.forecast([...new Set(onForecast.flatMap((a) => a.compiled.columns))].sort());
    try {
      for (const o of await testSequentially(toTest(onForecast), (n) => rollouts.ensure(n), { looks: plan.looks }, experiment.seed)) outcomes.set(o.id, o);
    } catch (err) {
      await rollouts.destroy();
      throw err;
    }
    await rollouts.close();
    forecast = rollouts.summary();
  }

  const used = Math.max(plan.start, ...onStrategies.map((a) => outcomes.get(a.id)!.rollouts));
  const sample = source.table.first(used);
  const report: ScenarioTestReport = {
    file: experiment.source,
    name: experiment.name,
    ...(experiment.label !== undefined ? { label: experiment.label } : {}),
    seed: experiment.seed,
    plan,
    rollouts: sample.n,
    cachedRollouts: Math.min(source.cached, sample.n),
    seconds: 0,
    assumptions: assumptions.map((a) => ({ ...outcomes.get(a.id)!, description: a.description, claim: a.claim, on: a.compiled.on })),
    ...(forecast ? { forecast } : {}),
  };
  if (options.baselinesDir) {
    const file = baselinePath(options.baselinesDir, experiment);
    if (options.updateBaselines) {
      writeBaseline(file, makeBaseline(experiment, sample, modelVersion()));
      report.baselineWritten = file;
    } else {
      const baseline = readBaseline(file);
      if (baseline) report.drift = detectDrift(experiment, sample, baseline, options.driftAlpha ?? DEFAULT_DRIFT_ALPHA, file);
    }
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
