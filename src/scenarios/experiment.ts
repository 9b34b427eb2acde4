/**
 * The plan a scenario expands into: plain, serialisable data that crosses
 * worker threads and machines. The loader (load.ts) produces it; the runner
 * consumes it. Seeds are fixed here, before anything runs: rollout r gets the
 * same organisation, the same draw of uncertain parameters and the same
 * dynamics seed under every strategy (common random numbers).
 */
import {
  type ModelParams, type StrategyPlan, type Random, PARAMETER_SPECS, createRandom, deriveSeed, normal, gamma, setPath,
} from '../model/index.ts';
import type { AssumptionsPlan } from './claim.ts';

const INTEGER_PATHS = new Set(PARAMETER_SPECS.filter((s) => s.integer).map((s) => s.path));

export type Distribution =
  | { kind: 'fixed'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'truncated_normal'; mean: number; sd: number; min: number; max: number }
  | { kind: 'triangular'; min: number; mode: number; max: number }
  | { kind: 'beta'; alpha: number; beta: number; min?: number; max?: number }
  | { kind: 'lognormal'; meanlog: number; sdlog: number }
  | { kind: 'choice'; values: number[]; weights?: number[] };

export interface Uncertainty {
  /** Dotted ModelParams path, e.g. `organisation.siloStrength`. */
  path: string;
  distribution: Distribution;
}

export interface ForecastAlternative {
  name: string;
  label: string;
  /** Index into experiment.strategies of the plan applied from the week after the last observed one; for `continue`, the plan in progress. */
  strategy: number;
  /** True for `continue`: the plan in progress goes on (no switch). */
  continues: boolean;
}

/** The expanded `forecast:` section (src/scenarios/forecast-block.ts). */
export interface ForecastPlan {
  /** Index into experiment.strategies. */
  inProgress: number;
  /** Absolute path of the telemetry file, when the scenario names one. */
  telemetry?: string;
  /** Calibrated parameters and their priors, in PARAMETER_SPECS order. */
  parameters: Uncertainty[];
  alternatives: ForecastAlternative[];
  particles: number;
  budget: number;
  generations: number;
  quantile: number;
  acceptanceFloor: number;
  targetTolerance: number;
  minShrink: number;
  organisations: number;
  /** Explicit weights; when absent, FORECAST_DEFAULTS.metrics plus posts when the telemetry has them. */
  metrics?: Partial<Record<'with_access' | 'active' | 'posters' | 'posts', number>>;
}

/** An input of `uptake explore`: what it sets, and the distribution the design maps onto it. */
export interface ExploreInput {
  /** As written in the scenario file: `adoption.imitation`, `strategies.phased_pilot.options.pilot_share`. */
  name: string;
  target:
    | { kind: 'parameter'; path: string }
    /** A built-in strategy's option: the plan is rebuilt from the file's options with this one changed. */
    | { kind: 'option'; strategy: number; type: 'top_down' | 'bottom_up' | 'phased_pilot'; option: string; options: Record<string, unknown> };
  integer: boolean;
  distribution: Distribution;
}

/** The expanded `explore:` section (src/scenarios/explore-block.ts). No inputs: the uncertainties. */
export interface ExplorePlan {
  inputs: ExploreInput[];
  samples: number;
  rollouts: number;
}

export interface Experiment {
  /** Scenario name (identifier) and label. */
  name: string;
  label?: string;
  /** What the scenario is about (from the file's description:). */
  description?: string;
  /** How costs are labelled (a currency code or symbol); no effect on results. */
  currency?: string;
  /** Path the scenario was loaded from, and a hash of its canonical content. */
  source: string;
  hash: string;
  seed: number;
  rollouts: number;
  /** Parameters with every fixed value applied (horizon, outcomes included). */
  params: ModelParams;
  /** Drawn once per rollout, in this order, over `params`. */
  uncertainties: Uncertainty[];
  strategies: StrategyPlan[];
  /**
   * Named departments, when the file lists them: index = department number in
   * the model, share = their share of employees (also passed to the model as
   * params.organisation.departmentShares); kept here for labels.
   */
  departments?: { name: string; share: number }[];
  /**
   * The HR export the organisation is built from (`organisation: {from: hr.csv}`): an absolute path and the
   * file's column mapping. The loader only records it; the CLI reads the file (src/cli/scenario.ts) and puts its
   * teams into params.organisation.structure, which settles employees and departments.
   */
  organisationSource?: {
    file: string;
    columns?: Record<string, string>;
    /** The collaboration network read with it (`organisation: {network: {from: edges.csv}}`), whose ties go into params.organisation.ties. */
    network?: { file: string; columns?: Record<string, string>; maxStrength?: number };
  };
  /** The file's assumptions (claims checked by `uptake test`, src/assumptions), when it has any. */
  assumptions?: AssumptionsPlan;
  /** The file's forecast section (`uptake forecast`), when it has one. */
  forecast?: ForecastPlan;
  /** The file's explore section (`uptake explore`), when it has one. */
  explore?: ExplorePlan;
}

/** Seeds of rollout r: shared by every strategy (common random numbers). */
export function rolloutSeeds(experimentSeed: number, rollout: number): { organisation: number; dynamics: number; parameters: number } {
  return seedsOf(rolloutSeed(experimentSeed, rollout));
}

/** The one seed recorded in rollouts.csv for rollout r; every other seed of the rollout derives from it. */
export function rolloutSeed(experimentSeed: number, rollout: number): number {
  return deriveSeed(experimentSeed, 'rollout', rollout);
}

/** The organisation, dynamics and parameter seeds behind one recorded rollout seed. */
export function seedsOf(seed: number): { organisation: number; dynamics: number; parameters: number } {
  return {
    organisation: deriveSeed(seed, 'organisation'),
    dynamics: deriveSeed(seed, 'dynamics'),
    parameters: deriveSeed(seed, 'parameters'),
  };
}

export function sampleDistribution(random: Random, d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * random();
    case 'normal':
      return d.mean + d.sd * normal(random);
    case 'truncated_normal': {
      // Rejection is fine: the loader rejects truncations holding under 1e-6 of the mass.
      for (let i = 0; i < 1_000_000; i++) {
        const x = d.mean + d.sd * normal(random);
        if (x >= d.min && x <= d.max) return x;
      }
      return Math.min(d.max, Math.max(d.min, d.mean));
    }
    case 'triangular': {
      const u = random();
      const c = (d.mode - d.min) / (d.max - d.min || 1);
      return u < c
        ? d.min + Math.sqrt(u * (d.max - d.min) * (d.mode - d.min))
        : d.max - Math.sqrt((1 - u) * (d.max - d.min) * (d.max - d.mode));
    }
    case 'beta': {
      const a = gamma(random, d.alpha);
      const b = gamma(random, d.beta);
      const x = a / (a + b);
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      return lo + (hi - lo) * x;
    }
    case 'lognormal':
      return Math.exp(d.meanlog + d.sdlog * normal(random));
    case 'choice': {
      const weights = d.weights ?? d.values.map(() => 1);
      const total = weights.reduce((s, w) => s + w, 0);
      let u = random() * total;
      for (let i = 0; i < d.values.length; i++) {
        u -= weights[i]!;
        if (u < 0) return d.values[i]!;
      }
      return d.values[d.values.length - 1]!;
    }
  }
}

/** Parameters of rollout r: the experiment's params with every uncertainty drawn. */
export function sampleParams(experiment: Experiment, rollout: number): ModelParams {
  const params = structuredClone(experiment.params);
  if (experiment.uncertainties.length === 0) return params;
  const random = createRandom(rolloutSeeds(experiment.seed, rollout).parameters);
  for (const u of experiment.uncertainties) {
    let value = sampleDistribution(random, u.distribution);
    if (INTEGER_PATHS.has(u.path)) value = Math.round(value);
    setPath(params, u.path, value);
  }
  return params;
}

