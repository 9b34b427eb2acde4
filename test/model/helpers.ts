/** Shared helpers for the model tests: limiting-case parameters and paired Monte Carlo comparisons. */
import {
  MECHANISM_NAMES, type DeepPartial, type MechanismSwitches, type ModelParams, type StrategyPlan, withDefaults, runRollout,
  buildOrganisation, OBSERVABLE_COUNT,
} from '../../src/model/index.ts';

/** Every mechanism off except the ones named. */
export function onlyMechanisms(...on: (keyof MechanismSwitches)[]): MechanismSwitches {
  const switches = {} as MechanismSwitches;
  for (const name of MECHANISM_NAMES) switches[name] = on.includes(name);
  return switches;
}

export function params(overrides: DeepPartial<ModelParams>): ModelParams {
  return withDefaults(overrides);
}

export const accessForAll: StrategyPlan = { name: 'access_for_all', interventions: [{ type: 'access', at: 0, target: { kind: 'all' } }] };

export function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function standardError(xs: number[]): number {
  const m = mean(xs);
  const variance = xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(variance / xs.length);
}

/**
 * Runs `rollouts` paired rollouts (same organisation and dynamics seeds) of two
 * configurations and returns the per-rollout values of `measure` for each.
 */
export function paired(
  rollouts: number,
  a: { params: ModelParams; plan: StrategyPlan },
  b: { params: ModelParams; plan: StrategyPlan },
  measure: (out: ReturnType<typeof runRollout>, p: ModelParams) => number,
): { a: number[]; b: number[]; diff: number[] } {
  const ra: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < rollouts; r++) {
    const seeds = { organisation: 1000 + r, dynamics: 2000 + r };
    ra.push(measure(runRollout(a.params, a.plan, seeds), a.params));
    rb.push(measure(runRollout(b.params, b.plan, seeds), b.params));
  }
  return { a: ra, b: rb, diff: ra.map((x, i) => x - rb[i]!) };
}

export function seriesAt(series: Float64Array, week: number, k: number): number {
  return series[week * OBSERVABLE_COUNT + k]!;
}

export { buildOrganisation };
