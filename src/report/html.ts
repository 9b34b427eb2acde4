/**
 * report.html: one self-contained page that works offline. The Vega and
 * vega-embed bundles are inlined (the Vega-Lite compiler is not: specs are
 * compiled in Node and embedded as Vega specs), no font, stylesheet or image
 * is fetched, and inlined JSON has `<` escaped so no string can close a
 * <script> element.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARAMETER_SPECS } from '../model/index.ts';
import { fileParamPath } from '../scenarios/names.ts';
import type { Chart, ChartSection } from './charts.ts';
import { driverSentences } from './drivers.ts';
import { discoverySentences } from './explore-charts.ts';
import { KEY_OBSERVABLES } from './charts.ts';
import { type StrategyFigures, clearDifference, comparison } from './figures.ts';
import { formatValue, money, neitherReachesText, percent, weeks } from './format.ts';
import { type ExecutiveSummary, interval } from './narrative.ts';
import type { ReportData } from './model.ts';
import { strategyColour } from './palette.ts';
import type { Spread } from './stats.ts';

export interface PageChart extends Chart {
  /** The compiled Vega spec embedded in the page. */
  vega: unknown;
}

// ── Bundles ──────────────────────────────────────────────────────────────

/** Minified browser bundles; the packages' `exports` hide build/, so we go from the resolved entry file. */
export function bundlePaths(): { vega: string; vegaEmbed: string } {
  return {
    vega: join(dirname(fileURLToPath(import.meta.resolve('vega'))), 'vega.min.js'),
    vegaEmbed: join(dirname(fileURLToPath(import.meta.resolve('vega-embed'))), 'vega-embed.min.js'),
  };
}

/** A script safe to inline: no source-map request, nothing that closes the <script> element. */
export function inlineScript(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n').replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> element or a JS literal: `<` escaped. */
export function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// ── Text helpers ─────────────────────────────────────────────────────────

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const h = escapeHtml;

function distributionWords(d: Record<string, unknown>): string {
  const n = (k: string): string => {
    const v = d[k];
    return typeof v === 'number' ? String(+v.toPrecision(4)) : '?';
  };
  switch (d.kind) {
    case 'fixed':
      return `fixed at ${n('value')}`;
    case 'uniform':
      return `anywhere between ${n('min')} and ${n('max')}, all equally likely`;
    case 'normal':
      return `normal: mean ${n('mean')}, standard deviation ${n('sd')}`;
    case 'truncated_normal':
      return `normal (mean ${n('mean')}, standard deviation ${n('sd')}) kept between ${n('min')} and ${n('max')}`;
    case 'triangular':
      return `between ${n('min')} and ${n('max')}, most likely ${n('mode')}`;
    case 'beta':
      return `beta (${n('alpha')}, ${n('beta')})${d.min !== undefined || d.max !== undefined ? ` between ${d.min ?? 0} and ${d.max ?? 1}` : ''}`;
    case 'lognormal':
      return `log-normal: median ${+Math.exp(Number(d.meanlog)).toPrecision(4)} (log mean ${n('meanlog')}, log standard deviation ${n('sdlog')})`;
    case 'choice': {
      const values = Array.isArray(d.values) ? d.values : [];
      const weights = Array.isArray(d.weights) ? d.weights : undefined;
      const total = weights ? weights.reduce((a: number, b: number) => a + b, 0) : values.length;
      return `one of ${values.map((v, i) => (weights ? `${v} (${percent(weights[i] / total)})` : String(v))).join(', ')}`;
    }
    default:
      return JSON.stringify(d);
  }
}

const GOVERNANCE_WORDS = ['no intervention', 'licences paid', 'restricted', 'shut down'];

function spreadCell(s: Spread | undefined, unit: string, currency = ''): string {
  if (!s || s.n === 0) return '<td class="num">–</td>';
  const u = unit as Parameters<typeof formatValue>[1];
  const main = formatValue(s.median, u, currency);
  const from = formatValue(s.p05, u, currency);
  const to = formatValue(s.p95, u, currency);
  const range = from === 'never' && to === 'never' ? 'never' : `${from} – ${to}`;
  const never = unit === 'weeks' && s.never > 0 ? `<span class="never">never in ${percent(s.never)}</span>` : '';
  return `<td class="num"><strong>${h(main)}</strong><span class="range">${h(range)}</span>${never}</td>`;
}

/** The scenario file's name only: the report goes to clients, the consultant's folders stay private. */
function fileName(path: string): string {
  return basename(path);
}

// ── Sections ─────────────────────────────────────────────────────────────

export function figureHtml(chart: Pick<Chart, 'name' | 'title'>): string {
  return `<figure class="chart" id="fig-${h(chart.name)}">
  <div class="vega" id="chart-${h(chart.name)}" data-chart="${h(chart.name)}" role="img" aria-label="${h(chart.title)}"></div>
  <figcaption class="files">For slides: charts/${h(chart.name)}.png, .svg (Vega-Lite spec: .vl.json)</figcaption>
</figure>`;
}

/** One card per strategy with the three numbers a steering committee asks for first. */
function glanceHtml(data: ReportData, figures: StrategyFigures[]): string {
  const target = percent(data.summary.outcomes.targetShare);
  const cards = figures.map((f, i) => {
    const sustained = f.results.get('sustained_share');
    const toTarget = f.results.get('weeks_to_target');
    const cost = f.results.get('cost');
    const weeksText = !toTarget ? '–' : Number.isFinite(toTarget.median) ? `${weeks(toTarget.median)} weeks` : 'never';
    const weeksNote = !toTarget ? '' : !Number.isFinite(toTarget.median) ? `in ${percent(toTarget.never)} of rollouts` : toTarget.never > 0 ? `median; never in ${percent(toTarget.never)}` : 'median';
    return `<div class="card" style="border-top-color:${strategyColour(i)}">
<h3>${h(f.label)}</h3>
<dl>
<dt>Sustained use</dt><dd><strong>${h(sustained ? percent(sustained.median) : '–')}</strong><span>of employees, median</span></dd>
<dt>Time to ${h(target)} active use</dt><dd><strong>${h(weeksText)}</strong><span>${h(weeksNote)}</span></dd>
<dt>Total cost</dt><dd><strong>${h(cost ? money(cost.median, data.summary.experiment.currency) : '–')}</strong><span>median</span></dd>
</dl>
</div>`;
  });
  return `<div class="glance" aria-label="Each strategy at a glance">${cards.join('\n')}</div>`;
}

function resultsTable(data: ReportData, figures: StrategyFigures[]): string {
  const head = `<tr><th scope="col">Result</th>${figures.map((f, i) => `<th scope="col" class="num"><span class="swatch" style="background:${strategyColour(i)}"></span>${h(f.label)}</th>`).join('')}</tr>`;
  const rows = data.summary.results.map((r) => {
    if (r.unit === 'code') {
      const cells = figures.map((f) => {
        const parts = f.governance.map((g, k) => (g > 0 ? `${GOVERNANCE_WORDS[k]} ${percent(g)}` : '')).filter(Boolean);
        return `<td class="num">${h(parts.join(' · ') || '–')}</td>`;
      });
      // The label's code legend, e.g. "(0 none, 1 paid, …)", is replaced by the outcomes in words.
      return `<tr><th scope="row">${h(r.label.replace(/\s*\(0 [^)]*\)$/, ''))}</th>${cells.join('')}</tr>`;
    }
    return `<tr><th scope="row">${h(r.label)}</th>${figures.map((f) => spreadCell(f.results.get(r.name), r.unit, data.summary.experiment.currency)).join('')}</tr>`;
  });
  return `<div class="table-wrap"><table class="results">
<caption>Median over rollouts in bold; below it, the range holding the middle 90% of rollouts (5th to 95th percentile), as on the terminal and in summary.json. Weeks count "never" as later than any week.</caption>
<thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

function pairsTable(data: ReportData): string {
  const label = new Map(data.strategies.map((s) => [s.name, s.label]));
  const groups: string[] = [];
  const strategies = data.strategies;
  for (let i = 0; i < strategies.length; i++) {
    for (let j = i + 1; j < strategies.length; j++) {
      const a = label.get(strategies[i]!.name)!;
      const b = label.get(strategies[j]!.name)!;
      const rows: string[] = [];
      for (const r of data.summary.results) {
        if (r.unit === 'code') continue;
        const c = comparison(data, strategies[i]!.name, strategies[j]!.name, r.name);
        if (!c) continue;
        if (c.neitherReaches) {
          rows.push(`<tr><th scope="row">${h(r.label)}</th><td class="num">–</td><td class="num">–</td><td class="num">–</td><td class="verdict unclear">${h(neitherReachesText(r.name, data.summary.outcomes))} in any rollout</td></tr>`);
          continue;
        }
        const verdict =
          c.better === 'neutral' ? `higher under ${a} in ${percent(c.pBeats)}`
          : !clearDifference(c) ? 'no clear difference'
          : `${c.pBeats > 0.5 ? a : b} better`;
        const diff = c.medianDifference === null ? '–' : signed(c.medianDifference, r.unit, data.summary.experiment.currency);
        rows.push(`<tr><th scope="row">${h(r.label)}${c.better === 'neutral' ? '' : ` <span class="dir">(${c.better} is better)</span>`}</th><td class="num">${h(percent(c.pBeats))}</td><td class="num">${h(interval(c.lower, c.upper))}</td><td class="num">${h(diff)}</td><td class="verdict${verdict === 'no clear difference' ? ' unclear' : ''}">${h(verdict)}</td></tr>`);
      }
      if (rows.length) groups.push(`<tbody><tr class="pair-head"><th colspan="5" scope="rowgroup">${swatch(data, strategies[i]!.name)}${h(a)} <span class="vs">vs</span> ${swatch(data, strategies[j]!.name)}${h(b)}</th></tr>${rows.join('\n')}</tbody>`);
    }
  }
  if (groups.length === 0) return '<p>Only one strategy was run, so there is nothing to compare pair by pair.</p>';
  return `<div class="table-wrap"><table class="pairs">
<caption>For each pair, the chance that the first strategy does better than the second in the same rollout (ties count half), its 95% interval, and the median difference (first minus second) over rollouts where both have a value. "No clear difference" when the interval includes 50%.</caption>
<thead><tr><th scope="col">Result</th><th scope="col" class="num">Chance the first does better</th><th scope="col" class="num">95% interval</th><th scope="col" class="num">Median difference</th><th scope="col">Verdict</th></tr></thead>
${groups.join('\n')}</table></div>`;
}

function swatch(data: ReportData, strategy: string): string {
  const i = data.strategies.findIndex((s) => s.name === strategy);
  return `<span class="swatch" style="background:${strategyColour(Math.max(0, i))}"></span>`;
}

/** Escaped text with every strategy label emphasised (longest label first, so no label splits another). */
export function emphasiseStrategies(text: string, data: ReportData): string {
  const labels = data.strategies.map((s) => s.label).filter(Boolean).sort((x, y) => y.length - x.length);
  const escaped = h(text);
  if (labels.length === 0) return escaped;
  const pattern = new RegExp(labels.map((l) => h(l).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return escaped.replace(pattern, (m) => `<strong class="strategy">${m}</strong>`);
}

function signed(x: number, unit: string, currency = ''): string {
  const sign = x > 0 ? '+' : x < 0 ? '−' : '';
  const abs = Math.abs(x);
  if (unit === 'share') return `${sign}${(abs * 100).toFixed(1)} points`;
  if (unit === 'weeks') return `${sign}${abs.toFixed(abs % 1 === 0 ? 0 : 1)} weeks`;
  if (unit === 'money') return `${sign}${money(abs, currency)}`;
  return `${sign}${formatValue(abs, unit as Parameters<typeof formatValue>[1])}`;
}

function assumptionsHtml(data: ReportData, uncertainIntro = 'Each rollout draws these from the ranges below, once, and uses the same draw under every strategy. Every other parameter is fixed.'): string {
  const { experiment, outcomes } = data.summary;
  // Parameters in the scenario file's words; fileParamPath also turns an older folder's ModelParams paths into them.
  const describe = new Map(PARAMETER_SPECS.map((p) => [fileParamPath(p.path), p.description]));
  const settings = [
    ['Scenario', `${experiment.label || experiment.name} (${fileName(experiment.source)})`],
    ['Horizon', `${experiment.weeks} weeks after launch`],
    ['Rollouts per strategy', experiment.rollouts.toLocaleString('en-GB')],
    ['Critical mass', `${percent(outcomes.criticalMassShare)} of employees actively using the platform`],
    ['Target share', `${percent(outcomes.targetShare)} of employees actively using the platform`],
    ['Sustained adoption', `mean active share over the final ${outcomes.sustainedWeeks} weeks`],
  ];
  const uncertain = data.summary.uncertainties.map(
    (u) => `<tr><th scope="row"><code>${h(fileParamPath(u.path))}</code></th><td>${h(describe.get(fileParamPath(u.path)) ?? '')}</td><td>${h(distributionWords(u.distribution as unknown as Record<string, unknown>))}</td></tr>`,
  );
  const strategies = data.strategies.map((s, i) => `<li><span class="swatch" style="background:${strategyColour(i)}"></span><strong>${h(s.label)}</strong> <code>${h(s.name)}</code>${s.waves > 0 ? ` — a pilot and ${s.waves - 1} further ${s.waves - 1 === 1 ? 'wave' : 'waves'}, each opened by a gate` : ''}</li>`);
  return `<dl class="settings">${settings.map(([k, v]) => `<dt>${h(k!)}</dt><dd>${h(v!)}</dd>`).join('')}</dl>
<h3>Strategies compared</h3>
<ul class="strategies">${strategies.join('')}</ul>
<h3>Set by the scenario</h3>
${scenarioHtml(data)}
<h3>Uncertain assumptions</h3>
${uncertain.length
    ? `<p>${h(uncertainIntro)}</p>
<div class="table-wrap"><table class="assumptions"><thead><tr><th scope="col">Parameter</th><th scope="col">What it means</th><th scope="col">Range drawn from</th></tr></thead><tbody>${uncertain.join('\n')}</tbody></table></div>`
    : '<p>The scenario fixes every parameter: rollouts differ only in the random events of the simulation (who hears of the platform, who tries it, who stays).</p>'}`;
}

function scenarioHtml(data: ReportData): string {
  const s = data.scenario;
  if (!s) return '';
  const file = `<code>${h(fileName(s.source))}</code>`;
  if (s.status !== 'matched') {
    if (s.status === 'missing') return `<p>This folder was written before runs kept their experiment (experiment.json), so the fixed settings of ${file} are not listed; they are in that file.</p>`;
    return `<p>This folder's experiment.json is damaged or belongs to another run, so the fixed settings of ${file} are not listed.</p>`;
  }
  const rows = s.settings.map(
    (x) => `<tr><th scope="row"><code>${h(x.path)}</code></th><td>${h(x.description)}</td><td class="num">${h(plain(x.value))}${x.unit ? ` <span class="unit">${h(x.unit)}</span>` : ''}</td><td class="num">${h(plain(x.default))}</td></tr>`,
  );
  const off = s.mechanismsOff.map((m) => `<li><code>${h(m.name)}</code> switched off: ${h(m.description)}</li>`);
  return `<p>The organisation's size and every parameter the scenario ${file} sets away from the model's defaults, as this run used them (from experiment.json in this folder). Everything else is at its default; docs/model.md in the uptake repository lists every parameter, its default and its source.</p>
${rows.length ? `<div class="table-wrap"><table class="assumptions"><thead><tr><th scope="col">Parameter</th><th scope="col">What it means</th><th scope="col" class="num">In this scenario</th><th scope="col" class="num">Model default</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>` : '<p>The scenario keeps every default.</p>'}
${off.length ? `<ul class="mechanisms">${off.join('')}</ul>` : ''}`;
}

function plain(x: number): string {
  return Number.isInteger(x) ? x.toLocaleString('en-GB') : String(+x.toPrecision(4));
}

function methodsHtml(data: ReportData): string {
  const e = data.summary.quantileError;
  return `<p>uptake is an agent-based model: it simulates every employee week by week — hearing about the platform, trying it, staying when their colleagues, communities and manager make it worth the time, or lapsing — under each rollout strategy's interventions.
Each strategy was run ${data.summary.experiment.rollouts.toLocaleString('en-GB')} times (rollouts). Rollout <em>r</em> uses the same organisation, the same draw of uncertain assumptions and the same random seed under every strategy (common random numbers), so strategies can be compared rollout by rollout.</p>
<p>Bands and percentiles over weeks come from mergeable summaries: shares are within ${(e.shareAbsolute * 100).toFixed(2)} percentage points, counts and costs within ${(e.otherRelative * 100).toFixed(1)}%, weeks exact, means exact. The results table is computed exactly from <code>rollouts.csv</code>. A result in weeks that was never reached counts as later than any week, so a median can be "never".
The chance that one strategy beats another is (wins + ties / 2) / rollouts over paired rollouts, with a 95% Wilson score interval.</p>`;
}

function manifestHtml(data: ReportData): string {
  const m = data.manifest;
  const rows: [string, string][] = [
    ['Scenario', `${m.scenario.name} — ${fileName(m.scenario.source)}`],
    ['Scenario hash', m.scenario.hash],
    ['Seed', String(m.seed)],
    ['Rollouts per strategy', m.rollouts.toLocaleString('en-GB')],
    ['Weeks', String(m.weeks)],
    ['Strategies', (m.strategies ?? data.strategies.map((s) => s.name)).join(', ')],
    ['uptake version', m.uptakeVersion],
    ['Node.js version', m.nodeVersion],
    ['Workers', String(m.workers)],
  ];
  if (m.startedAt) rows.push(['Started', m.startedAt]);
  if (m.finishedAt) rows.push(['Finished', m.finishedAt]);
  if (typeof m.seconds === 'number') rows.push(['Time taken', `${m.seconds.toFixed(1)} s`]);
  if (m.shard) rows.push(['Shard', `${m.shard.index} of ${m.shard.count} (rollouts ${m.shard.rolloutStart} to ${m.shard.rolloutEnd - 1})`]);
  if (m.mergedFrom) rows.push(['Merged from', `${m.mergedFrom.length} shards`]);
  if (m.resumed) rows.push(['Resumed', 'yes, from a checkpoint']);
  return `<p>Run this command to reproduce every number in this report (the same seed gives the same results on any machine, with any number of workers):</p>
<pre class="command"><code>${h(m.command)}</code></pre>${m.mergedFrom ? `
<p>This folder was merged from ${m.mergedFrom.length} shards; one unsharded run gives the same numbers:</p>
<pre class="command"><code>${h(`uptake run ${fileName(m.scenario.source)} --seed ${m.seed} --rollouts ${m.rollouts}`)}</code></pre>` : ''}
<p>To re-draw this report and its charts from the saved results without running the simulation again: <code>uptake report &lt;this folder&gt;</code>. A single rollout can be rerun alone from its seed with <code>uptake run … --rollout N</code>.</p>
<dl class="settings">${rows.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`;
}

// ── Page ─────────────────────────────────────────────────────────────────

export const PILOT_TITLE = 'What the pilot tells us';

const SECTION_TITLES: Record<ChartSection, string> = {
  adoption: 'Adoption over time',
  timing: 'How long it takes',
  comparison: 'Strategy against strategy',
  cost: 'Cost and what it buys',
  waves: 'Waves and gates of the phased rollout',
  drivers: 'What drives the result',
  pilot: PILOT_TITLE,
};

const SECTION_INTROS: Record<ChartSection, string> = {
  adoption: 'How the main measures move week by week under each strategy. Hover over a line for the numbers.',
  timing: 'How many weeks each strategy needs to reach critical mass and the target share, across rollouts.',
  comparison: 'Because every strategy runs on the same simulated organisations, they can be compared rollout by rollout.',
  cost: 'Each strategy\'s total cost against the adoption it sustains at the end.',
  waves: 'When each wave of a phased rollout opened: a wave opens when the previous wave passes its gate, or is forced open once it has waited the maximum (how often is noted beside each wave).',
  drivers: 'Which of the uncertain assumptions move the results, measured on the rollouts themselves: each rollout drew them afresh, so their rank correlation with a result says how much, and which way, it pushes.',
  pilot: 'What the running pilot\'s weekly numbers say about the ways forward.',
};

export const CSS = `
:root { --ink:#1a1a1a; --muted:#5b5b5b; --rule:#e3e3e3; --accent:#0b5394; --bg:#fafaf8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; background:var(--bg); color:var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
header.top { background:#fff; border-bottom:1px solid var(--rule); }
.wrap { max-width: 1040px; margin: 0 auto; padding: 0 28px; }
header.top .wrap { padding-top: 28px; padding-bottom: 20px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); font-weight: 600; margin: 0 0 6px; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 8px; }
.meta { color: var(--muted); margin: 0; font-size: 14px; }
nav.toc { margin-top: 14px; font-size: 13.5px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { padding-bottom: 48px; }
section { margin-top: 36px; }
h2 { font-size: 21px; margin: 0 0 6px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 22px 0 8px; }
.intro { color: var(--muted); margin: 6px 0 14px; }
.summary-box { background:#fff; border:1px solid var(--rule); border-left: 5px solid var(--accent); padding: 18px 22px; border-radius: 4px; }
.summary-box .scope { color: var(--muted); margin-top: 0; }
.summary-box .headline { font-size: 17.5px; line-height: 1.5; font-weight: 600; margin: 10px 0 12px; }
.summary-box ul { margin: 0; padding-left: 20px; }
.summary-box li { margin: 6px 0; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 14px; margin-top: 16px; }
.card { background:#fff; border:1px solid var(--rule); border-top: 5px solid var(--ink); border-radius: 4px; padding: 12px 16px 14px; }
.card h3 { margin: 0 0 8px; font-size: 15px; }
.card dl { margin: 0; display: grid; grid-template-columns: 1fr; gap: 2px; }
.card dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; margin-top: 6px; }
.card dd { margin: 0; }
.card dd strong { font-size: 22px; font-variant-numeric: tabular-nums; margin-right: 6px; }
.card dd span { color: var(--muted); font-size: 12.5px; }
.summary-box .recommendation { font-weight: 600; border-left: 3px solid var(--accent, #2b6cb0); padding-left: 10px; }
.summary-box .caveat { font-size: 13px; color: var(--muted); margin-bottom: 0; margin-top: 14px; }
figure.chart { background:#fff; border:1px solid var(--rule); border-radius: 4px; margin: 16px 0; padding: 14px; overflow-x: auto; }
figure.chart .vega { min-height: 120px; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 6px; }
figcaption.files { font-size: 12px; color: #8a8a8a; }
details.more { margin: 12px 0; }
details.more > summary { cursor: pointer; color: var(--accent); font-weight: 600; padding: 6px 0; }
.table-wrap { overflow-x: auto; background:#fff; border:1px solid var(--rule); border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
caption { caption-side: bottom; text-align: left; font-size: 12.5px; color: var(--muted); padding: 8px 12px 10px; }
th, td { text-align: left; padding: 7px 12px; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { background: #f3f3f0; font-weight: 600; border-bottom: 1px solid #cfcfcf; }
tr.pair-head th { background: #fbfbf9; font-weight: 600; padding-top: 12px; border-bottom: 1px solid #cfcfcf; }
tr.pair-head .vs { color: var(--muted); font-weight: 400; margin: 0 6px; }
th .dir { color: var(--muted); font-weight: 400; font-size: 12px; white-space: nowrap; }
strong.strategy { font-weight: 700; }
.headline strong.strategy { color: var(--accent); }
tbody th { font-weight: 500; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num strong { display:block; font-size: 14px; }
td .range { display:block; color: var(--muted); font-size: 12px; }
td .never { display:block; color: #a33; font-size: 12px; }
td .unit { color: var(--muted); font-size: 12px; }
td.verdict { font-weight: 600; min-width: 9em; }
td.verdict.unclear { color: var(--muted); font-weight: 400; }
.swatch { display:inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
ul.strategies { list-style: none; padding: 0; }
ul.strategies li { margin: 4px 0; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; background:#fff; border:1px solid var(--rule); border-radius: 4px; padding: 12px 16px; font-size: 14px; }
dl.settings dt { color: var(--muted); }
dl.settings dd { margin: 0; word-break: break-word; }
pre.command { background: #1f2328; color: #f0f0f0; padding: 12px 16px; border-radius: 4px; overflow-x: auto; font-size: 13px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .92em; }
footer { color: var(--muted); font-size: 12.5px; border-top: 1px solid var(--rule); padding: 16px 0 28px; }
#vg-tooltip-element { font-family: inherit; }
@media print {
  body { background: #fff; font-size: 11pt; }
  nav.toc, figcaption.files, .vega-embed > details { display: none !important; }
  figure.chart { overflow: visible; padding: 8px; }
  /* Charts are drawn wider than an A4 column: scale them to the page (the SVG has a viewBox). */
  .vega-embed { display: block !important; width: 100% !important; padding-right: 0 !important; }
  .vega-embed svg { max-width: 100%; height: auto; }
  header.top { border: 0; }
  .wrap { max-width: none; padding: 0; }
  section { break-inside: auto; }
  figure.chart, .summary-box, .card, table, dl.settings { break-inside: avoid; border-color: #ccc; }
  details.more > summary { display: none; }
  details.more { display: block; }
  h2 { break-after: avoid; }
}
`;

/** Draws every chart; sets data-charts="ready" (or "failed") on <body> when done, for people and tests. */
const BOOT = `
(function () {
  var specs = JSON.parse(document.getElementById('uptake-specs').textContent);
  var jobs = Object.keys(specs).map(function (name) {
    var el = document.getElementById('chart-' + name);
    return vegaEmbed(el, specs[name], { mode: 'vega', renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false }, downloadFileName: name })
      .catch(function (err) { console.error('uptake: chart ' + name + ' failed: ' + err); throw err; });
  });
  Promise.all(jobs).then(
    function () { document.body.setAttribute('data-charts', 'ready'); },
    function () { document.body.setAttribute('data-charts', 'failed'); }
  );
  // Open the collapsed charts before printing so they appear on paper.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.more').forEach(function (d) { d.open = true; });
  });
})();
`;

export interface PageInput {
  data: ReportData;
  charts: PageChart[];
  figures: StrategyFigures[];
  summary: ExecutiveSummary;
  /** Inlined script sources; default: the installed vega and vega-embed bundles. */
  scripts?: string[];
  /** The section "What the pilot tells us", when a forecast of a running pilot is reported (forecast-report.ts). */
  pilot?: PilotSection;
  /** Wording of the forecast's own page; the run's report keeps the defaults. */
  texts?: PageTexts;
}

export interface PilotSection {
  /** The section's HTML below its heading (figures written with figureHtml). */
  body: string;
  /** Its charts, compiled, for the page's specs. */
  charts: PageChart[];
  /** 'first': the page opens with it (the forecast's own report); 'after-summary': after the run's summary. */
  place: 'first' | 'after-summary';
}

export interface PageTexts {
  eyebrow?: string;
  title?: string;
  summaryTitle?: string;
  uncertainIntro?: string;
  /** The files the page was generated from, for the footer. */
  sources?: string;
}

/** The sentences of "What drives the result" and its chart (empty without drivers). */
function driversBody(data: ReportData, figures: string): string {
  const sentences = [...driverSentences(data), ...discoverySentences(join(data.dir, 'explore'))];
  if (sentences.length === 0 && !figures) return '';
  return `<ul class="drivers">${sentences.map((s) => `<li>${emphasiseStrategies(s, data)}</li>`).join('\n')}</ul>\n${figures}`;
}

export function buildPage(input: PageInput): string {
  const { data, charts, figures, summary } = input;
  const { experiment } = data.summary;
  const scripts = input.scripts ?? [readFileSync(bundlePaths().vega, 'utf8'), readFileSync(bundlePaths().vegaEmbed, 'utf8')];
  const bySection = (section: ChartSection): PageChart[] => charts.filter((c) => c.section === section);
  const keyFans = new Set(KEY_OBSERVABLES.map((n) => `fan-${n.replace(/_/g, '-')}`));
  const adoption = bySection('adoption');
  const mainFans = adoption.filter((c) => keyFans.has(c.name));
  const moreFans = adoption.filter((c) => !keyFans.has(c.name));
  const chartSection = (id: string, section: ChartSection, body: string): string =>
    body ? `<section id="${id}"><h2>${h(SECTION_TITLES[section])}</h2><p class="intro">${h(SECTION_INTROS[section])}</p>${body}</section>` : '';
  const figs = (list: PageChart[]): string => list.map(figureHtml).join('\n');
  const sections = [
    chartSection('adoption', 'adoption', figs(mainFans) + (moreFans.length ? `<details class="more"><summary>More measures over time (${moreFans.length})</summary>${figs(moreFans)}</details>` : '')),
    chartSection('timing', 'timing', figs(bySection('timing'))),
    chartSection('comparison', 'comparison', figs(bySection('comparison'))),
    chartSection('cost', 'cost', figs(bySection('cost'))),
    chartSection('waves', 'waves', figs(bySection('waves'))),
    chartSection('drivers', 'drivers', driversBody(data, figs(bySection('drivers')))),
  ].filter(Boolean);
  const toc: [string, string][] = [
    ['summary', 'Summary'],
    ...charts.reduce<[string, string][]>((acc, c) => (acc.some(([id]) => id === c.section) ? acc : [...acc, [c.section, SECTION_TITLES[c.section]]]), []),
    ['results', 'Results table'],
    ['pairs', 'Paired comparisons'],
    ['assumptions', 'Assumptions'],
    ['methods', 'Methods'],
    ['reproduce', 'Reproduce'],
  ];
  const pilot = input.pilot;
  const texts = input.texts ?? {};
  if (pilot) toc.splice(pilot.place === 'first' ? 0 : 1, 0, ['pilot', PILOT_TITLE]);
  const pilotHtml = pilot ? `<section id="pilot">\n<h2>${h(PILOT_TITLE)}</h2>\n${pilot.body}\n</section>\n` : '';
  const specs = Object.fromEntries([...charts, ...(pilot?.charts ?? [])].map((c) => [c.name, c.vega]));
  const title = texts.title ?? `${experiment.label || experiment.name}: rollout strategies compared`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="uptake ${h(data.manifest.uptakeVersion)}">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><div class="wrap">
<p class="eyebrow">${h(texts.eyebrow ?? 'uptake · rollout strategy report')}</p>
<h1>${h(title)}</h1>
<p class="meta">${h(`${figures.length} ${figures.length === 1 ? 'strategy' : 'strategies'} · ${experiment.rollouts.toLocaleString('en-GB')} rollouts each · ${experiment.weeks} weeks · seed ${experiment.seed} · scenario ${fileName(experiment.source)}`)}</p>
<nav class="toc" aria-label="Contents">${toc.map(([id, t]) => `<a href="#${id}">${h(t)}</a>`).join('')}</nav>
</div></header>
<main class="wrap">
${pilot?.place === 'first' ? pilotHtml : ''}<section id="summary">
<h2>${h(texts.summaryTitle ?? 'Summary')}</h2>
<div class="summary-box">
<p class="scope">${h(summary.scope)}</p>
<p class="headline">${emphasiseStrategies(summary.headline, data)}</p>
<p class="recommendation">${emphasiseStrategies(summary.recommendation, data)}</p>
<ul>${summary.points.map((p) => `<li>${emphasiseStrategies(p, data)}</li>`).join('\n')}</ul>
<p class="caveat">${h(summary.caveat)}</p>
</div>
${glanceHtml(data, figures)}
<noscript><p class="intro">The interactive charts need JavaScript; the same charts are in the charts/ folder next to this file as PNG and SVG.</p></noscript>
</section>
${pilot?.place === 'after-summary' ? pilotHtml : ''}${sections.join('\n')}
<section id="results"><h2>Results by strategy</h2>
<p class="intro">Every per-rollout result, for each strategy.</p>
${resultsTable(data, figures)}
</section>
<section id="pairs"><h2>Paired comparisons</h2>
<p class="intro">Each pair of strategies, result by result, over the same rollouts.</p>
${pairsTable(data)}
</section>
<section id="assumptions"><h2>Assumptions and uncertainties</h2>
${assumptionsHtml(data, texts.uncertainIntro)}
</section>
<section id="methods"><h2>How these numbers were made</h2>
${methodsHtml(data)}
</section>
<section id="reproduce"><h2>Reproduce this report</h2>
${manifestHtml(data)}
</section>
</main>
<footer><div class="wrap">Generated by uptake ${h(data.manifest.uptakeVersion)} from ${h(texts.sources ?? 'summary.json, manifest.json and rollouts.csv')} in this folder. Charts for slides are in charts/ (SVG and PNG). This page works offline: it loads nothing from the network.</div></footer>
${scripts.map((s) => `<script>${inlineScript(s)}</script>`).join('\n')}
<script type="application/json" id="uptake-specs">${inlineJson(specs)}</script>
<script>${BOOT}</script>
</body>
</html>
`;
}
