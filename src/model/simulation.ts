/**
 * One rollout of one strategy on one organisation, week by week.
 *
 * The week (step) in order, as docs/model.md §3 lists it:
 *   1. fireInterventions  — the plan's interventions due this week or whose condition now holds
 *   2. updateManagers     — styles move; team time cost, trial rate and output follow
 *   3. updateCommunities  — communities are born, kept alive or die from last week's output
 *   4. wakeSleepers       — employees whose next possible move falls this week rejoin the decisions
 *   5. decideTransitions  — every employee's move, from counts kept up to date incrementally
 *   6. fadePushes         — this week's announcement and showcase pushes fade
 *   7. applyTransitions   — moves take effect together (synchronous update) and push counts to contacts
 *   8. governance         — a grown free network meets its governance decision
 *   9. payRunningCosts    — licences and running programmes accrue their cost
 *  10. observe            — this week's observables into the preallocated series
 *
 * Each event lives in the file of its concept (src/model/state.ts lists the chain); the
 * classes extend one another, so every rollout is one object of one shape and V8's inline
 * caches stay monomorphic. State is a struct of typed arrays; a step allocates nothing. Neighbour-dependent
 * decisions read counts (active contacts, their content, cross-department
 * contacts) that only agents who change state push to their contacts.
 */
import { type ModelParams } from './params.ts';
import { type StrategyPlan } from './plan.ts';
import { type Organisation } from './organisation.ts';
import { Xor4096 } from './rng.ts';
import { type Prepared, type RolloutOutput, type RolloutSeeds } from './state.ts';
import { Observation } from './observation.ts';
export { mostInnovative } from './select.ts';
export { evaluate } from './expr.ts';
export {
  UNAWARE, AWARE, TRYING, ACTIVE, LAPSED, STATE_NAMES, GROUP_COUNT, decisionGroup, GOVERNANCE_NONE, GOVERNANCE_PAID, GOVERNANCE_RESTRICTED, GOVERNANCE_SHUT_DOWN,
  type SimulationOptions, type RolloutSeeds, type RolloutOutput,
} from './state.ts';

export class Simulation extends Observation {
  /** Runs every remaining week. */
  run(): this {
    while (this.week < this.weeks) this.step();
    return this;
  }

  step(): void {
    this.week += 1;
    this.fireInterventions();
    this.updateManagers();
    this.updateCommunities();
    this.wakeSleepers();
    this.decideTransitions();
    this.fadePushes();
    this.applyTransitions();
    this.governance();
    this.payRunningCosts();
    this.observe();
  }

  /**
   * Gives the arrays taken from options.buffers back to the pool. The simulation, and every array read from
   * it (series included), must not be used afterwards.
   */
  release(): void {
    const pool = this.buffers;
    if (!pool) return;
    for (const value of Object.values(this)) if (ArrayBuffer.isView(value)) pool.give(value);
  }

  /**
   * An independent copy of this rollout as it stands at its current week: every typed array (the
   * state of each employee, team, community, department and wave, the series so far, the sleep
   * scheduler) is copied; the organisation and parameters are shared, as nothing changes them.
   * With `seed` the copy draws its own random stream from then on; without, it continues this one's,
   * so stepping both gives the same bytes. With `plan` the copy goes on under that plan from next
   * week (Interventions.switchPlan: what happened stays, the plan's weeks count from the fork, its
   * waves are drawn from `seed`, or from this rollout's plan seed without one), so forking at week 0
   * under plan B gives the bytes of a fresh rollout of B on the same seeds.
   * A fork costs stateBytes() (docs/model.md, "Forking a rollout"); it takes no buffers from a
   * pool. Forecasting continues each calibrated rollout from its own state with this.
   */
  fork(seed?: number, plan?: StrategyPlan): Simulation {
    const copy = Object.create(Simulation.prototype) as Record<string, unknown>;
    // Own fields in declaration order, so the copy has the same shape as the original.
    for (const [key, value] of Object.entries(this)) {
      if (ArrayBuffer.isView(value)) copy[key] = (value as unknown as Float64Array).slice();
      else if (value instanceof Xor4096) copy[key] = seed === undefined ? value.clone() : new Xor4096(seed);
      else if (key === 'interventions') copy[key] = (value as Prepared[]).map((item) => ({ ...item }));
      else if (key === 'buffers') copy[key] = null;
      else copy[key] = value;
    }
    const fork = copy as unknown as Simulation;
    if (plan) fork.switchPlan(plan, seed ?? this.planSeed);
    return fork;
  }

  /** Bytes held by this simulation's typed arrays (organisation excluded). */
  stateBytes(): number {
    let bytes = 0;
    for (const value of Object.values(this)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    return bytes;
  }
}

/** Builds (or reuses) the organisation, runs the plan to the horizon, returns series and results. */
export function runRollout(params: ModelParams, plan: StrategyPlan, seeds: RolloutSeeds, organisation?: Organisation): RolloutOutput {
  const sim = new Simulation(params, plan, seeds, organisation).run();
  return { series: sim.series, results: sim.results(), waveOpenWeeks: Float64Array.from(sim.waveOpenWeek), waveForced: Float64Array.from(sim.waveForced) };
}
