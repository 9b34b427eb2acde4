/**
 * From telemetry to posterior: which groups and metrics enter the distance, the observed statistics,
 * and the ABC-SMC calibration on the forecast threads (abc.ts). `uptake forecast` and its self-test
 * both calibrate through here, so the self-test checks the calibration that forecasts use.
 */
import { InputError } from '../errors.ts';
import { Simulation, buildOrganisation, createRandom, deriveSeed, waveCountOf } from '../model/index.ts';
import { sampleDistribution, type Experiment, type ForecastPlan } from '../scenarios/experiment.ts';
import { FORECAST_DEFAULTS, type ForecastMetric } from '../scenarios/forecast-block.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { runAbcSmc, type AbcCheckpoint, type AbcParameter, type AbcResult, type AbcSettings, type Attempt, type Generation } from './abc.ts';
import { statCount, statIndex, waveName, type GroupRef, type StatLayout } from './observe.ts';
import { readTelemetry, type Telemetry } from './telemetry.ts';
import type { Diagnostic } from '../scenarios/errors.ts';
import type { ForecastThreads } from './threads.ts';
import { SimulationCache, planOf, simulateAttempts } from './simulate.ts';

/**
 * The scenario's telemetry read against what the scenario knows: its groups (departments, waves of
 * the plan in progress), its population and horizon, and, only when the file has a with_access to
 * check, what the plan in progress can give each week (simulated once, for every group at once).
 */
export async function readScenarioTelemetry(experiment: Experiment, file: string): Promise<{ telemetry: Telemetry; warnings: Diagnostic[] }> {
  const groups = knownGroups(experiment);
  let access: ((g: string | null, w: number) => [number, number] | undefined) | undefined;
  return readTelemetry(file, {
    horizon: experiment.params.weeks,
    groups,
    population: experiment.params.organisation.employees,
    expectedAccess: (group, week) => {
      access ??= expectedAccess(experiment, [null, ...groups.keys()], experiment.params.weeks);
      return access(group, week);
    },
  });
}

/** Everything a calibration needs besides the threads: what is compared, with what, under which settings. */
export interface CalibrationSetup {
  layout: StatLayout;
  observed: Float64Array;
  /** Each statistic's weight in the distance (its metric's weight). */
  weights: Float64Array;
  metrics: ForecastMetric[];
  metricWeights: number[];
  parameters: AbcParameter[];
  settings: AbcSettings;
}

/** The calibration of `telemetry`'s weeks 1 to `lastWeek` with the scenario's forecast settings. */
export function calibrationSetup(experiment: Experiment, telemetry: Telemetry, lastWeek: number, overrides: { particles?: number; budget?: number; seed?: number } = {}): CalibrationSetup {
  const plan = planOf(experiment);
  const refs = groupRefs(experiment, telemetry.groups);
  const { metrics, weights: metricWeights } = metricsOf(plan, telemetry);
  const layout: StatLayout = { groups: refs, metrics, lastWeek };
  const observed = observedStats(telemetry, layout);
  const weights = new Float64Array(statCount(layout));
  for (let g = 0; g < refs.length; g++) for (let m = 0; m < metrics.length; m++) for (let w = 1; w <= lastWeek; w++) weights[statIndex(layout, g, m, w)] = metricWeights[m]!;
  const particles = overrides.particles ?? plan.particles;
  const settings: AbcSettings = {
    particles, budget: overrides.budget ?? plan.budget, maxGenerations: plan.generations, quantile: plan.quantile, minAcceptance: plan.acceptanceFloor,
    targetTolerance: plan.targetTolerance, minShrink: plan.minShrink, batch: particles, seed: overrides.seed ?? deriveSeed(experiment.seed, 'forecast-abc'),
    // The statistics are counts of people (and of posts): one is their resolution (abc.ts, scaleFloor).
    scaleFloor: 1,
  };
  const parameters = plan.parameters.map((u) => ({ name: fileParamPath(u.path), prior: u.distribution }));
  return { layout, observed, weights, metrics, metricWeights, parameters, settings };
}

export interface CalibrateOptions {
  resume?: AbcCheckpoint;
  signal?: AbortSignal;
  onGeneration?: (g: Generation, checkpoint: AbcCheckpoint) => void;
}

/** Run the ABC-SMC calibration of `setup` on `threads` (whose layout must be setup.layout). */
export function calibrate(setup: CalibrationSetup, threads: ForecastThreads, options: CalibrateOptions = {}): Promise<AbcResult> {
  const S = statCount(setup.layout);
  const P = setup.parameters.length;
  const simulate = async (attempts: Attempt[]): Promise<Float64Array[]> => {
    const thetas = new Float64Array(attempts.length * P);
    const seeds = new Float64Array(attempts.length);
    attempts.forEach((a, i) => { thetas.set(a.theta, i * P); seeds[i] = a.seed; });
    const stats = await threads.attempts(thetas, seeds, S);
    return attempts.map((_, i) => stats.subarray(i * S, (i + 1) * S));
  };
  return runAbcSmc(setup.parameters, setup.observed, simulate, setup.settings, {
    ...(options.resume ? { resume: options.resume } : {}),
    weights: setup.weights,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onGeneration ? { onGeneration: options.onGeneration } : {}),
  });
}

/** `count` equally weighted draws from the last generation (systematic resampling): their thetas and seeds. */
export function posteriorDraws(last: Generation, parameters: number, count: number, u0: number): { thetas: Float64Array; seeds: Float64Array } {
  const chosen = systematicResample(last.weights, count, u0);
  const thetas = new Float64Array(count * parameters);
  const seeds = new Float64Array(count);
  chosen.forEach((j, r) => {
    thetas.set(last.particles.subarray(j * parameters, (j + 1) * parameters), r * parameters);
    seeds[r] = last.seeds[j]!;
  });
  return { thetas, seeds };
}

/** The telemetry's groups as the model counts them. */
export function groupRefs(experiment: Experiment, names: readonly (string | null)[]): GroupRef[] {
  const departments = (experiment.departments ?? []).map((d) => d.name);
  return names.map((name): GroupRef => {
    if (name === null) return { name, kind: 'all', index: -1 };
    const d = departments.indexOf(name);
    if (d >= 0) return { name, kind: 'department', index: d };
    return { name, kind: 'wave', index: name === 'pilot' ? 0 : Number(name.slice(4)) };
  });
}

/** Group names the scenario knows, with the most people any of the client's candidate organisations puts in them. */
export function knownGroups(experiment: Experiment): Map<string, number> {
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
export function observedStats(telemetry: Telemetry, layout: StatLayout): Float64Array {
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
export function expectedAccess(experiment: Experiment, names: readonly (string | null)[], weeks: number): (group: string | null, week: number) => [number, number] | undefined {
  const runs = 16;
  const groups = groupRefs(experiment, names);
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

