/**
 * Turns the summaries into what is written: summary.json (RunSummary) and
 * timeseries.csv. Pure functions of the aggregate and the experiment, so the
 * same aggregate always gives the same bytes.
 */
import { waveGroupNames } from '../scenarios/group-names.ts';
import { GOVERNANCE_OUTCOMES, OBSERVABLE_COUNT, OBSERVABLES, RESULT_COUNT, RESULTS, waveCountOf } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { type Aggregate } from './aggregate.ts';
import { driversOf } from './drivers.ts';
import { QUANTILE_ERROR, RESULT_BETTER } from './metrics.ts';
import type { Sketch } from './sketch.ts';
import type { ExactSource } from './exact.ts';
import { waveColumnPrefix } from './outputs.ts';
import {
  QUANTILES, QUANTILE_NAMES, SUMMARY_FORMAT, quantileCountingNever, quantileOfSorted, type Quantile, TIMESERIES_COLUMNS, type PairedComparison, type Quantiles, type ResultQuantiles,
  type ResultDistribution, type ResultHistogram, type RunSummary, type WaveOpening, type WeekSeries,
} from './summary.ts';

/** Numbers in summaries keep 6 significant digits: well inside the quantile error, and readable. */
export function round6(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}

/** A number in a CSV cell: 6 significant digits, empty when there is none. */
export function cell(x: number | null): string {
  return x === null ? '' : String(x);
}

function quantilesOf(sketch: Sketch): Quantiles {
  const q: Quantiles = { mean: round6(sketch.mean()), p05: null, p25: null, p50: null, p75: null, p95: null };
  QUANTILES.forEach((p, i) => {
    q[QUANTILE_NAMES[i]!] = round6(sketch.quantile(p));
  });
  return q;
}

/** Quantiles of a result in weeks: "never" counts as later than any week (the one definition, summary.ts). */
function weekQuantilesOf(sketch: Sketch): ResultQuantiles {
  const q: ResultQuantiles = quantilesOf(sketch);
  QUANTILES.forEach((p, i) => {
    const value = sketch.quantileCountingNever(p);
    q[QUANTILE_NAMES[i]!] = value === Infinity ? 'never' : round6(value);
  });
  return q;
}

export function timeseriesCsv(experiment: Experiment, agg: Aggregate): string {
  const lines: string[] = [TIMESERIES_COLUMNS.join(',')];
  const weeks = agg.layout.weeks;
  experiment.strategies.forEach((plan, s) => {
    for (let w = 0; w <= weeks; w++) {
      for (let k = 0; k < OBSERVABLE_COUNT; k++) {
        const q = quantilesOf(agg.seriesSketch(s, w, k));
        lines.push([plan.name, w, OBSERVABLES[k]!.name, cell(q.mean), cell(q.p05), cell(q.p25), cell(q.p50), cell(q.p75), cell(q.p95)].join(','));
      }
    }
  });
  return lines.join('\n') + '\n';
}

function distributionOf(sketch: Sketch, unit: string): ResultDistribution {
  const n = sketch.n + sketch.nan;
  const d: ResultDistribution = {
    n,
    never: sketch.nan,
    neverShare: n ? round6(sketch.nan / n)! : 0,
    ...(unit === 'weeks' ? weekQuantilesOf(sketch) : quantilesOf(sketch)),
    min: sketch.n ? round6(sketch.min) : null,
    max: sketch.n ? round6(sketch.max) : null,
  };
  if (unit === 'code') {
    const categories: Record<string, number> = Object.fromEntries(GOVERNANCE_OUTCOMES.map((g) => [g, 0]));
    sketch.forEachBucket((value, count) => {
      const name = GOVERNANCE_OUTCOMES[Math.round(value)] ?? String(value);
      categories[name] = (categories[name] ?? 0) + count;
    });
    d.categories = categories;
  }
  return d;
}

const HISTOGRAM_BINS = 40;

/** Edges shared by all strategies: unit bins for weeks and codes (grouped past 60), else 40 equal bins. */
function histogramOf(agg: Aggregate, experiment: Experiment, j: number): ResultHistogram {
  const result = RESULTS[j]!;
  let lo = Infinity;
  let hi = -Infinity;
  experiment.strategies.forEach((_, s) => {
    const sk = agg.resultSketch(s, j);
    if (sk.n) {
      lo = Math.min(lo, sk.min);
      hi = Math.max(hi, sk.max);
    }
  });
  const edges: number[] = [];
  if (lo > hi) {
    return { result: result.name, edges: [], counts: {}, never: Object.fromEntries(experiment.strategies.map((p, s) => [p.name, agg.resultSketch(s, j).nan])) };
  }
  const integer = result.unit === 'weeks' || result.unit === 'code' || result.name === 'communities_alive';
  if (integer) {
    lo = Math.floor(lo);
    hi = Math.floor(hi) + 1;
    const width = Math.max(1, Math.ceil((hi - lo) / 60));
    for (let e = lo; e < hi; e += width) edges.push(e);
    edges.push(edges[edges.length - 1]! + width);
  } else if (lo === hi) {
    edges.push(round6(lo)!, round6(lo)!);
  } else {
    for (let i = 0; i <= HISTOGRAM_BINS; i++) edges.push(round6(lo + ((hi - lo) * i) / HISTOGRAM_BINS)!);
  }
  const bins = edges.length - 1;
  const counts: Record<string, number[]> = {};
  const never: Record<string, number> = {};
  experiment.strategies.forEach((plan, s) => {
    const sk = agg.resultSketch(s, j);
    const c = new Array<number>(bins).fill(0);
    sk.forEachBucket((value, count) => {
      const v = Math.min(sk.max, Math.max(sk.min, value));
      let b = 0;
      if (integer) b = Math.floor((Math.round(v) - edges[0]!) / (edges[1]! - edges[0]!));
      else if (hi > lo) b = Math.floor(((v - lo) / (hi - lo)) * bins);
      b = Math.min(bins - 1, Math.max(0, b));
      c[b]! += count;
    });
    counts[plan.name] = c;
    never[plan.name] = sk.nan;
  });
  return { result: result.name, edges, counts, never };
}

/** 95% Wilson score interval for a proportion. */
export function wilson(p: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

export function comparisonsOf(agg: Aggregate, experiment: Experiment): PairedComparison[] {
  const out: PairedComparison[] = [];
  agg.pairList.forEach(([a, b], p) => {
    for (let j = 0; j < RESULT_COUNT; j++) {
      const c = agg.pairCell(p, j);
      const n = c.wins + c.losses + c.ties;
      const pBeats = n ? (c.wins + c.ties / 2) / n : 0.5;
      const [lo, hi] = wilson(pBeats, n);
      out.push({
        a: experiment.strategies[a]!.name,
        b: experiment.strategies[b]!.name,
        result: RESULTS[j]!.name,
        better: RESULT_BETTER[j]!,
        n,
        wins: c.wins,
        losses: c.losses,
        ties: c.ties,
        pBeats: round6(pBeats)!,
        ci: [round6(lo)!, round6(hi)!],
        medianDifference: round6(c.diff.quantile(0.5)),
        meanDifference: round6(c.diff.mean()),
        differenceN: c.diff.n,
      });
    }
  });
  return out;
}

/**
 * The exact distribution of one result over rollouts: the same definitions as the report (weeks count
 * "never" as later than any week). Sorts `values` in place (numerically, NaN last: the finite values,
 * then "never").
 */
function distributionOfValues(values: Float64Array, unit: string): ResultDistribution {
  const sorted = values.sort();
  const n = values.length;
  let count = n;
  while (count > 0 && Number.isNaN(sorted[count - 1]!)) count--;
  const finite = sorted.subarray(0, count);
  const never = n - count;
  // For weeks, "never" as Infinity after every week: the same buffer, its NaN tail overwritten.
  const withNever = unit === 'weeks' ? sorted.fill(Infinity, count) : finite;
  const q = (p: number): Quantile => {
    const v = unit === 'weeks' ? quantileCountingNever(withNever, p) : quantileOfSorted(finite, p);
    return v === Infinity ? 'never' : round6(v);
  };
  const [p05, p25, p50, p75, p95] = QUANTILES.map(q) as [Quantile, Quantile, Quantile, Quantile, Quantile];
  const d: ResultDistribution = {
    n, never, neverShare: n ? round6(never / n)! : 0,
    mean: finite.length ? round6(finite.reduce((a, b) => a + b, 0) / finite.length) : null,
    p05, p25, p50, p75, p95,
    min: finite.length ? round6(finite[0]!) : null,
    max: finite.length ? round6(finite[finite.length - 1]!) : null,
  };
  if (unit === 'code') {
    const categories: Record<string, number> = Object.fromEntries(GOVERNANCE_OUTCOMES.map((g) => [g, 0]));
    for (const v of finite) {
      const name = GOVERNANCE_OUTCOMES[Math.round(v)] ?? String(v);
      categories[name] = (categories[name] ?? 0) + 1;
    }
    d.categories = categories;
  }
  return d;
}

/**
 * summary.json. With `exact` (the run's rollouts.csv, read back), the result
 * distributions and wave openings are exact; without, they come from the
 * mergeable sketches, within the stated quantile error.
 */
export function buildSummary(experiment: Experiment, agg: Aggregate, exact?: ExactSource): RunSummary {
  const weeks = agg.layout.weeks;
  const timeseries: RunSummary['timeseries'] = {};
  const distributions: RunSummary['distributions'] = {};
  const waveOpenWeeks: RunSummary['waveOpenWeeks'] = {};
  let buffer: Float64Array | undefined;
  experiment.strategies.forEach((plan, s) => {
    const perObservable: Record<string, WeekSeries> = {};
    OBSERVABLES.forEach((o, k) => {
      const series: WeekSeries = { mean: [], p05: [], p25: [], p50: [], p75: [], p95: [] };
      for (let w = 0; w <= weeks; w++) {
        const q = quantilesOf(agg.seriesSketch(s, w, k));
        for (const key of Object.keys(series) as (keyof WeekSeries)[]) series[key].push(q[key]);
      }
      perObservable[o.name] = series;
    });
    timeseries[plan.name] = perObservable;
    // One column read back at a time, into one buffer (exact.ts): memory flat in rollouts.
    distributions[plan.name] = Object.fromEntries(RESULTS.map((r, j) => {
      const values = exact?.column(plan.name, r.name, buffer);
      if (values) buffer = values;
      return [r.name, values ? distributionOfValues(values, r.unit) : distributionOf(agg.resultSketch(s, j), r.unit)];
    }));
    const waves = waveCountOf(plan);
    if (waves > 0) {
      const openings: WaveOpening[] = [];
      for (let w = 0; w < waves; w++) {
        const sk = agg.waveSketch(s, w);
        const n = sk.n + sk.nan;
        const forced = agg.waveForced(s, w);
        const opened = exact?.column(plan.name, `${waveColumnPrefix(w)}_open_week`, buffer);
        if (opened) buffer = opened;
        const { mean, p05, p25, p50, p75, p95 } = opened ? distributionOfValues(opened, 'weeks') : weekQuantilesOf(sk);
        openings.push({
          wave: w, label: w === 0 ? 'pilot' : `wave ${w}`, n, never: sk.nan, neverShare: n ? round6(sk.nan / n)! : 0,
          forced, forcedShare: n ? round6(forced / n)! : 0, mean, p05, p25, p50, p75, p95,
        });
      }
      waveOpenWeeks[plan.name] = openings;
    }
  });
  const comparisons = comparisonsOf(agg, experiment);
  for (const c of comparisons) {
    if (RESULTS.find((r) => r.name === c.result)?.unit !== 'weeks') continue;
    c.neitherReaches = distributions[c.a]![c.result]!.neverShare >= 1 && distributions[c.b]![c.result]!.neverShare >= 1;
  }
  return {
    format: SUMMARY_FORMAT,
    experiment: {
      name: experiment.name,
      label: experiment.label ?? experiment.name,
      source: experiment.source,
      hash: experiment.hash,
      seed: experiment.seed,
      rollouts: agg.rollouts,
      weeks,
      employees: experiment.params.organisation.employees,
      ...(experiment.currency ? { currency: experiment.currency } : {}),
    },
    outcomes: {
      criticalMassShare: experiment.params.outcomes.criticalMassShare,
      targetShare: experiment.params.outcomes.targetShare,
      sustainedWeeks: experiment.params.outcomes.sustainedWeeks,
    },
    strategies: experiment.strategies.map((p) => {
      const waveGroups = waveGroupNames(p, experiment);
      return { name: p.name, label: p.label ?? p.name, waves: waveCountOf(p), ...(waveGroups ? { waveGroups } : {}) };
    }),
    observables: OBSERVABLES.map((o) => ({ name: o.name, label: o.label, unit: o.unit })),
    results: RESULTS.map((r, j) => ({ name: r.name, label: r.label, unit: r.unit, better: RESULT_BETTER[j]! })),
    // Named as in the scenario file, as everything the client sees.
    uncertainties: experiment.uncertainties.map((u) => ({ ...u, path: fileParamPath(u.path) })),
    quantileError: QUANTILE_ERROR,
    timeseries,
    distributions,
    histograms: RESULTS.map((_, j) => histogramOf(agg, experiment, j)),
    comparisons,
    waveOpenWeeks,
    ...(exact ? { drivers: driversOf(experiment, exact) } : {}),
  };
}
