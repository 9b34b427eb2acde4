/**
 * `uptake explore` (Sobol' or Morris) from experiment to `<out>/explore/`: every design point × R
 * replicates × every strategy on the runner's pool and batches (the replicates' seeds are the same at
 * every point: common random numbers across points, as between strategies), then Sobol' indices for
 * (or Morris's μ* and σ) for every result and every strategy and paired difference, at N/2 and N, the Monte Carlo noise share,
 * and indices over time for the main observables (docs/explore.md).
 *
 * Finished batches are kept as they finish in a work folder beside `<out>/explore`, so an interrupted
 * run continues with --resume; the outputs are written there and renamed into place.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { deriveSeed, OBS, OBSERVABLE_COUNT, RES, RESULTS, type ObservableName, type ResultName } from '../model/index.ts';
import { InputError } from '../errors.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { batchSizeFor, layoutOf, parseFailure, planBatches, seriesAt, strategyOffset, type BatchTask, type RolloutFailureInfo } from '../runner/batch.ts';
import { experimentKey } from '../runner/execute.ts';
import { EXPLORE_FOLDER, stringifyJson, writeFileDurably } from '../runner/outputs.ts';

export { EXPLORE_FOLDER };
import { createRunner } from '../runner/pool.ts';
import { schedule } from '../runner/schedule.ts';
import { uptakeVersion } from '../version.ts';
import { blockOf, buildDesign, designCsv, pointOverride, pointPlans, type ExploreDesign, type ExploreSettings } from './design.ts';
import { aboutZero, noiseShare, sobolIndices, sobolIndicesAtHalfAndFull, type Interval, type SobolIndices } from './indices.ts';
import type { SaltelliOutputs } from './saltelli.ts';
import { MORRIS_LEVELS, morrisIndices } from './morris.ts';

export const EXPLORE_FORMAT = 'uptake-explore/1';

/** Files `uptake explore --discover` writes into explore/: a Sobol' or Morris run keeps them, as a discovery keeps its files. */
export const DISCOVERY_FILES = ['boxes.csv', 'trajectory.csv', 'discover.json'];
/** Results explored: all of rollouts.csv's but governance, a code (0..3), not a quantity whose variance means something. */
export const EXPLORE_OUTCOMES: ResultName[] = RESULTS.map((r) => r.name).filter((n) => n !== 'governance');
/** Observables whose indices are followed week by week (indices-by-week.csv). */
export const BY_WEEK_OBSERVABLES: ObservableName[] = ['active_share', 'access_share', 'producers_share'];
/** Bootstrap resamples: the headline indices, and the (many more) week-by-week ones. */
const RESAMPLES = 1000;
const RESAMPLES_BY_WEEK = 200;
/** Above this share of Monte Carlo noise, the text says that more rollouts per point would help. */
export const NOISE_WARNING = 0.2;

export interface ExploreOptions {
  experiment: Experiment;
  settings: ExploreSettings;
  /** The output folder; the results go to `<out>/explore/`. */
  out: string;
  workers: number;
  resume?: boolean;
  runner?: 'auto' | 'pool' | 'sequential';
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  command?: string;
}

/** One row of indices.csv. */
export interface IndexRow {
  outcome: string;
  /** A strategy's name, or `A-B` for the paired difference A − B. */
  strategy: string;
  input: string;
  index: 'first_order' | 'total' | 'mu_star' | 'sigma';
  estimate: number;
  low: number;
  high: number;
  n: number;
}

export interface NoiseRow {
  outcome: string;
  strategy: string;
  /** Share of the variance of single rollouts that is between replicates of one point. */
  share: number;
}

export interface ExploreResult {
  dir: string;
  design: ExploreDesign;
  indices: IndexRow[];
  noise: NoiseRow[];
  strategies: string[];
  seconds: number;
  workers: number;
  resumedRollouts: number;
}

export class ExploreInterrupted extends Error {
  constructor(readonly completedRollouts: number, readonly totalRollouts: number, readonly workDir: string) {
    super(`interrupted: ${completedRollouts} of ${totalRollouts} rollouts finished and kept for --resume`);
    this.name = 'ExploreInterrupted';
  }
}

export class ExploreRolloutFailed extends Error {
  constructor(readonly info: RolloutFailureInfo & { point: number; replicate: number }) {
    super(`design point ${info.point}, replicate ${info.replicate}, strategy ${info.strategy} (seed ${info.seed}) failed: ${info.message}`);
    this.name = 'ExploreRolloutFailed';
  }
}

/** The units indices are computed for: each strategy, then each pair A − B in the file's order. */
export function unitsOf(strategies: string[]): { name: string; a: number; b: number }[] {
  const units = strategies.map((name, s) => ({ name, a: s, b: -1 }));
  for (let a = 0; a < strategies.length; a++) for (let b = a + 1; b < strategies.length; b++) units.push({ name: `${strategies[a]}-${strategies[b]}`, a, b });
  return units;
}

/** Weeks of indices-by-week.csv: every 4th, and the horizon. */
export function byWeekWeeks(weeks: number): number[] {
  const out: number[] = [];
  for (let w = 4; w < weeks; w += 4) out.push(w);
  out.push(weeks);
  return out;
}

/** The folder `uptake explore` writes in, beside `<out>/explore`; keyed by what determines the results. */
function workDirOf(out: string, experiment: Experiment, design: ExploreDesign, batchSize: number): string {
  const key = fingerprint({ v: 1, method: design.settings.method, experiment: experimentKey(experiment), inputs: design.settings.inputs, n: design.n, r: design.settings.rollouts, batchSize }).slice(0, 16);
  return join(resolve(out), `.${EXPLORE_FOLDER}.uptake-${key}`);
}

/** Refuses, before anything runs, an `<out>/explore` that uptake did not write, or an `<out>` that is a file. */
export function checkExploreFolder(out: string): void {
  const dir = join(out, EXPLORE_FOLDER);
  for (let p = resolve(out); ; p = dirname(p)) {
    if (existsSync(p)) {
      if (!statIsDir(p)) throw new InputError(`${out}: ${p} is a file, not a folder`, 'give --out a folder, e.g. --out out/explore-run');
      break;
    }
    if (dirname(p) === p) break;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, 'manifest.json'))) {
    throw new InputError(`${dir}: exists and was not written by uptake explore`, 'choose another --out or remove it');
  }
}

function statIsDir(p: string): boolean {
  return statSync(p).isDirectory();
}

function batchFile(workDir: string, index: number): string {
  return join(workDir, 'batches', `${String(index).padStart(7, '0')}.f64`);
}

export async function runExplore(options: ExploreOptions): Promise<ExploreResult> {
  const t0 = performance.now();
  const started = new Date();
  const { experiment, settings } = options;
  const out = resolve(options.out);
  checkExploreFolder(options.out);
  const design = buildDesign(settings, experiment.seed);
  const method = settings.method;
  const r = settings.rollouts;
  const total = design.points * r;
  const layout = layoutOf(experiment);
  const batchSize = batchSizeFor(total);
  const tasks = planBatches(0, total, batchSize);
  const workDir = workDirOf(out, experiment, design, batchSize);
  // Made here only to hold the work folder: removed again if the run ends with nothing in it.
  const outExisted = existsSync(out);
  const dropWorkDir = (): void => {
    rmSync(workDir, { recursive: true, force: true });
    if (!outExisted && existsSync(out) && readdirSync(out).length === 0) rmSync(out, { recursive: true, force: true });
  };
  const strategies = experiment.strategies.map((s) => s.name);
  const S = strategies.length;
  const weeks = byWeekWeeks(layout.weeks);

  // Per rollout q = point · R + replicate and strategy s: the results, and the followed observables at the followed weeks.
  const results = new Float64Array(total * S * EXPLORE_OUTCOMES.length);
  const series = new Float64Array(total * S * BY_WEEK_OBSERVABLES.length * weeks.length);
  const take = (packed: Float64Array, start: number): void => {
    const count = packed.length / layout.rolloutSize;
    for (let t = 0; t < count; t++) {
      const q = start + t;
      for (let s = 0; s < S; s++) {
        const o = t * layout.rolloutSize + strategyOffset(layout, s);
        const rbase = (q * S + s) * EXPLORE_OUTCOMES.length;
        EXPLORE_OUTCOMES.forEach((name, m) => {
          const v = packed[o + RES[name]]!;
          // "Never" (a week not reached) counts as the week after the horizon, so every point has a number.
          results[rbase + m] = Number.isNaN(v) ? layout.weeks + 1 : v;
        });
        const so = o + seriesAt(layout);
        const sbase = (q * S + s) * BY_WEEK_OBSERVABLES.length * weeks.length;
        BY_WEEK_OBSERVABLES.forEach((name, k) => {
          weeks.forEach((w, i) => {
            series[sbase + k * weeks.length + i] = packed[so + w * OBSERVABLE_COUNT + OBS[name]]!;
          });
        });
      }
    }
  };

  const completed = new Set<number>();
  let resumedRollouts = 0;
  if (options.resume && existsSync(join(workDir, 'batches'))) {
    for (const name of readdirSync(join(workDir, 'batches'))) {
      const index = Number(name.replace(/\.f64$/, ''));
      if (!name.endsWith('.f64') || !Number.isInteger(index) || !tasks[index]) continue;
      const bytes = readFileSync(join(workDir, 'batches', name));
      const packed = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      if (packed.length !== (tasks[index]!.end - tasks[index]!.start) * layout.rolloutSize) continue; // cut short by a crash: run it again
      take(packed, tasks[index]!.start);
      completed.add(index);
      resumedRollouts += tasks[index]!.end - tasks[index]!.start;
    }
  } else {
    rmSync(workDir, { recursive: true, force: true });
  }
  mkdirSync(join(workDir, 'batches'), { recursive: true });

  const plansOf = new Map<number, ReturnType<typeof pointPlans>>();
  const taskOf = (index: number): BatchTask => {
    const { start, end } = tasks[index]!;
    const overrides = [];
    for (let q = start; q < end; q++) {
      const p = Math.floor(q / r);
      if (!plansOf.has(p)) plansOf.set(p, pointPlans(experiment, design, p));
      overrides.push(pointOverride(experiment, design, p, q % r, plansOf.get(p)));
    }
    plansOf.clear();
    return { start, end, overrides };
  };

  const pending = tasks.map((_, i) => i).filter((i) => !completed.has(i));
  const runner = createRunner(experiment, options.workers, options.runner ?? 'auto', pending.length);
  const report = (): void => options.onProgress?.(Math.min(total, resumedRollouts + runner.progress()), total);
  const ticker = options.onProgress ? setInterval(report, 250) : undefined;
  try {
    await schedule(pending.length, (k) => runner.run(taskOf(pending[k]!)), {
      limit: Math.max(2, runner.workers * 2),
      signal: options.signal,
      onDone: (k, packed) => {
        const index = pending[k]!;
        const file = batchFile(workDir, index);
        writeFileSync(`${file}.tmp`, new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength));
        renameSync(`${file}.tmp`, file);
        take(packed, tasks[index]!.start);
        completed.add(index);
        report();
      },
    });
  } catch (err) {
    if (ticker) clearInterval(ticker);
    await runner.destroy().catch(() => {});
    const failure = parseFailure(err);
    if (failure) {
      dropWorkDir();
      // The batch numbers rollouts by position in the design: point and replicate from it.
      throw new ExploreRolloutFailed({ ...failure, point: Math.floor(failure.rollout / r), replicate: failure.rollout % r });
    }
    let done = 0;
    for (const i of completed) done += tasks[i]!.end - tasks[i]!.start;
    if (done === 0) dropWorkDir();
    if (options.signal?.aborted) throw new ExploreInterrupted(done, total, workDir);
    throw err;
  }
  if (ticker) clearInterval(ticker);
  await runner.close();
  options.onProgress?.(total, total);
  const simulated = performance.now();

  const bootstrapSeed = deriveSeed(experiment.seed, 'explore', 'bootstrap');
  const units = unitsOf(strategies);
  const indices: IndexRow[] = [];
  const noise: NoiseRow[] = [];
  const P = design.points;
  const N = design.n;
  const pointValues = (value: (q: number) => number): { perRollout: Float64Array; means: Float64Array } => {
    const perRollout = new Float64Array(total);
    const means = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      let sum = 0;
      for (let j = 0; j < r; j++) {
        const v = value(p * r + j);
        perRollout[p * r + j] = v;
        sum += v;
      }
      means[p] = sum / r;
    }
    return { perRollout, means };
  };
  // Centred on the mean over A and B: the indices do not change with a shift of the output, but the
  // first-order estimator's variance grows with the output's mean squared (docs/explore.md).
  const outputsOf = (means: Float64Array): SaltelliOutputs => {
    let centre = 0;
    for (let j = 0; j < 2 * N; j++) centre += means[j]!;
    centre /= 2 * N;
    const c = means.map((v) => v - centre);
    return {
      fA: c.subarray(0, N),
      fB: c.subarray(N, 2 * N),
      fAB: design.settings.inputs.map((_, i) => c.subarray((2 + i) * N, (3 + i) * N)),
    };
  };
  const M = EXPLORE_OUTCOMES.length;
  EXPLORE_OUTCOMES.forEach((outcome, m) => {
    for (const unit of units) {
      const at = (q: number, s: number): number => results[(q * S + s) * M + m]!;
      const { perRollout, means } = pointValues(unit.b < 0 ? (q) => at(q, unit.a) : (q) => at(q, unit.a) - at(q, unit.b));
      noise.push({ outcome, strategy: unit.name, share: noiseShare(perRollout, r).share });
      if (design.morris) {
        for (const m of [Math.floor(N / 2), N]) pushMorrisRows(indices, morrisIndices(design.morris, means, { n: m, resamples: RESAMPLES, seed: bootstrapSeed }), { outcome, strategy: unit.name }, design);
      } else {
        const { half, full } = sobolIndicesAtHalfAndFull(outputsOf(means), { resamples: RESAMPLES, seed: bootstrapSeed });
        for (const est of [half, full]) pushRows(indices, est, { outcome, strategy: unit.name }, design);
      }
    }
  });
  const byWeek: string[] = ['method,observable,week,strategy,input,index,estimate,low,high,n'];
  const K = BY_WEEK_OBSERVABLES.length;
  const Wn = weeks.length;
  BY_WEEK_OBSERVABLES.forEach((observable, k) => {
    weeks.forEach((week, i) => {
      for (const unit of units) {
        const at = (q: number, s: number): number => series[((q * S + s) * K + k) * Wn + i]!;
        const { means } = pointValues(unit.b < 0 ? (q) => at(q, unit.a) : (q) => at(q, unit.a) - at(q, unit.b));
        const rows: IndexRow[] = [];
        if (design.morris) pushMorrisRows(rows, morrisIndices(design.morris, means, { resamples: RESAMPLES_BY_WEEK, seed: bootstrapSeed }), { outcome: observable, strategy: unit.name }, design);
        else pushRows(rows, sobolIndices(outputsOf(means), { resamples: RESAMPLES_BY_WEEK, seed: bootstrapSeed }), { outcome: observable, strategy: unit.name }, design);
        for (const row of rows) byWeek.push([method, observable, week, row.strategy, row.input, row.index, num(row.estimate), num(row.low), num(row.high), row.n].join(','));
      }
    });
  });
  const finished = performance.now();

  // Everything computed: write beside the batches, then rename into place.
  const ready = join(workDir, 'final');
  rmSync(ready, { recursive: true, force: true });
  mkdirSync(ready);
  writeFileDurably(join(ready, 'design.csv'), designCsv(design));
  writeFileDurably(join(ready, 'indices.csv'), indicesCsv(indices, method));
  writeFileDurably(join(ready, 'indices-by-week.csv'), `${byWeek.join('\n')}\n`);
  writeFileDurably(join(ready, 'summary.json'), stringifyJson({
    format: EXPLORE_FORMAT,
    method,
    scenario: { name: experiment.name, source: experiment.source, hash: experiment.hash },
    seed: experiment.seed,
    samples: design.n,
    ...(design.morris ? { morris: { trajectories: design.n, levels: MORRIS_LEVELS, delta: 0.5 } } : {}),
    rollouts_per_point: r,
    inputs_from: settings.from,
    inputs: settings.inputs.map((input) => ({ name: input.name, distribution: input.distribution, ...(input.integer ? { rounded: true } : {}) })),
    design_points: design.points,
    rollouts: total,
    simulations: total * S,
    strategies,
    replicate_seeds: Array.from({ length: r }, (_, j) => deriveSeed(experiment.seed, 'rollout', j)),
    bootstrap: { resamples: RESAMPLES, resamples_by_week: RESAMPLES_BY_WEEK, seed: bootstrapSeed },
    never_counts_as_week: layout.weeks + 1,
    by_week: { observables: BY_WEEK_OBSERVABLES, weeks },
    noise_share: noise.map((n) => ({ outcome: n.outcome, strategy: n.strategy, share: round(n.share) })),
  }));
  const seconds = (performance.now() - t0) / 1000;
  writeFileDurably(join(ready, 'manifest.json'), stringifyJson({
    format: EXPLORE_FORMAT,
    scenario: { name: experiment.name, source: experiment.source, hash: experiment.hash },
    uptakeVersion: uptakeVersion(),
    nodeVersion: process.version,
    workers: runner.workers,
    batchSize,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    seconds: round(seconds),
    seconds_simulating: round((simulated - t0) / 1000),
    seconds_indices: round((finished - simulated) / 1000),
    ...(resumedRollouts > 0 ? { resumed: true } : {}),
    command: options.command ?? '',
  }));
  const dir = join(out, EXPLORE_FOLDER);
  // A discovery's files (uptake explore --discover) are not this method's to drop.
  for (const name of DISCOVERY_FILES) if (existsSync(join(dir, name))) copyFileSync(join(dir, name), join(ready, name));
  if (existsSync(dir)) {
    const aside = `${dir}.replaced-${process.pid}`;
    rmSync(aside, { recursive: true, force: true });
    renameSync(dir, aside);
    renameSync(ready, dir);
    rmSync(aside, { recursive: true, force: true });
  } else {
    renameSync(ready, dir);
  }
  rmSync(workDir, { recursive: true, force: true });
  return { dir, design, indices, noise, strategies, seconds, workers: runner.workers, resumedRollouts };
}

function pushRows(rows: IndexRow[], est: SobolIndices, at: { outcome: string; strategy: string }, design: ExploreDesign): void {
  design.settings.inputs.forEach((input, i) => {
    rows.push({ ...at, input: input.name, index: 'first_order', ...intervalOf(est.firstOrder[i]!), n: est.n });
    rows.push({ ...at, input: input.name, index: 'total', ...intervalOf(est.total[i]!), n: est.n });
  });
}

function pushMorrisRows(rows: IndexRow[], est: ReturnType<typeof morrisIndices>, at: { outcome: string; strategy: string }, design: ExploreDesign): void {
  design.settings.inputs.forEach((input, i) => {
    rows.push({ ...at, input: input.name, index: 'mu_star', ...intervalOf(est.muStar[i]!), n: est.n });
    rows.push({ ...at, input: input.name, index: 'sigma', ...intervalOf(est.sigma[i]!), n: est.n });
  });
}

/** A constant output (no variance) has no indices: NaN, written empty. */
function intervalOf(i: Interval): Interval {
  return { estimate: i.estimate, low: i.low, high: i.high };
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toFixed(6)) : x;
}

/** Indices rounded to 6 decimals in files: more digits are bootstrap noise. */
function num(x: number): string {
  return Number.isFinite(x) ? String(round(x)) : '';
}

export const INDICES_COLUMNS = ['method', 'outcome', 'strategy', 'input', 'index', 'estimate', 'low', 'high', 'n'] as const;

export function indicesCsv(rows: IndexRow[], method = 'sobol'): string {
  const lines = [INDICES_COLUMNS.join(',')];
  for (const row of rows) lines.push([method, row.outcome, row.strategy, row.input, row.index, num(row.estimate), num(row.low), num(row.high), row.n].join(','));
  return `${lines.join('\n')}\n`;
}

export { aboutZero, blockOf };
