/**
 * What a run will cost before it starts: its work (agent-steps, organisations built) and its peak
 * memory, from the experiment's sizes alone (nothing is built). `uptake validate` prints it and
 * `uptake run` refuses a run whose peak would not fit in the memory the machine has (docs/cli.md).
 *
 * Memory, in the order a run holds it (the constants are calibrated against measured peaks,
 * docs/benchmarks.md "The run's estimate"):
 * - the process itself (Node, the modules) and each worker thread;
 * - each worker's model state: the organisation (CSR network: a few ints per tie) and the simulation's
 *   arrays, per employee, for the largest organisation the uncertainties can draw;
 * - the summaries: one sketch per (strategy, week, observable), per (strategy, result), per (strategy,
 *   wave) and per (pair of strategies, result): n(n − 1)/2 pairs, so hundreds of strategies cost
 *   gigabytes. A sketch's dense buckets span its metric's range, so its size is bounded by the range,
 *   not by the rollouts. Held by the main thread and by every worker, and copied as plain arrays when
 *   the workers hand them over;
 * - finished batches not yet handed over (bounded, see execute.ts), and at the end a few columns of
 *   the per-rollout results read back from rollouts.csv (exact.ts) and summary.json's comparisons.
 */
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { OBSERVABLE_COUNT, RESULT_COUNT, waveCountOf } from '../model/index.ts';
import { type Experiment, sampleParams } from '../scenarios/experiment.ts';
import { batchSizeFor, layoutOf } from './batch.ts';

/** Calibrated figures (bytes), measured under the TypeScript loader as the CLI runs from a checkout. */
export const MEMORY_MODEL = {
  /** The main process before a run: Node, the modules, the scenario. */
  process: 150e6,
  /** One worker thread with the modules loaded and its working heap. */
  worker: 60e6,
  /** Model state per employee, plus per tie of the network (ties counted both ways). */
  perEmployee: 120,
  perTie: 28,
  /**
   * A sketch's buckets with the arena's slack (see sketch.ts), once its metric's range is filled
   * (a few hundred rollouts; about half of it after 20, see sketchFill).
   */
  perSketch: 5_000,
  /** The same sketch as plain arrays, when a worker hands its summaries over or a checkpoint is written. */
  perSketchCopy: 4_000,
  /** summary.json's entry of one paired comparison (object and text), and one driver. */
  perComparison: 1_200,
  perDriver: 300,
  /**
   * One rollout's numbers held at the end, when summary.json quotes the exact results (exact.ts): read
   * back one column at a time, a few buffers of one double per rollout are held at once (below).
   */
  perRolloutValue: 8,
} as const;

export interface RunEstimate {
  /** Employees × weeks × strategies × rollouts (the expected value over the uncertainties). */
  agentSteps: number;
  /** One organisation per rollout, shared by every strategy (common random numbers). */
  organisations: number;
  strategies: number;
  /** Pairs of strategies compared rollout by rollout. */
  pairs: number;
  rollouts: number;
  /** Sketches kept: series (weeks × observables × strategies), results, waves and pairs' differences. */
  sketches: number;
  /** Of which series sketches. */
  series: number;
  /** The largest organisation the uncertainties draw. */
  maxEmployees: number;
  /** Worker threads the run uses (1 and the main thread when the run is small or --workers 1). */
  workers: number;
  /** Peak resident memory, bytes: the main thread and each worker. */
  mainBytes: number;
  workerBytes: number;
  peakBytes: number;
}

/**
 * The share of its full size a sketch reaches after n rollouts: its buckets spread over the values
 * seen, which cover the metric's range after a few hundred rollouts (measured: 0.56 at 20, 1 at 200).
 */
export function sketchFill(rollouts: number): number {
  return Math.min(1, Math.max(0.2, 0.56 + 0.44 * (Math.log10(Math.max(1, rollouts)) - 1.3)));
}

/** Draws looked at for the uncertainties' largest organisation and mean horizon. */
const DRAWS = 32;

/** Bytes of finished batches the runner keeps before handing summaries over (execute.ts). */
export const RETAINED_BATCH_BYTES = 8 * 1024 * 1024;

/**
 * The estimate of a run of `rollouts` (default the experiment's) on `workers` worker threads
 * (resolved as createRunner does: a run of one batch, or one worker, runs on the main thread).
 */
export function estimateRun(experiment: Experiment, workers: number, rollouts = experiment.rollouts): RunEstimate {
  const layout = layoutOf(experiment);
  const strategies = experiment.strategies.length;
  const draws = experiment.uncertainties.length === 0 ? [experiment.params] : Array.from({ length: DRAWS }, (_, r) => sampleParams(experiment, r));
  let maxEmployees = 0;
  let maxTies = 0;
  let meanSize = 0;
  for (const p of draws) {
    const employees = p.organisation.employees;
    maxEmployees = Math.max(maxEmployees, employees);
    // Team ties and weak ties, each stored at both ends.
    maxTies = Math.max(maxTies, employees * (Math.max(0, p.organisation.teamSize - 1) + 2 * p.organisation.weakTies));
    meanSize += (employees * p.weeks) / draws.length;
  }
  const pairs = (strategies * (strategies - 1)) / 2;
  const series = strategies * (layout.weeks + 1) * OBSERVABLE_COUNT;
  const waves = experiment.strategies.reduce((sum, s) => sum + waveCountOf(s), 0);
  const sketches = series + strategies * RESULT_COUNT + waves + pairs * RESULT_COUNT;
  const batches = Math.ceil(rollouts / batchSizeFor(rollouts));
  const pool = workers > 1 && batches > 1;
  const used = pool ? Math.min(workers, batches) : 1;

  const m = MEMORY_MODEL;
  const model = maxEmployees * m.perEmployee + maxTies * m.perTie;
  const summaries = sketches * m.perSketch * sketchFill(rollouts);
  const copies = sketches * m.perSketchCopy * sketchFill(rollouts);
  const batchBytes = batchSizeFor(rollouts) * layout.rolloutSize * 8;
  const worker = m.worker + model + summaries + copies + 2 * batchBytes;
  // The columns held at once: a result of every strategy, the draws' ranks, and a few for sorting and ranking.
  const exactColumns = strategies + experiment.uncertainties.length + 4;
  const finish = pairs * RESULT_COUNT * (m.perComparison + experiment.uncertainties.length * m.perDriver) + rollouts * exactColumns * m.perRolloutValue;
  // The main thread folds what the workers hand over (one copy from each at a time), or on its own runs
  // the batches and keeps a partial summary besides the run's.
  const main = m.process + summaries + Math.min(RETAINED_BATCH_BYTES, rollouts * layout.rolloutSize * 8) + finish
    + (pool ? used * copies : model + summaries + copies + batchBytes);
  return {
    agentSteps: meanSize * strategies * rollouts,
    organisations: rollouts,
    strategies,
    pairs,
    rollouts,
    sketches,
    series,
    maxEmployees,
    workers: pool ? used : 0,
    mainBytes: main,
    workerBytes: pool ? worker : 0,
    peakBytes: main + (pool ? used * worker : 0),
  };
}

export interface AvailableMemory {
  bytes: number;
  /** Where the figure comes from, for the message. */
  source: 'free memory' | 'container limit' | 'UPTAKE_AVAILABLE_MEMORY';
}

function readNumber(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    const value = Number(text);
    return text !== 'max' && Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Memory a run can use here: the system's available memory (MemAvailable on Linux), or what is left
 * under the container's limit (cgroup v2 memory.max, or v1 memory.limit_in_bytes) when that is less.
 * UPTAKE_AVAILABLE_MEMORY (bytes) overrides both: for tests, and for a machine that knows better.
 */
export function availableMemory(): AvailableMemory {
  const override = process.env.UPTAKE_AVAILABLE_MEMORY;
  if (override !== undefined && override !== '' && Number.isFinite(Number(override))) return { bytes: Number(override), source: 'UPTAKE_AVAILABLE_MEMORY' };
  const free = freemem();
  const limits: [string, string][] = [['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory.current'], ['/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory/memory.usage_in_bytes']];
  for (const [limitFile, usageFile] of limits) {
    const limit = readNumber(limitFile);
    // cgroup v1 writes "no limit" as a number near 2^63.
    if (limit === undefined || limit > 2 ** 60) continue;
    const left = Math.max(0, limit - (readNumber(usageFile) ?? 0));
    if (left < free) return { bytes: left, source: 'container limit' };
    break;
  }
  return { bytes: free, source: 'free memory' };
}
