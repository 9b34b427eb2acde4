/**
 * The runner's benchmark figures, called by bench/run.ts (`npm run bench`);
 * docs/benchmarks.md defines each field.
 *
 * Parallel efficiency, judged against the machine (interleaved, at least five pairs):
 * - workers2_efficiency: throughput on 2 workers / (2 × throughput on 1 worker),
 *   same work (144 rollouts of the bundled default scenario) done as `uptake run`
 *   does it: workers fold their summaries, the main thread collects and merges
 *   them at the end (counted). The pools are started and warmed up once, before
 *   anything is timed (worker start-up and the JIT's first compilations are not
 *   counted), and reused.
 * - machine_pair_efficiency: the same model work in independent single-threaded
 *   processes (bench/machine.ts): two side by side, each doing half, against one
 *   doing it all alone. What this machine gives two threads that share nothing.
 * - workers2_vs_machine: the two, pair by pair; each figure is the median of
 *   its pairs. Every pair times one pool of 1, one process alone, one pool of 2
 *   and one pair of processes, one after the other, so a slow minute of the
 *   machine (±15% here) falls on both sides of the ratio.
 *
 * End to end (one run):
 * - default_comparison_seconds: the bundled default scenario (3 strategies ×
 *   1,000 rollouts) as `uptake run` does it after its process has started: load
 *   the scenario, run on every core, write the output files, draw the report
 *   (charts, PNGs, report.html).
 * - default_stepping_seconds: the model's stepping (Simulation.run, the part
 *   `default_agent_steps_per_s` times) inside that run, summed over the worker
 *   threads and divided by their number: the time the same rollouts' stepping
 *   alone takes on the same cores, at the same moment.
 * - default_organisation_seconds, default_setup_seconds, default_fold_seconds: in that run, a
 *   worker's time (mean over the threads) building each rollout's organisation, setting up each
 *   strategy's simulation, and folding its batches into summaries;
 * - default_collect_seconds, default_report_seconds: the main thread's time collecting the workers'
 *   summaries, and drawing the report;
 * - default_cli_seconds: `node bin/uptake.js run scenarios/default.yaml --quiet`,
 *   a new process, start-up included.
 *
 * Run alone: `npx tsx bench/runner.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenarios/load.ts';
import type { Experiment } from '../src/scenarios/experiment.ts';
import { Aggregate } from '../src/runner/aggregate.ts';
import { experimentKey, runExperiment, type RunTimings } from '../src/runner/execute.ts';
import { planBatches, WORK_CLOCK_FIELDS } from '../src/runner/batch.ts';
import { PoolRunner } from '../src/runner/pool.ts';
import { renderReport } from '../src/report/index.ts';
import { ModelProcess } from './machine.ts';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/uptake.js', import.meta.url));

/** Rollouts per efficiency measurement: 72 tasks of 2, so the last one finishing alone costs little. */
const ROLLOUTS = 144;
/** Interleaved pairs of measurements behind each efficiency figure (the median is reported). */
const PAIRS = 5;

export interface RunnerBench {
  workers2_efficiency: number;
  machine_pair_efficiency: number;
  workers2_vs_machine: number;
  default_comparison_seconds: number;
  default_stepping_seconds: number;
  default_comparison_vs_stepping: number;
  default_organisation_seconds: number;
  default_setup_seconds: number;
  default_fold_seconds: number;
  default_collect_seconds: number;
  default_report_seconds: number;
  default_cli_seconds: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A warmed-up pool of `workers`, reused for every measurement. */
async function warmPool(experiment: Experiment, workers: number): Promise<PoolRunner> {
  const runner = new PoolRunner(experiment, workers, { fold: { experimentKey: experimentKey(experiment) } });
  // Eight rollouts per worker (module loading and the JIT: a few rollouts leave code unoptimised, and
  // the optimising compiler runs on a background thread that a lone worker gets for free on the idle core).
  await Promise.all(Array.from({ length: workers }, (_, i) => runner.run({ start: 100_000 + 10 * i, end: 100_008 + 10 * i })));
  await runner.collect();
  return runner;
}

/** Seconds for `runner` to run ROLLOUTS rollouts in tasks of 2, two in flight per worker, and hand over their summaries. */
async function poolSeconds(runner: PoolRunner, experiment: Experiment): Promise<number> {
  const aggregate = new Aggregate(experiment, experimentKey(experiment));
  const tasks = planBatches(0, ROLLOUTS, 2);
  const t0 = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) await runner.run(tasks[next++]!);
  };
  await Promise.all(Array.from({ length: runner.workers * 2 }, lane));
  for (const part of await runner.collect()) aggregate.mergePacked(part);
  if (aggregate.rollouts !== ROLLOUTS) throw new Error(`bench folded ${aggregate.rollouts} rollouts, expected ${ROLLOUTS}`);
  return (performance.now() - t0) / 1000;
}

export async function efficiencies(experiment: Experiment, log: (line: string) => void): Promise<Pick<RunnerBench, 'workers2_efficiency' | 'machine_pair_efficiency' | 'workers2_vs_machine'>> {
  const one = await warmPool(experiment, 1);
  const two = await warmPool(experiment, 2);
  const processes = [new ModelProcess(), new ModelProcess()];
  try {
    await Promise.all(processes.map((p) => p.ready));
    const pool: number[] = [];
    const machine: number[] = [];
    const ratio: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const t1 = await poolSeconds(one, experiment);
      const alone = (await processes[0]!.run(0, ROLLOUTS)) / 1000;
      const t2 = await poolSeconds(two, experiment);
      // Both halves start together; the pair has finished when the slower one has.
      const side = await Promise.all([processes[0]!.run(0, ROLLOUTS / 2), processes[1]!.run(ROLLOUTS / 2, ROLLOUTS)]);
      const together = Math.max(...side) / 1000;
      pool.push(t1 / (2 * t2));
      machine.push(alone / (2 * together));
      ratio.push(pool.at(-1)! / machine.at(-1)!);
      log(`runner: pair ${pair + 1}: pool ${t1.toFixed(2)} s on 1 worker, ${t2.toFixed(2)} s on 2 (${pool.at(-1)!.toFixed(3)}); processes ${alone.toFixed(2)} s alone, ${together.toFixed(2)} s two side by side (${machine.at(-1)!.toFixed(3)}); ratio ${ratio.at(-1)!.toFixed(3)}`);
    }
    const result = {
      workers2_efficiency: Number(median(pool).toFixed(3)),
      machine_pair_efficiency: Number(median(machine).toFixed(3)),
      workers2_vs_machine: Number(median(ratio).toFixed(3)),
    };
    log(`runner: ${ROLLOUTS} rollouts × ${experiment.strategies.length} strategies, median of ${PAIRS} pairs: efficiency ${result.workers2_efficiency} on 2 workers, ${result.machine_pair_efficiency} for two processes → ${result.workers2_vs_machine} of the machine's`);
    return result;
  } finally {
    for (const p of processes) p.close();
    await one.close();
    await two.close();
  }
}

/** The default comparison in this process, timed phase by phase. */
async function defaultComparison(dir: string, log: (line: string) => void): Promise<Omit<RunnerBench, 'workers2_efficiency' | 'machine_pair_efficiency' | 'workers2_vs_machine' | 'default_cli_seconds'>> {
  const workers = availableParallelism();
  const timings: RunTimings = { phases: {}, threads: [] };
  const t0 = performance.now();
  const loaded = await loadScenario(DEFAULT_SCENARIO);
  const t1 = performance.now();
  await runExperiment({ experiment: loaded, out: join(dir, 'default'), workers, timings });
  const t2 = performance.now();
  await renderReport(join(dir, 'default'), { quiet: true });
  const t3 = performance.now();
  const seconds = (t3 - t0) / 1000;
  const perThread = (field: string): number => timings.threads.reduce((sum, t) => sum + t[field as keyof typeof t], 0) / timings.threads.length / 1000;
  const stepping = perThread('step');
  const ms = (x: number): string => `${(x / 1000).toFixed(2)} s`;
  log(`runner: default scenario, ${loaded.strategies.length} strategies × ${loaded.rollouts} rollouts end to end: ${seconds.toFixed(1)} s on ${workers} workers; stepping ${stepping.toFixed(2)} s a worker → ${(seconds / stepping).toFixed(2)}×`);
  log(`  main thread: load ${ms(t1 - t0)}, ${Object.entries(timings.phases).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}, report ${ms(t3 - t2)}`);
  log(`  a worker (mean of ${timings.threads.length}): ${WORK_CLOCK_FIELDS.map((f) => `${f} ${perThread(f).toFixed(2)} s`).join(', ')}`);
  return {
    default_comparison_seconds: Number(seconds.toFixed(2)),
    default_stepping_seconds: Number(stepping.toFixed(2)),
    default_comparison_vs_stepping: Number((seconds / stepping).toFixed(3)),
    default_organisation_seconds: Number(perThread('build').toFixed(2)),
    default_setup_seconds: Number(perThread('setup').toFixed(2)),
    default_fold_seconds: Number(perThread('fold').toFixed(2)),
    default_collect_seconds: Number(((timings.phases.collect ?? 0) / 1000).toFixed(2)),
    default_report_seconds: Number(((t3 - t2) / 1000).toFixed(2)),
  };
}

/** `uptake run scenarios/default.yaml --quiet` as a user starts it: a new process (dist/ when built and current). */
function cliSeconds(dir: string, log: (line: string) => void): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [BIN, 'run', DEFAULT_SCENARIO, '--quiet', '--out', join(dir, 'cli')], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`uptake run failed (${run.status}): ${run.stderr}`);
  log(`runner: \`uptake run scenarios/default.yaml --quiet\` in a new process: ${seconds.toFixed(1)} s`);
  return Number(seconds.toFixed(2));
}

export async function runnerBench(log: (line: string) => void = () => {}): Promise<RunnerBench> {
  const experiment = await loadScenario(DEFAULT_SCENARIO);
  const parallel = await efficiencies(experiment, log);
  const dir = mkdtempSync(join(tmpdir(), 'uptake-bench-'));
  try {
    const comparison = await defaultComparison(dir, log);
    return { ...parallel, ...comparison, default_cli_seconds: cliSeconds(dir, log) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await runnerBench((line) => console.error(line))));
}
