/**
 * Rollouts for `uptake test`, run through the runner's batch API and reduced
 * at once to the few numbers the claims and baselines read: every per-rollout
 * result of every strategy, plus each `strategy.observable@week` a claim
 * names. The per-week series of a batch are dropped as soon as these are
 * read, so memory grows by a few dozen numbers per rollout, not by series.
 *
 * Rollout r is the same rollout (same seeds, organisation and parameter
 * draw) however many rollouts are asked for, so the first n rollouts of a
 * longer run serve a shorter one: the cache and the sequential looks rely on it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OBS, RES, OBSERVABLE_COUNT, RESULTS, type ObservableName, type ResultName } from '../model/index.ts';
import { layoutOf, planBatches, seriesAt, strategyOffset, waveForcedAt, waveOpenAt, type BatchTask } from '../runner/batch.ts';
import { fingerprint } from '../fingerprint.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { createRunner, type BatchRunner } from '../runner/pool.ts';
import { ScheduleAborted, schedule } from '../runner/schedule.ts';
import { uptakeVersion } from '../version.ts';
import { columnName, parseColumn, waveColumnOf } from '../scenarios/claim.ts';
import type { Sample } from './decide.ts';

/** Every result of every strategy, then the extra observable columns. */
export function columnsFor(experiment: Experiment, extra: readonly string[] = []): string[] {
  const base = experiment.strategies.flatMap((s) => RESULTS.map((r) => columnName(s.name, r.name)));
  return [...new Set([...base, ...extra])];
}

/** Growable per-column storage. */
export class RolloutTable implements Sample {
  private data: Float64Array[];
  private size = 0;
  private capacity: number;

  constructor(readonly columns: readonly string[], capacity = 64) {
    this.capacity = Math.max(1, capacity);
    this.data = columns.map(() => new Float64Array(this.capacity));
  }

  get n(): number {
    return this.size;
  }

  column(name: string): Float64Array {
    const i = this.columns.indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    return this.data[i]!.subarray(0, this.size);
  }

  /** A view of the first n rollouts. */
  first(n: number): Sample {
    const size = Math.min(n, this.size);
    return { n: size, column: (name) => this.column(name).subarray(0, size) };
  }

  push(row: ArrayLike<number>): void {
    if (this.size === this.capacity) {
      this.capacity *= 2;
      this.data = this.data.map((d) => {
        const bigger = new Float64Array(this.capacity);
        bigger.set(d);
        return bigger;
      });
    }
    for (let c = 0; c < this.columns.length; c++) this.data[c]![this.size] = row[c]!;
    this.size++;
  }

  toJSON(): { columns: readonly string[]; rollouts: number; values: (number | null)[][] } {
    return { columns: this.columns, rollouts: this.size, values: this.columns.map((c) => Array.from(this.column(c), (v) => (Number.isNaN(v) ? null : v))) };
  }

  static fromJSON(json: { columns: string[]; rollouts: number; values: (number | null)[][] }, columns: readonly string[]): RolloutTable | undefined {
    const index = columns.map((c) => json.columns.indexOf(c));
    if (index.some((i) => i < 0)) return undefined;
    const table = new RolloutTable(columns, json.rollouts);
    const row = new Float64Array(columns.length);
    for (let r = 0; r < json.rollouts; r++) {
      for (let c = 0; c < columns.length; c++) row[c] = json.values[index[c]!]![r] ?? NaN;
      table.push(row);
    }
    return table;
  }
}

/** How each column is read from a packed batch: offset within a rollout block (forecast rollouts too, given forecastExperiment's shape). */
export function columnOffsets(experiment: Experiment, columns: readonly string[]): Int32Array {
  const layout = layoutOf(experiment);
  const names = experiment.strategies.map((s) => s.name);
  return Int32Array.from(columns, (column) => {
    const { strategy, name, week } = parseColumn(column);
    const s = names.indexOf(strategy);
    if (s < 0) throw new Error(`unknown strategy ${strategy}`);
    const base = strategyOffset(layout, s);
    const wave = waveColumnOf(name);
    if (wave !== undefined) return base + (wave.forced ? waveForcedAt(layout, wave.wave) : waveOpenAt(wave.wave));
    if (week === undefined) return base + RES[name as ResultName];
    return base + seriesAt(layout) + week * OBSERVABLE_COUNT + OBS[name as ObservableName];
  });
}

export interface RolloutSourceOptions {
  workers: number;
  /** Folder for cached rollouts; undefined: no cache. */
  cacheDir?: string;
  /** Told of rollouts done / asked for, while running. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting stops waiting for the workers: ensure() throws TestInterrupted. */
  signal?: AbortSignal;
}

export class TestInterrupted extends Error {
  /** Rollouts of this experiment finished before the interruption (they go to the cache, when there is one). */
  constructor(readonly finished = 0) {
    super('interrupted');
    this.name = 'TestInterrupted';
  }
}

/**
 * Rollouts of one experiment on demand: `ensure(n)` returns the first n,
 * running only those not yet run (or cached). Close it to stop the workers.
 */
export class RolloutSource {
  readonly table: RolloutTable;
  private runner?: BatchRunner;
  private readonly offsets: Int32Array;
  /** Rollouts that came from the cache. */
  readonly cached: number;
  private readonly cacheFile?: string;
  private savedRollouts: number;

  constructor(
    readonly experiment: Experiment,
    columns: readonly string[],
    private readonly options: RolloutSourceOptions,
  ) {
    this.offsets = columnOffsets(experiment, columns);
    let table: RolloutTable | undefined;
    if (options.cacheDir) {
      this.cacheFile = join(options.cacheDir, `${experiment.name}-${cacheKey(experiment, columns).slice(0, 24)}.json`);
      table = readCache(this.cacheFile, columns);
    }
    this.table = table ?? new RolloutTable(columns);
    this.cached = this.table.n;
    this.savedRollouts = this.table.n;
  }

  async ensure(n: number): Promise<Sample> {
    const have = this.table.n;
    if (n > have) {
      const experiment = { ...this.experiment, rollouts: n };
      const tasks = planBatchesFor(have, n, this.options.workers);
      this.runner ??= createRunner(experiment, this.options.workers, 'auto', tasks.length);
      const layout = layoutOf(experiment);
      const row = new Float64Array(this.offsets.length);
      let done = 0;
      const runner = this.runner;
      const progressBase = runner.progress();
      const tick = this.options.onProgress ? setInterval(() => this.options.onProgress!(have + Math.min(n - have, runner.progress() - progressBase), n), 250) : undefined;
      try {
        await schedule(tasks.length, (i) => runner.run(tasks[i]!), {
          signal: this.options.signal,
          onDone: (i) => {
            done += tasks[i]!.end - tasks[i]!.start;
            this.options.onProgress?.(have + done, n);
          },
          // Rows go into the table in rollout order, whatever order batches finish in.
          onInOrder: (i, packed) => {
            for (let r = 0, count = tasks[i]!.end - tasks[i]!.start; r < count; r++) {
              const base = r * layout.rolloutSize;
              for (let c = 0; c < row.length; c++) row[c] = packed[base + this.offsets[c]!]!;
              this.table.push(row);
            }
          },
        });
      } catch (err) {
        throw err instanceof ScheduleAborted ? new TestInterrupted(this.table.n) : err;
      } finally {
        if (tick) clearInterval(tick);
      }
    }
    return this.table.first(n);
  }

  /** Stop the workers and write the cache. */
  async close(): Promise<void> {
    await this.runner?.close();
    this.runner = undefined;
    if (this.cacheFile && this.table.n > this.savedRollouts) {
      writeCache(this.cacheFile, this.table);
      this.savedRollouts = this.table.n;
    }
  }

  /** Stop the workers at once (batches in flight are lost); rollouts finished in order are still cached. */
  async destroy(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    const rows = this.table.n;
    if (this.cacheFile && rows > this.savedRollouts) {
      writeCache(this.cacheFile, this.table);
      this.savedRollouts = rows;
    }
    await runner?.destroy();
  }
}

/** Batches of at most 16 rollouts, about four per worker, so the first look at a claim comes soon; the one planner of src/runner. */
export function planBatchesFor(start: number, end: number, workers: number): BatchTask[] {
  return planBatches(start, end, Math.max(1, Math.min(16, Math.ceil((end - start) / (4 * Math.max(1, workers))))));
}

// ── Cache ─────────────────────────────────────────────────────────────────────

let modelVersionCache: string | undefined;

/**
 * The model's version for cache keys: a hash of uptake's version and the
 * source of everything that decides a rollout's numbers (the model, the
 * parameter draws and the batch runner), so any change to them reruns.
 */
export function modelVersion(): string {
  if (modelVersionCache) return modelVersionCache;
  const hash = createHash('sha256').update(uptakeVersion());
  // Always the TypeScript sources (dist/ is built from them), so compiled and tsx runs share one cache.
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const files: string[] = [];
  const modelDir = join(src, 'model');
  if (existsSync(modelDir)) for (const f of readdirSync(modelDir).sort()) if (f.endsWith('.ts')) files.push(join(modelDir, f));
  for (const rel of ['scenarios/experiment.ts', 'runner/batch.ts']) {
    const f = join(src, rel);
    if (existsSync(f)) files.push(f);
  }
  for (const f of files) hash.update(f.slice(f.lastIndexOf('src'))).update(readFileSync(f));
  modelVersionCache = hash.digest('hex').slice(0, 16);
  return modelVersionCache;
}

/** Key: the experiment as it decides rollouts (not its rollout count, labels, descriptions, currency, source or assumptions), the model version, and the columns kept. */
export function cacheKey(experiment: Experiment, columns: readonly string[]): string {
  const { source: _s, hash: _h, rollouts: _r, label: _l, description: _d, assumptions: _a, currency: _c, ...rest } = experiment;
  const strategies = rest.strategies.map(({ label: _label, ...plan }) => plan);
  return fingerprint({ format: 1, model: modelVersion(), experiment: { ...rest, strategies }, columns });
}

function readCache(file: string, columns: readonly string[]): RolloutTable | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return RolloutTable.fromJSON(JSON.parse(readFileSync(file, 'utf8')), columns);
  } catch {
    return undefined; // A damaged cache file is only a slower run.
  }
}

function writeCache(file: string, table: RolloutTable): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(table.toJSON()));
    renameSync(tmp, file);
    // Older entries of this scenario (another model version, seed or parameters) would only pile up.
    const dir = dirname(file);
    const name = basename(file);
    const scenario = name.slice(0, name.lastIndexOf('-') + 1);
    for (const other of readdirSync(dir)) {
      if (other !== name && other.startsWith(scenario) && /^[0-9a-f]{24}\.json$/.test(other.slice(scenario.length))) rmSync(join(dir, other), { force: true });
    }
  } catch {
    // An unwritable cache folder costs time, not results.
  }
}
