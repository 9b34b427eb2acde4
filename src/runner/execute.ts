/**
 * A run from plan to output folder.
 *
 * 1. Plan: rollouts [start, end) (the whole run or one shard) cut into batches
 *    of fixed size; every seed follows from the scenario seed and the rollout
 *    index, so the plan never depends on the number of workers.
 * 2. Work folder `.<out name>.uptake-<run key>/` next to the output folder:
 *    each finished batch's rows go to batches/<n>.csv, and checkpoint.json
 *    (written every few seconds and on interrupt) holds the summaries of the
 *    finished batches, so --resume can continue.
 * 3. The finished outputs are written into the work folder and renamed into
 *    place: an interrupted or failed run never leaves a half-written folder.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Experiment } from '../scenarios/experiment.ts';
import { Aggregate, PARTIAL_FORMAT, type AggregateJSON } from './aggregate.ts';
import { InputError } from '../errors.ts';
import { fingerprint } from '../fingerprint.ts';
import { experimentHash } from '../scenarios/hash.ts';
import { batchSizeFor, layoutOf, parseFailure, planBatches, type BatchTask, type RolloutFailureInfo } from './batch.ts';
import { withExactColumns } from './exact.ts';
import { buildSummary, timeseriesCsv } from './finalise.ts';
import { checkOutputFolder, concatenate, installFolder, rolloutRows, rolloutsHeader, writeFileDurably, writeJson } from './outputs.ts';
import { WorkClock, type ThreadTimes } from './clock.ts';
import { createRunner, type BatchRunner } from './pool.ts';
import { RETAINED_BATCH_BYTES } from './estimate.ts';
import { RetainedBatches } from './retained.ts';
import { schedule } from './schedule.ts';
import { MANIFEST_FORMAT, type RunManifest, type RunSummary } from './summary.ts';
import { uptakeVersion } from '../version.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface RunOptions {
  experiment: Experiment;
  out: string;
  workers: number;
  shard?: Shard;
  resume?: boolean;
  /** Rollouts per task (default: see batchSizeFor). Part of the run key: --resume needs the same. */
  batchSize?: number;
  runner?: 'auto' | 'pool' | 'sequential';
  /** Called a few times a second and after each batch. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops the workers, keeps the checkpoint and throws RunInterrupted. */
  signal?: AbortSignal;
  /** The command line, for the manifest. */
  command?: string;
  /** Seconds between checkpoints (default 10). */
  checkpointSeconds?: number;
  /** Replace an output folder that holds another scenario's results. */
  force?: boolean;
  /** Filled with where the time went (the benchmark, bench/runner.ts); the outputs are the same. */
  timings?: RunTimings;
}

/** Where a run's time went, in milliseconds. */
export interface RunTimings {
  /** Main-thread phases, in the order they happen (see runExperiment). */
  phases: Record<string, number>;
  /** Per thread that ran batches: its time per part of a batch (clock.ts). */
  threads: ThreadTimes[];
}

export interface RunResult {
  out: string;
  /** Null for a shard's partial result: merge the shards to get one. */
  summary: RunSummary | null;
  manifest: RunManifest;
  resumedRollouts: number;
}

export class RolloutFailed extends Error {
  readonly info: RolloutFailureInfo;
  constructor(info: RolloutFailureInfo) {
    super(`rollout ${info.rollout} of strategy ${info.strategy} (seed ${info.seed}) failed: ${info.message}`);
    this.name = 'RolloutFailed';
    this.info = info;
  }
}

export class RunInterrupted extends Error {
  readonly discardedRollouts: number;
  readonly completedRollouts: number;
  readonly totalRollouts: number;
  readonly workDir: string;
  constructor(discarded: number, completed: number, total: number, workDir: string) {
    super(`interrupted: ${discarded} rollouts in progress discarded, ${completed} of ${total} finished rollouts kept for --resume`);
    this.name = 'RunInterrupted';
    this.discardedRollouts = discarded;
    this.completedRollouts = completed;
    this.totalRollouts = total;
    this.workDir = workDir;
  }
}

/** Rollouts of shard K of N: contiguous, in order, covering every rollout once. */
export function shardRange(rollouts: number, shard?: Shard): [number, number] {
  if (!shard) return [0, rollouts];
  return [Math.floor(((shard.index - 1) * rollouts) / shard.count), Math.floor((shard.index * rollouts) / shard.count)];
}


/**
 * Identifies an experiment exactly (strategies, parameters, seed, rollouts): partial
 * results merge only within one. The file's path is left out: shards run on
 * machines that keep the scenario in different places.
 */
export function experimentKey(experiment: Experiment): string {
  return experimentHash(experiment).slice(0, 20);
}

/** The work folder's key. `v` follows PARTIAL_FORMAT: a folder of an older format is not mistaken for this run's. */
function runKey(experiment: Experiment, start: number, end: number, batchSize: number): string {
  return fingerprint({ v: 3, key: experimentKey(experiment), start, end, batchSize }).slice(0, 16);
}

/** `--resume` found no work folder of this run but one of an older uptake: say so rather than start afresh. */
function refuseOldWorkFolders(out: string): void {
  for (const dir of interruptedRuns(out)) {
    const file = join(dir, 'checkpoint.json');
    if (!existsSync(file)) continue;
    let format: unknown;
    try {
      format = (JSON.parse(readFileSync(file, 'utf8')) as Partial<Checkpoint>).aggregate?.format;
    } catch {
      continue;
    }
    if (format !== PARTIAL_FORMAT) {
      throw new InputError(`cannot resume: ${dir} was written by an older uptake (format ${String(format)}, this uptake (${uptakeVersion()}) reads ${PARTIAL_FORMAT})`, 'run again without --resume (its finished rollouts cannot be reused), or resume with the version that started it');
    }
  }
}

export function workDirOf(out: string, key: string): string {
  const abs = resolve(out);
  return join(dirname(abs), `.${basename(abs)}.uptake-${key}`);
}

interface Checkpoint {
  completed: number[];
  aggregate: AggregateJSON;
}

/** Finished batches kept for an interrupt before a collect is forced (memory stays flat: estimate.ts counts it). */
const MAX_UNCOLLECTED_BYTES = RETAINED_BATCH_BYTES;

function batchFile(workDir: string, index: number): string {
  return join(workDir, 'batches', `${String(index).padStart(7, '0')}.csv`);
}

export async function runExperiment(options: RunOptions): Promise<RunResult> {
  const started = new Date();
  const t0 = performance.now();
  const { experiment } = options;
  const out = resolve(options.out);
  checkOutputFolder(options.out, experiment.name, options.force === true);
  const [start, end] = shardRange(experiment.rollouts, options.shard);
  const batchSize = options.batchSize ?? batchSizeFor(experiment.rollouts);
  const tasks = planBatches(start, end, batchSize);
  const key = runKey(experiment, start, end, batchSize);
  const workDir = workDirOf(out, key);
  const layout = layoutOf(experiment);
  const aggregate = new Aggregate(experiment, experimentKey(experiment));
  const completed = new Set<number>();

  let resumedRollouts = 0;
  const checkpointFile = join(workDir, 'checkpoint.json');
  if (options.resume && !existsSync(checkpointFile)) refuseOldWorkFolders(options.out);
  if (options.resume && existsSync(checkpointFile)) {
    const checkpoint = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Checkpoint;
    aggregate.merge(checkpoint.aggregate);
    for (const i of checkpoint.completed) completed.add(i);
    resumedRollouts = aggregate.rollouts;
    rmSync(join(workDir, 'final'), { recursive: true, force: true });
  } else {
    rmSync(workDir, { recursive: true, force: true });
  }
  mkdirSync(join(workDir, 'batches'), { recursive: true });

  const total = end - start;
  const pending = tasks.map((_, i) => i).filter((i) => !completed.has(i));
  // Summaries are folded where the batches run (see worker.ts) and collected at checkpoints and at the end.
  const timings = options.timings;
  const clock = timings ? new WorkClock(Math.max(1, options.workers)) : undefined;
  let phaseStart = t0;
  /** Adds the time since the last phase ended to `phase` (when timed). */
  const phase = (name: string): void => {
    if (!timings) return;
    const now = performance.now();
    timings.phases[name] = (timings.phases[name] ?? 0) + now - phaseStart;
    phaseStart = now;
  };
  phase('prepare');
  const runner: BatchRunner = createRunner(experiment, options.workers, options.runner ?? 'auto', pending.length, {
    fold: { experimentKey: aggregate.experimentKey }, clock,
  });
  phase('start pool');

  const writeCheckpoint = (): void => {
    const tmp = `${checkpointFile}.tmp`;
    writeFileDurably(tmp, JSON.stringify({ completed: [...completed].sort((a, b) => a - b), aggregate: aggregate.toJSON() } satisfies Checkpoint));
    renameSync(tmp, checkpointFile);
  };

  const inFlight = new Map<number, BatchTask>();
  /**
   * Batches finished (rows written) whose summaries still sit in the workers, kept until the next
   * collect so an interrupt can fold them here and lose nothing.
   */
  const limit = Math.max(2, runner.workers * 2);
  // Room for the cap and the batches that finish while a collect waits for those in flight.
  const uncollected = new RetainedBatches(Math.min(total, MAX_UNCOLLECTED_BYTES / (layout.rolloutSize * 8) + (limit + 1) * batchSize) * layout.rolloutSize * 8);
  let lastCollect = performance.now();
  /** A collect happened whose checkpoint is not written yet. */
  let checkpointDue = false;
  const checkpointMs = (options.checkpointSeconds ?? 10) * 1000;
  const doneBefore = resumedRollouts;
  const report = (): void => options.onProgress?.(Math.min(total, doneBefore + runner.progress()), total);
  const ticker = options.onProgress ? setInterval(report, 250) : undefined;

  /** Brings the workers' partial summaries into the aggregate; the batches they hold become completed. */
  const collect = async (): Promise<void> => {
    phase('run batches');
    const parts = await runner.collect();
    // A worker thread that died took its partial summaries with it: never count batches that are not in them.
    let expected = 0;
    for (const index of uncollected.indices()) expected += tasks[index]!.end - tasks[index]!.start;
    const received = parts.reduce((sum, part) => sum + Aggregate.packedRollouts(part), 0);
    if (received !== expected) throw new Error(`the workers handed over summaries of ${received} rollouts, expected ${expected}: a worker was lost`);
    for (const part of parts) aggregate.mergePacked(part);
    for (const index of uncollected.indices()) completed.add(index);
    uncollected.clear();
    lastCollect = performance.now();
    phase('collect');
  };

  try {
    // Every batch's rows are written as it finishes; a checkpoint waits for a moment with nothing in flight.
    await schedule(pending.length, (k) => {
      const index = pending[k]!;
      inFlight.set(index, tasks[index]!);
      return runner.run(tasks[index]!);
    }, {
      limit,
      signal: options.signal,
      onDone: (k, packed) => {
        phase('run batches');
        if (checkpointDue) {
          // The checkpoint of the last collect, written now that the workers are busy again (see pause).
          checkpointDue = false;
          writeCheckpoint();
          phase('checkpoint');
        }
        const index = pending[k]!;
        // Rows first: a checkpoint never counts a batch whose rows are missing.
        writeFileDurably(batchFile(workDir, index), rolloutRows(experiment, layout, packed, tasks[index]!.start));
        uncollected.add(index, packed);
        inFlight.delete(index);
        report();
        phase('write rows');
      },
      // A checkpoint (and the retained batches' memory) needs a collect, and a collect needs no batch in flight.
      pauseDue: () => uncollected.size > 0 && (performance.now() - lastCollect > checkpointMs || uncollected.bytes > MAX_UNCOLLECTED_BYTES),
      // The checkpoint itself waits for the next batch to finish: the aggregate and the completed batches
      // change only in a collect, so it is the same then, and the workers need not wait for it.
      pause: async () => {
        await collect();
        checkpointDue = true;
      },
    });
    await collect();
  } catch (err) {
    if (ticker) clearInterval(ticker);
    await runner.destroy().catch(() => {});
    const failure = parseFailure(err);
    if (failure) {
      rmSync(workDir, { recursive: true, force: true });
      throw new RolloutFailed(failure);
    }
    // The workers' partial summaries are gone with them: fold the finished batches they held here, and
    // keep them all for --resume.
    const keepFinished = (): void => {
      for (const [index, packed] of uncollected.entries()) {
        aggregate.addBatch(packed);
        completed.add(index);
      }
      uncollected.clear();
      writeCheckpoint();
    };
    if (options.signal?.aborted) {
      let discarded = 0;
      for (const t of inFlight.values()) discarded += t.end - t.start;
      keepFinished();
      // Nothing finished: a work folder would only prompt a --resume that has nothing to continue.
      if (aggregate.rollouts === 0) rmSync(workDir, { recursive: true, force: true });
      throw new RunInterrupted(discarded, aggregate.rollouts, total, workDir);
    }
    // Anything else (a worker thread lost, a full disk): what is finished is kept as after an interrupt.
    // If even that cannot be written, an earlier checkpoint (written whole, then renamed) still stands.
    const error = err instanceof Error ? err : new Error(String(err));
    let kept = '';
    try {
      keepFinished();
      if (aggregate.rollouts > 0) kept = `the ${aggregate.rollouts} rollouts finished are kept`;
    } catch {
      if (existsSync(checkpointFile)) kept = 'the rollouts of the last checkpoint are kept';
    }
    if (kept) error.message += ` (${kept} in ${workDir}: run the same command with --resume to continue)`;
    else rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  if (ticker) clearInterval(ticker);
  await runner.close();
  options.onProgress?.(total, total);
  phase('close pool');
  if (timings && clock) timings.threads = clock.times();

  // Everything finished: write the outputs beside the batches, then rename into place.
  const ready = join(workDir, 'final');
  rmSync(ready, { recursive: true, force: true });
  mkdirSync(ready);
  concatenate(join(ready, 'rollouts.csv'), rolloutsHeader(experiment, layout), tasks.map((_, i) => batchFile(workDir, i)), false);
  phase('rollouts.csv');
  let summary: RunSummary | null = null;
  if (options.shard) {
    writeJson(join(ready, 'partial.json'), { experiment, aggregate: aggregate.toJSON() });
  } else {
    summary = withExactColumns(join(ready, 'rollouts.csv'), experiment, join(workDir, 'exact-columns.bin'), (exact) => buildSummary(experiment, aggregate, exact));
    phase('summary');
    writeFileDurably(join(ready, 'timeseries.csv'), timeseriesCsv(experiment, aggregate));
    phase('timeseries.csv');
    writeJson(join(ready, 'summary.json'), summary);
  }
  const manifest = manifestOf(experiment, {
    workers: runner.workers,
    batchSize,
    started,
    t0,
    command: options.command,
    extra: {
      ...(options.shard ? { shard: { index: options.shard.index, count: options.shard.count, rolloutStart: start, rolloutEnd: end } } : {}),
      ...(resumedRollouts > 0 ? { resumed: true } : {}),
    },
  });
  writeJson(join(ready, 'manifest.json'), manifest);
  // The expanded experiment the run used: the report reads fixed settings from here, never from the scenario file.
  writeJson(join(ready, 'experiment.json'), experiment);
  mkdirSync(dirname(out), { recursive: true });
  installFolder(ready, out);
  rmSync(workDir, { recursive: true, force: true });
  phase('write and install');
  return { out, summary, manifest, resumedRollouts };
}

/** The manifest of a finished run: what was run, with what, and how long it took. */
export function manifestOf(
  experiment: Experiment,
  run: { workers: number; batchSize: number; started: Date; t0: number; command?: string; extra?: Partial<RunManifest> },
): RunManifest {
  return {
    format: MANIFEST_FORMAT,
    scenario: { name: experiment.name, source: experiment.source, hash: experiment.hash },
    uptakeVersion: uptakeVersion(),
    nodeVersion: process.version,
    seed: experiment.seed,
    rollouts: experiment.rollouts,
    weeks: experiment.params.weeks,
    strategies: experiment.strategies.map((s) => s.name),
    workers: run.workers,
    batchSize: run.batchSize,
    startedAt: run.started.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: Number(((performance.now() - run.t0) / 1000).toFixed(3)),
    ...run.extra,
    command: run.command ?? '',
  };
}

/** A shard's run that did not finish: its work folder, the output folder it was writing, and the rollouts its checkpoint keeps. */
export interface UnfinishedShard {
  workDir: string;
  out: string;
  keptRollouts: number;
}

/**
 * The work folder left in `parent` by an unfinished run of `shard` (for `uptake merge` to say where a
 * missing shard stopped): found by its run key, so only a run of this experiment and shard matches.
 */
export function findUnfinishedShard(parent: string, experiment: Experiment, shard: Shard, batchSize: number): UnfinishedShard | undefined {
  if (!existsSync(parent) || !statSync(parent).isDirectory()) return undefined;
  const [start, end] = shardRange(experiment.rollouts, shard);
  const suffix = `.uptake-${runKey(experiment, start, end, batchSize)}`;
  const name = readdirSync(parent).find((n) => n.startsWith('.') && n.endsWith(suffix) && n.length > suffix.length + 1);
  if (name === undefined) return undefined;
  const workDir = join(parent, name);
  let keptRollouts = 0;
  try {
    keptRollouts = (JSON.parse(readFileSync(join(workDir, 'checkpoint.json'), 'utf8')) as Checkpoint).aggregate.rollouts;
  } catch {
    // No checkpoint yet (the run was killed before its first): nothing is kept.
  }
  return { workDir, out: join(parent, name.slice(1, -suffix.length)), keptRollouts };
}

/** Work folders of earlier interrupted runs for this output folder (for a hint about --resume). */
export function interruptedRuns(out: string): string[] {
  const abs = resolve(out);
  const parent = dirname(abs);
  if (!existsSync(parent)) return [];
  const prefix = `.${basename(abs)}.uptake-`;
  if (!statSync(parent).isDirectory()) return []; // a file in the way: runExperiment says so
  return readdirSync(parent).filter((n) => n.startsWith(prefix)).map((n) => join(parent, n));
}
