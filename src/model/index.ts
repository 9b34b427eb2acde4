/**
 * uptake's model as a library: build an organisation from parameters and a
 * seed, step it week by week, read observables. No files, workers or charts.
 *
 *   const params = withDefaults({ organisation: { employees: 500 } });
 *   const plan = builtinStrategy('phased_pilot');
 *   const out = runRollout(params, plan, { organisation: 1, dynamics: 1 });
 *   out.series[week * OBSERVABLE_COUNT + OBS.active_share]
 */
export * from './params.ts';
export * from './plan.ts';
export * from './intervention-types.ts';
export * from './observe.ts';
export * from './rng.ts';
export { buildOrganisation, type Organisation } from './organisation.ts';
export { BufferPool } from './buffers.ts';
export {
  Simulation, runRollout, type RolloutSeeds, type RolloutOutput, type SimulationOptions, UNAWARE, AWARE, TRYING, ACTIVE, LAPSED, STATE_NAMES,
} from './simulation.ts';
export { READER, CONTRIBUTOR, PRODUCER, organisationBytes } from './organisation.ts';
export {
  builtinStrategy, BUILTIN_STRATEGIES, type BuiltinStrategyName, type TopDownOptions, type BottomUpOptions,
  type PhasedPilotOptions, TOP_DOWN_DEFAULTS, BOTTOM_UP_DEFAULTS, PHASED_PILOT_DEFAULTS,
} from './strategies.ts';
