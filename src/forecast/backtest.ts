/**
 * The backtest (--holdout K): the forecast of the held-out weeks scored against what was observed,
 * and the Bass baseline fitted to the telemetry's first-time users (docs/forecast.md, "Backtest").
 */
import { weightedQuantile } from './abc.ts';
import { bassBaseline, type BassReport } from './bass.ts';
import { observedStats } from './calibrate.ts';
import { statCount, statIndex, type StatLayout } from './observe.ts';
import type { ForecastMetric } from '../scenarios/forecast-block.ts';
import type { Telemetry } from './telemetry.ts';
import type { ForecastThreads } from './threads.ts';

export interface BacktestRow {
  group: string;
  metric: ForecastMetric;
  week: number;
  observed: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

export interface Backtest {
  weeks: number;
  rows: BacktestRow[];
  model: BacktestScore;
  /** The Bass baseline fitted to the first-time users of the calibration weeks (whole organisation only). */
  bass: { mape: number | null } | null;
}

export interface BacktestScore {
  coverage50: number;
  coverage90: number;
  /** Mean interval score of the 90% band (Gneiting & Raftery 2007): width + penalties for misses. */
  intervalScore90: number;
  /** Mean continuous ranked probability score, from the predictive sample. */
  crps: number;
  /** Median absolute percentage error of the predictive median (cells with an observed count above 0). */
  medianApe: number | null;
  /**
   * The same for the cumulative first-time users of the whole organisation (the highest weekly active
   * count so far), the quantity the Bass baseline forecasts: the two compare like with like. Null
   * without whole-organisation `active` in the distance.
   */
  firstTimeUsersApe: number | null;
}

/**
 * First-time users per week of the whole organisation, as far as the telemetry tells: the weekly
 * active count's rise above its highest earlier value (people active for the first time can only be
 * counted from below this way; docs/forecast.md).
 */
export function firstTimeUsers(telemetry: Telemetry, weeks: number): number[] | null {
  if (telemetry.groups.length !== 1 || telemetry.groups[0] !== null) {
    // Grouped telemetry: the organisation's total is the sum over groups when they partition it; only departments do.
    return null;
  }
  const out: number[] = [];
  let highest = 0;
  for (const r of telemetry.rows) {
    if (r.week > weeks) break;
    out.push(Math.max(0, r.active - highest));
    highest = Math.max(highest, r.active);
  }
  return out;
}

export function bassOfTelemetry(telemetry: Telemetry, weeks: number, horizon: number): BassReport | null {
  const adopters = firstTimeUsers(telemetry, weeks);
  if (!adopters || adopters.length < 3 || adopters.every((a) => a === 0)) return null;
  try {
    return bassBaseline({ periods: adopters.map((_, i) => i + 1), adopters }, { method: 'sm', horizon: Math.max(1, horizon) });
  } catch {
    return null;
  }
}

export function bassHoldoutMape(telemetry: Telemetry, lastWeek: number, bass: BassReport): number | null {
  const all = firstTimeUsers(telemetry, telemetry.lastWeek);
  if (!all) return null;
  let cumulative = all.slice(0, lastWeek).reduce((s, a) => s + a, 0);
  const errors: number[] = [];
  for (let w = lastWeek + 1; w <= telemetry.lastWeek; w++) {
    cumulative += all[w - 1]!;
    const f = bass.forecast.find((p) => p.period === w);
    if (f && cumulative > 0) errors.push((100 * Math.abs(f.cumulative - cumulative)) / cumulative);
  }
  if (errors.length === 0) return null;
  errors.sort((a, b) => a - b);
  return errors[Math.floor(errors.length / 2)]!;
}

/** The forecast of the held-out weeks, scored against what was observed. */
export async function runBacktest(threads: ForecastThreads, telemetry: Telemetry, layout: StatLayout, thetas: Float64Array, seeds: Float64Array, lastWeek: number): Promise<Backtest> {
  const full: StatLayout = { ...layout, lastWeek: telemetry.lastWeek };
  const S = statCount(full);
  const stats = await threads.attempts(thetas, seeds, S, full.lastWeek);
  const observed = observedStats(telemetry, full);
  const rows: BacktestRow[] = [];
  let in50 = 0;
  let in90 = 0;
  let interval = 0;
  let crps = 0;
  const apes: number[] = [];
  const R = seeds.length;
  for (let g = 0; g < full.groups.length; g++) {
    for (let m = 0; m < full.metrics.length; m++) {
      for (let w = lastWeek + 1; w <= telemetry.lastWeek; w++) {
        const at = statIndex(full, g, m, w);
        const sample = Array.from({ length: R }, (_, r) => stats[r * S + at]!).sort((a, b) => a - b);
        const q = (p: number) => weightedQuantile(sample, sample.map(() => 1), p);
        const y = observed[at]!;
        const row: BacktestRow = { group: full.groups[g]!.name ?? '', metric: full.metrics[m]!, week: w, observed: y, p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
        rows.push(row);
        if (y >= row.p25 && y <= row.p75) in50++;
        if (y >= row.p05 && y <= row.p95) in90++;
        const alpha = 0.1;
        interval += (row.p95 - row.p05) + (2 / alpha) * Math.max(0, row.p05 - y) + (2 / alpha) * Math.max(0, y - row.p95);
        crps += sampleCrps(sample, y);
        if (y > 0) apes.push((100 * Math.abs(row.p50 - y)) / y);
      }
    }
  }
  const cells = rows.length;
  apes.sort((a, b) => a - b);
  // Cumulative first-time users, per sample: the running maximum of the whole organisation's active count.
  const whole = full.groups.findIndex((g) => g.kind === 'all');
  const active = full.metrics.indexOf('active');
  const ftuApes: number[] = [];
  if (whole >= 0 && active >= 0) {
    const highest = new Float64Array(R);
    let observedHighest = 0;
    for (let w = 1; w <= telemetry.lastWeek; w++) {
      const at = statIndex(full, whole, active, w);
      for (let r = 0; r < R; r++) highest[r] = Math.max(highest[r]!, stats[r * S + at]!);
      observedHighest = Math.max(observedHighest, observed[at]!);
      if (w <= lastWeek || observedHighest <= 0) continue;
      const sorted = Array.from(highest).sort((a, b) => a - b);
      const median = weightedQuantile(sorted, sorted.map(() => 1), 0.5);
      ftuApes.push((100 * Math.abs(median - observedHighest)) / observedHighest);
    }
  }
  ftuApes.sort((a, b) => a - b);
  return {
    weeks: telemetry.lastWeek - lastWeek,
    rows,
    model: {
      coverage50: in50 / cells, coverage90: in90 / cells, intervalScore90: interval / cells, crps: crps / cells,
      medianApe: apes.length ? apes[Math.floor(apes.length / 2)]! : null,
      firstTimeUsersApe: ftuApes.length ? ftuApes[Math.floor(ftuApes.length / 2)]! : null,
    },
    bass: null,
  };
}

/** CRPS of an ensemble (sorted) at y: E|X − y| − ½ E|X − X'| (Gneiting & Raftery 2007), exact for the sample. */
export function sampleCrps(sorted: number[], y: number): number {
  const n = sorted.length;
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    a += Math.abs(sorted[i]! - y);
    // Σ_{i,j} |x_i − x_j| = 2 Σ_i (2i − n + 1) x_i for sorted x (0-based).
    b += (2 * i - n + 1) * sorted[i]!;
  }
  return a / n - b / (n * n);
}

