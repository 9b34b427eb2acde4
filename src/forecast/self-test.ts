/**
 * The forecast's self-test: simulation-based calibration (Talts et al. 2018, "Validating Bayesian
 * inference algorithms with simulation-based calibration"). Each synthetic pilot k draws its true
 * parameters θ_k from the prior, simulates its telemetry with the model, and is calibrated exactly as
 * `uptake forecast` calibrates a real pilot (calibrate.ts). If the posteriors are right, then over the
 * pilots θ_k falls in its central 50% (90%) credible interval 50% (90%) of the time, and θ_k's rank
 * among L posterior draws is uniform on 0..L. Logic only; the command prints it
 * (src/cli/commands/forecast-self-test.ts).
 *
 * Reproducibility: every seed of pilot k derives from (seed, label, k) before anything runs, and the
 * calibration is the same bytes on any number of threads (threads.ts), so the whole result is too.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { createRandom, deriveSeed } from '../model/index.ts';
import { sampleDistribution, type Distribution, type Experiment } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { AbcInterrupted, weightedQuantile, type StopReason } from './abc.ts';
import { calibrate, calibrationSetup, knownGroups, posteriorDraws, type CalibrationSetup } from './calibrate.ts';
import { logGamma } from './prior.ts';
import { planOf, SimulationCache } from './simulate.ts';
import { syntheticTelemetry } from './synthetic.ts';
import { readTelemetry } from './telemetry.ts';
import { ForecastThreads } from './threads.ts';

/** Posterior draws each truth is ranked among: ranks 0..99, so 100 values, which 2, 4, 5 and 10 bins divide evenly. */
export const SELF_TEST_DRAWS = 99;
/** Observed weeks of a synthetic pilot when the scenario's telemetry cannot be read. */
export const SELF_TEST_FALLBACK_WEEKS = 12;
/** Coverage passes when within this many binomial standard errors (at the nominal rate) of nominal. */
export const COVERAGE_SIGMAS = 3;

export interface SelfTestOptions {
  /** Synthetic pilots (the n of every coverage). */
  pilots: number;
  /** Observed weeks of each synthetic pilot; default: the scenario's telemetry's, else 12. */
  weeks?: number;
  /** Per calibration; default the scenario's forecast settings. */
  particles?: number;
  budget?: number;
  workers: number;
  /** Default: the experiment's seed. */
  seed?: number;
  signal?: AbortSignal;
  onPilot?: (done: number, total: number) => void;
}

/** An observed coverage against its nominal rate, with the rule it is judged by. */
export interface Coverage {
  nominal: number;
  /** Pilots whose truth fell inside the interval, of n. */
  hits: number;
  n: number;
  observed: number;
  /** Standard error of the observed rate, √(p̂(1 − p̂)/n). */
  standardError: number;
  /** COVERAGE_SIGMAS · √(nominal(1 − nominal)/n): the largest |observed − nominal| that passes. */
  tolerance: number;
  withinTolerance: boolean;
}

export interface ParameterCalibration {
  parameter: string;
  prior: Distribution;
  coverage50: Coverage;
  coverage90: Coverage;
  /** Each pilot's rank of its truth among SELF_TEST_DRAWS posterior draws (0..SELF_TEST_DRAWS). */
  ranks: number[];
  /** Ranks counted in equal bins (bin b holds ranks b·(L+1)/B to (b+1)·(L+1)/B − 1). */
  histogram: number[];
  /** Pearson's statistic of the histogram against uniform, its degrees of freedom (bins − 1) and p-value. */
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  /** Median over the pilots of the posterior's central 90% width over the prior's: below 1, the data taught something. */
  widthRatio90: number;
}

export interface PilotCalibration {
  /** The truth, by parameter name. */
  truth: Record<string, number>;
  stopReason: StopReason;
  generations: number;
  simulations: number;
  /** The last generation's tolerance (its distance bound). */
  tolerance: number;
  /** Per parameter, in the forecast's order. */
  inside50: boolean[];
  inside90: boolean[];
  ranks: number[];
  /** The posterior's central 50% and 90% intervals. */
  interval50: [number, number][];
  interval90: [number, number][];
}

export interface SelfTestResult {
  pilots: number;
  weeks: number;
  /** Whence the weeks came: the option, the scenario's telemetry, or the fallback. */
  weeksFrom: 'option' | 'telemetry' | 'fallback';
  particles: number;
  budget: number;
  draws: number;
  bins: number;
  seed: number;
  parameters: ParameterCalibration[];
  pilotResults: PilotCalibration[];
  /** How many calibrations stopped for each reason. */
  stopReasons: Partial<Record<StopReason, number>>;
  /** Every parameter's 50% and 90% coverage within tolerance. */
  passed: boolean;
}

/** The self-test of `experiment`'s forecast calibration on `options.pilots` synthetic pilots. */
export async function runSelfTest(experiment: Experiment, options: SelfTestOptions): Promise<SelfTestResult> {
  const plan = checkedPlan(experiment);
  const n = options.pilots;
  if (!(Number.isInteger(n) && n >= 2)) throw new InputError(`the self-test needs at least 2 synthetic pilots, got ${n}`, 'e.g. 40 pilots');
  const { weeks, from: weeksFrom } = options.weeks !== undefined ? { weeks: options.weeks, from: 'option' as const } : await defaultWeeks(experiment);
  if (!(Number.isInteger(weeks) && weeks >= 1 && weeks < experiment.params.weeks)) {
    throw new InputError(`a synthetic pilot of ${weeks} observed weeks does not fit the scenario's horizon of ${experiment.params.weeks} weeks`, 'observe at least 1 week and fewer than the horizon');
  }
  const seed = options.seed ?? experiment.seed;
  const names = plan.parameters.map((u) => fileParamPath(u.path));
  const cache = new SimulationCache(experiment);
  // Every pilot's truth and telemetry first: cheap (one simulation each) and fixed before any calibration.
  const pilots = Array.from({ length: n }, (_, k) => {
    const random = createRandom(deriveSeed(seed, 'self-test', k));
    const theta = Float64Array.from(plan.parameters, (u) => sampleDistribution(random, u.distribution));
    const telemetry = syntheticTelemetry(experiment, theta, { weeks, seed: deriveSeed(seed, 'self-test-pilot', k) }, cache);
    const setup = calibrationSetup(experiment, telemetry, weeks, { particles: options.particles, budget: options.budget, seed: deriveSeed(seed, 'self-test-abc', k) });
    return { theta, setup };
  });
  const first = pilots[0]!.setup;
  // One set of threads serves every pilot, so every pilot must compare the same statistics.
  const layoutKey = JSON.stringify(first.layout);
  if (pilots.some((q) => JSON.stringify(q.setup.layout) !== layoutKey)) throw new Error('the synthetic pilots\' statistics layouts differ: they cannot share the forecast threads');
  const threads = new ForecastThreads(experiment, first.layout, options.workers);
  const pilotResults: PilotCalibration[] = [];
  try {
    for (let k = 0; k < n; k++) {
      if (options.signal?.aborted) throw new SelfTestInterrupted(k);
      const { theta, setup } = pilots[k]!;
      pilotResults.push(await calibratePilot(setup, theta, threads, deriveSeed(seed, 'self-test-draws', k), names, options.signal).catch((err: unknown) => {
        if (err instanceof AbcInterrupted) throw new SelfTestInterrupted(k);
        if (err instanceof InputError) throw err; // bad input keeps its exit code and hint
        const truth = names.map((name, p) => `${name} = ${theta[p]}`).join(', ');
        throw new Error(`self-test pilot ${k + 1} of ${n} (truth ${truth}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }));
      options.onPilot?.(k + 1, n);
    }
  } catch (err) {
    await threads.destroy();
    throw err;
  }
  await threads.close();

  const bins = rankBins(n);
  const parameters = plan.parameters.map((u, p): ParameterCalibration => {
    const ranks = pilotResults.map((r) => r.ranks[p]!);
    const histogram = rankHistogram(ranks, SELF_TEST_DRAWS, bins);
    const chiSquare = uniformChiSquare(histogram);
    const priorWidth = priorWidth90(u.distribution, deriveSeed(seed, 'self-test-prior', p));
    const ratios = pilotResults.map((r) => (r.interval90[p]![1] - r.interval90[p]![0]) / priorWidth).sort((a, b) => a - b);
    return {
      parameter: names[p]!,
      prior: u.distribution,
      coverage50: coverage(pilotResults.filter((r) => r.inside50[p]).length, n, 0.5),
      coverage90: coverage(pilotResults.filter((r) => r.inside90[p]).length, n, 0.9),
      ranks,
      histogram,
      chiSquare,
      degreesOfFreedom: bins - 1,
      pValue: chiSquareSurvival(chiSquare, bins - 1),
      widthRatio90: weightedQuantile(ratios, ratios.map(() => 1), 0.5),
    };
  });
  const stopReasons: Partial<Record<StopReason, number>> = {};
  for (const r of pilotResults) stopReasons[r.stopReason] = (stopReasons[r.stopReason] ?? 0) + 1;
  return {
    pilots: n, weeks, weeksFrom, particles: first.settings.particles, budget: first.settings.budget, draws: SELF_TEST_DRAWS, bins, seed,
    parameters, pilotResults, stopReasons,
    passed: parameters.every((p) => p.coverage50.withinTolerance && p.coverage90.withinTolerance),
  };
}

/**
 * Calibrate one synthetic pilot whose truth is `theta` (setup built from its telemetry) and place the
 * truth in the posterior: inside its central 50% and 90% intervals, and its rank among the posterior
 * draws. `drawSeed` fixes the resampling and the tie-breaking. Exported for the tests' known pilot.
 */
export async function calibratePilot(setup: CalibrationSetup, theta: ArrayLike<number>, threads: ForecastThreads, drawSeed: number, names: string[], signal?: AbortSignal): Promise<PilotCalibration> {
  const result = await calibrate(setup, threads, signal ? { signal } : {});
  const last = result.last;
  const P = setup.parameters.length;
  const N = last.weights.length;
  const random = createRandom(drawSeed);
  const { thetas: draws } = posteriorDraws(last, P, SELF_TEST_DRAWS, random());
  const interval50: [number, number][] = [];
  const interval90: [number, number][] = [];
  const ranks: number[] = [];
  for (let p = 0; p < P; p++) {
    const values = Array.from({ length: N }, (_, i) => last.particles[i * P + p]!);
    interval50.push([weightedQuantile(values, last.weights, 0.25), weightedQuantile(values, last.weights, 0.75)]);
    interval90.push([weightedQuantile(values, last.weights, 0.05), weightedQuantile(values, last.weights, 0.95)]);
    let below = 0;
    let ties = 0;
    for (let r = 0; r < SELF_TEST_DRAWS; r++) {
      const v = draws[r * P + p]!;
      if (v < theta[p]!) below++;
      else if (v === theta[p]!) ties++;
    }
    // A tie (only possible for a truth equal to a particle) takes a random place among its equals.
    ranks.push(below + Math.floor(random() * (ties + 1)));
  }
  const inside = (iv: [number, number][]) => iv.map(([lo, hi], p) => theta[p]! >= lo && theta[p]! <= hi);
  return {
    truth: Object.fromEntries(names.map((name, p) => [name, theta[p]!])),
    stopReason: result.stopReason,
    generations: result.generations.length,
    simulations: result.simulations,
    tolerance: last.tolerance,
    inside50: inside(interval50),
    inside90: inside(interval90),
    ranks,
    interval50,
    interval90,
  };
}

/** The observed weeks of the scenario's telemetry, when it names one that reads; else the fallback. */
export async function defaultWeeks(experiment: Experiment): Promise<{ weeks: number; from: 'telemetry' | 'fallback' }> {
  const file = planOf(experiment).telemetry;
  if (file && existsSync(file)) {
    try {
      const { telemetry } = await readTelemetry(file, { horizon: experiment.params.weeks, groups: knownGroups(experiment), population: experiment.params.organisation.employees });
      return { weeks: telemetry.lastWeek, from: 'telemetry' };
    } catch {
      // A telemetry file with problems is `uptake forecast`'s to report; the self-test does not read it otherwise.
    }
  }
  return { weeks: Math.min(SELF_TEST_FALLBACK_WEEKS, experiment.params.weeks - 1), from: 'fallback' };
}

function checkedPlan(experiment: Experiment) {
  if (!experiment.forecast) {
    throw new InputError(`${experiment.source}: has no forecast: section`, 'add one naming the strategy in progress, e.g. forecast: {in_progress: phased_pilot} (docs/forecast.md)');
  }
  if (experiment.forecast.parameters.length === 0) {
    throw new InputError(`${experiment.source}: the forecast has nothing to calibrate`, 'give forecast: parameters:, or uncertainties: with distributions (docs/forecast.md)');
  }
  return experiment.forecast;
}

/** The observed coverage `hits`/n judged against `nominal` by the tolerance rule (COVERAGE_SIGMAS). */
export function coverage(hits: number, n: number, nominal: number): Coverage {
  const observed = hits / n;
  const tolerance = coverageTolerance(n, nominal);
  return {
    nominal, hits, n, observed,
    standardError: Math.sqrt((observed * (1 - observed)) / n),
    tolerance,
    // A hair of slack so that a rate exactly on the boundary passes despite rounding.
    withinTolerance: Math.abs(observed - nominal) <= tolerance + 1e-12,
  };
}

/** COVERAGE_SIGMAS binomial standard errors at the nominal rate: √(nominal(1 − nominal)/n). */
export function coverageTolerance(n: number, nominal: number): number {
  return COVERAGE_SIGMAS * Math.sqrt((nominal * (1 - nominal)) / n);
}

/** Bins of the rank histogram: the most (up to 10) that divide the L + 1 ranks evenly and expect at least 5 pilots each. */
export function rankBins(pilots: number): number {
  for (const b of [10, 5, 4, 2]) if ((SELF_TEST_DRAWS + 1) % b === 0 && pilots / b >= 5) return b;
  return 2;
}

/** Ranks 0..draws counted in `bins` equal bins ((draws + 1) must be a multiple of bins). */
export function rankHistogram(ranks: readonly number[], draws: number, bins: number): number[] {
  const per = (draws + 1) / bins;
  const out = new Array<number>(bins).fill(0);
  for (const r of ranks) out[Math.min(bins - 1, Math.floor(r / per))]! += 1;
  return out;
}

/** Pearson's χ² of counts against equal expected counts. */
export function uniformChiSquare(counts: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + ((c - expected) ** 2) / expected, 0);
}

/** P(X ≥ x) for X ~ χ²(df): the regularized upper incomplete gamma Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be above 0, got ${df}`);
  if (!(x > 0)) return 1;
  return upperGammaRegularized(df / 2, x / 2);
}

/** Q(a, x) = Γ(a, x)/Γ(a): the series of P below a + 1, Lentz's continued fraction above (Numerical Recipes §6.2). */
function upperGammaRegularized(a: number, x: number): number {
  const logPrefactor = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 1000 && Math.abs(term) > Math.abs(sum) * 1e-16; k++) {
      term *= x / (a + k);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefactor));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return Math.min(1, Math.exp(logPrefactor) * h);
}

/** The prior's central 90% width, from 4,000 seeded draws (exact enough for a ratio, any distribution). */
export function priorWidth90(d: Distribution, seed: number): number {
  const random = createRandom(seed);
  const draws = Array.from({ length: 4000 }, () => sampleDistribution(random, d));
  const ones = draws.map(() => 1);
  return weightedQuantile(draws, ones, 0.95) - weightedQuantile(draws, ones, 0.05);
}

/** The signal aborted during pilot `pilot` (0-based); nothing is kept. */
export class SelfTestInterrupted extends Error {
  readonly exitCode = 130;
  constructor(readonly pilot: number) {
    super(`self-test interrupted during synthetic pilot ${pilot + 1}: nothing is kept`);
    this.name = 'SelfTestInterrupted';
  }
}
