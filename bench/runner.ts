/**
 * The runner's benchmark figures, called by bench/run.ts (`npm run bench`):
 *
 * - workers2_efficiency: throughput on 2 workers / (2 × throughput on 1 worker),
 *   same work (rollouts of the bundled default scenario) done as `uptake run` does
 *   it: workers fold their summaries, the main thread writes nothing but collects
 *   and merges them at the end (counted). Pools are warmed up first so worker
 *   start-up (0.3–0.5 s under tsx) and the JIT's first compilations are not
 *   counted. Best of three runs each, alternating, because this 2-vCPU machine's
 *   speed drifts by ±15% from minute to minute.
 * - default_comparison_seconds: the bundled default scenario (3 strategies ×
 *   1,000 rollouts) end to end: load the scenario, run on every core, write
 *   the four output files. Process start-up is not included.
 *
 * Targets on the 2-core reference machine: efficiency ≥ 0.90, comparison < 30 s.
 * Run alone: `npx tsx bench/runner.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenarios/load.ts';
import type { Experiment } from '../src/scenarios/experiment.ts';
import { Aggregate } from '../src/runner/aggregate.ts';
import { experimentKey, runExperiment } from '../src/runner/execute.ts';
import { planBatches } from '../src/runner/batch.ts';
import { PoolRunner } from '../src/runner/pool.ts';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));

/** Seconds to run `rollouts` rollouts (batches of 2) on a warmed-up pool of `workers`. */
async function poolSeconds(experiment: Experiment, workers: number, rollouts: number): Promise<number> {
  const key = experimentKey(experiment);
  const runner = new PoolRunner(experiment, workers, { fold: { experimentKey: key } });
  try {
    // Warm-up: eight rollouts per worker (module loading and the JIT: a few rollouts leave
    // code unoptimised, and the optimising compiler runs on a background thread
    // that a lone worker gets for free on the idle core), not timed.
    await Promise.all(Array.from({ length: workers }, (_, i) => runner.run({ start: 100_000 + 10 * i, end: 100_008 + 10 * i })));
    await runner.collect();
    const aggregate = new Aggregate(experiment, key);
    const tasks = planBatches(0, rollouts, 2);
    const t0 = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks.length) await runner.run(tasks[next++]!);
    };
    await Promise.all(Array.from({ length: workers * 2 }, lane));
    for (const part of await runner.collect()) aggregate.merge(part);
    if (aggregate.rollouts !== rollouts) throw new Error(`bench folded ${aggregate.rollouts} rollouts, expected ${rollouts}`);
    return (performance.now() - t0) / 1000;
  } finally {
    await runner.close();
  }
}

export async function runnerBench(log: (line: string) => void = () => {}): Promise<{ workers2_efficiency: number; default_comparison_seconds: number }> {
  const experiment = await loadScenario(DEFAULT_SCENARIO);
  // Enough tasks (72 of 2 rollouts) that the last one finishing alone costs little.
  const rollouts = 144;
  // Best of three, alternating, so a busy moment on the machine does not decide the figure.
  let one = Infinity;
  let two = Infinity;
  for (let rep = 0; rep < 3; rep++) {
    one = Math.min(one, await poolSeconds(experiment, 1, rollouts));
    two = Math.min(two, await poolSeconds(experiment, 2, rollouts));
  }
  const efficiency = one / (2 * two);
  log(`runner: ${rollouts} rollouts × ${experiment.strategies.length} strategies: ${one.toFixed(2)} s on 1 worker, ${two.toFixed(2)} s on 2 → efficiency ${efficiency.toFixed(3)}`);

  const dir = mkdtempSync(join(tmpdir(), 'uptake-bench-'));
  try {
    const t0 = performance.now();
    const loaded = await loadScenario(DEFAULT_SCENARIO);
    await runExperiment({ experiment: loaded, out: join(dir, 'default'), workers: availableParallelism() });
    const seconds = (performance.now() - t0) / 1000;
    log(`runner: default scenario, ${loaded.strategies.length} strategies × ${loaded.rollouts} rollouts end to end: ${seconds.toFixed(1)} s on ${availableParallelism()} workers`);
    return { workers2_efficiency: Number(efficiency.toFixed(3)), default_comparison_seconds: Number(seconds.toFixed(2)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runnerBench((line) => console.error(line))));
}
