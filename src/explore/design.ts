/**
 * The Saltelli design of `uptake explore` on a scenario: the inputs (the explore: block's, or the
 * scenario's uncertainties), the unit-cube design mapped through each input's inverse CDF, and for each
 * design point the overrides a runner batch applies to a replicate (src/runner/batch.ts).
 *
 * Points are numbered block by block: A rows 0..N−1, then B, then A_B^(i) for each input i.
 */
import { builtinStrategy, deriveSeed, PARAMETER_SPECS, type StrategyPlan } from '../model/index.ts';
import { InputError } from '../errors.ts';
import type { Experiment, ExploreInput } from '../scenarios/experiment.ts';
import { EXPLORE_DEFAULTS, EXPLORE_MAX_INPUTS, isPowerOfTwo } from '../scenarios/explore-block.ts';
import { fileParamPath } from '../scenarios/names.ts';
import type { RolloutOverride } from '../runner/batch.ts';
import { inverseCdf } from './inverse-cdf.ts';
import { saltelliDesign } from './saltelli.ts';
import { morrisDesign, type MorrisDesign } from './morris.ts';

export const EXPLORE_METHODS = ['sobol', 'morris'] as const;
export type ExploreMethod = (typeof EXPLORE_METHODS)[number];

export interface ExploreSettings {
  method: ExploreMethod;
  inputs: ExploreInput[];
  /** Sobol': N, the base size (a power of two). Morris: r, the trajectories. */
  samples: number;
  /** R, replicates per design point. */
  rollouts: number;
  /** Where the inputs came from. */
  from: 'explore' | 'uncertainties';
}

const INTEGER_PATHS = new Set(PARAMETER_SPECS.filter((s) => s.integer).map((s) => s.path));

/** The settings of a run: flags over the explore: block over the defaults; the uncertainties when no inputs are named. */
export function exploreSettings(experiment: Experiment, flags: { samples?: number; rollouts?: number; method?: ExploreMethod } = {}): ExploreSettings {
  const method = flags.method ?? 'sobol';
  const named = experiment.explore?.inputs ?? [];
  const inputs: ExploreInput[] = named.length > 0
    ? named
    : experiment.uncertainties.map((u) => ({ name: fileParamPath(u.path), target: { kind: 'parameter', path: u.path }, integer: INTEGER_PATHS.has(u.path), distribution: u.distribution }));
  const samples = flags.samples ?? experiment.explore?.samples ?? EXPLORE_DEFAULTS.samples;
  const rollouts = flags.rollouts ?? experiment.explore?.rollouts ?? EXPLORE_DEFAULTS.rollouts;
  if (inputs.length === 0) throw new InputError(`${experiment.source}: nothing to explore: the scenario has no uncertainties and no explore: inputs`, 'add an explore: block, e.g. explore: {inputs: {adoption.imitation: [0.1, 0.4]}}, or an uncertainty');
  if (inputs.length > EXPLORE_MAX_INPUTS) throw new InputError(`${experiment.source}: ${inputs.length} inputs: at most ${EXPLORE_MAX_INPUTS} can be explored at once`, 'name fewer inputs in an explore: block');
  if (method === 'morris' && samples < 4) throw new InputError(`--samples (Morris trajectories) must be at least 4, got ${samples}`, 'e.g. --samples 64');
  if (method === 'sobol' && (!isPowerOfTwo(samples) || samples < 4)) {
    const below = 2 ** Math.max(2, Math.floor(Math.log2(Math.max(4, samples))));
    throw new InputError(`--samples must be a power of two of at least 4 (the Sobol' design is balanced in blocks of 2^m), got ${samples}`, `e.g. --samples ${below === samples ? below * 2 : below}`);
  }
  if (rollouts < 2) throw new InputError(`--rollouts must be at least 2 per design point (the Monte Carlo noise is seen between replicates), got ${rollouts}`, 'e.g. --rollouts 4');
  return { method, inputs, samples, rollouts, from: named.length > 0 ? 'explore' : 'uncertainties' };
}

export interface ExploreDesign {
  settings: ExploreSettings;
  /** Sobol': N. Morris: r. */
  n: number;
  k: number;
  /** Sobol': N(k + 2). Morris: r(k + 1). */
  points: number;
  /** Morris only: the trajectories, for the elementary effects. */
  morris?: MorrisDesign;
  /** The inputs' values, points × k row-major, in point order (A, B, A_B^(0), …). */
  values: Float64Array;
}

/** Block of point p: `A`, `B` or `AB_<i>` (0-based input number, in the order of the inputs); Morris: `T<t>`, trajectory t. */
export function blockOf(design: Pick<ExploreDesign, 'n' | 'k' | 'morris'>, p: number): string {
  if (design.morris) return `T${Math.floor(p / (design.k + 1))}`;
  const b = Math.floor(p / design.n);
  return b === 0 ? 'A' : b === 1 ? 'B' : `AB_${b - 2}`;
}

/** Row of point p within its block (Morris: the step along its trajectory, 0 its start). */
export function rowOf(design: Pick<ExploreDesign, 'n' | 'k' | 'morris'>, p: number): number {
  return design.morris ? p % (design.k + 1) : p % design.n;
}

/** The design; `seed` (the scenario's) draws Morris's trajectories. */
export function buildDesign(settings: ExploreSettings, seed = 1): ExploreDesign {
  const k = settings.inputs.length;
  const n = settings.samples;
  const maps = settings.inputs.map((input) => {
    const f = inverseCdf(input.distribution);
    return input.integer ? (u: number) => Math.round(f(u)) : f;
  });
  if (settings.method === 'morris') {
    const morris = morrisDesign(n, k, deriveSeed(seed, 'explore', 'morris'));
    const values = morris.points.map((u, t) => maps[t % k]!(u));
    return { settings, n, k, points: n * (k + 1), values, morris };
  }
  const unit = saltelliDesign(n, k);
  const blocks = [unit.a, unit.b, ...unit.ab];
  const values = new Float64Array(blocks.length * n * k);
  blocks.forEach((m, b) => {
    for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) values[(b * n + j) * k + i] = maps[i]!(m[j * k + i]!);
  });
  return { settings, n, k, points: blocks.length * n, values };
}

/** Numbers in files: shortest round-trip form, as rollouts.csv. */
function num(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** design.csv: point,block,row,<input names>. */
export function designCsv(design: ExploreDesign): string {
  const lines = [['point', 'block', 'row', ...design.settings.inputs.map((i) => i.name)].join(',')];
  for (let p = 0; p < design.points; p++) {
    const row = [String(p), blockOf(design, p), String(rowOf(design, p))];
    for (let i = 0; i < design.k; i++) row.push(num(design.values[p * design.k + i]!));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** What a batch needs to run replicate `replicate` at design point p. */
export function pointOverride(experiment: Experiment, design: ExploreDesign, p: number, replicate: number, plans?: StrategyPlan[]): RolloutOverride {
  const params: Record<string, number> = {};
  design.settings.inputs.forEach((input, i) => {
    if (input.target.kind === 'parameter') params[input.target.path] = design.values[p * design.k + i]!;
  });
  return { rollout: replicate, params, ...(plans ? { strategies: plans } : {}) };
}

/**
 * The strategies' plans at point p when a strategy option is an input (undefined otherwise): each
 * such strategy rebuilt from the file's options with the varied ones set, its own interventions kept.
 */
export function pointPlans(experiment: Experiment, design: ExploreDesign, p: number): StrategyPlan[] | undefined {
  const varied = new Map<number, { type: ExploreInput['target'] & { kind: 'option' }; values: Record<string, number> }>();
  design.settings.inputs.forEach((input, i) => {
    if (input.target.kind !== 'option') return;
    const entry = varied.get(input.target.strategy) ?? { type: input.target, values: {} };
    entry.values[input.target.option] = design.values[p * design.k + i]!;
    varied.set(input.target.strategy, entry);
  });
  if (varied.size === 0) return undefined;
  return experiment.strategies.map((plan, s) => {
    const entry = varied.get(s);
    if (!entry) return plan;
    const { type, options } = entry.type;
    // The file's own interventions follow the built-in ones (src/scenarios/expand.ts, expandStrategy).
    const extras = plan.interventions.slice(builtinStrategy(type, options, plan.name).interventions.length);
    const rebuilt = builtinStrategy(type, { ...options, ...entry.values }, plan.name);
    return { ...rebuilt, ...(plan.label !== undefined ? { label: plan.label } : {}), interventions: [...rebuilt.interventions, ...extras] };
  });
}
