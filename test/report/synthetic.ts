/**
 * A synthetic output folder in the runner's format (src/runner/summary.ts)
 * for report tests that need no simulation: logistic adoption curves with
 * seeded noise for three strategies, one of them a phased pilot with waves,
 * and rollouts where some strategies never reach the target.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBSERVABLES, RESULTS, createRandom, normal } from '../../src/model/index.ts';
import { BETTER } from '../../src/runner/metrics.ts';
import {
  MANIFEST_FORMAT, SUMMARY_FORMAT, type PairedComparison, type ResultDistribution, type RunManifest, type RunSummary, type WaveOpening, type WeekSeries,
} from '../../src/runner/summary.ts';
import { quantileSorted, sortedWithNever } from '../../src/report/stats.ts';

interface Shape {
  name: string;
  label: string;
  waves: number;
  speed: number;
  level: number;
  fallBack: number;
  cost: number;
}

const ALL_SHAPES: Shape[] = [
  { name: 'top_down', label: 'Top-down', waves: 0, speed: 0.35, level: 0.38, fallBack: 0.45, cost: 260_000 },
  { name: 'bottom_up', label: 'Bottom-up', waves: 0, speed: 0.12, level: 0.3, fallBack: 0.1, cost: 90_000 },
  { name: 'phased_pilot', label: 'Phased pilot', waves: 4, speed: 0.18, level: 0.5, fallBack: 0.05, cost: 180_000 },
];

export interface SyntheticRun {
  summary: RunSummary;
  manifest: RunManifest;
  rolloutsCsv: string;
  timeseriesCsv: string;
}

function quantiles(values: number[]): { mean: number | null; p05: number | null; p25: number | null; p50: number | null; p75: number | null; p95: number | null } {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return { mean: null, p05: null, p25: null, p50: null, p75: null, p95: null };
  return { mean: v.reduce((a, b) => a + b, 0) / v.length, p05: quantileSorted(v, 0.05), p25: quantileSorted(v, 0.25), p50: quantileSorted(v, 0.5), p75: quantileSorted(v, 0.75), p95: quantileSorted(v, 0.95) };
}

function wilson(p: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const csv = (x: number): string => (Number.isNaN(x) ? 'never' : String(x));

export function syntheticRun(options: { rollouts?: number; weeks?: number; seed?: number; strategies?: string[] } = {}): SyntheticRun {
  const SHAPES = options.strategies ? ALL_SHAPES.filter((s) => options.strategies!.includes(s.name)) : ALL_SHAPES;
  const rollouts = options.rollouts ?? 60;
  const weeks = options.weeks ?? 52;
  const seed = options.seed ?? 7;
  const random = createRandom(seed);
  const critical = 0.2;
  const target = 0.4;
  const maxWaves = Math.max(0, ...SHAPES.map((s) => s.waves));
  const summary: RunSummary = {
    format: SUMMARY_FORMAT,
    experiment: { name: 'synthetic', label: 'A synthetic 500-person firm', source: 'scenarios/synthetic.yaml', hash: 'abc123def456', seed, rollouts, weeks },
    outcomes: { criticalMassShare: critical, targetShare: target, sustainedWeeks: 13 },
    strategies: SHAPES.map((s) => ({ name: s.name, label: s.label, waves: s.waves })),
    observables: OBSERVABLES.map((o) => ({ ...o })),
    results: RESULTS.map((r) => ({ ...r, better: BETTER[r.name] })),
    uncertainties: [
      { path: 'organisation.silo_strength', distribution: { kind: 'uniform', min: 0.3, max: 0.7 } },
      { path: 'adoption.timeCost', distribution: { kind: 'triangular', min: 0.4, mode: 0.55, max: 0.8 } },
    ],
    quantileError: { shareAbsolute: 0.0005, weeksAbsolute: 0, otherRelative: 0.005, means: 'exact' },
    timeseries: {},
    distributions: {},
    histograms: [],
    comparisons: [],
    waveOpenWeeks: {},
  };
  const header = ['strategy', 'rollout', 'seed', ...RESULTS.map((r) => r.name), ...Array.from({ length: maxWaves }, (_, w) => (w === 0 ? 'pilot_open_week' : `wave${w}_open_week`)), ...Array.from({ length: maxWaves }, (_, w) => (w === 0 ? 'pilot_forced' : `wave${w}_forced`)), 'organisation.silo_strength', 'adoption.time_cost'];
  const csvRows: string[] = [header.join(',')];
  const tsRows: string[] = ['strategy,week,metric,mean,p05,p25,p50,p75,p95'];
  const results = new Map<string, number[][]>(); // strategy → [result][rollout]
  const drawn = Array.from({ length: rollouts }, () => [0.3 + 0.4 * random(), 0.4 + 0.4 * random()]);
  for (const s of SHAPES) {
    const series = OBSERVABLES.map(() => Array.from({ length: weeks + 1 }, () => [] as number[]));
    const perResult = RESULTS.map(() => [] as number[]);
    const waveWeeks = Array.from({ length: s.waves }, () => [] as number[]);
    // A wave that waited the longest (17 or 18 weeks) counts as forced open by the maximum wait.
    const forcedCounts = new Array<number>(s.waves).fill(0);
    for (let r = 0; r < rollouts; r++) {
      const level = Math.max(0.05, s.level + 0.12 * normal(random));
      const speed = s.speed * Math.exp(0.25 * normal(random));
      const mid = 6 / speed;
      const fall = random() < s.fallBack ? 0.6 + 0.3 * random() : 0;
      const active: number[] = [];
      for (let w = 0; w <= weeks; w++) {
        const rise = level / (1 + Math.exp(-speed * (w - mid)));
        const decline = fall > 0 && w > mid ? 1 - fall * (1 - Math.exp(-(w - mid) / 15)) : 1;
        active.push(Math.max(0, Math.min(1, rise * decline)));
      }
      OBSERVABLES.forEach((o, k) => {
        for (let w = 0; w <= weeks; w++) {
          const a = active[w]!;
          const value =
            o.unit === 'share' ? Math.min(1, a * (o.name === 'active_share' ? 1 : 0.3 + (0.1 * k) / OBSERVABLES.length))
            : o.unit === 'money' ? s.cost * (w / weeks)
            : o.name === 'communities_alive' ? Math.round(20 * a + 2)
            : 400 * a;
          series[k]![w]!.push(value);
        }
      });
      const firstAt = (x: number): number => {
        const i = active.findIndex((a) => a >= x);
        return i < 0 ? NaN : i;
      };
      const sustained = active.slice(-13).reduce((a, b) => a + b, 0) / 13;
      const peak = Math.max(...active);
      const values: Record<string, number> = {
        active_share: active[weeks]!,
        sustained_share: sustained,
        peak_share: peak,
        peak_week: active.indexOf(peak),
        weeks_to_critical_mass: firstAt(critical),
        weeks_to_target: firstAt(target),
        churn: fall * 0.5,
        producers_share: active[weeks]! * 0.3,
        communities_alive: Math.round(20 * active[weeks]! + 2),
        cross_flow_total: Math.round(4000 * sustained),
        catalyst_share: 0.2 + 0.3 * sustained,
        cost: Math.round(s.cost * Math.exp(0.15 * normal(random))),
        governance: 0,
      };
      RESULTS.forEach((m, k) => perResult[k]!.push(values[m.name]!));
      const opens: number[] = [];
      if (s.waves > 0) {
        let w = 0;
        for (let k = 0; k < s.waves; k++) {
          opens.push(w);
          w += 8 + Math.round(10 * random());
          if (random() < 0.08 * k || w > weeks) {
            for (let j = k + 1; j < s.waves; j++) opens.push(NaN);
            break;
          }
        }
        opens.forEach((o, k) => waveWeeks[k]!.push(o));
      }
      const forced = opens.map((o, k) => (Number.isNaN(o) ? NaN : k > 0 && o - opens[k - 1]! >= 17 ? 1 : 0));
      forced.forEach((f, k) => (forcedCounts[k]! += f === 1 ? 1 : 0));
      const waveCells = Array.from({ length: maxWaves }, (_, k) => (k < s.waves ? csv(opens[k]!) : ''));
      const forcedCells = Array.from({ length: maxWaves }, (_, k) => (k < s.waves && !Number.isNaN(forced[k]!) ? String(forced[k]) : ''));
      csvRows.push([s.name, r, 1000 + r, ...RESULTS.map((m) => csv(values[m.name]!)), ...waveCells, ...forcedCells, drawn[r]![0], drawn[r]![1]].join(','));
    }
    summary.timeseries[s.name] = {};
    OBSERVABLES.forEach((o, k) => {
      const ws: WeekSeries = { mean: [], p05: [], p25: [], p50: [], p75: [], p95: [] };
      for (let w = 0; w <= weeks; w++) {
        const q = quantiles(series[k]![w]!);
        for (const key of ['mean', 'p05', 'p25', 'p50', 'p75', 'p95'] as const) ws[key].push(q[key]);
        tsRows.push([s.name, w, o.name, q.mean, q.p05, q.p25, q.p50, q.p75, q.p95].join(','));
      }
      summary.timeseries[s.name]![o.name] = ws;
    });
    summary.distributions[s.name] = {};
    RESULTS.forEach((m, k) => {
      const v = perResult[k]!;
      const finite = v.filter(Number.isFinite);
      const never = v.length - finite.length;
      const d: ResultDistribution = { ...quantiles(v), n: v.length, never, neverShare: never / v.length, min: finite.length ? Math.min(...finite) : null, max: finite.length ? Math.max(...finite) : null };
      summary.distributions[s.name]![m.name] = d;
    });
    if (s.waves > 0) {
      summary.waveOpenWeeks[s.name] = waveWeeks.map((v, k): WaveOpening => {
        const never = v.filter((x) => Number.isNaN(x)).length;
        const forced = forcedCounts[k]!;
        return { wave: k, label: k === 0 ? 'Pilot' : `Wave ${k}`, n: v.length, never, neverShare: never / v.length, forced, forcedShare: forced / v.length, ...quantiles(v) };
      });
    }
    results.set(s.name, perResult);
  }
  for (let i = 0; i < SHAPES.length; i++) {
    for (let j = i + 1; j < SHAPES.length; j++) {
      RESULTS.forEach((m, k) => {
        const better = BETTER[m.name];
        const a = results.get(SHAPES[i]!.name)![k]!;
        const b = results.get(SHAPES[j]!.name)![k]!;
        let wins = 0;
        let losses = 0;
        let ties = 0;
        const diffs: number[] = [];
        for (let r = 0; r < rollouts; r++) {
          const x = Number.isNaN(a[r]!) ? Infinity : a[r]!;
          const y = Number.isNaN(b[r]!) ? Infinity : b[r]!;
          if (x === y) ties++;
          else if (better === 'lower' ? x < y : x > y) wins++;
          else losses++;
          if (Number.isFinite(x - y)) diffs.push(x - y);
        }
        const pBeats = (wins + ties / 2) / rollouts;
        const c: PairedComparison = {
          a: SHAPES[i]!.name, b: SHAPES[j]!.name, result: m.name, better, n: rollouts, wins, losses, ties, pBeats, ci: wilson(pBeats, rollouts),
          medianDifference: diffs.length ? quantileSorted(sortedWithNever(diffs), 0.5) : null,
          meanDifference: diffs.length ? diffs.reduce((x, y) => x + y, 0) / diffs.length : null,
          differenceN: diffs.length,
        };
        summary.comparisons.push(c);
      });
    }
  }
  const manifest: RunManifest = {
    format: MANIFEST_FORMAT,
    scenario: { name: 'synthetic', source: 'scenarios/synthetic.yaml', hash: 'abc123def456' },
    uptakeVersion: '0.1.0',
    nodeVersion: process.version,
    seed,
    rollouts,
    weeks,
    strategies: SHAPES.map((s) => s.name),
    workers: 1,
    batchSize: 16,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.500Z',
    seconds: 1.5,
    command: `uptake run scenarios/synthetic.yaml --seed ${seed} --rollouts ${rollouts}`,
  };
  return { summary, manifest, rolloutsCsv: `${csvRows.join('\n')}\n`, timeseriesCsv: `${tsRows.join('\n')}\n` };
}

/** Writes a synthetic output folder (summary.json, manifest.json, rollouts.csv, timeseries.csv) and returns its path. */
export function writeSyntheticOutputs(dir: string, options: Parameters<typeof syntheticRun>[0] = {}): string {
  const run = syntheticRun(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(run.summary, null, 2)}\n`);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(run.manifest, null, 2)}\n`);
  writeFileSync(join(dir, 'rollouts.csv'), run.rolloutsCsv);
  writeFileSync(join(dir, 'timeseries.csv'), run.timeseriesCsv);
  return dir;
}
