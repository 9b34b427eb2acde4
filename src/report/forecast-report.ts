/**
 * The forecast's report: "What the pilot tells us" in plain words, numbers taken from the files of
 * `<out>/forecast/` only. renderForecastReport writes <forecast>/charts/ and <forecast>/report.html (that
 * section first, then the ways forward compared as the run report compares strategies);
 * pilotSectionForRun gives the run report the same section when a forecast sits beside the run.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../errors.ts';
import { PARAMETER_SPECS } from '../model/index.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { buildCharts, type Chart } from './charts.ts';
import { drawCharts, writeAtomic } from './draw.ts';
import { comparison, strategyFigures } from './figures.ts';
import { TELEMETRY_MEASURES, fanName, forecastCharts, observedGroupsTotal, observedWhole, telemetryFan } from './forecast-charts.ts';
import { type ForecastData, loadForecastData } from './forecast-data.ts';
import { count, listWords } from './format.ts';
import { type PilotSection, buildPage, emphasiseStrategies, escapeHtml as h, figureHtml } from './html.ts';
import type { ReportData } from './model.ts';
import { executiveSummary } from './narrative.ts';
import { findFonts } from './render.ts';

export { loadForecastData, type ForecastData } from './forecast-data.ts';

/** The result the paragraph leads with: the share actively using the platform at the horizon, rollout by rollout. */
export const HEADLINE_RESULT = 'active_share';

/** A whole percentage; "<1" for a share above 0 that would round to 0. */
function pct(x: number): string {
  const v = x * 100;
  return v > 0 && v < 0.5 ? '<1' : v < 100 && v > 99.5 ? '>99' : `${Math.round(v)}`;
}

/** "63% (56–75%)": the median and the middle 90%. */
export function shareWithRange(p50: number, p05: number, p95: number): string {
  return `${pct(p50)}% (${pct(p05)}–${pct(p95)}%)`;
}

export interface HeadlineFigures {
  name: string;
  label: string;
  p05: number;
  p50: number;
  p95: number;
}

/** Each way forward's share at the horizon (median and middle 90%), from summary.json's exact result quantiles. */
export function headlineFigures(data: ForecastData): HeadlineFigures[] {
  return data.alternatives.flatMap((a) => {
    const d = data.run.summary.distributions[a.name]?.[HEADLINE_RESULT];
    const n = (q: unknown): number => (typeof q === 'number' ? q : NaN);
    if (!d || !Number.isFinite(n(d.p50))) return [];
    return [{ name: a.name, label: a.label, p05: n(d.p05), p50: n(d.p50), p95: n(d.p95) }];
  });
}

/** The way forward the others are set against: the plan in progress continued, else the first. */
export function referenceAlternative(data: ForecastData): string {
  return (data.alternatives.find((a) => a.continues) ?? data.alternatives[0]!).name;
}

/** The pilot's counts at the last week the model was fitted to, for the whole firm when the file allows. */
export function countsAtFit(data: ForecastData): { week: number; withAccess: number; active: number; whole: boolean } | undefined {
  const week = data.diagnostics.calibratedWeeks;
  const whole = observedWhole(data);
  const row = whole.source === 'partial' ? observedGroupsTotal(data, week) : whole.rows.find((r) => r.week === week);
  if (!row) return undefined;
  return { week, withAccess: row.with_access, active: row.active, whole: whole.source !== 'partial' };
}

function people(n: number): string {
  return `${count(n)} ${n === 1 ? 'person' : 'people'}`;
}

/** The plain-language paragraph: where the pilot stands, and what each way forward gives at the horizon. */
export function forecastNarrative(data: ForecastData): string {
  const { headline, detail } = forecastNarrativeParts(data);
  return detail ? `${headline} ${detail}` : headline;
}

/** The paragraph in two parts: the finding (one sentence) and how to read it. */
export function forecastNarrativeParts(data: ForecastData): { headline: string; detail: string } {
  const { calibratedWeeks, holdout, telemetry } = data.diagnostics;
  const horizon = data.run.summary.experiment.weeks;
  const counts = countsAtFit(data);
  const where = counts ? ` (${people(counts.withAccess)} with access${counts.whole ? '' : ' in the groups reported'}, ${count(counts.active)} of them using it in week ${counts.week})` : '';
  const held = holdout > 0 ? ` The pilot's last ${holdout === 1 ? 'week' : `${holdout} weeks`} (to week ${telemetry.lastWeek}) were held back to test the forecast; the backtest below shows how it did.` : '';
  const figures = headlineFigures(data);
  const refName = referenceAlternative(data);
  const ref = figures.find((f) => f.name === refName);
  const start = `After ${calibratedWeeks} ${calibratedWeeks === 1 ? 'week' : 'weeks'} of the pilot${where}`;
  if (!ref) return { headline: `${start}, the forecast has no figures for the share actively using the platform at week ${horizon}.`, detail: held.trim() };
  let text = `${start}, the model forecasts ${shareWithRange(ref.p50, ref.p05, ref.p95)} of the firm actively using the platform at week ${horizon} under ${ref.label}`;
  const others = figures.filter((f) => f.name !== refName).map((f) => {
    const c = comparison(data.run, f.name, refName, HEADLINE_RESULT);
    const given = `${f.label} gives ${shareWithRange(f.p50, f.p05, f.p95)}`;
    if (!c || c.n === 0) return given;
    const all = `all ${c.n.toLocaleString('en-GB')} paired rollouts`;
    if (c.lower <= 0.5 && c.upper >= 0.5) return `${given}, with no clear difference rollout by rollout (ahead in ${pct(c.pBeats)}% of paired rollouts)`;
    if (c.pBeats > 0.5) return `${given}, ahead in ${c.pBeats === 1 ? all : `${pct(c.pBeats)}% of paired rollouts`}`;
    return `${given}, behind in ${c.pBeats === 0 ? all : `${pct(1 - c.pBeats)}% of paired rollouts`}`;
  });
  text += others.length ? `; ${others.join('; ')}.` : '.';
  const paired = others.length ? '; paired rollouts start from the same fitted pilot and share their chance events, so a difference between them comes from the choice, not from luck' : '';
  return { headline: text, detail: `The ranges hold the middle 90% of the forecasts${paired}.${held}` };
}

// ── The calibration in plain words ───────────────────────────────────────

const METRIC_WORDS: Record<string, string> = { with_access: 'people with access', active: 'people using the platform', posters: 'people posting', posts: 'items posted' };

const STOP_WORDS: Record<string, string> = {
  target_tolerance: 'it stopped once the simulations matched the pilot as closely as asked',
  acceptance_floor: 'it stopped when simulations matching the pilot more closely became too rare to find',
  budget: 'it stopped when its budget of simulations ran out, so a longer fit (a larger --budget) could narrow the ranges further',
  tolerance_stalled: 'it stopped when the match to the pilot stopped improving',
  max_generations: 'it stopped after its last permitted round of refinement, so more rounds could narrow the ranges further',
};

export function calibrationSentence(data: ForecastData): string {
  const d = data.diagnostics;
  const metrics = Object.entries(d.metrics).filter(([, w]) => w > 0).map(([m]) => METRIC_WORDS[m] ?? m);
  const rounds = d.generations.length;
  const stop = STOP_WORDS[d.stopReason] ?? `it stopped because ${d.stopReasonText}`;
  return `The model was fitted to the pilot's weekly counts of ${listWords(metrics)} in weeks 1–${d.calibratedWeeks} of ${basename(d.telemetry.file)}, over ${d.simulations.toLocaleString('en-GB')} simulations in ${rounds} ${rounds === 1 ? 'round' : 'rounds'}; ${stop}.`;
}

/** The calibration's warnings in plain words (they are written for the analyst: particles, weights). */
export function warningWords(warning: string): string {
  const ess = /only (\d+) of (\d+) particles carry most of the weight/.exec(warning);
  if (ess) return `The fit rests on few distinct sets of assumptions (about ${ess[1]} of ${ess[2]}), so the ranges are rough; a longer fit with more of them would firm them up.`;
  if (/copies of their parent/.test(warning)) return 'Some sets of assumptions in the fit are repeats, because the ranges allowed by the scenario cut off new ones; the ranges are approximate.';
  return `Note from the fit: ${warning}.`;
}

// ── The section ──────────────────────────────────────────────────────────

function sig(x: number): string {
  return Number.isFinite(x) ? String(+x.toPrecision(3)) : '–';
}

function parametersTable(data: ForecastData): string {
  const describe = new Map(PARAMETER_SPECS.map((p) => [fileParamPath(p.path), p.description]));
  const rows = data.parameters.map((p) => {
    const before = p.prior.p95 - p.prior.p05;
    const after = p.posterior.p95 - p.posterior.p05;
    const narrowed = before > 0 && Number.isFinite(after) ? Math.round((1 - after / before) * 100) : NaN;
    const narrowedText = !Number.isFinite(narrowed) ? '–' : narrowed <= 0 ? 'not narrowed' : `${narrowed}%`;
    return `<tr><th scope="row"><code>${h(p.parameter)}</code></th><td>${h(describe.get(p.parameter) ?? '')}</td><td class="num">${h(`${sig(p.prior.p05)} – ${sig(p.prior.p95)}`)}</td><td class="num"><strong>${h(sig(p.posterior.p50))}</strong><span class="range">${h(`${sig(p.posterior.p05)} – ${sig(p.posterior.p95)}`)}</span></td><td class="num">${h(narrowedText)}</td></tr>`;
  });
  return `<div class="table-wrap"><table class="assumptions">
<caption>Before the pilot: the range holding 90% of the scenario's assumed values (5th to 95th percentile). After the pilot: the most likely value given the pilot's numbers (median) and the range holding 90% of it. Narrowed by: how much shorter the range became; a range that barely narrows is one the pilot's numbers say little about.</caption>
<thead><tr><th scope="col">Assumption</th><th scope="col">What it means</th><th scope="col" class="num">Before the pilot</th><th scope="col" class="num">After the pilot</th><th scope="col" class="num">Narrowed by</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

function backtestHtml(data: ForecastData, chart: Pick<Chart, 'name' | 'title'> | undefined): string {
  const b = data.diagnostics.backtest;
  if (!b || !chart) return '';
  const m = b.model;
  const ape = m.medianApe === null ? '' : ` Its median was typically ${m.medianApe.toFixed(0)}% off what was observed`;
  const bass = b.bass?.mape === null || b.bass?.mape === undefined ? (ape ? '.' : '') : `${ape ? ';' : ' By comparison,'} a simple Bass curve fitted to the pilot's first-time users was ${b.bass.mape.toFixed(0)}% off.`;
  return `<h3>Testing the forecast on the weeks held back</h3>
<p>The model was fitted without the pilot's last ${b.weeks === 1 ? 'week' : `${b.weeks} weeks`}, then asked to forecast them. Its middle 50% range held ${Math.round(m.coverage50 * 100)}% of what was observed and its middle 90% range ${Math.round(m.coverage90 * 100)}% (a well-judged forecast holds about 50% and 90%).${ape}${bass}</p>
${figureHtml(chart)}`;
}

function noteHtml(data: ForecastData): string {
  const notes = data.diagnostics.warnings.map(warningWords);
  const observed = observedWhole(data);
  if (observed.source === 'departments' || observed.source === 'waves') notes.push(`The telemetry counts ${observed.source}; the charts set their sum against the whole firm's forecast.`);
  if (observed.source === 'partial') notes.push(`The telemetry covers only some groups (${observed.groups.join(', ')}), so the charts show no observed counts against the whole firm's forecast, and the counts above are for those groups.`);
  return notes.length ? `<ul class="notes">${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : '';
}

export interface PilotSectionOptions {
  /** The forecast's own report: every chart, the parameters and the backtest; the run's report: the paragraph and one chart. */
  full: boolean;
  /** A link to the forecast's own report, from the run's report. */
  link?: string;
}

/** The section's charts: the full set for the forecast's report, the fan chart of people using the platform for the run's. */
export function pilotCharts(data: ForecastData, full: boolean): Chart[] {
  return full ? forecastCharts(data) : [telemetryFan(data, TELEMETRY_MEASURES[0]!)];
}

export function pilotSectionBody(data: ForecastData, options: PilotSectionOptions): string {
  const charts = pilotCharts(data, options.full);
  const fan = charts.find((c) => c.name === fanName('active'))!;
  const narrative = forecastNarrativeParts(data);
  const paragraph = `<div class="summary-box">
<p class="headline">${emphasiseStrategies(narrative.headline, data.run)}</p>
<p>${h(narrative.detail)}</p>
<p class="scope">${h(calibrationSentence(data))}</p>
${noteHtml(data)}${options.link ? `<p><a href="${h(options.link)}">The forecast's full report</a>: what the pilot says about each assumption, every measure, and the ways forward compared in detail.</p>` : ''}
</div>`;
  if (!options.full) return `${paragraph}\n${figureHtml(fan)}`;
  const prior = charts.find((c) => c.name === 'pilot-prior-posterior')!;
  const moreFans = charts.filter((c) => c.name.startsWith('pilot-fan-') && c !== fan);
  const backtest = charts.find((c) => c.name === 'pilot-backtest');
  return `${paragraph}
${figureHtml(fan)}
${moreFans.length ? `<details class="more"><summary>The pilot's other measures (${moreFans.length})</summary>${moreFans.map(figureHtml).join('\n')}</details>` : ''}
<h3>What the pilot says about each assumption</h3>
<p class="intro">The forecast rests on assumptions the scenario could only give a range for. The pilot's weekly numbers make some values more likely than others; the forecast draws its assumptions from what they allow.</p>
${figureHtml(prior)}
${parametersTable(data)}
${backtestHtml(data, backtest)}`;
}

// ── Rendering ────────────────────────────────────────────────────────────

export interface ForecastRenderOptions {
  /** Write charts/*.png (default true; when false, PNGs already there are kept). */
  png?: boolean;
  /** Called with one line per notable event (fonts missing, a chart warning); default: stderr unless `quiet`. */
  log?: (message: string) => void;
  /** As passed by `uptake forecast`: when explicitly false, one line naming report.html goes to stderr. */
  quiet?: boolean;
}

export interface ForecastReportFiles {
  html: string;
  chartsDir: string;
  charts: string[];
}

/** Draws <forecastDir>/charts/ and <forecastDir>/report.html from the forecast's files alone. */
export async function renderForecastReport(forecastDir: string, options: ForecastRenderOptions = {}): Promise<ForecastReportFiles> {
  const log = options.log ?? (options.quiet ? undefined : (line: string) => process.stderr.write(`warning: ${line}\n`));
  const data = await loadForecastData(forecastDir);
  const fonts = findFonts();
  if (!fonts.explicit) log?.('DejaVu Sans not found (Debian: apt-get install fonts-dejavu-core): PNG text uses system fonts and may differ between machines.');
  const pilot = pilotCharts(data, true);
  const run = buildCharts(data.run);
  const drawn = await drawCharts(forecastDir, 'charts', [...pilot, ...run], fonts, { png: options.png, log });
  const figures = strategyFigures(data.run);
  const experiment = data.run.summary.experiment;
  const html = join(forecastDir, 'report.html');
  writeAtomic(html, buildPage({
    data: data.run,
    charts: drawn.slice(pilot.length),
    figures,
    summary: executiveSummary(data.run, figures),
    pilot: { place: 'first', body: pilotSectionBody(data, { full: true }), charts: drawn.slice(0, pilot.length) },
    texts: {
      eyebrow: 'uptake · forecast from a running pilot',
      title: `${experiment.label || experiment.name}: what the pilot tells us`,
      summaryTitle: 'The ways forward compared',
      uncertainIntro: 'Before the pilot, each of these was drawn from the range below. The forecast draws them instead from what the pilot\'s numbers allow (see "What the pilot tells us"), once per rollout, the same draw under every way forward.',
      sources: 'the files uptake forecast wrote (summary.json, manifest.json, rollouts.csv, diagnostics.json, observed.csv, posterior.csv, parameters.csv, experiment.json and backtest.csv when present)',
    },
  }));
  if (options.quiet === false) process.stderr.write(`Report: ${html} (charts in ${join(forecastDir, 'charts')})\n`);
  return { html, chartsDir: join(forecastDir, 'charts'), charts: drawn.map((c) => c.name) };
}

/** True when `dir` is a forecast folder (its diagnostics.json is there), for `uptake report`. */
export function isForecastFolder(dir: string): boolean {
  return existsSync(join(dir, 'diagnostics.json')) && existsSync(join(dir, 'observed.csv'));
}

/**
 * The section for the run's report when `<dir>/forecast/` holds a forecast of the same scenario.
 * A damaged or foreign forecast leaves the run's report as it would be without one, with a line saying why.
 */
export async function pilotSectionForRun(dir: string, run: ReportData, log?: (message: string) => void): Promise<{ charts: Chart[]; section: Omit<PilotSection, 'charts'> } | undefined> {
  const forecastDir = join(dir, 'forecast');
  if (!existsSync(forecastDir) || !statSync(forecastDir).isDirectory()) return undefined;
  let data: ForecastData;
  try {
    data = await loadForecastData(forecastDir);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    log?.(`${err.message}${err.hint ? ` — ${err.hint}` : ''}; report.html leaves out "What the pilot tells us"`);
    return undefined;
  }
  if (data.diagnostics.scenario.name !== run.summary.experiment.name) {
    log?.(`${forecastDir} forecasts scenario "${data.diagnostics.scenario.name}", not this run's "${run.summary.experiment.name}"; report.html leaves out "What the pilot tells us"`);
    return undefined;
  }
  return { charts: pilotCharts(data, false), section: { place: 'after-summary', body: pilotSectionBody(data, { full: false, link: 'forecast/report.html' }) } };
}

