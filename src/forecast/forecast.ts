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
import { Simulation, buildOrganisation, createRandom, deriveSeed, waveCountOf } from '../model/index.ts';
import { Aggregate } from '../runner/aggregate.ts';
import { layoutOf } from '../runner/batch.ts';
import { experimentKey } from '../runner/execute.ts';
import { buildSummary, readExactResults, timeseriesCsv } from '../runner/finalise.ts';
import { checkOutputFolder, installFolder, rolloutRows, rolloutsHeader, writeFileDurably, writeJson } from '../runner/outputs.ts';
import type { RunSummary } from '../runner/summary.ts';
import { sampleDistribution, type Experiment, type ForecastPlan } from '../scenarios/experiment.ts';
import { FORECAST_DEFAULTS, type ForecastMetric } from '../scenarios/forecast-block.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { uptakeVersion } from '../version.ts';
import { AbcInterrupted, runAbcSmc, weightedQuantile, type AbcCheckpoint, type AbcResult, type Attempt, type Generation } from './abc.ts';
import { bassBaseline, type BassReport } from './bass.ts';
import { statCount, statIndex, waveName, type GroupRef, type StatLayout } from './observe.ts';
import { readTelemetry, type Telemetry } from './telemetry.ts';
import { ForecastThreads } from './threads.ts';
import { SimulationCache, forecastExperiment, planOf, simulateAttempts } from './simulate.ts';
import type { Diagnostic } from '../scenarios/errors.ts';

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

export interface ParameterSummary {
  parameter: string;
  prior: { p05: number; p50: number; p95: number };
  posterior: { p05: number; p50: number; p95: number };
}

export interface BacktestRow {
  group: string;
  metric: ForecastMetric;
  week: number;
  observed: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface Backtest {
  weeks: number;
  rows: BacktestRow[];
  model: BacktestScore;
  /** The Bass baseline fitted to the first-time users of the calibration weeks (whole organisation only). */
  bass: { mape: number | null } | null;
}

export interface BacktestScore {
  coverage50: number;
  coverage90: number;
  /** Mean interval score of the 90% band (Gneiting & Raftery 2007): width + penalties for misses. */
  intervalScore90: number;
  /** Mean continuous ranked probability score, from the predictive sample. */
  crps: number;
  /** Median absolute percentage error of the predictive median (cells with an observed count above 0). */
  medianApe: number | null;
}

/** The telemetry's groups as the model counts them. */
function groupRefs(experiment: Experiment, telemetry: Telemetry): GroupRef[] {
  const departments = (experiment.departments ?? []).map((d) => d.name);
  return telemetry.groups.map((name): GroupRef => {
    if (name === null) return { name, kind: 'all', index: -1 };
    const d = departments.indexOf(name);
    if (d >= 0) return { name, kind: 'department', index: d };
    return { name, kind: 'wave', index: name === 'pilot' ? 0 : Number(name.slice(4)) };
  });
}

/** Group names the scenario knows, with the most people any of the client's candidate organisations puts in them. */
function knownGroups(experiment: Experiment): Map<string, number> {
  const plan = planOf(experiment);
  const sizes = new Map<string, number>();
  const grow = (name: string, size: number) => sizes.set(name, Math.max(sizes.get(name) ?? 0, size));
  const inProgress = experiment.strategies[plan.inProgress]!;
  for (let k = 0; k < plan.organisations; k++) {
    const seeds = { organisation: deriveSeed(experiment.seed, 'forecast-organisation', k), dynamics: deriveSeed(experiment.seed, 'forecast-groups', k) };
    const org = buildOrganisation(experiment.params, seeds.organisation);
    (experiment.departments ?? []).forEach((d, i) => grow(d.name, org.department.filter((x) => x === i).length));
    if (waveCountOf(inProgress) > 0) {
      const sim = new Simulation(experiment.params, inProgress, seeds, org);
      for (let w = 0; w < sim.waveCount; w++) grow(waveName(w), sim.waveSize[w]!);
    }
  }
  return sizes;
}

/** The metrics in the distance and their weights. */
function metricsOf(plan: ForecastPlan, telemetry: Telemetry): { metrics: ForecastMetric[]; weights: number[] } {
  const chosen = plan.metrics ?? { ...FORECAST_DEFAULTS.metrics, ...(telemetry.hasPosts ? { posts: 1 } : {}) };
  const entries = Object.entries(chosen).filter(([, w]) => (w ?? 0) > 0) as [ForecastMetric, number][];
  if (entries.some(([m]) => m === 'posts') && !telemetry.hasPosts) {
    throw new InputError(`${telemetry.file}: the forecast's metrics include posts, but the file has no posts column`, 'add a posts column, or take posts out of forecast: metrics:');
  }
  return { metrics: entries.map(([m]) => m), weights: entries.map(([, w]) => w) };
}

/** The observed statistics vector, in the layout's order. */
function observedStats(telemetry: Telemetry, layout: StatLayout): Float64Array {
  const out = new Float64Array(statCount(layout));
  const field: Record<ForecastMetric, (r: Telemetry['rows'][number]) => number> = {
    with_access: (r) => r.withAccess, active: (r) => r.active, posters: (r) => r.posters, posts: (r) => r.posts ?? 0,
  };
  for (const row of telemetry.rows) {
    if (row.week > layout.lastWeek) continue;
    const g = layout.groups.findIndex((x) => x.name === row.group);
    layout.metrics.forEach((m, k) => {
      out[statIndex(layout, g, k, row.week)] = field[m](row);
    });
  }
  return out;
}

/**
 * The plan in progress's possible people with access per group and week, from a few prior
 * simulations (for the telemetry's warning only), widened by a tenth of the population.
 */
function expectedAccess(experiment: Experiment, groups: GroupRef[], weeks: number): (group: string | null, week: number) => [number, number] | undefined {
  const runs = 16;
  const layout: StatLayout = { groups, metrics: ['with_access'], lastWeek: weeks };
  const plan = planOf(experiment);
  const thetas = new Float64Array(runs * plan.parameters.length);
  const seeds = new Float64Array(runs);
  for (let r = 0; r < runs; r++) {
    const random = createRandom(deriveSeed(experiment.seed, 'forecast-expected', r));
    plan.parameters.forEach((u, k) => { thetas[r * plan.parameters.length + k] = sampleDistribution(random, u.distribution); });
    seeds[r] = deriveSeed(experiment.seed, 'forecast-expected-sim', r);
  }
  let stats: Float64Array | undefined;
  const S = statCount(layout);
  return (group, week) => {
    if (week > weeks) return undefined;
    if (!stats) {
      stats = simulateAttempts(new SimulationCache(experiment), layout, thetas, seeds);
    }
    const g = groups.findIndex((x) => x.name === group);
    if (g < 0) return undefined;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < runs; r++) {
      const v = stats[r * S + statIndex(layout, g, 0, week)]!;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const slack = 0.1 * experiment.params.organisation.employees;
    return [Math.max(0, Math.floor(lo - slack)), Math.ceil(hi + slack)];
  };
}

/** Systematic resampling of a weighted population into `count` equally weighted draws (indices). */
export function systematicResample(weights: ArrayLike<number>, count: number, u0: number): Int32Array {
  const out = new Int32Array(count);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let cumulative = weights[0]! / total;
  let i = 0;
  for (let k = 0; k < count; k++) {
    const position = (u0 + k) / count;
    while (position > cumulative && i < weights.length - 1) cumulative += weights[++i]! / total;
    out[k] = i;
  }
  return out;
}

function workDirOf(forecastDir: string, key: string): string {
  return join(dirname(forecastDir), `.${basename(dirname(forecastDir))}.uptake-forecast-${key}`);
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
  const groups = knownGroups(experiment);
  const population = experiment.params.organisation.employees;
  // Groups are only known after reading; the expected-access check needs them, so it resolves them by name.
  let refs: GroupRef[] = [];
  let access: ((g: string | null, w: number) => [number, number] | undefined) | undefined;
  const { telemetry, warnings } = await readTelemetry(telemetryFile, {
    horizon: experiment.params.weeks,
    groups,
    population,
    expectedAccess: (group, week) => {
      access ??= expectedAccess(experiment, refs, experiment.params.weeks);
      return access(group, week);
    },
  });
  options.onWarnings?.(warnings);
  refs = groupRefs(experiment, telemetry);

  const holdout = options.holdout ?? 0;
  if (holdout >= telemetry.lastWeek) {
    throw new InputError(`--holdout ${holdout}: the telemetry has ${telemetry.lastWeek} week${telemetry.lastWeek === 1 ? '' : 's'}`, `hold out fewer weeks than observed, e.g. --holdout ${Math.max(1, Math.floor(telemetry.lastWeek / 4))}`);
  }
  const lastWeek = telemetry.lastWeek - holdout;
  const { metrics, weights: metricWeights } = metricsOf(plan, telemetry);
  const layout: StatLayout = { groups: refs, metrics, lastWeek };
  const observed = observedStats(telemetry, layout);
  const weights = new Float64Array(statCount(layout));
  for (let g = 0; g < refs.length; g++) for (let m = 0; m < metrics.length; m++) for (let w = 1; w <= lastWeek; w++) weights[statIndex(layout, g, m, w)] = metricWeights[m]!;

  const particles = options.particles ?? plan.particles;
  const budget = options.budget ?? plan.budget;
  const settings = {
    particles, budget, maxGenerations: plan.generations, quantile: plan.quantile, minAcceptance: plan.acceptanceFloor,
    targetTolerance: plan.targetTolerance, minShrink: plan.minShrink, batch: particles, seed: deriveSeed(experiment.seed, 'forecast-abc'),
  };
  const abcParameters = plan.parameters.map((u) => ({ name: fileParamPath(u.path), prior: u.distribution }));

  const forecastDir = join(resolve(options.out), 'forecast');
  checkOutputFolder(forecastDir, experiment.name, options.force === true);
  const key = fingerprint({ experiment: experimentKey(experiment), telemetry: readFileSync(telemetryFile, 'utf8'), holdout, settings, metrics, metricWeights }).slice(0, 16);
  const workDir = workDirOf(forecastDir, key);
  const checkpointFile = join(workDir, 'checkpoint.json');
  let resume: AbcCheckpoint | undefined;
  if (options.resume && existsSync(checkpointFile)) resume = JSON.parse(readFileSync(checkpointFile, 'utf8')) as AbcCheckpoint;
  else rmSync(workDir, { recursive: true, force: true });

  const threads = new ForecastThreads(experiment, layout, options.workers);
  const S = statCount(layout);
  let calibration: AbcResult;
  try {
    const simulate = async (attempts: Attempt[]): Promise<Float64Array[]> => {
      const P = abcParameters.length;
      const thetas = new Float64Array(attempts.length * P);
      const seeds = new Float64Array(attempts.length);
      attempts.forEach((a, i) => { thetas.set(a.theta, i * P); seeds[i] = a.seed; });
      const stats = await threads.attempts(thetas, seeds, S);
      return attempts.map((_, i) => stats.subarray(i * S, (i + 1) * S));
    };
    calibration = await runAbcSmc(abcParameters, observed, simulate, settings, {
      ...(resume ? { resume } : {}),
      weights,
      signal: options.signal,
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
  const P = abcParameters.length;
  const rollouts = particles;
  const chosen = systematicResample(last.weights, rollouts, createRandom(deriveSeed(experiment.seed, 'forecast-resample'))());
  const thetas = new Float64Array(rollouts * P);
  const seeds = new Float64Array(rollouts);
  const forwardSeeds = new Float64Array(rollouts);
  chosen.forEach((j, r) => {
    thetas.set(last.particles.subarray(j * P, (j + 1) * P), r * P);
    seeds[r] = last.seeds[j]!;
    forwardSeeds[r] = deriveSeed(experiment.seed, 'forecast-forward', r);
  });
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
  const summary = buildSummary(shaped, aggregate, readExactResults(join(ready, 'rollouts.csv'), shaped));
  writeJson(join(ready, 'summary.json'), summary);
  writeFileDurably(join(ready, 'posterior.csv'), posteriorCsv(abcParameters.map((p) => p.name), last));
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

function q3(values: number[], weights?: number[]): { p05: number; p50: number; p95: number } {
  const w = weights ?? values.map(() => 1);
  return { p05: weightedQuantile(values, w, 0.05), p50: weightedQuantile(values, w, 0.5), p95: weightedQuantile(values, w, 0.95) };
}

function parameterSummaries(experiment: Experiment, plan: ForecastPlan, last: Generation): ParameterSummary[] {
  const P = plan.parameters.length;
  return plan.parameters.map((u, k) => {
    const random = createRandom(deriveSeed(experiment.seed, 'forecast-prior', k));
    const prior = Array.from({ length: 4000 }, () => sampleDistribution(random, u.distribution));
    const values = Array.from({ length: last.weights.length }, (_, i) => last.particles[i * P + k]!);
    return { parameter: fileParamPath(u.path), prior: q3(prior), posterior: q3(values, Array.from(last.weights)) };
  });
}

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : '');

function posteriorCsv(names: string[], last: Generation): string {
  const P = names.length;
  const lines = [['particle', 'weight', 'distance', 'seed', ...names].join(',')];
  for (let i = 0; i < last.weights.length; i++) {
    const values = Array.from({ length: P }, (_, k) => num(last.particles[i * P + k]!));
    lines.push([i, num(last.weights[i]!), num(last.distances[i]!), last.seeds[i]!, ...values].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function parametersCsv(rows: ParameterSummary[]): string {
  const lines = ['parameter,prior_p05,prior_p50,prior_p95,posterior_p05,posterior_p50,posterior_p95'];
  for (const r of rows) lines.push([r.parameter, num(r.prior.p05), num(r.prior.p50), num(r.prior.p95), num(r.posterior.p05), num(r.posterior.p50), num(r.posterior.p95)].join(','));
  return `${lines.join('\n')}\n`;
}

function observedCsv(telemetry: Telemetry): string {
  const lines = [`group,week,with_access,active,posters${telemetry.hasPosts ? ',posts' : ''}`];
  for (const r of telemetry.rows) lines.push([r.group ?? '', r.week, r.withAccess, r.active, r.posters, ...(telemetry.hasPosts ? [r.posts ?? ''] : [])].join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * First-time users per week of the whole organisation, as far as the telemetry tells: the weekly
 * active count's rise above its highest earlier value (people active for the first time can only be
 * counted from below this way; docs/forecast.md).
 */
export function firstTimeUsers(telemetry: Telemetry, weeks: number): number[] | null {
  if (telemetry.groups.length !== 1 || telemetry.groups[0] !== null) {
    // Grouped telemetry: the organisation's total is the sum over groups when they partition it; only departments do.
    return null;
  }
  const out: number[] = [];
  let highest = 0;
  for (const r of telemetry.rows) {
    if (r.week > weeks) break;
    out.push(Math.max(0, r.active - highest));
    highest = Math.max(highest, r.active);
  }
  return out;
}

function bassOfTelemetry(telemetry: Telemetry, weeks: number, horizon: number): BassReport | null {
  const adopters = firstTimeUsers(telemetry, weeks);
  if (!adopters || adopters.length < 3 || adopters.every((a) => a === 0)) return null;
  try {
    return bassBaseline({ periods: adopters.map((_, i) => i + 1), adopters }, { method: 'sm', horizon: Math.max(1, horizon) });
  } catch {
    return null;
  }
}

function bassHoldoutMape(telemetry: Telemetry, lastWeek: number, bass: BassReport): number | null {
  const all = firstTimeUsers(telemetry, telemetry.lastWeek);
  if (!all) return null;
  let cumulative = all.slice(0, lastWeek).reduce((s, a) => s + a, 0);
  const errors: number[] = [];
  for (let w = lastWeek + 1; w <= telemetry.lastWeek; w++) {
    cumulative += all[w - 1]!;
    const f = bass.forecast.find((p) => p.period === w);
    if (f && cumulative > 0) errors.push((100 * Math.abs(f.cumulative - cumulative)) / cumulative);
  }
  if (errors.length === 0) return null;
  errors.sort((a, b) => a - b);
  return errors[Math.floor(errors.length / 2)]!;
}

/** The forecast of the held-out weeks, scored against what was observed. */
async function runBacktest(threads: ForecastThreads, telemetry: Telemetry, layout: StatLayout, thetas: Float64Array, seeds: Float64Array, lastWeek: number): Promise<Backtest> {
  const full: StatLayout = { ...layout, lastWeek: telemetry.lastWeek };
  const S = statCount(full);
  const stats = await threads.attempts(thetas, seeds, S, full.lastWeek);
  const observed = observedStats(telemetry, full);
  const rows: BacktestRow[] = [];
  let in50 = 0;
  let in90 = 0;
  let interval = 0;
  let crps = 0;
  const apes: number[] = [];
  const R = seeds.length;
  for (let g = 0; g < full.groups.length; g++) {
    for (let m = 0; m < full.metrics.length; m++) {
      for (let w = lastWeek + 1; w <= telemetry.lastWeek; w++) {
        const at = statIndex(full, g, m, w);
        const sample = Array.from({ length: R }, (_, r) => stats[r * S + at]!).sort((a, b) => a - b);
        const q = (p: number) => weightedQuantile(sample, sample.map(() => 1), p);
        const y = observed[at]!;
        const row: BacktestRow = { group: full.groups[g]!.name ?? '', metric: full.metrics[m]!, week: w, observed: y, p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
        rows.push(row);
        if (y >= row.p25 && y <= row.p75) in50++;
        if (y >= row.p05 && y <= row.p95) in90++;
        const alpha = 0.1;
        interval += (row.p95 - row.p05) + (2 / alpha) * Math.max(0, row.p05 - y) + (2 / alpha) * Math.max(0, y - row.p95);
        crps += sampleCrps(sample, y);
        if (y > 0) apes.push((100 * Math.abs(row.p50 - y)) / y);
      }
    }
  }
  const cells = rows.length;
  apes.sort((a, b) => a - b);
  return {
    weeks: telemetry.lastWeek - lastWeek,
    rows,
    model: {
      coverage50: in50 / cells, coverage90: in90 / cells, intervalScore90: interval / cells, crps: crps / cells,
      medianApe: apes.length ? apes[Math.floor(apes.length / 2)]! : null,
    },
    bass: null,
  };
}

/** CRPS of an ensemble (sorted) at y: E|X − y| − ½ E|X − X'| (Gneiting & Raftery 2007), exact for the sample. */
export function sampleCrps(sorted: number[], y: number): number {
  const n = sorted.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    a += Math.abs(sorted[i]! - y);
    // Σ_{i,j} |x_i − x_j| = 2 Σ_i (2i − n + 1) x_i for sorted x (0-based).
    b += (2 * i - n + 1) * sorted[i]!;
  }
  return a / n - b / (n * n);
}

function backtestCsv(b: Backtest): string {
  const lines = ['group,metric,week,observed,p05,p25,p50,p75,p95'];
  for (const r of b.rows) lines.push([r.group, r.metric, r.week, r.observed, num(r.p05), num(r.p25), num(r.p50), num(r.p75), num(r.p95)].join(','));
  return `${lines.join('\n')}\n`;
}

