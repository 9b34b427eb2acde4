/**
 * The report's charts as Vega-Lite specs. Data are aggregated here (quantiles,
 * histograms, medians) so every spec stays small enough to inline in the HTML
 * page; every title, axis and caption is in plain words, and every strategy
 * keeps its colour across charts (palette.ts).
 */
import { type MetricInfo, type ReportData, type Unit, column } from './model.ts';
import { d3Format, percent } from './format.ts';
import { strategyScale } from './palette.ts';
import { spread } from './stats.ts';

export type VlSpec = Record<string, unknown>;

export type ChartSection = 'adoption' | 'timing' | 'comparison' | 'cost' | 'waves' | 'drivers' | 'pilot';

export interface Chart {
  /** File stem inside charts/: <name>.vl.json, <name>.svg, <name>.png. */
  name: string;
  section: ChartSection;
  title: string;
  /** One or two plain sentences saying how to read the chart. */
  caption: string;
  spec: VlSpec;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 720;
/** Characters per caption line that fit the chart width at the subtitle's font size. */
const CAPTION_CHARS = 120;

/** Observables drawn first, in this order (the issue's minimum set); the rest follow in model order. */
export const KEY_OBSERVABLES = ['active_share', 'producers_share', 'communities_alive', 'catalyst_share', 'cross_flow'];

/** Results compared pair by pair in the paired-comparison chart. */
export const KEY_RESULTS = ['sustained_share', 'active_share', 'weeks_to_critical_mass', 'weeks_to_target', 'churn', 'cost'];

/** At most this many rollouts per strategy are drawn as points (the first ones: rollouts are exchangeable). */
export const MAX_POINTS_PER_STRATEGY = 1500;

export function baseConfig(): VlSpec {
  return {
    font: 'DejaVu Sans, Helvetica Neue, Arial, sans-serif',
    background: 'white',
    padding: 12,
    view: { stroke: null },
    title: { anchor: 'start', fontSize: 15, fontWeight: 'bold', color: '#1a1a1a', subtitleFontSize: 11.5, subtitleColor: '#555555', subtitlePadding: 6, offset: 14 },
    axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333333', labelColor: '#333333', gridColor: '#ebebeb', domainColor: '#999999', tickColor: '#999999' },
    legend: {
      labelFontSize: 12,
      titleFontSize: 12,
      titleFontWeight: 'normal',
      // Bands layered under the median line would otherwise make pale legend symbols.
      symbolOpacity: 1,
      symbolStrokeWidth: 3,
      orient: 'bottom',
      direction: 'horizontal',
      columnPadding: 18,
    },
    header: { labelFontSize: 12, titleFontSize: 12, labelColor: '#1a1a1a' },
  };
}

function strategyLabels(data: ReportData): string[] {
  return data.strategies.map((s) => s.label);
}

/** The strategy colour encoding; `only` limits the legend to those strategies (each keeps its colour from the whole run). */
function colour(data: ReportData, legend: VlSpec | null = { title: null, symbolType: 'stroke' }, only?: readonly string[]): VlSpec {
  const scale = strategyScale(strategyLabels(data));
  if (only) {
    const keep = scale.domain.map((label) => only.includes(label));
    scale.domain = scale.domain.filter((_, i) => keep[i]);
    scale.range = scale.range.filter((_, i) => keep[i]);
  }
  return { field: 'strategy', type: 'nominal', title: 'Strategy', scale, legend: legend && { ...legendLayout(data), ...legend } };
}

/** Long strategy labels go one per line rather than being cut off. */
function legendLayout(data: ReportData): VlSpec {
  const chars = data.strategies.reduce((n, s) => n + s.label.length + 6, 0);
  return chars > 85 ? { labelLimit: 0, columns: 1, direction: 'vertical' } : { labelLimit: 0 };
}

function labelOf(data: ReportData): (name: string) => string {
  const map = new Map(data.strategies.map((s) => [s.name, s.label]));
  return (name) => map.get(name) ?? name;
}

/** Five significant digits are plenty for a chart (shares are known to ±0.05 points) and keep the inlined data small. */
export function compact<T extends VlSpec>(rows: T[]): T[] {
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)) (row as VlSpec)[k] = +v.toPrecision(5);
  }
  return rows;
}

function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

/** A cost's title with the scenario's currency: "Total cost (EUR)". */
function costTitle(title: string, currency = ''): string {
  return currency ? `${title} (${currency})` : title;
}

/** The y-axis title: short where the chart title already says it all. */
function axisTitle(metric: MetricInfo, currency = ''): string {
  if (metric.unit === 'money') return costTitle('Cost', currency);
  const whose = /^Share of (employees|managers)\b/.exec(metric.label);
  return whose ? `Share of ${whose[1]}` : metric.label;
}

/** Shares read as percentages, except a 0-to-1 score such as the mean manager style. */
function axisFormat(metric: MetricInfo): string {
  return metric.unit === 'share' && !/^Share\b/.test(metric.label) ? '.2f' : d3Format(metric.unit);
}

// ── Fan charts ────────────────────────────────────────────────────────────

export function fanChart(data: ReportData, metric: MetricInfo): Chart {
  const rows: VlSpec[] = [];
  for (const s of data.strategies) {
    const series = data.summary.timeseries[s.name]?.[metric.name];
    if (!series) continue;
    series.p50.forEach((p50, week) => {
      if (p50 === null) return;
      rows.push({ strategy: s.label, week, p05: series.p05[week], p25: series.p25[week], p50, p75: series.p75[week], p95: series.p95[week] });
    });
  }
  const fmt = axisFormat(metric);
  const caption = `Line: median of ${data.summary.experiment.rollouts.toLocaleString('en-GB')} rollouts per strategy. Dark band: middle 50% of rollouts; light band: middle 90%.`;
  return {
    name: `fan-${fileStem(metric.name)}`,
    section: 'adoption',
    title: metric.label,
    caption,
    spec: {
      $schema: SCHEMA,
      description: `${metric.label}, week by week, per strategy.`,
      title: { text: metric.label, subtitle: wrap(caption, CAPTION_CHARS) },
      width: WIDTH,
      height: 320,
      layer: [{
      data: { values: compact(rows) },
      encoding: {
        x: { field: 'week', type: 'quantitative', title: 'Weeks after launch', scale: { domain: [0, data.summary.experiment.weeks], nice: false }, axis: { tickMinStep: 1 } },
        color: colour(data),
      },
      layer: fanLayers(axisTitle(metric, data.summary.experiment.currency), fmt, 'Strategy'),
      }, ...referenceLayers(data, metric)],
    },
  };
}

/** Dashed lines at critical mass and the target share on active-use axes: the levels the report talks about. */
function referenceLayers(data: ReportData, metric: Pick<MetricInfo, 'name'>): VlSpec[] {
  if (metric.name !== 'active_share' && metric.name !== 'sustained_share') return [];
  const { criticalMassShare, targetShare } = data.summary.outcomes;
  const levels = [{ level: criticalMassShare, text: `Critical mass ${percent(criticalMassShare)}` }];
  if (targetShare !== criticalMassShare) levels.push({ level: targetShare, text: `Target ${percent(targetShare)}` });
  return [{
    data: { values: levels },
    layer: [
      { mark: { type: 'rule', color: '#555555', strokeDash: [5, 4], strokeWidth: 1 }, encoding: { y: { field: 'level', type: 'quantitative' } } },
      {
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, fontSize: 11, color: '#444444' },
        encoding: { y: { field: 'level', type: 'quantitative' }, x: { value: 0 }, text: { field: 'text', type: 'nominal' } },
      },
    ],
  }];
}

// ── Weeks to critical mass / target ──────────────────────────────────────

const NEVER = 'Never';

/** A bin width giving roughly 12–26 bars over the horizon. */
export function weekBinWidth(horizon: number): number {
  for (const w of [1, 2, 4, 5, 8, 10, 13, 20, 26, 52, 104]) if (horizon / w <= 26) return w;
  return Math.ceil(horizon / 26);
}

export function weeksChart(data: ReportData, resultName: 'weeks_to_critical_mass' | 'weeks_to_target'): Chart {
  const metric = data.summary.results.find((r) => r.name === resultName) ?? { name: resultName, label: resultName, unit: 'weeks' as Unit };
  const level = resultName === 'weeks_to_target' ? data.summary.outcomes.targetShare : data.summary.outcomes.criticalMassShare;
  const what = resultName === 'weeks_to_target' ? `the target of ${percent(level)} active use` : `critical mass (${percent(level)} active use)`;
  const horizon = data.summary.experiment.weeks;
  const width = weekBinWidth(horizon);
  const binCount = Math.floor(horizon / width) + 1;
  const binLabel = (k: number): string => {
    const from = k * width;
    const to = Math.min(horizon, from + width - 1);
    return to === from ? `${from}` : `${from}–${to}`;
  };
  const order = [...Array.from({ length: binCount }, (_, k) => binLabel(k)), NEVER];
  const rows: VlSpec[] = [];
  for (const s of data.strategies) {
    const values = column(data, s.name, resultName);
    const counts = new Array<number>(binCount + 1).fill(0);
    for (const w of values) counts[Number.isNaN(w) ? binCount : Math.min(binCount - 1, Math.max(0, Math.floor(w / width)))]!++;
    const n = values.length || 1;
    counts.forEach((c, k) => {
      if (c === 0 && k !== binCount) return;
      rows.push({ strategy: s.label, bin: order[k], share: c / n, rollouts: c, never: k === binCount });
    });
  }
  const caption = `Share of rollouts reaching ${what} in each span of weeks; "Never" counts rollouts that did not reach it within ${horizon} weeks.`;
  const title = resultName === 'weeks_to_target' ? `Weeks to reach the target of ${percent(level)} active use` : `Weeks to reach critical mass (${percent(level)} active use)`;
  return {
    name: resultName === 'weeks_to_target' ? 'weeks-to-target' : 'weeks-to-critical-mass',
    section: 'timing',
    title,
    caption: `${metric.label}. ${caption}`,
    spec: {
      $schema: SCHEMA,
      description: title,
      title: { text: title, subtitle: wrap(caption, CAPTION_CHARS) },
      data: { values: compact(rows) },
      facet: { row: { field: 'strategy', type: 'nominal', sort: strategyLabels(data), title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontWeight: 'bold', labelPadding: 4 } } },
      spacing: 14,
      spec: {
        width: WIDTH,
        height: 80,
        encoding: {
          x: { field: 'bin', type: 'ordinal', sort: order, scale: { domain: order }, title: 'Weeks after launch', axis: { labelAngle: -45, labelOverlap: false } },
          y: { field: 'share', type: 'quantitative', title: 'Rollouts', axis: { format: '.0%', tickCount: 3 } },
        },
        layer: [
          {
            mark: { type: 'bar', cornerRadiusTopLeft: 1, cornerRadiusTopRight: 1 },
            encoding: {
              color: colour(data, null),
              // "Never" bars are hatched-looking via a dark outline, so they read as a category apart.
              stroke: { condition: { test: 'datum.never', value: '#333333' }, value: null },
              strokeDash: { condition: { test: 'datum.never', value: [3, 2] }, value: [1, 0] },
              tooltip: [
                { field: 'strategy', title: 'Strategy' },
                { field: 'bin', title: 'Weeks' },
                { field: 'share', title: 'Share of rollouts', format: '.1%' },
                { field: 'rollouts', title: 'Rollouts' },
              ],
            },
          },
          {
            transform: [{ filter: 'datum.never' }],
            mark: { type: 'text', dy: -6, fontSize: 11, color: '#333333' },
            encoding: { text: { field: 'share', type: 'quantitative', format: '.0%' } },
          },
        ],
      },
      resolve: { scale: { y: 'shared' } },
    },
  };
}

// ── Paired comparisons ───────────────────────────────────────────────────

export function pairedChart(data: ReportData): Chart | undefined {
  const label = labelOf(data);
  const resultLabel = new Map(data.summary.results.map((r) => [r.name, r.label]));
  // A pair where neither strategy ever gets there has nothing to draw: 50% from ties is not a coin flip.
  const comparisons = data.summary.comparisons.filter((c) => c.better !== 'neutral' && KEY_RESULTS.includes(c.result) && !c.neitherReaches);
  const keys = KEY_RESULTS.filter((k) => comparisons.some((c) => c.result === k));
  const rows = comparisons
    .map((c) => ({
      pair: `${label(c.a)} vs ${label(c.b)}`,
      result: `${shortResult(c.result, resultLabel.get(c.result) ?? c.result)} (${c.better} is better)`,
      p: c.pBeats,
      lower: c.ci[0],
      upper: c.ci[1],
      favoured: c.pBeats === 0.5 ? 'neither' : c.pBeats > 0.5 ? label(c.a) : label(c.b),
      rollouts: c.n,
    }));
  if (rows.length === 0) return undefined;
  const order = keys.map((k) => rows.find((r) => r.result.startsWith(shortResult(k, resultLabel.get(k) ?? k)))?.result).filter(Boolean);
  const level = 0.95;
  const pairAxis = { field: 'pair', type: 'nominal', sort: null, title: null, axis: { labelLimit: 320, labelFontSize: 11.5 } };
  const caption = `Chance that the first strategy does better than the second in the same rollout (same organisation, same assumptions), with its ${Math.round(level * 100)}% interval. 50% means no difference; ties count half.`;
  return {
    name: 'paired-comparisons',
    section: 'comparison',
    title: 'How often one strategy beats another, rollout by rollout',
    caption,
    spec: {
      $schema: SCHEMA,
      description: 'Paired comparisons of strategies.',
      title: { text: 'How often one strategy beats another, rollout by rollout', subtitle: wrap(caption, CAPTION_CHARS) },
      data: { values: compact(rows) },
      facet: { row: { field: 'result', type: 'nominal', sort: order, title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontWeight: 'bold', labelPadding: 4 } } },
      spacing: 10,
      spec: {
        width: WIDTH - 120,
        height: { step: 22 },
        layer: [
          // No y encoding here, so the 50% line spans the whole row.
          { mark: { type: 'rule', color: '#888888', strokeDash: [4, 3] }, encoding: { x: { datum: 0.5 } } },
          {
            mark: { type: 'rule', strokeWidth: 2, color: '#4d4d4d' },
            encoding: {
              y: pairAxis,
              x: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] }, title: 'Chance the first strategy does better', axis: { format: '.0%' } },
              x2: { field: 'upper' },
            },
          },
          {
            mark: { type: 'point', filled: true, size: 80, color: '#1a1a1a', opacity: 1 },
            encoding: {
              y: pairAxis,
              x: { field: 'p', type: 'quantitative' },
              tooltip: [
                { field: 'pair', title: 'Comparison' },
                { field: 'result', title: 'Result' },
                { field: 'p', title: 'Chance the first does better', format: '.1%' },
                { field: 'lower', title: 'Interval from', format: '.1%' },
                { field: 'upper', title: 'Interval to', format: '.1%' },
                { field: 'favoured', title: 'Favoured' },
                { field: 'rollouts', title: 'Rollouts compared' },
              ],
            },
          },
        ],
      },
    },
  };
}

function shortResult(name: string, label: string): string {
  const short: Record<string, string> = {
    sustained_share: 'Sustained adoption',
    active_share: 'Active use at the horizon',
    weeks_to_critical_mass: 'Weeks to critical mass',
    weeks_to_target: 'Weeks to the target share',
    churn: 'Share who stopped',
    cost: 'Total cost',
    peak_share: 'Peak active use',
    producers_share: 'Producers at the horizon',
  };
  return short[name] ?? label;
}

/** Split a caption into lines of at most `width` characters (Vega titles do not wrap). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

// ── Cost against sustained adoption ──────────────────────────────────────

export function costChart(data: ReportData): Chart | undefined {
  const points: VlSpec[] = [];
  const medians: VlSpec[] = [];
  let thinned = false;
  for (const s of data.strategies) {
    const r = data.rollouts.get(s.name);
    const costs = column(data, s.name, 'cost');
    const sustained = column(data, s.name, 'sustained_share');
    if (!r || costs.length === 0 || sustained.length === 0) continue;
    if (r.n > MAX_POINTS_PER_STRATEGY) thinned = true;
    for (let i = 0; i < Math.min(r.n, MAX_POINTS_PER_STRATEGY); i++) {
      if (Number.isFinite(costs[i]!) && Number.isFinite(sustained[i]!)) points.push({ strategy: s.label, rollout: r.rollout[i], seed: r.seed[i], cost: costs[i], sustained: sustained[i] });
    }
    // Medians over every rollout, not only the points drawn.
    medians.push({ strategy: s.label, cost: spread(costs).median, sustained: spread(sustained).median, rollouts: r.n });
  }
  if (points.length === 0) return undefined;
  const caption = `Each dot is one rollout${thinned ? ` (the first ${MAX_POINTS_PER_STRATEGY.toLocaleString('en-GB')} per strategy)` : ''}; the large diamond marks each strategy's median cost and median sustained adoption (mean active share over the final ${data.summary.outcomes.sustainedWeeks} weeks).`;
  const pointLegend = { title: null, symbolType: 'circle', symbolSize: 120 };
  // SI-prefixed cost labels, with a plain "0" rather than "0k" at the origin.
  const x = { field: 'cost', type: 'quantitative', title: costTitle('Total cost of the rollout', data.summary.experiment.currency), axis: { format: '~s', labelExpr: "datum.value === 0 ? '0' : datum.label" }, scale: { zero: true } };
  const y = { field: 'sustained', type: 'quantitative', title: 'Sustained adoption (share of employees)', axis: { format: '.0%' }, scale: { zero: true } };
  return {
    name: 'cost-vs-adoption',
    section: 'cost',
    title: 'What each strategy costs and the adoption it sustains',
    caption,
    spec: {
      $schema: SCHEMA,
      description: 'Cost against sustained adoption, one point per rollout.',
      title: { text: 'What each strategy costs and the adoption it sustains', subtitle: wrap(caption, CAPTION_CHARS) },
      width: WIDTH,
      height: 340,
      layer: [
        {
          data: { values: compact(points) },
          mark: { type: 'circle', size: 22, opacity: 0.35 },
          encoding: {
            x,
            y,
            color: colour(data, pointLegend),
            tooltip: [
              { field: 'strategy', title: 'Strategy' },
              { field: 'rollout', title: 'Rollout' },
              { field: 'seed', title: 'Seed' },
              { field: 'cost', title: costTitle('Total cost', data.summary.experiment.currency), format: ',.0f' },
              { field: 'sustained', title: 'Sustained adoption', format: '.1%' },
            ],
          },
        },
        {
          data: { values: compact(medians) },
          mark: { type: 'point', shape: 'diamond', filled: true, size: 260, stroke: '#1a1a1a', strokeWidth: 1.5, opacity: 1 },
          encoding: {
            x,
            y,
            // Same legend definition as the points: the layers share one legend.
            color: colour(data, pointLegend),
            tooltip: [
              { field: 'strategy', title: 'Strategy' },
              { field: 'cost', title: costTitle('Median total cost', data.summary.experiment.currency), format: ',.0f' },
              { field: 'sustained', title: 'Median sustained adoption', format: '.1%' },
              { field: 'rollouts', title: 'Rollouts' },
            ],
          },
        },
        ...referenceLayers(data, { name: 'sustained_share' }),
      ],
    },
  };
}

// ── Waves of phased pilots ───────────────────────────────────────────────

/** "Pilot", "Wave 2"; with the groups a named wave is made of, "Pilot: Tax, Legal". */
export function waveLabel(k: number, groups?: readonly string[]): string {
  const name = k === 0 ? 'Pilot' : `Wave ${k}`;
  return groups?.[k] ? `${name}: ${groups[k]}` : name;
}

export function wavesChart(data: ReportData): Chart | undefined {
  const phased = data.strategies.filter((s) => s.waves > 0 && (data.summary.waveOpenWeeks[s.name]?.length ?? 0) > 0);
  if (phased.length === 0) return undefined;
  const rows: VlSpec[] = [];
  const waveOrder: string[] = [];
  // "never" counts as later than any week: its bar runs to the horizon, and the tooltip says never.
  const horizon = data.summary.experiment.weeks;
  const at = (q: number | null | 'never'): number | null => (q === 'never' ? horizon : q);
  const label = (q: number | null | 'never'): string => (q === 'never' ? 'never' : q === null ? '–' : String(Math.round(q)));
  for (const s of phased) {
    for (const w of data.summary.waveOpenWeeks[s.name]!) {
      const wl = waveLabel(w.wave, s.waveGroups);
      if (!waveOrder.includes(wl)) waveOrder.push(wl);
      rows.push({
        strategy: s.label,
        wave: wl,
        p05: at(w.p05),
        p25: at(w.p25),
        p50: at(w.p50),
        p75: at(w.p75),
        p95: at(w.p95),
        median: label(w.p50),
        from: label(w.p25),
        to: label(w.p75),
        never: w.neverShare,
        // Output folders written before forced openings were recorded have no forcedShare.
        forced: w.forcedShare ?? null,
        note: [
          (w.forcedShare ?? 0) > 0 ? `forced open in ${percent(w.forcedShare!)}` : '',
          w.neverShare > 0 ? `never opened in ${percent(w.neverShare)}` : '',
        ].filter(Boolean).join(', '),
        // Place the note after the latest opening, or at week 0 when the wave never opened.
        noteAt: at(w.p95) ?? 0,
      });
    }
  }
  const caption = `Week each wave opened, once the wave before passed its gate: thick bar middle 50% of rollouts, thin line middle 90% (5th to 95th percentile), tick the median; a wave that never opened counts as later than any week, so a bar that reaches week ${horizon} runs on to "never". Forced open: the share of rollouts in which the wave opened at its maximum wait instead, its gate not met.`;
  const x = (field: string, extra: VlSpec = {}): VlSpec => ({ field, type: 'quantitative', ...extra });
  const tooltip = [
    { field: 'strategy', title: 'Strategy' },
    { field: 'wave', title: 'Wave' },
    { field: 'median', title: 'Median opening week' },
    { field: 'from', title: 'Middle 50% from week' },
    { field: 'to', title: 'Middle 50% to week' },
    { field: 'forced', title: 'Forced open (gate not met)', format: '.0%' },
    { field: 'never', title: 'Never opened', format: '.0%' },
  ];
  const multiple = phased.length > 1;
  return {
    name: 'wave-timeline',
    section: 'waves',
    title: 'When the waves of the phased rollout open',
    caption,
    spec: {
      $schema: SCHEMA,
      description: 'Timeline of waves and gate decisions.',
      title: { text: 'When the waves of the phased rollout open', subtitle: wrap(caption, CAPTION_CHARS) },
      width: WIDTH - 60,
      height: { step: multiple ? 18 : 30 },
      data: { values: compact(rows) },
      encoding: {
        y: { field: 'wave', type: 'nominal', sort: waveOrder, title: null, axis: { labelFontSize: 12, labelLimit: 360 } },
        ...(multiple ? { yOffset: { field: 'strategy', type: 'nominal', sort: phased.map((s) => s.label) } } : {}),
        // The legend lists only the strategies that have waves.
        color: colour(data, multiple ? { title: null, symbolType: 'square' } : null, phased.map((s) => s.label)),
      },
      layer: [
        { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x: x('p05', { title: 'Week the wave opened', scale: { domain: [0, data.summary.experiment.weeks], nice: false } }), x2: { field: 'p95' }, tooltip } },
        { mark: { type: 'bar', height: multiple ? 9 : 14, cornerRadius: 2 }, encoding: { x: x('p25'), x2: { field: 'p75' }, tooltip } },
        // A fixed colour in the encoding overrides the strategy colour set for the whole chart.
        { mark: { type: 'tick', thickness: 3, size: multiple ? 14 : 22 }, encoding: { x: x('p50'), color: { value: '#1a1a1a' }, tooltip } },
        {
          mark: { type: 'text', align: 'left', dx: 6, fontSize: 11 },
          encoding: { x: x('noteAt'), color: { value: '#444444' }, text: { field: 'note', type: 'nominal' } },
        },
      ],
    },
  };
}

// ── All charts of a report ───────────────────────────────────────────────

/** Observables to draw: the key ones first, then the rest in model order (codes excluded). */
export function chartedObservables(data: ReportData): MetricInfo[] {
  const present = new Set(Object.values(data.summary.timeseries).flatMap((t) => Object.keys(t)));
  const byName = new Map(data.summary.observables.map((o) => [o.name, o]));
  const out: MetricInfo[] = [];
  for (const n of KEY_OBSERVABLES) {
    const m = byName.get(n);
    if (m && present.has(n)) out.push(m);
  }
  for (const m of data.summary.observables) if (present.has(m.name) && m.unit !== 'code' && !out.includes(m)) out.push(m);
  // Metrics in the file the model does not list still get a chart, under their file name.
  for (const n of present) if (!byName.has(n)) out.push({ name: n, label: n.replace(/_/g, ' '), unit: 'count' });
  return out;
}

export function buildCharts(data: ReportData): Chart[] {
  const charts: Chart[] = chartedObservables(data).map((m) => fanChart(data, m));
  const resultNames = new Set(data.summary.results.map((r) => r.name));
  for (const r of ['weeks_to_critical_mass', 'weeks_to_target'] as const) if (resultNames.has(r)) charts.push(weeksChart(data, r));
  for (const c of [pairedChart(data), costChart(data), wavesChart(data)]) if (c) charts.push(c);
  return charts;
}

/** The shape of the report's tornadoes: one row per input (sorted by `order`), one panel per strategy or pair. */
export function inputPanels(o: { description: string; title: string; caption: string; values: unknown[]; panel: string; panels: string[]; order: string[]; layer: (y: VlSpec) => VlSpec[] }): VlSpec {
  const y = { field: 'input', type: 'nominal', sort: o.order, title: null, axis: { labelLimit: 260 } };
  return {
    $schema: SCHEMA,
    description: o.description,
    title: { text: o.title, subtitle: wrap(o.caption, 110) },
    data: { values: o.values },
    facet: { row: { field: o.panel, type: 'nominal', sort: o.panels, title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelFontWeight: 'bold', labelPadding: 4 } } },
    spacing: 12,
    spec: { width: 560, height: { step: 22 }, layer: o.layer(y) },
  };
}

/**
 * A fan chart's layers over rows of {strategy, week, p05 … p95}: the middle 90% and 50% bands, the median, and
 * invisible points that carry the tooltips, so hovering anywhere along a line explains it.
 */
export function fanLayers(axis: string, fmt: string, who: string): VlSpec[] {
  const y = (field: string, extra: VlSpec = {}): VlSpec => ({ field, type: 'quantitative', ...extra });
  return [
    { mark: { type: 'area', opacity: 0.13, interpolate: 'monotone' }, encoding: { y: y('p05', { title: axis, axis: { format: fmt } }), y2: { field: 'p95' } } },
    { mark: { type: 'area', opacity: 0.28, interpolate: 'monotone' }, encoding: { y: y('p25'), y2: { field: 'p75' } } },
    { mark: { type: 'line', strokeWidth: 2.5, interpolate: 'monotone' }, encoding: { y: y('p50') } },
    {
      mark: { type: 'point', opacity: 0, size: 60 },
      encoding: {
        y: y('p50'),
        tooltip: [
          { field: 'strategy', title: who },
          { field: 'week', title: 'Week' },
          { field: 'p50', title: 'Median', format: fmt },
          { field: 'p25', title: 'Middle 50% from', format: fmt },
          { field: 'p75', title: 'Middle 50% to', format: fmt },
          { field: 'p05', title: 'Middle 90% from', format: fmt },
          { field: 'p95', title: 'Middle 90% to', format: fmt },
        ],
      },
    },
  ];
}
