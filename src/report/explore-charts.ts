/**
 * The charts of `uptake explore`, from its files only (indices.csv, trajectory.csv, discover.json in
 * `<out>/explore/`): a tornado of the Sobol' indices (total, with the first-order index marked),
 * Morris's μ* against σ, and PRIM's peeling trajectory (coverage against density) with the chosen
 * box. `uptake explore` draws them into explore/charts/; a run's report shows them under "What
 * drives the result" when its folder holds an explore.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { inputPanels, wrap, type Chart, type VlSpec } from './charts.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** The outcome the charts show: what a steering committee asks about first. */
const OUTCOME = 'sustained_share';

type Row = Record<string, string>;

function readCsv(file: string): Row[] {
  return existsSync(file) ? (parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[]) : [];
}

const value = (text: string | undefined): number | null => (text === undefined || text === '' ? null : Number(text));

/** Sobol': per strategy (and the first pair), each input's total index as a bar and its first-order index as a dot, with intervals. */
function sobolChart(rows: Row[]): Chart | undefined {
  const sobol = rows.filter((r) => r.method === 'sobol' && r.outcome === OUTCOME);
  if (sobol.length === 0) return undefined;
  const n = Math.max(...sobol.map((r) => Number(r.n)));
  const at = sobol.filter((r) => Number(r.n) === n);
  const strategies = [...new Set(at.map((r) => r.strategy!))];
  const shown = strategies.filter((s) => !s.includes('-')).concat(strategies.filter((s) => s.includes('-')).slice(0, 1));
  const cells = new Map<string, { strategy: string; input: string; total: number | null; totalLow: number | null; totalHigh: number | null; first: number | null; firstLow: number | null; firstHigh: number | null }>();
  for (const r of at) {
    if (!shown.includes(r.strategy!)) continue;
    const key = `${r.strategy}|${r.input}`;
    const cell = cells.get(key) ?? { strategy: r.strategy!, input: r.input!, total: null, totalLow: null, totalHigh: null, first: null, firstLow: null, firstHigh: null };
    if (r.index === 'total') Object.assign(cell, { total: value(r.estimate), totalLow: value(r.low), totalHigh: value(r.high) });
    if (r.index === 'first_order') Object.assign(cell, { first: value(r.estimate), firstLow: value(r.low), firstHigh: value(r.high) });
    cells.set(key, cell);
  }
  const data = [...cells.values()].filter((c) => c.total !== null);
  if (data.length === 0) return undefined;
  const strength = new Map<string, number>();
  for (const c of data) strength.set(c.input, Math.max(strength.get(c.input) ?? 0, c.total ?? 0));
  const order = [...strength].sort((a, b) => b[1] - a[1]).map(([i]) => i);
  const title = 'Which assumptions drive sustained use (Sobol\' indices)';
  const caption = `Bar: total index (the share of the variance of sustained use that involves the assumption, with its interactions); dot: first-order index (its effect alone); lines: bootstrap 95% intervals; N = ${n}. The last panel, when there is one, is the gap between two strategies.`;
  const spec = inputPanels({
    description: 'Sobol indices of sustained use.', title, caption, values: data, panel: 'strategy', panels: shown, order,
    layer: (y) => [
      { mark: { type: 'bar', height: 12, color: '#9ecae1' }, encoding: { y, x: { field: 'total', type: 'quantitative', scale: { domainMin: 0 }, title: 'Share of the variance of sustained use' } } },
      { mark: { type: 'rule', color: '#6b6b6b' }, encoding: { y, x: { field: 'totalLow', type: 'quantitative' }, x2: { field: 'totalHigh' } } },
      {
        mark: { type: 'point', filled: true, size: 60, color: '#1a1a1a', opacity: 1 },
        encoding: {
          y,
          x: { field: 'first', type: 'quantitative' },
          tooltip: [
            { field: 'input', title: 'Assumption' }, { field: 'strategy', title: 'Strategy' },
            { field: 'total', title: 'Total index', format: '.2f' }, { field: 'first', title: 'First-order index', format: '.2f' },
          ],
        },
      },
    ],
  });
  return { name: 'explore-sobol', section: 'drivers', title, caption, spec };
}

/** Morris: μ* against σ per input (and strategy): far right matters, high up acts through interactions or non-linearly. */
function morrisChart(rows: Row[]): Chart | undefined {
  const morris = rows.filter((r) => r.method === 'morris' && r.outcome === OUTCOME && !r.strategy!.includes('-'));
  if (morris.length === 0) return undefined;
  const n = Math.max(...morris.map((r) => Number(r.n)));
  const points = new Map<string, { strategy: string; input: string; muStar: number | null; sigma: number | null }>();
  for (const r of morris.filter((x) => Number(x.n) === n)) {
    const key = `${r.strategy}|${r.input}`;
    const p = points.get(key) ?? { strategy: r.strategy!, input: r.input!, muStar: null, sigma: null };
    if (r.index === 'mu_star') p.muStar = value(r.estimate);
    if (r.index === 'sigma') p.sigma = value(r.estimate);
    points.set(key, p);
  }
  const data = [...points.values()].filter((p) => p.muStar !== null && p.sigma !== null);
  if (data.length === 0) return undefined;
  const title = 'Morris screening of sustained use: μ* against σ';
  const caption = `Each dot an assumption under one strategy (${n} trajectories): far right, it moves sustained use a lot; high up, its effect depends on the other assumptions or is not linear. Dots near the origin can be fixed at any value in their range.`;
  const spec: VlSpec = {
    $schema: SCHEMA,
    description: 'Morris mu* and sigma of sustained use.',
    title: { text: title, subtitle: wrap(caption, 110) },
    data: { values: data },
    width: 560,
    height: 320,
    layer: [
      { mark: { type: 'point', filled: true, size: 70 }, encoding: { x: { field: 'muStar', type: 'quantitative', title: 'μ* (mean absolute elementary effect)' }, y: { field: 'sigma', type: 'quantitative', title: 'σ (spread of the effects)' }, color: { field: 'strategy', type: 'nominal', title: null }, tooltip: [{ field: 'input', title: 'Assumption' }, { field: 'strategy', title: 'Strategy' }, { field: 'muStar', title: 'μ*', format: '.3f' }, { field: 'sigma', title: 'σ', format: '.3f' }] } },
      { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 }, encoding: { x: { field: 'muStar', type: 'quantitative' }, y: { field: 'sigma', type: 'quantitative' }, text: { field: 'input' } } },
    ],
  };
  return { name: 'explore-morris', section: 'drivers', title, caption, spec };
}

/** PRIM: each box's peeling trajectory, coverage against density, with the chosen step ringed. */
function trajectoryChart(rows: Row[], condition: string | undefined): Chart | undefined {
  if (rows.length === 0) return undefined;
  const data = rows.map((r) => ({ box: `box ${r.box}`, step: Number(r.step), coverage: Number(r.coverage), density: Number(r.density), restricted: Number(r.restricted), chosen: r.chosen === '1' }));
  const title = 'Where the condition holds: PRIM\'s peeling trajectory';
  const caption = `Each dot a box on the way from every rollout (right) to a small, dense region (left): coverage is the share of the cases "${condition ?? 'the condition'}" inside it, density the share of its rollouts that are cases; colour: how many assumptions it restricts. The ringed dot is the box chosen.`;
  const spec: VlSpec = {
    $schema: SCHEMA,
    description: 'PRIM peeling trajectory.',
    title: { text: title, subtitle: wrap(caption, 110) },
    data: { values: data },
    width: 560,
    height: 320,
    layer: [
      { mark: { type: 'line', color: '#bbbbbb' }, encoding: { x: { field: 'coverage', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%' }, title: 'Coverage (share of the cases in the box)' }, y: { field: 'density', type: 'quantitative', scale: { domain: [0, 1] }, axis: { format: '.0%' }, title: 'Density (share of the box that are cases)' }, detail: { field: 'box' }, order: { field: 'step' } } },
      { mark: { type: 'point', filled: true, size: 40 }, encoding: { x: { field: 'coverage', type: 'quantitative' }, y: { field: 'density', type: 'quantitative' }, color: { field: 'restricted', type: 'ordinal', title: 'Assumptions restricted', scale: { scheme: 'viridis' } }, shape: { field: 'box', type: 'nominal', title: null }, tooltip: [{ field: 'box' }, { field: 'step' }, { field: 'coverage', format: '.1%' }, { field: 'density', format: '.1%' }, { field: 'restricted' }] } },
      { transform: [{ filter: 'datum.chosen' }], mark: { type: 'point', size: 260, strokeWidth: 2, color: '#d62728', filled: false }, encoding: { x: { field: 'coverage', type: 'quantitative' }, y: { field: 'density', type: 'quantitative' } } },
    ],
  };
  return { name: 'explore-prim', section: 'drivers', title, caption, spec };
}

/** The explore charts a folder's files allow, in report order. */
export function exploreCharts(exploreDir: string): Chart[] {
  const indices = readCsv(join(exploreDir, 'indices.csv'));
  const trajectory = readCsv(join(exploreDir, 'trajectory.csv'));
  let condition: string | undefined;
  try {
    condition = (JSON.parse(readFileSync(join(exploreDir, 'discover.json'), 'utf8')) as { condition?: string }).condition;
  } catch {
    condition = undefined;
  }
  return [sobolChart(indices), morrisChart(indices), trajectoryChart(trajectory, condition)].filter((c): c is Chart => c !== undefined);
}

/** The boxes of a discovery in plain words, for the report (empty without discover.json). */
export function discoverySentences(exploreDir: string): string[] {
  try {
    const d = JSON.parse(readFileSync(join(exploreDir, 'discover.json'), 'utf8')) as { condition: string; boxes: { sentence: string }[] };
    return d.boxes.map((b) => `"${d.condition}" holds ${b.sentence}.`);
  } catch {
    return [];
  }
}
