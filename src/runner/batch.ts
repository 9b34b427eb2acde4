/**
 * One task: a contiguous range of rollouts, every strategy. The organisation
 * and the parameter draw of rollout r are built once and reused by every
 * strategy (common random numbers), and the whole batch is packed into one
 * Float64Array, the only thing that can be moved back from a worker.
 *
 * Packed layout, per rollout (BatchLayout.rolloutSize doubles):
 *   [seed, uncertainty values (U), then per strategy:
 *     results (RESULT_COUNT), wave open weeks (W, NaN padded), waves forced open by a deadline (W: 1, 0,
 *     NaN if not opened), series ((weeks + 1) × OBSERVABLE_COUNT)]
 */
import {
  BufferPool, OBSERVABLE_COUNT, PARAMETER_SPECS, RESULT_COUNT, Simulation, buildOrganisation, getPath, setPath, waveCountOf, type StrategyPlan,
} from '../model/index.ts';
import { isMainThread } from 'node:worker_threads';
import { type Experiment, rolloutSeed, sampleParams, seedsOf } from '../scenarios/experiment.ts';

export interface BatchLayout {
  strategies: number;
  uncertainties: number;
  /** Wave columns: the most waves (pilot included) of any strategy. */
  waves: number;
  weeks: number;
  seriesSize: number;
  strategySize: number;
  rolloutSize: number;
}

export function layoutOf(experiment: Experiment): BatchLayout {
  const strategies = experiment.strategies.length;
  const uncertainties = experiment.uncertainties.length;
  const waves = Math.max(0, ...experiment.strategies.map(waveCountOf));
  const weeks = experiment.params.weeks;
  const seriesSize = (weeks + 1) * OBSERVABLE_COUNT;
  const strategySize = RESULT_COUNT + 2 * waves + seriesSize;
  return { strategies, uncertainties, waves, weeks, seriesSize, strategySize, rolloutSize: 1 + uncertainties + strategies * strategySize };
}

/** Offset of strategy s's block within a rollout block. */
export function strategyOffset(layout: BatchLayout, s: number): number {
  return 1 + layout.uncertainties + s * layout.strategySize;
}

/** Within a strategy block: the week wave w opened. */
export function waveOpenAt(w: number): number {
  return RESULT_COUNT + w;
}

/** Within a strategy block: whether wave w was forced open by its deadline. */
export function waveForcedAt(layout: BatchLayout, w: number): number {
  return RESULT_COUNT + layout.waves + w;
}

/** Within a strategy block: the series. */
export function seriesAt(layout: BatchLayout): number {
  return RESULT_COUNT + 2 * layout.waves;
}

export interface BatchTask {
  start: number;
  end: number;
  /**
   * `uptake explore`: one per rollout of [start, end), the design point it runs. Without it, rollout r
   * is the experiment's rollout r.
   */
  overrides?: RolloutOverride[];
}

/** A rollout at a design point: the seeds of a replicate, with some inputs fixed over the usual draw. */
export interface RolloutOverride {
  /** The rollout whose seeds (organisation, dynamics, the draw of the other uncertainties) are used. */
  rollout: number;
  /** ModelParams path → value, set after the uncertainties are drawn (whole-number parameters rounded). */
  params: Record<string, number>;
  /** The strategies' plans at this point, in the experiment's order, when a strategy option is an input. */
  strategies?: StrategyPlan[];
}

const INTEGER_PATHS = new Set(PARAMETER_SPECS.filter((s) => s.integer).map((s) => s.path));

/** A failing rollout, with what is needed to reproduce it alone. */
export interface RolloutFailureInfo {
  strategy: string;
  rollout: number;
  seed: number;
  message: string;
}

const FAILURE_MARK = 'uptake-rollout-failure:';

/** Errors lose custom fields between threads: carry the details in the message. */
export function failureError(info: RolloutFailureInfo): Error {
  return new Error(FAILURE_MARK + JSON.stringify(info));
}

export function parseFailure(err: unknown): RolloutFailureInfo | null {
  const message = err instanceof Error ? err.message : String(err);
  const at = message.indexOf(FAILURE_MARK);
  if (at < 0) return null;
  try {
    return JSON.parse(message.slice(at + FAILURE_MARK.length)) as RolloutFailureInfo;
  } catch {
    return null;
  }
}

/**
 * Test-only: UPTAKE_INJECT_CRASH=<rollout> makes the worker thread that reaches that rollout exit, as a
 * worker lost to a crash would, so tests can check that the finished rollouts are kept for --resume.
 * The rollout, or -1 (never; and never on the main thread, which would take the whole process).
 */
function injectedCrash(): number {
  const spec = process.env.UPTAKE_INJECT_CRASH;
  return spec && !isMainThread ? Number(spec) : -1;
}

/**
 * Test-only fault injection: UPTAKE_INJECT_FAILURE=<strategy>:<rollout> makes
 * that rollout throw, so tests can check how the runner handles a failing rollout.
 */
function injectedFailure(): { strategy: string; rollout: number } | null {
  const spec = process.env.UPTAKE_INJECT_FAILURE;
  if (!spec) return null;
  const at = spec.lastIndexOf(':');
  return { strategy: spec.slice(0, at), rollout: Number(spec.slice(at + 1)) };
}

/**
 * Where a thread's batch time goes, in milliseconds, when a caller asks (the benchmark's
 * `default_stepping_seconds`): one slot of WORK_CLOCK_FIELDS per thread, added to batch after batch.
 */
export const WORK_CLOCK_FIELDS = ['draw', 'build', 'setup', 'step', 'pack', 'fold'] as const;
export type WorkClockField = (typeof WORK_CLOCK_FIELDS)[number];
export const WORK_CLOCK = Object.fromEntries(WORK_CLOCK_FIELDS.map((f, i) => [f, i])) as Record<WorkClockField, number>;

/** This thread's state arrays, reused from rollout to rollout (see BufferPool). */
const buffers = new BufferPool();

/**
 * Runs rollouts [task.start, task.end) under every strategy. `progress`, if
 * given, is incremented (atomically) after each rollout so the main thread
 * can draw a progress bar while the task runs. `clock`, if given, gets the
 * milliseconds spent in each part added (WORK_CLOCK); the results are the same.
 */
export function runBatch(experiment: Experiment, task: BatchTask, progress?: Int32Array, clock?: Float64Array): Float64Array {
  const layout = layoutOf(experiment);
  const out = new Float64Array((task.end - task.start) * layout.rolloutSize);
  const inject = injectedFailure();
  const crash = injectedCrash();
  for (let r = task.start; r < task.end; r++) {
    if (r === crash) process.exit(70);
    const base = (r - task.start) * layout.rolloutSize;
    const override = task.overrides?.[r - task.start];
    const replicate = override ? override.rollout : r;
    const seed = rolloutSeed(experiment.seed, replicate);
    const seeds = seedsOf(seed);
    const plans = override?.strategies ?? experiment.strategies;
    let strategy = '';
    try {
      let t = clock ? performance.now() : 0;
      const params = sampleParams(experiment, replicate);
      if (override) for (const [path, value] of Object.entries(override.params)) setPath(params, path, INTEGER_PATHS.has(path) ? Math.round(value) : value);
      out[base] = seed;
      for (let u = 0; u < layout.uncertainties; u++) out[base + 1 + u] = getPath(params, experiment.uncertainties[u]!.path) as number;
      if (clock) t = tick(clock, WORK_CLOCK.draw, t);
      const organisation = buildOrganisation(params, seeds.organisation);
      if (clock) t = tick(clock, WORK_CLOCK.build, t);
      for (let s = 0; s < layout.strategies; s++) {
        const plan = plans[s]!;
        strategy = plan.name;
        if (inject && inject.strategy === plan.name && inject.rollout === r) throw new Error('injected failure (UPTAKE_INJECT_FAILURE, test only)');
        const sim = new Simulation(params, plan, seeds, organisation, { buffers });
        if (clock) t = tick(clock, WORK_CLOCK.setup, t);
        sim.run();
        if (clock) t = tick(clock, WORK_CLOCK.step, t);
        const o = base + strategyOffset(layout, s);
        sim.results(out.subarray(o, o + RESULT_COUNT));
        for (let w = 0; w < layout.waves; w++) {
          out[o + waveOpenAt(w)] = w < sim.waveCount ? sim.waveOpenWeek[w]! : NaN;
          out[o + waveForcedAt(layout, w)] = w < sim.waveCount ? sim.waveForced[w]! : NaN;
        }
        copySeries(sim.series, out, o + seriesAt(layout), layout);
        sim.release();
        if (clock) t = tick(clock, WORK_CLOCK.pack, t);
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw failureError({ strategy: strategy || experiment.strategies[0]?.name || '', rollout: r, seed, message });
    }
    if (progress) Atomics.add(progress, 0, 1);
  }
  return out;
}

/** Adds the time since `t` to `clock[field]`; returns now. */
export function tick(clock: Float64Array, field: number, t: number): number {
  const now = performance.now();
  clock[field]! += now - t;
  return now;
}

/**
 * Copies a rollout's series into the packed block. A rollout whose horizon was
 * drawn shorter than the experiment's keeps its last week's state to the end;
 * a longer one is cut at the experiment's horizon.
 */
function copySeries(series: Float64Array, out: Float64Array, offset: number, layout: BatchLayout): void {
  const rows = Math.floor(series.length / OBSERVABLE_COUNT);
  if (rows >= layout.weeks + 1) {
    out.set(series.subarray(0, layout.seriesSize), offset);
    return;
  }
  out.set(series, offset);
  const last = series.subarray((rows - 1) * OBSERVABLE_COUNT, rows * OBSERVABLE_COUNT);
  for (let w = rows; w <= layout.weeks; w++) out.set(last, offset + w * OBSERVABLE_COUNT);
}

/**
 * Rollouts per task: never one alone (a task round-trip costs tens of
 * microseconds), small enough (about 200 tasks) that cores finish together,
 * at most 16 so progress and checkpoints stay fine-grained. It depends on the
 * number of rollouts only, never on the workers, so a run resumes anywhere.
 */
export function batchSizeFor(rollouts: number): number {
  return Math.min(16, Math.max(2, Math.ceil(rollouts / 200)));
}

export function planBatches(start: number, end: number, batchSize: number): BatchTask[] {
  const tasks: BatchTask[] = [];
  for (let s = start; s < end; s += batchSize) tasks.push({ start: s, end: Math.min(end, s + batchSize) });
  return tasks;
}
