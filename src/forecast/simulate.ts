/**
 * The two simulations of a forecast, shared by the worker threads and the main thread so that the
 * bytes never depend on where they ran:
 * - an attempt of the calibration: the plan in progress from week 0 to the last observed week, under
 *   one parameter set, recording the telemetry's statistics;
 * - a forecast rollout: the same simulation of an accepted particle (same parameters, same seeds, so
 *   the same state at the last observed week), forked under each way forward and run to the horizon,
 *   packed as a run's batch (src/runner/batch.ts) so that a run's outputs can be written from it.
 *
 * Every seed derives from the attempt's or rollout's seed. The client's network is not known: each
 * simulation uses one of `organisations` organisations drawn from the experiment seed, picked by its
 * own seed; when no uncertain parameter shapes the organisation they are built once per thread.
 */
import {
  BufferPool, Simulation, buildOrganisation, createRandom, deriveSeed, getPath, setPath, waveCountOf,
  PARAMETER_SPECS, RESULT_COUNT, type ModelParams, type Organisation,
} from '../model/index.ts';
import { layoutOf, seriesAt, strategyOffset, waveForcedAt, waveOpenAt } from '../runner/batch.ts';
import { sampleDistribution, type Experiment, type ForecastPlan } from '../scenarios/experiment.ts';
import { recordWeek, statCount, type StatLayout } from './observe.ts';

const INTEGER_PATHS = new Set(PARAMETER_SPECS.filter((s) => s.integer).map((s) => s.path));

/** Parameters that shape the organisation (buildOrganisation reads them). */
function shapesOrganisation(path: string): boolean {
  return path.startsWith('population.') || path === 'managers.styleMean' || path === 'managers.styleSd'
    || (path.startsWith('organisation.') && path !== 'organisation.executiveSponsorship');
}

export function planOf(experiment: Experiment): ForecastPlan {
  if (!experiment.forecast) throw new Error('the experiment has no forecast section');
  return experiment.forecast;
}

/** A simulation's parameters: the calibrated ones from theta, the other uncertainties drawn from its own seed. */
export function attemptParams(experiment: Experiment, theta: ArrayLike<number>, seed: number): ModelParams {
  const plan = planOf(experiment);
  const params = structuredClone(experiment.params);
  const calibrated = new Set(plan.parameters.map((u) => u.path));
  const random = createRandom(deriveSeed(seed, 'nuisance'));
  for (const u of experiment.uncertainties) {
    if (calibrated.has(u.path)) continue;
    const value = sampleDistribution(random, u.distribution);
    setPath(params, u.path, INTEGER_PATHS.has(u.path) ? Math.round(value) : value);
  }
  plan.parameters.forEach((u, k) => setPath(params, u.path, INTEGER_PATHS.has(u.path) ? Math.round(theta[k]!) : theta[k]!));
  return params;
}

/** Seeds of the organisation chosen for a simulation, and of its dynamics. */
export function simulationSeeds(experiment: Experiment, seed: number): { organisation: number; dynamics: number } {
  const k = Math.floor(createRandom(deriveSeed(seed, 'organisation'))() * planOf(experiment).organisations);
  return { organisation: deriveSeed(experiment.seed, 'forecast-organisation', k), dynamics: deriveSeed(seed, 'dynamics') };
}

/** Per thread: the organisations, when the same for every simulation, and the state buffers. */
export class SimulationCache {
  private readonly organisations = new Map<number, Organisation>();
  readonly buffers = new BufferPool();
  private readonly fixedOrganisation: boolean;
  constructor(readonly experiment: Experiment) {
    const plan = planOf(experiment);
    this.fixedOrganisation = ![...experiment.uncertainties, ...plan.parameters].some((u) => shapesOrganisation(u.path));
  }

  organisation(params: ModelParams, seed: number): Organisation {
    if (!this.fixedOrganisation) return buildOrganisation(params, seed);
    let org = this.organisations.get(seed);
    if (!org) this.organisations.set(seed, (org = buildOrganisation(params, seed)));
    return org;
  }

  /** The plan in progress from week 0 to `lastWeek`, recording statistics when `stats` is given. */
  /** Give the returned simulation back with `release()` before the next one (its arrays come from this thread's pool). */
  simulateToLastWeek(theta: ArrayLike<number>, seed: number, lastWeek: number, stats?: { layout: StatLayout; out: Float64Array; offset: number }): Simulation {
    const plan = planOf(this.experiment);
    const params = attemptParams(this.experiment, theta, seed);
    const seeds = simulationSeeds(this.experiment, seed);
    const organisation = this.organisation(params, seeds.organisation);
    const sim = new Simulation(params, this.experiment.strategies[plan.inProgress]!, seeds, organisation, { buffers: this.buffers });
    while (sim.week < lastWeek) {
      sim.step();
      if (stats) recordWeek(sim, stats.layout, stats.out, stats.offset);
    }
    return sim;
  }
}

/** Statistics of a batch of attempts: thetas row-major (attempts × parameters), one seed each. */
export function simulateAttempts(cache: SimulationCache, layout: StatLayout, thetas: Float64Array, seeds: Float64Array): Float64Array {
  const P = planOf(cache.experiment).parameters.length;
  const S = statCount(layout);
  const out = new Float64Array(seeds.length * S);
  for (let a = 0; a < seeds.length; a++) {
    cache.simulateToLastWeek(thetas.subarray(a * P, (a + 1) * P), seeds[a]!, layout.lastWeek, { layout, out, offset: a * S }).release();
  }
  return out;
}

/**
 * The experiment whose "strategies" are the ways forward and whose uncertainties are the calibrated
 * parameters: the shape of a forecast's outputs, written by the runner's own code.
 */
export function forecastExperiment(experiment: Experiment, rollouts: number): Experiment {
  const plan = planOf(experiment);
  return {
    ...experiment,
    rollouts,
    uncertainties: plan.parameters,
    strategies: plan.alternatives.map((alt) => ({ ...experiment.strategies[alt.strategy]!, name: alt.name, label: alt.label })),
  };
}

/**
 * Forecast rollouts, packed as a run's batch: for each, the particle's parameters and seed (its
 * calibration simulation, rebuilt to the last observed week) and the seed the ways forward share
 * from there (common random numbers between them).
 */
export function simulateForecasts(
  cache: SimulationCache, lastWeek: number, thetas: Float64Array, seeds: Float64Array, forwardSeeds: Float64Array,
): Float64Array {
  const experiment = cache.experiment;
  const plan = planOf(experiment);
  const shaped = forecastExperiment(experiment, seeds.length);
  const layout = layoutOf(shaped);
  const P = plan.parameters.length;
  const out = new Float64Array(seeds.length * layout.rolloutSize);
  for (let r = 0; r < seeds.length; r++) {
    const theta = thetas.subarray(r * P, (r + 1) * P);
    const base = r * layout.rolloutSize;
    const past = cache.simulateToLastWeek(theta, seeds[r]!, lastWeek);
    out[base] = seeds[r]!;
    for (let u = 0; u < P; u++) out[base + 1 + u] = getPath(past.params, plan.parameters[u]!.path) as number;
    plan.alternatives.forEach((alt, s) => {
      const forward = alt.continues ? past.fork(forwardSeeds[r]!) : past.fork(forwardSeeds[r]!, experiment.strategies[alt.strategy]!);
      forward.run();
      const o = base + strategyOffset(layout, s);
      forward.results(out.subarray(o, o + RESULT_COUNT));
      const waves = waveCountOf(forward.plan);
      for (let w = 0; w < layout.waves; w++) {
        out[o + waveOpenAt(w)] = w < waves ? forward.waveOpenWeek[w]! : NaN;
        out[o + waveForcedAt(layout, w)] = w < waves ? forward.waveForced[w]! : NaN;
      }
      out.set(forward.series.subarray(0, layout.seriesSize), o + seriesAt(layout));
    });
    past.release(); // the forks copied what they needed
  }
  return out;
}
