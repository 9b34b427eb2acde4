/**
 * `uptake forecast`: read the pilot's telemetry, calibrate the model on it by ABC-SMC (abc.ts), then
 * continue each posterior particle's rollout from its own state at the last observed week under each
 * way forward, and write `<out>/forecast/` (docs/forecast.md, docs/outputs.md). The flow is one way:
 * telemetry → statistics → calibration → forecast rollouts → outputs written by the runner's code.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { fingerprint } from '../fingerprint.ts';
import { createRandom, deriveSeed } from '../model/index.ts';
import { Aggregate } from '../runner/aggregate.ts';
import { layoutOf } from '../runner/batch.ts';
import { experimentKey } from '../runner/execute.ts';
import { withExactColumns } from '../runner/exact.ts';
import { buildSummary, timeseriesCsv } from '../runner/finalise.ts';
import { checkOutputFolder, installFolder, rolloutRows, rolloutsHeader, writeFileDurably, writeJson } from '../runner/outputs.ts';
import type { RunSummary } from '../runner/summary.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import type { Diagnostic } from '../scenarios/errors.ts';
import { uptakeVersion } from '../version.ts';
import { AbcInterrupted, type AbcCheckpoint, type AbcResult, type Generation } from './abc.ts';
import { bassHoldoutMape, bassOfTelemetry, runBacktest, type Backtest } from './backtest.ts';
import type { BassReport } from './bass.ts';
import { calibrate, calibrationSetup, posteriorDraws, readScenarioTelemetry } from './calibrate.ts';
import { backtestCsv, observedCsv, parameterSummaries, parametersCsv, posteriorCsv, type ParameterSummary } from './files.ts';
import type { Telemetry } from './telemetry.ts';
import { ForecastThreads } from './threads.ts';
import { forecastExperiment } from './simulate.ts';

export const FORECAST_FORMAT = 'uptake-forecast/1';

export interface ForecastOptions {
  experiment: Experiment;
  /** Overrides the scenario's telemetry file. */
  telemetry?: string;
  /** The run's output folder; the forecast goes in its `forecast/` folder. */
  out: string;
  particles?: number;
  budget?: number;
  /** Calibrate on all but the last K observed weeks and score the forecast of those (the backtest). */
  holdout?: number;
  workers: number;
  resume?: boolean;
  force?: boolean;
  signal?: AbortSignal;
  /** Called before anything heavy runs, with the telemetry's warnings (plain Diagnostics). */
  onWarnings?: (warnings: Diagnostic[]) => void;
  onGeneration?: (g: Generation, budgetUsed: number) => void;
  onForecastProgress?: (done: number, total: number) => void;
  command?: string;
}

export interface ForecastResult {
  dir: string;
  telemetry: Telemetry;
  lastWeek: number;
  calibration: AbcResult;
  summary: RunSummary;
  parameters: ParameterSummary[];
  bass: BassReport | null;
  backtest: Backtest | null;
  seconds: number;
}

/** Beside the output folder, as a run's work folder is, so an interrupted forecast leaves `<out>` as it was. */
function workDirOf(forecastDir: string, key: string): string {
  const out = dirname(forecastDir);
  return join(dirname(out), `.${basename(out)}.uptake-forecast-${key}`);
}

export async function runForecast(options: ForecastOptions): Promise<ForecastResult> {
  const t0 = performance.now();
  const started = new Date();
  const experiment = options.experiment;
  if (!experiment.forecast) {
    throw new InputError(`${experiment.source}: has no forecast: section`, 'add one naming the strategy in progress and its telemetry, e.g. forecast: {in_progress: phased_pilot, telemetry: pilot.csv} (docs/forecast.md)');
  }
  const plan = experiment.forecast;
  if (plan.parameters.length === 0) {
    throw new InputError(`${experiment.source}: the forecast has nothing to calibrate`, 'give forecast: parameters:, or uncertainties: with distributions (docs/forecast.md)');
  }
  const telemetryFile = options.telemetry ?? plan.telemetry;
  if (!telemetryFile) throw new InputError(`${experiment.source}: no telemetry file`, 'name it in forecast: telemetry:, or give --telemetry FILE');
  if (!existsSync(telemetryFile)) throw new InputError(`${telemetryFile}: no such file`, 'check the path (forecast: telemetry: is relative to the scenario file)');
  const { telemetry, warnings } = await readScenarioTelemetry(experiment, telemetryFile);
  options.onWarnings?.(warnings);

  const holdout = options.holdout ?? 0;
  if (holdout >= telemetry.lastWeek) {
    throw new InputError(`--holdout ${holdout}: the telemetry has ${telemetry.lastWeek} week${telemetry.lastWeek === 1 ? '' : 's'}`, `hold out fewer weeks than observed, e.g. --holdout ${Math.max(1, Math.floor(telemetry.lastWeek / 4))}`);
  }
  const lastWeek = telemetry.lastWeek - holdout;
  const setup = calibrationSetup(experiment, telemetry, lastWeek, { particles: options.particles, budget: options.budget });
  const { layout, settings, metrics, metricWeights } = setup;
  const particles = settings.particles;

  const forecastDir = join(resolve(options.out), 'forecast');
  checkOutputFolder(forecastDir, experiment.name, options.force === true);
  const key = fingerprint({ experiment: experimentKey(experiment), telemetry: readFileSync(telemetryFile, 'utf8'), holdout, settings, metrics, metricWeights }).slice(0, 16);
  const workDir = workDirOf(forecastDir, key);
  const checkpointFile = join(workDir, 'checkpoint.json');
  let resume: AbcCheckpoint | undefined;
  if (options.resume && existsSync(checkpointFile)) resume = JSON.parse(readFileSync(checkpointFile, 'utf8')) as AbcCheckpoint;
  else rmSync(workDir, { recursive: true, force: true });

  const threads = new ForecastThreads(experiment, layout, options.workers);
  let calibration: AbcResult;
  try {
    calibration = await calibrate(setup, threads, {
      ...(resume ? { resume } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onGeneration: (g, checkpoint) => {
        mkdirSync(workDir, { recursive: true });
        writeFileDurably(`${checkpointFile}.tmp`, JSON.stringify(checkpoint));
        renameSync(`${checkpointFile}.tmp`, checkpointFile);
        options.onGeneration?.(g, checkpoint.simulations);
      },
    });
  } catch (err) {
    await threads.destroy();
    if (err instanceof AbcInterrupted) {
      throw new ForecastInterrupted(err.completed, workDir);
    }
    throw err;
  }

  // The posterior predictive: the last generation resampled by weight, each particle's rollout continued.
  const last = calibration.last;
  const P = setup.parameters.length;
  const rollouts = particles;
  const { thetas, seeds } = posteriorDraws(last, P, rollouts, createRandom(deriveSeed(experiment.seed, 'forecast-resample'))());
  const forwardSeeds = Float64Array.from({ length: rollouts }, (_, r) => deriveSeed(experiment.seed, 'forecast-forward', r));
  const shaped = forecastExperiment(experiment, rollouts);
  const runLayout = layoutOf(shaped);
  const aggregate = new Aggregate(shaped, experimentKey(shaped));
  const rows: string[] = [];
  const chunk = Math.max(8, threads.workers * 16);
  try {
    for (let start = 0; start < rollouts; start += chunk) {
      if (options.signal?.aborted) throw new ForecastInterrupted(calibration.generations.length, workDir);
      const end = Math.min(rollouts, start + chunk);
      const packed = await threads.forecasts(thetas.slice(start * P, end * P), seeds.slice(start, end), forwardSeeds.slice(start, end), runLayout.rolloutSize);
      aggregate.addBatch(packed);
      rows.push(rolloutRows(shaped, runLayout, packed, start));
      options.onForecastProgress?.(end, rollouts);
    }
  } catch (err) {
    await threads.destroy();
    throw err;
  }

  let backtest: Backtest | null = null;
  let bass: BassReport | null = null;
  try {
    if (holdout > 0) backtest = await runBacktest(threads, telemetry, layout, thetas, seeds, lastWeek);
  } finally {
    await threads.close();
  }
  bass = bassOfTelemetry(telemetry, lastWeek, experiment.params.weeks - lastWeek);
  if (backtest && bass) backtest.bass = { mape: bassHoldoutMape(telemetry, lastWeek, bass) };

  // Written whole into a fresh folder, then moved into place: never half-written.
  const ready = `${forecastDir}.writing-${process.pid}`;
  rmSync(ready, { recursive: true, force: true });
  mkdirSync(ready, { recursive: true });
  writeFileDurably(join(ready, 'rollouts.csv'), rolloutsHeader(shaped, runLayout) + rows.join(''));
  writeFileDurably(join(ready, 'timeseries.csv'), timeseriesCsv(shaped, aggregate));
  const summary = withExactColumns(join(ready, 'rollouts.csv'), shaped, `${ready}.exact-columns`, (exact) => buildSummary(shaped, aggregate, exact));
  writeJson(join(ready, 'summary.json'), summary);
  writeFileDurably(join(ready, 'posterior.csv'), posteriorCsv(setup.parameters.map((p) => p.name), last));
  const parameters = parameterSummaries(experiment, plan, last);
  writeFileDurably(join(ready, 'parameters.csv'), parametersCsv(parameters));
  writeFileDurably(join(ready, 'observed.csv'), observedCsv(telemetry));
  writeJson(join(ready, 'bass.json'), bass);
  if (backtest) writeFileDurably(join(ready, 'backtest.csv'), backtestCsv(backtest));
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(3));
  writeJson(join(ready, 'diagnostics.json'), {
    format: FORECAST_FORMAT,
    uptakeVersion: uptakeVersion(),
    nodeVersion: process.version,
    scenario: { name: experiment.name, source: experiment.source, hash: experiment.hash },
    telemetry: { file: telemetry.file, lastWeek: telemetry.lastWeek, groups: telemetry.groups },
    calibratedWeeks: lastWeek,
    holdout,
    inProgress: experiment.strategies[plan.inProgress]!.name,
    alternatives: plan.alternatives.map((a) => a.name),
    metrics: Object.fromEntries(metrics.map((m, k) => [m, metricWeights[k]])),
    settings,
    stopReason: calibration.stopReason,
    stopReasonText: STOP_REASONS[calibration.stopReason],
    simulations: calibration.simulations,
    generations: calibration.generations.map((g) => ({
      generation: g.generation, tolerance: Number.isFinite(g.tolerance) ? g.tolerance : null, attempts: g.attempts, accepted: g.accepted,
      acceptanceRate: g.acceptanceRate, ess: g.ess,
    })),
    warnings: calibration.warnings,
    forecastRollouts: rollouts,
    backtest: backtest ? { weeks: backtest.weeks, model: backtest.model, bass: backtest.bass } : null,
    workers: options.workers,
    startedAt: started.toISOString(),
    seconds,
  });
  writeJson(join(ready, 'experiment.json'), experiment);
  writeJson(join(ready, 'manifest.json'), {
    format: 'uptake-manifest/1', kind: 'forecast', scenario: { name: experiment.name, source: experiment.source, hash: experiment.hash },
    uptakeVersion: uptakeVersion(), nodeVersion: process.version, seed: experiment.seed, rollouts, weeks: experiment.params.weeks,
    strategies: plan.alternatives.map((a) => a.name), workers: options.workers, startedAt: started.toISOString(), finishedAt: new Date().toISOString(), seconds,
    command: options.command ?? '',
  });
  mkdirSync(dirname(forecastDir), { recursive: true });
  installFolder(ready, forecastDir);
  rmSync(workDir, { recursive: true, force: true });
  return { dir: forecastDir, telemetry, lastWeek, calibration, summary, parameters, bass, backtest, seconds };
}

export const STOP_REASONS: Record<AbcResult['stopReason'], string> = {
  target_tolerance: 'the tolerance reached its target',
  acceptance_floor: 'too few simulations were accepted in the last generation (below the acceptance floor)',
  budget: 'the simulation budget ran out',
  tolerance_stalled: 'the tolerance stopped shrinking',
  max_generations: 'the most generations were run',
};

export class ForecastInterrupted extends Error {
  readonly exitCode = 130;
  constructor(readonly generations: number, readonly workDir: string) {
    super(generations > 0
      ? `interrupted: ${generations} finished generation${generations === 1 ? ' is' : 's are'} kept in ${workDir}; run the same command with --resume to continue`
      : 'interrupted before the first generation finished: nothing to keep');
    this.name = 'ForecastInterrupted';
  }
}

