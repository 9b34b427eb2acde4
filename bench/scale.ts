/**
 * `npx tsx bench/scale.ts [rounds]`: the cost of size alone. CPU nanoseconds per agent-step
 * (process.cpuUsage, which leaves out time spent waiting for a core on a busy machine) of the
 * phased pilot at 2,000, 10,000 and 100,000 employees and of the default three-strategy mix,
 * every workload in turn in one process, medians over the rounds (docs/benchmarks.md,
 * "Large organisations").
 */
import { type ModelParams, type Organisation, type StrategyPlan, Simulation, buildOrganisation, builtinStrategy, withDefaults, BUILTIN_STRATEGIES } from '../src/model/index.ts';

const strategies = BUILTIN_STRATEGIES.map((s) => builtinStrategy(s));
const pilot = strategies[2]!;
const sizes = [
  { employees: 2000, departments: 8, rollouts: 10 },
  { employees: 10_000, departments: 12, rollouts: 2 },
  { employees: 100_000, departments: 20, rollouts: 1 },
];
const setups = sizes.map(({ employees, departments, rollouts }) => {
  const params = withDefaults({ organisation: { employees, departments } });
  return { name: `phased_pilot_${employees / 1000}k`, params, rollouts, orgs: [1, 2].map((r) => buildOrganisation(params, r)) };
});

function cpuNs(params: ModelParams, plan: StrategyPlan, org: Organisation, seed: number): number {
  const sim = new Simulation(params, plan, { organisation: seed, dynamics: seed }, org);
  const t = process.cpuUsage();
  sim.run();
  const used = process.cpuUsage(t);
  return ((used.user + used.system) * 1000) / (params.organisation.employees * params.weeks);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const rounds = Number(process.argv[2] ?? 5);
const small = setups[0]!;
// Warm-up: let the JIT settle on every workload before timing.
for (const s of setups) cpuNs(s.params, pilot, s.orgs[0]!, 999);
for (const plan of strategies) cpuNs(small.params, plan, small.orgs[0]!, 999);
const figures: Record<string, number[]> = { default_mix_2k: [] };
for (let k = 0; k < rounds; k++) {
  let mix = 0;
  for (let r = 0; r < 4; r++) for (const plan of strategies) mix += cpuNs(small.params, plan, small.orgs[r & 1]!, r) / (4 * strategies.length);
  figures.default_mix_2k!.push(mix);
  for (const s of setups) {
    let ns = 0;
    for (let r = 0; r < s.rollouts; r++) ns += cpuNs(s.params, pilot, s.orgs[r & 1]!, r) / s.rollouts;
    (figures[s.name] ??= []).push(ns);
  }
}
const result: Record<string, number> = {};
for (const [name, values] of Object.entries(figures)) result[`${name}_cpu_ns`] = Number(median(values).toFixed(2));
const big = result.phased_pilot_100k_cpu_ns!;
result.vs_default_mix = Number((result.default_mix_2k_cpu_ns! / big).toFixed(3));
result.vs_phased_pilot_2k = Number((result.phased_pilot_2k_cpu_ns! / big).toFixed(3));
result.vs_phased_pilot_10k = Number((result.phased_pilot_10k_cpu_ns! / big).toFixed(3));
console.log(JSON.stringify(result));
