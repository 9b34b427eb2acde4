/**
 * The forecast's charts as Vega-Lite specs, drawn from a forecast folder's files only (forecast-data.ts):
 * a fan chart per telemetry measure with the pilot's weeks as dots and a line where the forecast
 * starts, what the pilot taught about each calibrated parameter (prior against posterior), and the
 * backtest. Same look, palette and conventions as the run's charts (charts.ts).
 */
import { logPriorDensity } from '../forecast/prior.ts';
import type { Distribution } from '../scenarios/experiment.ts';
import { type Chart, type VlSpec, compact, fanLayers, wrap } from './charts.ts';
import type { BacktestRow, ForecastData, ObservedRow, TelemetryMetric } from './forecast-data.ts';
import { strategyScale } from './palette.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 720;
const CAPTION_CHARS = 120;
/** The posterior's colour: the page's accent, apart from the strategies' colours. */
const POSTERIOR_COLOUR = '#0b5394';
const PRIOR_COLOUR = '#9a9a9a';

export interface TelemetryMeasure {
  metric: TelemetryMetric;
  /** Chart title and y-axis title, in plain words. */
  title: string;
  axis: string;
  /** The model's per-week observables whose quantiles make the telemetry's count, and their scale. */
  terms: string[];
  perEmployee: boolean;
}

/**
 * How each telemetry count is read off the model (src/forecast/observe.ts): people with access, people
 * using the platform (trying or regular, as weekly active users count them), producers active, items posted.
 */
export const TELEMETRY_MEASURES: TelemetryMeasure[] = [
  { metric: 'active', title: 'People using the platform each week: the pilot and the forecast', axis: 'People using the platform', terms: ['trying_share', 'active_share'], perEmployee: true },
  { metric: 'with_access', title: 'People with access to the platform: the pilot and the forecast', axis: 'People with access', terms: ['access_share'], perEmployee: true },
  { metric: 'posters', title: 'People posting each week: the pilot and the forecast', axis: 'People posting', terms: ['producers_share'], perEmployee: true },
  { metric: 'posts', title: 'Items posted each week: the pilot and the forecast', axis: 'Items posted', terms: ['content'], perEmployee: false },
];

export function fanName(metric: TelemetryMetric): string {
  return `pilot-fan-${metric.replace(/_/g, '-')}`;
}

// ── The pilot's counts for the whole organisation ────────────────────────

export interface ObservedSeries {
  /** Per observed week, the whole organisation's counts (empty when they cannot be had). */
  rows: ObservedRow[];
  /** 'whole': rows for the whole organisation; 'departments' / 'waves': the groups summed; 'partial': groups that do not cover it. */
  source: 'whole' | 'departments' | 'waves' | 'partial';
  /** The groups of a grouped file. */
  groups: string[];
}

/**
 * The whole organisation's counts, as the fan charts (whole-organisation forecasts) need: the file's own
 * whole-organisation rows when it has them; else the sum over its groups when they are every department,
 * or every wave of the plan in progress (each person is in exactly one of either, so the sums are the
 * organisation's counts); else none, since part of the firm cannot be set against the whole firm's forecast.
 */
export function observedWhole(data: Pick<ForecastData, 'observed' | 'departments' | 'waves'>): ObservedSeries {
  const whole = data.observed.filter((r) => r.group === null);
  const groups = [...new Set(data.observed.filter((r) => r.group !== null).map((r) => r.group!))];
  if (whole.length > 0) return { rows: whole.sort((a, b) => a.week - b.week), source: 'whole', groups };
  const same = (names: string[]): boolean => names.length > 0 && names.length === groups.length && names.every((n) => groups.includes(n));
  const source = same(data.departments) ? 'departments' : same(data.waves) ? 'waves' : 'partial';
  if (source === 'partial') return { rows: [], source, groups };
  const byWeek = new Map<number, ObservedRow>();
  for (const r of data.observed) {
    const w = byWeek.get(r.week) ?? { group: null, week: r.week, with_access: 0, active: 0, posters: 0, posts: r.posts === null ? null : 0 };
    w.with_access += r.with_access;
    w.active += r.active;
    w.posters += r.posters;
    w.posts = w.posts === null || r.posts === null ? null : w.posts + r.posts;
    byWeek.set(r.week, w);
  }
  return { rows: [...byWeek.values()].sort((a, b) => a.week - b.week), source, groups };
}

/** Sums of the groups reported, for the paragraph when they do not cover the firm. */
export function observedGroupsTotal(data: Pick<ForecastData, 'observed'>, week: number): ObservedRow {
  const out: ObservedRow = { group: null, week, with_access: 0, active: 0, posters: 0, posts: null };
  for (const r of data.observed) {
    if (r.week !== week || r.group === null) continue;
    out.with_access += r.with_access;
    out.active += r.active;
    out.posters += r.posters;
  }
  return out;
}

// ── Fan charts ───────────────────────────────────────────────────────────

function colour(data: ForecastData): VlSpec {
  const labels = data.run.strategies.map((s) => s.label);
  const chars = labels.reduce((n, l) => n + l.length + 6, 0);
  return { field: 'strategy', type: 'nominal', title: 'Way forward', scale: strategyScale(labels), legend: { title: null, symbolType: 'stroke', labelLimit: 0, ...(chars > 85 ? { columns: 1, direction: 'vertical' } : {}) } };
}

/** The model's median and bands of a telemetry count, week by week, per way forward. */
export function fanRows(data: ForecastData, measure: TelemetryMeasure): VlSpec[] {
  const rows: VlSpec[] = [];
  const scale = measure.perEmployee ? data.employees : 1;
  for (const s of data.run.strategies) {
    const series = measure.terms.map((t) => data.run.summary.timeseries[s.name]?.[t]);
    if (series.some((x) => !x)) continue;
    const at = (q: 'p05' | 'p25' | 'p50' | 'p75' | 'p95', week: number): number | null => {
      let total = 0;
      for (const x of series) {
        const v = x![q][week];
        if (v === null || v === undefined) return null;
        total += v;
      }
      return total * scale;
    };
    const weeks = series[0]!.p50.length;
    for (let week = 0; week < weeks; week++) {
      const p50 = at('p50', week);
      if (p50 === null) continue;
      rows.push({ strategy: s.label, week, p05: at('p05', week), p25: at('p25', week), p50, p75: at('p75', week), p95: at('p95', week) });
    }
  }
  return compact(rows);
}

export function telemetryFan(data: ForecastData, measure: TelemetryMeasure): Chart {
  const { calibratedWeeks, telemetry, holdout } = data.diagnostics;
  const observed = observedWhole(data);
  const value = (r: ObservedRow): number | null => (measure.metric === 'with_access' ? r.with_access : measure.metric === 'active' ? r.active : measure.metric === 'posters' ? r.posters : r.posts);
  const points = observed.rows.filter((r) => value(r) !== null).map((r) => ({ week: r.week, observed: value(r), used: r.week <= calibratedWeeks }));
  const rollouts = data.run.summary.experiment.rollouts.toLocaleString('en-GB');
  const dots =
    observed.source === 'partial' ? `The pilot's counts cover only some groups (${observed.groups.join(', ')}), not the whole firm, so they are not drawn against the firm's forecast.`
    : `Dots: the pilot's weekly counts${observed.source === 'whole' ? '' : ` (the sum over its ${observed.source === 'departments' ? 'departments' : 'waves'})`}${holdout > 0 ? `; hollow dots are the last ${holdout} observed weeks, held back to test the forecast` : ''}.`;
  const approx = measure.terms.length > 1 ? ' The model counts people trying the platform and regular users, as weekly active users do; its bands add the two, so they are a little wider than exact.' : '';
  const caption = `Line: median of ${rollouts} forecasts per way forward; dark band: middle 50%; light band: middle 90%. ${dots} Left of the dashed line the model replays the pilot as fitted to weeks 1–${calibratedWeeks}; right of it, each way forward.${approx}`;
  const fmt = ',.0f';
  const x = { field: 'week', type: 'quantitative', title: 'Weeks after launch', scale: { domain: [0, data.run.summary.experiment.weeks], nice: false }, axis: { tickMinStep: 1 } };
  const pointLayer = (used: boolean): VlSpec => ({
    // Named so that the SVG's groups say which dots are the pilot's (tests count them).
    name: used ? 'pilot_observed' : 'pilot_held_back',
    data: { values: points.filter((p) => p.used === used) },
    mark: { type: 'point', filled: used, size: 34, color: '#1a1a1a', strokeWidth: 1.5, opacity: 1 },
    encoding: {
      x: { field: 'week', type: 'quantitative' },
      y: { field: 'observed', type: 'quantitative' },
      tooltip: [
        { field: 'week', title: 'Week' },
        { field: 'observed', title: used ? 'Observed' : 'Observed (held back)', format: fmt },
      ],
    },
  });
  return {
    name: fanName(measure.metric),
    section: 'pilot',
    title: measure.title,
    caption,
    spec: {
      $schema: SCHEMA,
      description: `${measure.axis}, week by week: the pilot's telemetry and the forecast of each way forward.`,
      title: { text: measure.title, subtitle: wrap(caption, CAPTION_CHARS) },
      width: WIDTH,
      height: 320,
      layer: [
        {
          data: { values: fanRows(data, measure) },
          encoding: { x, color: colour(data) },
          layer: fanLayers(measure.axis, fmt, 'Way forward'),
        },
        pointLayer(true),
        ...(holdout > 0 ? [pointLayer(false)] : []),
        {
          data: { values: [{ week: calibratedWeeks, text: `Fitted to week ${calibratedWeeks}, forecast after${holdout > 0 ? ` (observed to week ${telemetry.lastWeek})` : ''}` }] },
          layer: [
            { mark: { type: 'rule', color: '#555555', strokeDash: [5, 4], strokeWidth: 1 }, encoding: { x: { field: 'week', type: 'quantitative' } } },
            { mark: { type: 'text', align: 'left', baseline: 'top', dx: 5, fontSize: 11, color: '#444444' }, encoding: { x: { field: 'week', type: 'quantitative' }, y: { value: 4 }, text: { field: 'text', type: 'nominal' } } },
          ],
        },
      ],
    },
  };
}

/** The fan charts of the measures the telemetry holds (posts only when observed). */
export function telemetryFans(data: ForecastData): Chart[] {
  return TELEMETRY_MEASURES.filter((m) => m.metric !== 'posts' || data.hasPosts).map((m) => telemetryFan(data, m));
}

// ── Prior against posterior ──────────────────────────────────────────────

const PRIOR_POINTS = 81;

/** About √n bars for n particles (8 to 24): finer bins would show only the noise of a few hundred draws. */
export function binCount(particles: number): number {
  return Math.min(24, Math.max(8, Math.round(Math.sqrt(particles))));
}

/** The range a parameter's chart spans: the prior's support when bounded, else most of its mass; always every particle. */
export function parameterRange(d: Distribution | undefined, values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  if (d) {
    switch (d.kind) {
      case 'uniform':
      case 'truncated_normal':
      case 'triangular':
        [lo, hi] = [d.min, d.max];
        break;
      case 'beta':
        [lo, hi] = [d.min ?? 0, d.max ?? 1];
        break;
      case 'normal':
        [lo, hi] = [d.mean - 3 * d.sd, d.mean + 3 * d.sd];
        break;
      case 'lognormal':
        [lo, hi] = [0, Math.exp(d.meanlog + 2.5 * d.sdlog)];
        break;
      default:
        break;
    }
  }
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) [lo, hi] = Number.isFinite(lo) ? [lo - 0.5, lo + 0.5] : [0, 1];
  return [lo, hi];
}

/** Weighted histogram of the posterior as a density (area 1), and the prior's density on the same range. */
export function parameterRows(data: ForecastData, parameter: string): { posterior: VlSpec[]; prior: VlSpec[] } {
  const values = data.posterior.values.get(parameter) ?? [];
  const prior = data.priors.get(parameter);
  const [lo, hi] = parameterRange(prior, values);
  const bins = binCount(values.length);
  const width = (hi - lo) / bins;
  const mass = new Array<number>(bins).fill(0);
  let total = 0;
  values.forEach((v, i) => {
    const w = data.posterior.weights[i] ?? 0;
    if (!Number.isFinite(v) || !(w > 0)) return;
    mass[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]! += w;
    total += w;
  });
  const posterior = mass.map((m, k) => ({ parameter, kind: 'posterior', x0: lo + k * width, x1: lo + (k + 1) * width, density: total > 0 ? m / total / width : 0, share: total > 0 ? m / total : 0 }));
  const priorRows: VlSpec[] = [];
  if (prior && prior.kind !== 'fixed' && prior.kind !== 'choice') {
    for (let k = 0; k < PRIOR_POINTS; k++) {
      const x = lo + ((hi - lo) * k) / (PRIOR_POINTS - 1);
      const density = Math.exp(logPriorDensity(prior, x));
      priorRows.push({ parameter, kind: 'prior', x, density: Number.isFinite(density) ? density : 0 });
    }
  }
  return { posterior: compact(posterior), prior: compact(priorRows) };
}

export function priorPosteriorChart(data: ForecastData): Chart {
  const names = data.parameters.map((p) => p.parameter).filter((p) => data.posterior.values.has(p));
  const rows: VlSpec[] = names.flatMap((p) => {
    const r = parameterRows(data, p);
    return [...r.prior, ...r.posterior];
  });
  const before = 'Before the pilot (assumed range)';
  const after = 'After the pilot (what its numbers allow)';
  const caption = `Grey: how likely each value was thought before the pilot (the scenario's range). Blue bars, one per span of values: how likely it is given the pilot's weekly numbers (weeks 1–${data.diagnostics.calibratedWeeks}). Narrower blue than grey: the pilot told us something about this assumption.`;
  const colourOf = { field: 'kind', type: 'nominal', title: null, scale: { domain: [before, after], range: [PRIOR_COLOUR, POSTERIOR_COLOUR] }, legend: { title: null, symbolType: 'square', labelLimit: 0 } };
  const columns = Math.min(3, Math.max(1, names.length));
  return {
    name: 'pilot-prior-posterior',
    section: 'pilot',
    title: 'What the pilot taught us about each uncertain assumption',
    caption,
    spec: {
      $schema: SCHEMA,
      description: 'Prior against posterior for each calibrated parameter.',
      title: { text: 'What the pilot taught us about each uncertain assumption', subtitle: wrap(caption, CAPTION_CHARS) },
      data: { values: rows },
      transform: [{ calculate: `datum.kind === 'prior' ? '${before}' : '${after}'`, as: 'what' }],
      facet: { field: 'parameter', type: 'nominal', sort: names, title: null, header: { labelFontWeight: 'bold', labelAnchor: 'start', labelPadding: 4 } },
      columns,
      spacing: { row: 14, column: 22 },
      spec: {
        width: Math.floor((WIDTH - (columns - 1) * 22) / columns),
        height: 150,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'posterior'" }],
            mark: { type: 'rect', opacity: 0.8 },
            encoding: {
              x: { field: 'x0', type: 'quantitative', title: null, scale: { zero: false, nice: false }, axis: { tickCount: 4, format: '~g' } },
              x2: { field: 'x1' },
              y: { field: 'density', type: 'quantitative', title: 'How likely', axis: { labels: false, ticks: false } },
              y2: { datum: 0 },
              color: { ...colourOf, field: 'what' },
              tooltip: [
                { field: 'parameter', title: 'Assumption' },
                { field: 'x0', title: 'From', format: '~g' },
                { field: 'x1', title: 'To', format: '~g' },
                { field: 'share', title: 'Weight after the pilot', format: '.1%' },
              ],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'prior'" }],
            mark: { type: 'area', opacity: 0.3, interpolate: 'monotone', line: { color: '#6b6b6b', strokeWidth: 1.5 } },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'density', type: 'quantitative' },
              color: { ...colourOf, field: 'what' },
            },
          },
        ],
      },
      resolve: { scale: { x: 'independent', y: 'independent' } },
    },
  };
}

// ── Backtest ─────────────────────────────────────────────────────────────

const METRIC_WORDS: Record<TelemetryMetric, string> = {
  with_access: 'People with access',
  active: 'People using the platform',
  posters: 'People posting',
  posts: 'Items posted',
};

export function backtestChart(data: ForecastData): Chart | undefined {
  const rows = data.backtest;
  if (!rows || rows.length === 0) return undefined;
  const grouped = rows.some((r) => r.group !== '');
  const panel = (r: BacktestRow): string => (grouped ? `${METRIC_WORDS[r.metric]} · ${r.group || 'whole firm'}` : METRIC_WORDS[r.metric]);
  const values = compact(rows.map((r) => ({ panel: panel(r), week: r.week, observed: r.observed, p05: r.p05, p25: r.p25, p50: r.p50, p75: r.p75, p95: r.p95 })));
  const order = [...new Set(values.map((v) => v.panel as string))];
  const m = data.diagnostics.backtest?.model;
  const scored = m ? ` Over all of them, the middle 50% held ${Math.round(m.coverage50 * 100)}% of what happened and the middle 90% held ${Math.round(m.coverage90 * 100)}% (a well-judged forecast holds about 50% and 90%).` : '';
  const caption = `The last ${data.diagnostics.holdout} observed weeks were held back from the fit; the model forecast them from week ${data.diagnostics.calibratedWeeks}. Thin line: middle 90% of the forecasts; thick bar: middle 50%; tick: median; dot: what the pilot observed.${scored}`;
  const fmt = ',.0f';
  const tooltip = [
    { field: 'panel', title: 'Measure' },
    { field: 'week', title: 'Week' },
    { field: 'observed', title: 'Observed', format: fmt },
    { field: 'p50', title: 'Forecast median', format: fmt },
    { field: 'p25', title: 'Middle 50% from', format: fmt },
    { field: 'p75', title: 'Middle 50% to', format: fmt },
    { field: 'p05', title: 'Middle 90% from', format: fmt },
    { field: 'p95', title: 'Middle 90% to', format: fmt },
  ];
  const columns = Math.min(4, order.length);
  const x = { field: 'week', type: 'ordinal', title: 'Week', axis: { labelAngle: 0 } };
  const y = (field: string, extra: VlSpec = {}): VlSpec => ({ field, type: 'quantitative', ...extra });
  return {
    name: 'pilot-backtest',
    section: 'pilot',
    title: 'How well the model forecast the weeks held back',
    caption,
    spec: {
      $schema: SCHEMA,
      description: 'Backtest: the forecast of the held-out weeks against what was observed.',
      title: { text: 'How well the model forecast the weeks held back', subtitle: wrap(caption, CAPTION_CHARS) },
      data: { values },
      facet: { field: 'panel', type: 'nominal', sort: order, title: null, header: { labelFontWeight: 'bold', labelAnchor: 'start', labelPadding: 4 } },
      columns,
      spacing: { row: 14, column: 22 },
      spec: {
        width: Math.max(120, Math.floor((WIDTH - (columns - 1) * 22) / columns) - 40),
        height: 160,
        encoding: { x },
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.5, color: POSTERIOR_COLOUR }, encoding: { y: y('p05', { title: null, scale: { zero: false }, axis: { format: fmt } }), y2: { field: 'p95' }, tooltip } },
          { mark: { type: 'bar', width: 14, color: POSTERIOR_COLOUR, opacity: 0.45 }, encoding: { y: y('p25'), y2: { field: 'p75' }, tooltip } },
          { mark: { type: 'tick', thickness: 2.5, size: 20, color: POSTERIOR_COLOUR }, encoding: { y: y('p50'), tooltip } },
          { mark: { type: 'point', filled: true, size: 50, color: '#1a1a1a', opacity: 1 }, encoding: { y: y('observed'), tooltip } },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    },
  };
}

/** Every chart of the forecast's section, the fan chart of people using the platform first. */
export function forecastCharts(data: ForecastData): Chart[] {
  const charts = [...telemetryFans(data), priorPosteriorChart(data)];
  const backtest = backtestChart(data);
  if (backtest) charts.push(backtest);
  return charts;
}
