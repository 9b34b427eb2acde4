/**
 * The `explore:` section of a scenario file: which inputs `uptake explore` varies (model parameters or
 * built-in strategies' options, each over a range), the design's base size and the rollouts per design
 * point. As forecast-block.ts: the zod schema is part of the one schema (schema.ts), the checks against
 * the rest of the file run on the raw data (checkExplore) so every problem is reported in one pass, and
 * expandExplore turns it into the experiment's ExplorePlan. Without an explore: section (or without
 * its inputs), `uptake explore` varies the scenario's uncertainties (src/explore/design.ts).
 */
import { z } from 'zod';
import { PARAMETER_SPECS, type ParamSpec } from '../model/params.ts';
import { BUILTIN_STRATEGIES, type BuiltinStrategyName } from '../model/strategies.ts';
import { STRATEGY_OPTION_SPECS, type StrategyOptionSpec } from '../model/strategy-options.ts';
import type { ExploreInput, ExplorePlan } from './experiment.ts';
import { closest, fileParamPath, listWords, toCamel, toSnake } from './names.ts';
import { LoadContext } from './source.ts';

export const EXPLORE_DEFAULTS = {
  /** N, the Saltelli design's base size: N(k + 2) design points for k inputs. */
  samples: 256,
  /** Replicates per design point: at least 2, so the Monte Carlo noise can be seen. */
  rollouts: 2,
} as const;

/** The embedded Joe–Kuo table has 64 dimensions and the design takes 2 per input (src/explore/saltelli.ts). */
export const EXPLORE_MAX_INPUTS = 32;
/** Most design points × rollouts one explore may ask for (a typo such as samples: 1048576 would run for days). */
const MAX_SAMPLES = 65_536;

export const exploreSchema = z
  .strictObject({
    inputs: z.record(z.string(), z.tuple([z.number(), z.number()])).optional().meta({ description: 'Inputs to vary, each over a range [low, high] (uniform): a parameter as in the file (`adoption.imitation`) or a built-in strategy\'s option (`strategies.phased_pilot.options.pilot_share`). Default: the scenario\'s uncertainties, each over its own distribution.' }),
    samples: z.number().int().min(4).max(MAX_SAMPLES).optional().meta({ description: `N, the design's base size, a power of two: N × (inputs + 2) design points. Default ${EXPLORE_DEFAULTS.samples}; \`uptake explore --samples\` overrides it.` }),
    rollouts: z.number().int().min(2).max(10_000).optional().meta({ description: `Rollouts (replicates) per design point, on the same seeds at every point (common random numbers). Default ${EXPLORE_DEFAULTS.rollouts}; \`uptake explore --rollouts\` overrides it.` }),
  })
  .meta({ description: 'Sensitivity analysis: `uptake explore` varies these inputs over a Saltelli design and reports Sobol\' first-order and total indices for every result and strategy (docs/explore.md).' });

export type ExploreFile = z.infer<typeof exploreSchema>;

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parameters by their path in the file (`adoption.imitation`); the horizon cannot vary (it shapes every output). */
const PARAMETERS = new Map<string, ParamSpec>(PARAMETER_SPECS.filter((s) => s.path !== 'weeks').map((s) => [fileParamPath(s.path), s]));
const OPTION_PATH = /^strategies\.([^.]+)\.options\.([^.]+)$/;

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Options that can be an input: numbers that leave the plan's shape alone (`waves` changes the outputs' columns). */
function numericOptions(type: BuiltinStrategyName): StrategyOptionSpec[] {
  return (STRATEGY_OPTION_SPECS[type] as readonly StrategyOptionSpec[]).filter((o) => o.kind !== 'boolean' && o.kind !== 'selection' && o.name !== 'waves');
}

/** What an input name refers to, or a problem with a hint. */
function resolveInput(name: string, strategies: Raw): { spec: { min: number; max: number; integer?: boolean; above?: boolean } } | { problem: string; hint: string } {
  const parameter = PARAMETERS.get(name);
  if (parameter) return { spec: parameter };
  const option = OPTION_PATH.exec(name);
  if (!option) {
    if (name === 'horizon') return { problem: 'the horizon cannot be an input', hint: 'it sets the weeks every result is measured over; explore each horizon in its own run' };
    const near = closest(name, [...PARAMETERS.keys()]);
    return { problem: `${name} is not a parameter`, hint: near ? `did you mean ${near}?` : 'name a parameter as in the file (e.g. adoption.imitation) or a strategy option (strategies.<name>.options.<option>)' };
  }
  const [, id, field] = option as unknown as [string, string, string];
  const ids = Object.keys(strategies);
  const strategy = strategies[id];
  if (!isObj(strategy)) {
    const near = closest(id, ids);
    return { problem: `no strategy "${id}" in this file`, hint: near ? `did you mean ${near}?` : `strategies: ${listWords(ids)}` };
  }
  const type = strategy.type;
  if (typeof type !== 'string' || !(BUILTIN_STRATEGIES as readonly string[]).includes(type)) {
    return { problem: `${id} is a custom strategy: it has no options to vary`, hint: 'vary an option of a built-in strategy (top_down, bottom_up, phased_pilot), or a parameter' };
  }
  const options = numericOptions(type as BuiltinStrategyName);
  const spec = options.find((o) => toSnake(o.name) === field);
  if (!spec) {
    const names = options.map((o) => toSnake(o.name));
    const near = closest(field, names);
    const why = field === 'waves' ? 'the number of waves cannot be an input (it changes the outputs\' columns)' : `${type} has no number option "${field}"`;
    return { problem: why, hint: near && field !== 'waves' ? `did you mean ${near}? (options: ${listWords(names)})` : `options that can vary: ${listWords(names)}` };
  }
  return { spec: { min: spec.min ?? 0, max: spec.max ?? Number.POSITIVE_INFINITY, integer: 'integer' in spec ? spec.integer : undefined, above: 'above' in spec ? spec.above : undefined } };
}

/** Checks against the rest of the file: the inputs exist, their ranges are inside what they allow, N is a power of two. */
export function checkExplore(ctx: LoadContext, data: Raw): void {
  const e = data.explore;
  if (!isObj(e)) return;
  if (typeof e.samples === 'number' && Number.isInteger(e.samples) && !isPowerOfTwo(e.samples)) {
    const below = 2 ** Math.floor(Math.log2(e.samples));
    ctx.at(['explore', 'samples'], `samples must be a power of two (the Sobol' design is balanced in blocks of 2^m), got ${e.samples}`, `use ${below} or ${below * 2}`);
  }
  const strategies = isObj(data.strategies) ? data.strategies : {};
  if (isObj(e.inputs)) {
    const names = Object.keys(e.inputs);
    if (names.length === 0) ctx.at(['explore', 'inputs'], 'no inputs to vary', 'name at least one, e.g. adoption.imitation: [0.1, 0.4], or leave inputs: out to vary the uncertainties');
    if (names.length > EXPLORE_MAX_INPUTS) ctx.at(['explore', 'inputs'], `${names.length} inputs: at most ${EXPLORE_MAX_INPUTS} can be explored at once`, 'keep the inputs you are unsure of; fix the rest');
    for (const [name, range] of Object.entries(e.inputs)) {
      const at = ['explore', 'inputs', name];
      const resolved = resolveInput(name, strategies);
      if ('problem' in resolved) {
        ctx.at(at, resolved.problem, resolved.hint);
        continue;
      }
      if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number') continue; // the schema says so
      const [low, high] = range as [number, number];
      const { min, max, integer, above } = resolved.spec;
      const allowed = `${integer ? 'whole numbers ' : ''}${above ? `above ${min}` : `from ${min}`}${Number.isFinite(max) ? ` to ${max}` : ''}`;
      if (!(low < high)) ctx.at(at, `the range [${low}, ${high}] is empty: low must be below high`, `e.g. ${name}: [${Math.min(low, high)}, ${Math.max(low, high) === Math.min(low, high) ? Math.min(low, high) * 2 || 1 : Math.max(low, high)}]`);
      else if (low < min || (above === true && low <= min) || high > max) ctx.at(at, `the range [${low}, ${high}] leaves what ${name} allows (${allowed})`, `keep the range within ${allowed}`);
    }
  }
}

/**
 * The ExplorePlan of a checked file. `strategyIds` in the file's order; `fileStrategies` the raw
 * strategies (for the options a varied option is rebuilt from).
 */
export function expandExplore(file: ExploreFile, strategyIds: string[], fileStrategies: Raw): ExplorePlan {
  const inputs: ExploreInput[] = Object.entries(file.inputs ?? {}).map(([name, [low, high]]): ExploreInput => {
    const distribution = { kind: 'uniform' as const, min: low, max: high };
    const parameter = PARAMETERS.get(name);
    if (parameter) return { name, target: { kind: 'parameter', path: parameter.path }, integer: parameter.integer === true, distribution };
    const [, id, field] = OPTION_PATH.exec(name) as unknown as [string, string, string];
    const strategy = fileStrategies[id] as { type: BuiltinStrategyName; options?: Raw };
    const spec = numericOptions(strategy.type).find((o) => toSnake(o.name) === field)!;
    const options = Object.fromEntries(Object.entries(strategy.options ?? {}).map(([k, v]) => [toCamel(k), v]));
    return {
      name,
      target: { kind: 'option', strategy: strategyIds.indexOf(id), type: strategy.type, option: spec.name, options },
      integer: 'integer' in spec && spec.integer === true,
      distribution,
    };
  });
  return {
    inputs,
    samples: file.samples ?? EXPLORE_DEFAULTS.samples,
    rollouts: file.rollouts ?? EXPLORE_DEFAULTS.rollouts,
  };
}
