/**
 * Single-thread model throughput: agent-steps per second (employees × weeks
 * stepped, organisation building excluded and timed apart) for the default
 * organisation, larger ones, and the network-Bass limiting case.
 */
import {
  MECHANISM_NAMES, type MechanismSwitches, type ModelParams, type StrategyPlan, Simulation, buildOrganisation, builtinStrategy,
  organisationBytes, withDefaults, BUILTIN_STRATEGIES,
} from '../src/model/index.ts';

export interface ModelBench {
  default_agent_steps_per_s: number;
  bass_agent_steps_per_s: number;
  employees_10k_agent_steps_per_s: number;
  employees_100k_agent_steps_per_s: number;
  /** employees_100k_agent_steps_per_s / default_agent_steps_per_s, measured in the same run. */
  employees_100k_vs_default: number;
  /**
   * employees_100k_agent_steps_per_s over the same phased-pilot strategy's rate at 2,000 employees, measured in
   * the same run: the cost of size alone, without the change of strategy mix that employees_100k_vs_default also holds.
   */
  employees_100k_vs_2k_phased_pilot: number;
  employees_300k_seconds: number;
  default_build_ms: number;
  state_bytes_100k: number;
}

/** Steps `plans` on one organisation per rollout for at least `minMs`; returns agent-steps per second. */
function throughput(params: ModelParams, plans: StrategyPlan[], minRollouts: number, minMs: number): { rate: number; buildMs: number } {
  let steps = 0;
  let stepMs = 0;
  let buildMs = 0;
  let builds = 0;
  // Warm-up: let the JIT settle before timing.
  for (const plan of plans) new Simulation(params, plan, { organisation: 999, dynamics: 999 }).run();
  for (let r = 0; r < minRollouts || stepMs < minMs; r++) {
    const t0 = performance.now();
    const org = buildOrganisation(params, r);
    buildMs += performance.now() - t0;
    builds++;
    for (const plan of plans) {
      const sim = new Simulation(params, plan, { organisation: r, dynamics: r }, org);
      const t1 = performance.now();
      sim.run();
      stepMs += performance.now() - t1;
      steps += params.organisation.employees * params.weeks;
    }
  }
  return { rate: steps / (stepMs / 1000), buildMs: buildMs / builds };
}

export function bassParams(employees: number): ModelParams {
  const mechanisms = {} as MechanismSwitches;
  for (const m of MECHANISM_NAMES) mechanisms[m] = m === 'externalInfluence' || m === 'imitation';
  return withDefaults({ organisation: { employees }, adoption: { externalInfluence: 0.01, imitation: 0.4 }, mechanisms });
}

export function modelBench(log: (line: string) => void = () => {}): ModelBench {
  const strategies = BUILTIN_STRATEGIES.map((s) => builtinStrategy(s));
  const defaults = withDefaults({});
  const d = throughput(defaults, strategies, 20, 3000);
  log(`default organisation (2,000 × 104 weeks, 3 strategies): ${(d.rate / 1e6).toFixed(1)}M agent-steps/s; organisation built in ${d.buildMs.toFixed(1)} ms`);
  const bass = throughput(bassParams(2000), [{ name: 'bass', interventions: [{ type: 'access', at: 0 }] }], 20, 2000);
  log(`network-Bass limiting case (2,000 × 104 weeks): ${(bass.rate / 1e6).toFixed(1)}M agent-steps/s`);
  const tenK = throughput(withDefaults({ organisation: { employees: 10_000, departments: 12 } }), strategies, 2, 2000);
  log(`10,000 employees: ${(tenK.rate / 1e6).toFixed(1)}M agent-steps/s`);
  const pilot = throughput(defaults, [strategies[2]!], 20, 1500);
  log(`default organisation, phased pilot alone: ${(pilot.rate / 1e6).toFixed(1)}M agent-steps/s`);
  const bigParams = withDefaults({ organisation: { employees: 100_000, departments: 20 } });
  const hundredK = throughput(bigParams, [strategies[2]!], 1, 0);
  log(`100,000 employees: ${(hundredK.rate / 1e6).toFixed(1)}M agent-steps/s`);
  const bigOrg = buildOrganisation(bigParams, 1);
  const sim = new Simulation(bigParams, strategies[0]!, { organisation: 1, dynamics: 1 }, bigOrg);
  const stateBytes = organisationBytes(bigOrg) + sim.stateBytes();
  log(`state of a 100,000-employee organisation: ${(stateBytes / 1024 / 1024).toFixed(1)} MiB`);
  const t0 = performance.now();
  const hugeParams = withDefaults({ organisation: { employees: 300_000, departments: 30 } });
  new Simulation(hugeParams, strategies[2]!, { organisation: 1, dynamics: 1 }).run();
  const hugeSeconds = (performance.now() - t0) / 1000;
  log(`300,000 employees, one phased-pilot rollout of 104 weeks, building included: ${hugeSeconds.toFixed(1)} s`);
  return {
    default_agent_steps_per_s: Math.round(d.rate),
    bass_agent_steps_per_s: Math.round(bass.rate),
    employees_10k_agent_steps_per_s: Math.round(tenK.rate),
    employees_100k_agent_steps_per_s: Math.round(hundredK.rate),
    employees_100k_vs_default: Number((hundredK.rate / d.rate).toFixed(3)),
    employees_100k_vs_2k_phased_pilot: Number((hundredK.rate / pilot.rate).toFixed(3)),
    employees_300k_seconds: Number(hugeSeconds.toFixed(2)),
    default_build_ms: Number(d.buildMs.toFixed(2)),
    state_bytes_100k: stateBytes,
  };
}
