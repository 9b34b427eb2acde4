/**
 * Two runs side by side (`uptake compare A B`): per strategy present in both
 * and per per-rollout result, the difference of medians (B − A) with a 95%
 * bootstrap interval. When the two runs share seeds (rollout r has the same
 * seed in both, so the same organisation and, if the uncertainties are the
 * same, the same draws) the rollouts are compared as pairs and resampled
 * together, which removes the noise the runs have in common; otherwise the
 * two are resampled independently. Weeks count "never" as later than any week,
 * as everywhere (quantileCountingNever), so a median can be never; then the
 * difference is undefined and says so.
 */
import { createRandom } from '../model/rng.ts';
import { quantileCountingNever } from '../runner/summary.ts';
import type { ReportData, Unit } from './model.ts';

export const COMPARE_COLUMNS = ['strategy', 'outcome', 'median_a', 'median_b', 'difference', 'low', 'high', 'paired', 'n_a', 'n_b'] as const;

export interface Difference {
  strategy: string;
  outcome: string;
  unit: Unit;
  /** Medians (Infinity: "never"). */
  medianA: number;
  medianB: number;
  /** medianB − medianA and its 95% interval; NaN when a median is never. */
  difference: number;
  low: number;
  high: number;
  /** Rollouts compared as pairs (same seeds in both runs). */
  paired: boolean;
  nA: number;
  nB: number;
}

export interface CompareOptions {
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling, so the interval is the same bytes every time (default 1). */
  seed?: number;
  /** Interval level (default 0.95). */
  level?: number;
}

/** Median with "never" (NaN) as later than any value: the project's one definition. */
export function medianOf(values: ArrayLike<number>): number {
  const sorted = Array.from(values, (v) => (Number.isNaN(v) ? Infinity : v)).sort((x, y) => x - y);
  return quantileCountingNever(sorted, 0.5);
}

/**
 * Difference of medians b − a with a percentile bootstrap interval. Paired:
 * a[i] and b[i] are the same rollout, resampled together (lengths equal).
 */
export function differenceOfMedians(a: ArrayLike<number>, b: ArrayLike<number>, paired: boolean, options: CompareOptions = {}): { difference: number; low: number; high: number } {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const random = createRandom(options.seed ?? 1);
  const difference = medianOf(b) - medianOf(a);
  if (!Number.isFinite(difference)) return { difference: NaN, low: NaN, high: NaN };
  if (paired && a.length !== b.length) throw new Error('paired samples must have the same length');
  const ra = new Float64Array(a.length);
  const rb = new Float64Array(b.length);
  const estimates = new Float64Array(resamples);
  for (let k = 0; k < resamples; k++) {
    for (let i = 0; i < ra.length; i++) {
      const j = Math.floor(random() * a.length);
      ra[i] = a[j]!;
      if (paired) rb[i] = b[j]!;
    }
    if (!paired) for (let i = 0; i < rb.length; i++) rb[i] = b[Math.floor(random() * b.length)]!;
    estimates[k] = medianOf(rb) - medianOf(ra);
  }
  // A resample whose median is never has no difference: it counts as beyond either end (Infinity sorts last).
  const sorted = Array.from(estimates, (e) => (Number.isNaN(e) ? Infinity : e)).sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  return { difference, low: quantileCountingNever(sorted, tail), high: quantileCountingNever(sorted, 1 - tail) };
}

/** Whether the first min(nA, nB) rollouts of a strategy carry the same seeds in both runs. */
function sameSeeds(a: Float64Array, b: Float64Array): boolean {
  const n = Math.min(a.length, b.length);
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every strategy of both runs (by name) × every result of both (governance codes aside). */
export function compareRuns(a: ReportData, b: ReportData, options: CompareOptions = {}): Difference[] {
  const out: Difference[] = [];
  const resultsB = new Map(b.summary.results.map((r) => [r.name, r]));
  const results = a.summary.results.filter((r) => r.unit !== 'code' && resultsB.has(r.name));
  for (const s of a.summary.strategies) {
    const ra = a.rollouts.get(s.name);
    const rb = b.rollouts.get(s.name);
    if (!ra || !rb) continue;
    const paired = sameSeeds(ra.seed, rb.seed);
    const n = Math.min(ra.n, rb.n);
    for (const r of results) {
      const va = ra.columns.get(r.name);
      const vb = rb.columns.get(r.name);
      if (!va || !vb) continue;
      const xa = paired ? va.subarray(0, n) : va;
      const xb = paired ? vb.subarray(0, n) : vb;
      const d = differenceOfMedians(xa, xb, paired, options);
      out.push({ strategy: s.name, outcome: r.name, unit: r.unit, medianA: medianOf(xa), medianB: medianOf(xb), ...d, paired, nA: xa.length, nB: xb.length });
    }
  }
  return out;
}

function cell(x: number): string {
  if (x === Infinity) return 'never';
  if (!Number.isFinite(x)) return '';
  return String(Number(x.toPrecision(6)));
}

/** compare.csv: one tidy row per strategy and outcome (docs/outputs.md). */
export function compareCsv(rows: readonly Difference[]): string {
  const lines = [COMPARE_COLUMNS.join(',')];
  for (const r of rows) lines.push([r.strategy, r.outcome, cell(r.medianA), cell(r.medianB), cell(r.difference), cell(r.low), cell(r.high), r.paired ? 'true' : 'false', r.nA, r.nB].join(','));
  return `${lines.join('\n')}\n`;
}

/** The outcomes drawn and shown on the terminal; compare.csv has every one. */
export const KEY_OUTCOMES = ['sustained_share', 'active_share', 'weeks_to_critical_mass', 'weeks_to_target', 'churn', 'cost'];

/** A Vega-Lite spec: per key outcome, each strategy's B − A with its interval; zero marked. */
export function compareChartSpec(rows: readonly Difference[], titles: { a: string; b: string; outcome: (name: string) => string }): Record<string, unknown> {
  const values = rows
    .filter((r) => KEY_OUTCOMES.includes(r.outcome) && Number.isFinite(r.difference))
    .map((r) => ({
      strategy: r.strategy,
      outcome: titles.outcome(r.outcome),
      difference: r.unit === 'share' ? r.difference * 100 : r.difference,
      low: r.unit === 'share' ? r.low * 100 : r.low,
      high: r.unit === 'share' ? r.high * 100 : r.high,
      compared: r.paired ? 'paired rollouts' : 'independent rollouts',
    }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${titles.b} against ${titles.a}`, subtitle: 'Difference of medians (B − A) with its 95% interval; shares in percentage points. An interval that crosses zero: no clear change.' },
    data: { values },
    facet: { row: { field: 'outcome', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: {
      width: 420,
      layer: [
        { mark: { type: 'rule', color: '#888888', strokeDash: [3, 3] }, encoding: { x: { datum: 0 } } },
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y: { field: 'strategy', type: 'nominal', title: null }, x: { field: 'low', type: 'quantitative', title: 'B − A' }, x2: { field: 'high' } } },
        {
          mark: { type: 'point', filled: true, size: 70 },
          encoding: {
            y: { field: 'strategy', type: 'nominal' },
            x: { field: 'difference', type: 'quantitative' },
            tooltip: [{ field: 'strategy', title: 'Strategy' }, { field: 'difference', title: 'B − A', format: '.3~f' }, { field: 'low', title: 'From', format: '.3~f' }, { field: 'high', title: 'To', format: '.3~f' }, { field: 'compared', title: 'Compared as' }],
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}
