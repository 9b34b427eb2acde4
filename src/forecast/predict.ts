/**
 * Forecast rollouts for `uptake test`'s claims on a forecast (docs/assumptions.md, "Claims on a
 * forecast"): calibrate once on the scenario's telemetry, as `uptake forecast` does (same setup, same
 * seed, so the same posterior), then draw forecast rollouts r0..r1 from the posterior and continue each
 * from its own state at the last observed week under every way forward.
 *
 * Draw r picks a particle with probability its weight, from its own seed (equal-weight resampling one
 * draw at a time), and has its own forward seed: rollout r is the same however many are asked for, so
 * the sequential looks and the cache can add draws without redoing anything. The draws are independent
 * given the calibration, as the exact bounds of decide.ts assume.
 *
 * The cache keeps the last generation and the forecast rollouts' columns, keyed by the scenario as it
 * decides the numbers, the telemetry file's bytes, the calibration settings, the model's and src/forecast's
 * sources: new telemetry recalibrates, an edited claim reading new columns only redraws.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sample } from '../assumptions/decide.ts';
import { columnOffsets, modelVersion, RolloutTable, TestInterrupted } from '../assumptions/rollouts.ts';
import type { ForecastRollouts, ForecastTestSummary } from '../assumptions/run.ts';
import { fingerprint } from '../fingerprint.ts';
import { createRandom, deriveSeed } from '../model/index.ts';
import { layoutOf } from '../runner/batch.ts';
import { ScenarioError, type Diagnostic } from '../scenarios/errors.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { AbcInterrupted, type Generation, type StopReason } from './abc.ts';
import { calibrate, calibrationSetup, posteriorDraws, readScenarioTelemetry, type CalibrationSetup } from './calibrate.ts';
import { forecastExperiment } from './simulate.ts';
import type { Telemetry } from './telemetry.ts';
import { ForecastThreads } from './threads.ts';

const CACHE_FORMAT = 1;

/** A scenario's telemetry read and checked, with the calibration it asks for: everything before a simulation runs. */
export interface PreparedForecast {
  experiment: Experiment;
  telemetry: Telemetry;
  /** sha256 of the telemetry file's bytes. */
  telemetryHash: string;
  setup: CalibrationSetup;
  warnings: Diagnostic[];
}

/**
 * Read the scenario's telemetry and set up its calibration; every problem is a ScenarioError (exit 2),
 * so `uptake test` can report them all before the first rollout.
 */
export async function prepareForecast(experiment: Experiment, overrides: { particles?: number; budget?: number } = {}): Promise<PreparedForecast> {
  const plan = experiment.forecast;
  const at = (message: string, hint: string, file = experiment.source): ScenarioError => new ScenarioError([{ file, line: 0, col: 0, path: 'forecast', message, hint }]);
  if (!plan) throw at('claims read the forecast, but the scenario has no forecast: section', 'add one (docs/forecast.md)');
  if (plan.parameters.length === 0) throw at('the forecast has nothing to calibrate', 'give forecast: parameters:, or uncertainties: with distributions (docs/forecast.md)');
  const file = plan.telemetry;
  if (!file) throw at('claims read the forecast, but forecast: names no telemetry file', 'name it in forecast: telemetry: (relative to the scenario file)');
  if (!existsSync(file)) throw at(`the telemetry file ${file} does not exist`, 'check forecast: telemetry: (relative to the scenario file)');
  const { telemetry, warnings } = await readScenarioTelemetry(experiment, file);
  const setup = calibrationSetup(experiment, telemetry, telemetry.lastWeek, overrides);
  return { experiment, telemetry, telemetryHash: createHash('sha256').update(readFileSync(file)).digest('hex'), setup, warnings };
}

export interface ForecastProgress {
  stage: 'calibration' | 'forecast';
  /** Simulations run (calibration) or forecast rollouts drawn; total: the budget, or the rollouts asked for. */
  done: number;
  total: number;
}

export interface ForecastRolloutOptions {
  workers: number;
  /** Cache folder; undefined: no cache. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: ForecastProgress) => void;
}

interface CacheFile {
  format: number;
  key: string;
  calibration?: {
    generations: number;
    simulations: number;
    stopReason: StopReason;
    warnings: string[];
    last: { generation: number; tolerance: number | null; attempts: number; accepted: number; acceptanceRate: number; ess: number; particles: number[]; weights: number[]; distances: number[]; seeds: number[] };
  };
  table?: { columns: string[]; rollouts: number; values: (number | null)[][] };
}

interface Calibrated {
  last: Generation;
  generations: number;
  simulations: number;
  stopReason: StopReason;
  warnings: string[];
}

/** Forecast rollouts on demand for claims on a forecast (src/assumptions/run.ts ForecastRollouts). */
export class ForecastClaimRollouts implements ForecastRollouts {
  readonly table: RolloutTable;
  private calibration?: Calibrated;
  private readonly calibrationCached: boolean;
  private readonly cachedRollouts: number;
  private readonly cacheFile?: string;
  private readonly key: string;
  private threads?: ForecastThreads;
  private dirty = false;

  constructor(
    readonly prepared: PreparedForecast,
    readonly columns: readonly string[],
    private readonly options: ForecastRolloutOptions,
  ) {
    this.key = forecastCacheKey(prepared);
    let cached: CacheFile | undefined;
    if (options.cacheDir) {
      this.cacheFile = join(options.cacheDir, `${prepared.experiment.name}-forecast-${this.key.slice(0, 24)}.json`);
      cached = readCache(this.cacheFile, this.key);
    }
    if (cached?.calibration) {
      const c = cached.calibration;
      const l = c.last;
      this.calibration = {
        generations: c.generations, simulations: c.simulations, stopReason: c.stopReason, warnings: c.warnings,
        last: {
          generation: l.generation, tolerance: l.tolerance ?? Infinity, attempts: l.attempts, accepted: l.accepted, acceptanceRate: l.acceptanceRate, ess: l.ess,
          particles: Float64Array.from(l.particles), weights: Float64Array.from(l.weights), distances: Float64Array.from(l.distances), seeds: Float64Array.from(l.seeds),
        },
      };
    }
    this.calibrationCached = this.calibration !== undefined;
    // Rollouts drawn for other columns are only reused when they hold every column asked for now.
    const table = this.calibration && cached?.table ? RolloutTable.fromJSON(cached.table, columns) : undefined;
    this.table = table ?? new RolloutTable(columns);
    this.cachedRollouts = this.table.n;
  }

  async ensure(n: number): Promise<Sample> {
    if (n <= this.table.n) return this.table.first(n);
    const { last } = await this.calibrated();
    const experiment = this.prepared.experiment;
    const P = this.prepared.setup.parameters.length;
    const shaped = forecastExperiment(experiment, n);
    const size = layoutOf(shaped).rolloutSize;
    const offsets = columnOffsets(shaped, this.columns);
    const threads = this.threadsFor();
    const chunk = Math.max(8, threads.workers * 16);
    const row = new Float64Array(offsets.length);
    for (let start = this.table.n; start < n; start += chunk) {
      if (this.options.signal?.aborted) throw new TestInterrupted(this.table.n);
      const end = Math.min(n, start + chunk);
      const { thetas, seeds, forwardSeeds } = forecastDraws(experiment, last, P, start, end);
      const packed = await threads.forecasts(thetas, seeds, forwardSeeds, size);
      for (let r = 0; r < end - start; r++) {
        for (let c = 0; c < offsets.length; c++) row[c] = packed[r * size + offsets[c]!]!;
        this.table.push(row);
      }
      this.dirty = true;
      this.options.onProgress?.({ stage: 'forecast', done: end, total: n });
    }
    return this.table.first(n);
  }

  async close(): Promise<void> {
    await this.threads?.close();
    this.threads = undefined;
    this.save();
  }

  async destroy(): Promise<void> {
    const threads = this.threads;
    this.threads = undefined;
    this.save();
    await threads?.destroy();
  }

  summary(): ForecastTestSummary {
    const c = this.calibration;
    return {
      telemetry: this.prepared.telemetry.file,
      lastWeek: this.prepared.setup.layout.lastWeek,
      particles: this.prepared.setup.settings.particles,
      generations: c?.generations ?? 0,
      simulations: c?.simulations ?? 0,
      stopReason: c?.stopReason ?? '',
      calibrationCached: this.calibrationCached,
      rollouts: this.table.n,
      cachedRollouts: this.cachedRollouts,
      warnings: c?.warnings ?? [],
    };
  }

  private threadsFor(): ForecastThreads {
    this.threads ??= new ForecastThreads(this.prepared.experiment, this.prepared.setup.layout, this.options.workers);
    return this.threads;
  }

  private async calibrated(): Promise<Calibrated> {
    if (this.calibration) return this.calibration;
    const setup = this.prepared.setup;
    try {
      const result = await calibrate(setup, this.threadsFor(), {
        ...(this.options.signal ? { signal: this.options.signal } : {}),
        onGeneration: (_g, checkpoint) => this.options.onProgress?.({ stage: 'calibration', done: checkpoint.simulations, total: setup.settings.budget }),
      });
      this.calibration = { last: result.last, generations: result.generations.length, simulations: result.simulations, stopReason: result.stopReason, warnings: result.warnings };
    } catch (err) {
      throw err instanceof AbcInterrupted ? new TestInterrupted(0) : err;
    }
    // Saved at once: an interruption while drawing keeps the calibration.
    this.dirty = true;
    this.save();
    return this.calibration;
  }

  private save(): void {
    if (!this.cacheFile || !this.dirty || !this.calibration) return;
    const c = this.calibration;
    const l = c.last;
    const data: CacheFile = {
      format: CACHE_FORMAT,
      key: this.key,
      calibration: {
        generations: c.generations, simulations: c.simulations, stopReason: c.stopReason, warnings: c.warnings,
        last: {
          generation: l.generation, tolerance: Number.isFinite(l.tolerance) ? l.tolerance : null, attempts: l.attempts, accepted: l.accepted, acceptanceRate: l.acceptanceRate, ess: l.ess,
          particles: Array.from(l.particles), weights: Array.from(l.weights), distances: Array.from(l.distances), seeds: Array.from(l.seeds),
        },
      },
      table: this.table.toJSON() as CacheFile['table'],
    };
    writeCache(this.cacheFile, data);
    this.dirty = false;
  }
}

/** Posterior draws start..end-1: each its particle (by weight, from its own seed) and its forward seed. */
export function forecastDraws(experiment: Experiment, last: Generation, parameters: number, start: number, end: number): { thetas: Float64Array; seeds: Float64Array; forwardSeeds: Float64Array } {
  const count = end - start;
  const thetas = new Float64Array(count * parameters);
  const seeds = new Float64Array(count);
  const forwardSeeds = new Float64Array(count);
  for (let r = start; r < end; r++) {
    // One systematic draw of one is an inverse-CDF draw: independent of how many are drawn.
    const draw = posteriorDraws(last, parameters, 1, createRandom(deriveSeed(experiment.seed, 'test-forecast-draw', r))());
    thetas.set(draw.thetas, (r - start) * parameters);
    seeds[r - start] = draw.seeds[0]!;
    forwardSeeds[r - start] = deriveSeed(experiment.seed, 'test-forecast-forward', r);
  }
  return { thetas, seeds, forwardSeeds };
}

let codeVersionCache: string | undefined;

/** A hash of src/forecast's sources: the calibration and the forecast simulations decide the numbers too. */
function forecastCodeVersion(): string {
  if (codeVersionCache) return codeVersionCache;
  const hash = createHash('sha256');
  // The TypeScript sources, as modelVersion reads them, so compiled and tsx runs share one cache.
  const dir = fileURLToPath(new URL('../../src/forecast/', import.meta.url));
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (f.endsWith('.ts')) hash.update(f).update(readFileSync(join(dir, f)));
  codeVersionCache = hash.digest('hex').slice(0, 16);
  return codeVersionCache;
}

/**
 * The scenario as it decides the calibration and the forecast (not its labels, rollouts, assumptions or
 * where the telemetry lives), the telemetry's bytes, the calibration settings and the code's version.
 */
export function forecastCacheKey(prepared: PreparedForecast): string {
  const { source: _s, hash: _h, rollouts: _r, label: _l, description: _d, assumptions: _a, currency: _c, forecast, ...rest } = prepared.experiment;
  const strategies = rest.strategies.map(({ label: _label, ...plan }) => plan);
  const { telemetry: _t, alternatives, ...plan } = forecast!;
  const { setup } = prepared;
  return fingerprint({
    format: CACHE_FORMAT, model: modelVersion(), code: forecastCodeVersion(),
    experiment: { ...rest, strategies, forecast: { ...plan, alternatives: alternatives.map(({ label: _label, ...a }) => a) } },
    telemetry: prepared.telemetryHash, lastWeek: setup.layout.lastWeek, groups: setup.layout.groups, settings: setup.settings, metrics: setup.metrics, metricWeights: setup.metricWeights,
  });
}

function readCache(file: string, key: string): CacheFile | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    return data.format === CACHE_FORMAT && data.key === key ? data : undefined;
  } catch {
    return undefined; // A damaged cache file is only a slower run.
  }
}

function writeCache(file: string, data: CacheFile): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, file);
    // This scenario's older forecasts (other telemetry, settings or code) would only pile up.
    const name = basename(file);
    const prefix = name.slice(0, name.lastIndexOf('-') + 1);
    for (const other of readdirSync(dirname(file))) {
      if (other !== name && other.startsWith(prefix) && /^[0-9a-f]{24}\.json$/.test(other.slice(prefix.length))) rmSync(join(dirname(file), other), { force: true });
    }
  } catch {
    // An unwritable cache folder costs time, not results.
  }
}
