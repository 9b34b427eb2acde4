// STUB: being written; the exported signatures below are the contract.
import type { ModelParams } from './params.ts';
import type { StrategyPlan } from './plan.ts';
import type { Organisation } from './organisation.ts';

export interface RolloutSeeds { organisation: number; dynamics: number }
export interface RolloutOutput {
  /** (weeks + 1) rows × OBSERVABLE_COUNT columns, row-major; row 0 is the state before week 1. */
  series: Float64Array;
  /** RESULT_COUNT per-rollout results (see RESULTS); weeks never reached are NaN. */
  results: Float64Array;
  /** Week each wave opened (index 0: pilot); NaN if never; empty for plans without waves. */
  waveOpenWeeks: Float64Array;
}
export declare class Simulation {}
export declare function runRollout(params: ModelParams, plan: StrategyPlan, seeds: RolloutSeeds, organisation?: Organisation): RolloutOutput;
