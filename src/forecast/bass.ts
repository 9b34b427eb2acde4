/**
 * The Bass (1969) diffusion model and three ways to fit it to new adopters per
 * period (docs/forecast.md, "Bass baseline").
 *
 *   F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t})      share adopted by time t
 *   f(t) = ((p+q)²/p)·e^{−(p+q)t} / (1 + (q/p)·e^{−(p+q)t})² its density
 *   t*   = ln(q/p)/(p+q)                                     the peak of f (0 when q ≤ p)
 *
 * Period k of the series (k = 1..n) covers the time interval (k−1, k].
 */
import { levenbergMarquardt, solve } from './nls.ts';

export type BassMethod = 'ols' | 'sm' | 'density';
export const BASS_METHODS: readonly BassMethod[] = ['ols', 'sm', 'density'];

/** Flags a fit can carry (documented in docs/forecast.md). */
export type BassFlag = 'before_peak' | 'm_at_bound' | 'ols_no_root';

export interface BassParameters {
  p: number;
  q: number;
  m: number;
}

export interface BassFit extends BassParameters {
  method: BassMethod;
  /** Time of the peak of the adoption rate, in periods since the start (t* above). */
  peakTime: number;
  /** Residual standard error of the method's own regression: √(SSE / (n − 3)). */
  rse: number;
  flags: BassFlag[];
  /** Bounds m was constrained to: at least the observed cumulative adopters. */
  mBounds: [number, number];
}

/** Largest m the fits may reach, as a multiple of the adopters observed so far. */
export const M_UPPER_FACTOR = 100;
const P_BOUNDS: [number, number] = [1e-7, 1];
const Q_BOUNDS: [number, number] = [0, 5];

export function bassF(t: number, p: number, q: number): number {
  if (t <= 0) return 0;
  const e = Math.exp(-(p + q) * t);
  return (1 - e) / (1 + (q / p) * e);
}

export function bassf(t: number, p: number, q: number): number {
  if (t < 0) return 0;
  const e = Math.exp(-(p + q) * t);
  const d = 1 + (q / p) * e;
  return (((p + q) ** 2 / p) * e) / (d * d);
}

/** t* = ln(q/p)/(p+q) when q > p; otherwise the rate is highest at the start (0). */
export function bassPeakTime(p: number, q: number): number {
  return q > p ? Math.log(q / p) / (p + q) : 0;
}

/** New adopters expected in period k (k ≥ 1) by the method's curve. */
export function bassAdopters(k: number, fit: BassParameters & { method: BassMethod }): number {
  const value = fit.method === 'density' ? fit.m * bassf(k, fit.p, fit.q) : fit.m * (bassF(k, fit.p, fit.q) - bassF(k - 1, fit.p, fit.q));
  return Math.max(0, value);
}

/**
 * Fit the Bass model to `adopters` (new adopters in periods 1..n, n ≥ 3).
 * m is kept within [observed cumulative, M_UPPER_FACTOR × observed].
 */
export function fitBass(adopters: number[], method: BassMethod): BassFit {
  const n = adopters.length;
  if (n < 3) throw new RangeError(`a Bass fit needs at least 3 periods, got ${n}`);
  const observed = adopters.reduce((s, v) => s + v, 0);
  const mBounds: [number, number] = [observed, Math.max(observed, 1) * M_UPPER_FACTOR];
  const flags: BassFlag[] = [];
  let params: BassParameters;
  let residuals: number[];

  if (method === 'ols') {
    const ols = fitOls(adopters);
    residuals = ols.residuals;
    if (ols.m === undefined) flags.push('ols_no_root');
    const m = Math.min(mBounds[1], Math.max(mBounds[0], ols.m ?? mBounds[0]));
    params = { m, p: clampTo(ols.a / m, P_BOUNDS), q: clampTo(-m * ols.c, Q_BOUNDS) };
  } else {
    const curve = method === 'sm' ? (k: number, p: number, q: number) => bassF(k, p, q) - bassF(k - 1, p, q) : (k: number, p: number, q: number) => bassf(k, p, q);
    const residual = ([p, q, m]: number[]) => adopters.map((s, i) => s - m! * curve(i + 1, p!, q!));
    const start = nlsStart(adopters, curve, mBounds);
    const result = levenbergMarquardt(residual, [start.p, start.q, start.m], {
      lower: [P_BOUNDS[0], Q_BOUNDS[0], mBounds[0]],
      upper: [P_BOUNDS[1], Q_BOUNDS[1], mBounds[1]],
      maxIterations: 1000,
      tolerance: 1e-14,
    });
    const [p, q, m] = result.theta as [number, number, number];
    params = { p, q, m };
    residuals = result.residuals;
  }

  const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  if (rel(params.m, mBounds[0]) || rel(params.m, mBounds[1])) flags.push('m_at_bound');
  const peakTime = bassPeakTime(params.p, params.q);
  // Before the peak: the fitted peak lies after the data, or the data are still rising (the last period is the largest).
  const last = adopters[n - 1]!;
  if (peakTime > n || adopters.slice(0, -1).every((v) => v < last)) flags.push('before_peak');
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  const rse = n > 3 ? Math.sqrt(sse / (n - 3)) : NaN;
  return { method, ...params, peakTime, rse, flags: [...new Set(flags)].sort() as BassFlag[], mBounds };
}

function clampTo(v: number, [lo, hi]: [number, number]): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}

export interface OlsResult {
  /** S_t = a + b·Y_{t−1} + c·Y_{t−1}² */
  a: number;
  b: number;
  c: number;
  /** The positive root of a + bY + cY² = 0, m = (−b − √(b² − 4ac)) / 2c; undefined when there is none. */
  m?: number;
  residuals: number[];
}

/** Bass's own estimator (1969): ordinary least squares of S_t on Y_{t−1} and Y_{t−1}², Y_0 = 0. */
export function fitOls(adopters: number[]): OlsResult {
  const rows: number[][] = [];
  let cumulative = 0;
  for (const s of adopters) {
    rows.push([1, cumulative, cumulative * cumulative]);
    cumulative += s;
  }
  const XtX = [0, 1, 2].map((a) => [0, 1, 2].map((b) => rows.reduce((s, x) => s + x[a]! * x[b]!, 0)));
  const Xty = [0, 1, 2].map((a) => rows.reduce((s, x, i) => s + x[a]! * adopters[i]!, 0));
  const coef = solve(XtX, Xty) ?? [adopters.reduce((s, v) => s + v, 0) / adopters.length, 0, 0];
  const [a, b, c] = coef as [number, number, number];
  const residuals = rows.map((x, i) => adopters[i]! - (a + b * x[1]! + c * x[2]!));
  const disc = b * b - 4 * a * c;
  let m: number | undefined;
  if (c < 0 && disc >= 0) {
    const root = (-b - Math.sqrt(disc)) / (2 * c);
    if (root > 0) m = root;
  }
  return { a, b, c, m, residuals };
}

/**
 * Starting values for the nonlinear fits: the OLS estimate when it is usable,
 * else the best point of a coarse grid over p and q (m then by least squares).
 */
function nlsStart(adopters: number[], curve: (k: number, p: number, q: number) => number, mBounds: [number, number]): BassParameters {
  const sseAt = (p: number, q: number): { sse: number; m: number } => {
    const g = adopters.map((_, i) => curve(i + 1, p, q));
    const gg = g.reduce((s, v) => s + v * v, 0);
    const gs = g.reduce((s, v, i) => s + v * adopters[i]!, 0);
    const m = Math.min(mBounds[1], Math.max(mBounds[0], gg > 0 ? gs / gg : mBounds[0]));
    return { sse: adopters.reduce((s, v, i) => s + (v - m * g[i]!) ** 2, 0), m };
  };
  let best = { p: 0.01, q: 0.3, ...sseAt(0.01, 0.3) };
  const ols = fitOls(adopters);
  if (ols.m !== undefined && ols.m >= mBounds[0]) {
    const p = ols.a / ols.m;
    const q = -ols.m * ols.c;
    if (p > P_BOUNDS[0] && p < P_BOUNDS[1] && q >= 0 && q < Q_BOUNDS[1]) {
      const at = sseAt(p, q);
      if (at.sse < best.sse) best = { p, q, ...at };
    }
  }
  for (const p of [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]) {
    for (const q of [0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2, 2, 3]) {
      const at = sseAt(p, q);
      if (at.sse < best.sse) best = { p, q, ...at };
    }
  }
  return { p: best.p, q: best.q, m: best.m };
}

export interface BassForecastPoint {
  period: number;
  adopters: number;
  cumulative: number;
}

export interface BassHoldoutError {
  period: number;
  observed: number;
  forecast: number;
  abs_error: number;
}

/** The object `uptake bass --json` prints (docs/forecast.md, "Bass baseline"). */
export interface BassReport {
  method: BassMethod;
  p: number;
  q: number;
  m: number;
  /** Where the adoption rate peaks, on the period axis: first period − 1 + t*. */
  peak_period: number;
  rse: number | null;
  flags: BassFlag[];
  /** Periods the fit used, first and last. */
  fit_periods: [number, number];
  /** Adopters observed in the fitted periods (the lower bound of m). */
  observed_cumulative: number;
  forecast: BassForecastPoint[];
  /** Only with --holdout K: the forecast's error on the K periods left out of the fit. */
  holdout?: { periods: number; mape: number | null; errors: BassHoldoutError[] };
}

export interface BassBaselineOptions {
  method: BassMethod;
  /** Leave out the last K periods from the fit and score the forecast on them. */
  holdout?: number;
  /** Periods to forecast after the last fitted one; default the number of fitted periods (at least the holdout). */
  horizon?: number;
}

/** Fit, forecast and (with a holdout) score: everything `uptake bass` reports. */
export function bassBaseline(series: { periods: number[]; adopters: number[] }, options: BassBaselineOptions): BassReport {
  const holdout = options.holdout ?? 0;
  const n = series.adopters.length - holdout;
  const fitted = series.adopters.slice(0, n);
  const fit = fitBass(fitted, options.method);
  const first = series.periods[0]!;
  const horizon = Math.max(options.horizon ?? n, holdout);
  const forecast: BassForecastPoint[] = [];
  let cumulative = fit.mBounds[0];
  for (let k = n + 1; k <= n + horizon; k++) {
    const adopters = bassAdopters(k, fit);
    cumulative += adopters;
    forecast.push({ period: first + k - 1, adopters, cumulative });
  }
  const report: BassReport = {
    method: fit.method,
    p: fit.p,
    q: fit.q,
    m: fit.m,
    peak_period: first - 1 + fit.peakTime,
    rse: Number.isFinite(fit.rse) ? fit.rse : null,
    flags: fit.flags,
    fit_periods: [first, first + n - 1],
    observed_cumulative: fit.mBounds[0],
    forecast,
  };
  if (holdout > 0) {
    const errors = series.adopters.slice(n).map((observed, i) => {
      const predicted = forecast[i]!.adopters;
      return { period: first + n + i, observed, forecast: predicted, abs_error: Math.abs(predicted - observed) };
    });
    const scored = errors.filter((e) => e.observed > 0);
    const mape = scored.length > 0 ? (100 * scored.reduce((s, e) => s + e.abs_error / e.observed, 0)) / scored.length : null;
    report.holdout = { periods: holdout, mape, errors };
  }
  return report;
}
