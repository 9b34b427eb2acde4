/**
 * Testing one scenario's assumptions: plan the looks, run rollouts on demand
 * (cached), decide every claim sequentially, then compare with the baseline
 * or record a new one.
 */
import { existsSync } from 'node:fs';
import type { Experiment } from '../scenarios/experiment.ts';
import { baselinePath, detectDrift, makeBaseline, readBaseline, writeBaseline, type DriftReport } from './baseline.ts';
import { DEFAULT_CONFIDENCE } from '../scenarios/claim.ts';
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
}

export interface AssumptionResult extends ClaimOutcome {
  description: string;
  claim: string;
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
  const extra = assumptions.flatMap((a) => a.compiled.columns);
  const source = new RolloutSource(experiment, columnsFor(experiment, extra), { workers: options.workers, cacheDir: options.cacheDir, onProgress: options.onProgress, signal: options.signal });
  let outcomes: ClaimOutcome[];
  try {
    const fileConfidence = experiment.assumptions?.confidence ?? DEFAULT_CONFIDENCE;
    outcomes = await testSequentially(
      assumptions.map((a) => ({ id: a.id, compiled: a.compiled, confidence: options.confidence ?? a.confidence ?? fileConfidence })),
      (n) => source.ensure(n),
      { looks: plan.looks },
      experiment.seed,
    );
    // Baselines and drift need at least the starting rollouts, even without claims.
    if (options.baselinesDir && (options.updateBaselines || existsSync(baselinePath(options.baselinesDir, experiment)))) await source.ensure(plan.start);
  } catch (err) {
    await source.destroy();
    throw err;
  }
  await source.close();

  const used = Math.max(plan.start, ...outcomes.map((o) => o.rollouts));
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
    assumptions: outcomes.map((o, i) => ({ ...o, description: assumptions[i]!.description, claim: assumptions[i]!.claim })),
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
