/**
 * The forecast's charts and report, drawn from a real (small) forecast of the bundled pilot: a run
 * of the same scenario first, then `runForecast` into its forecast/ folder, then the reports. Every
 * expected number is computed here from the files themselves (rollouts.csv, observed.csv), never
 * typed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { InputError } from '../../src/errors.ts';
import { runForecast } from '../../src/forecast/forecast.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { loadScenario } from '../../src/scenarios/load.ts';
import { observedWhole } from '../../src/report/forecast-charts.ts';
import { forecastNarrative, loadForecastData, type ForecastData } from '../../src/report/forecast-report.ts';
import { inlineJson } from '../../src/report/html.ts';
import { renderForecastReport, renderReport } from '../../src/report/index.ts';
import { CompileLog, compileToVega, vegaToSvg } from '../../src/report/render.ts';
import { tempDir } from './fixture.ts';
import { uptake } from '../cli/spawn.ts';

const PILOT = fileURLToPath(new URL('../../scenarios/pilot.yaml', import.meta.url));
const HOLDOUT = 2;

let root: string;
let out: string;
let forecastDir: string;
let charts: string[];
let data: ForecastData;
let html: string;

type Row = Record<string, string>;
function csv(file: string): Row[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(','));
  return lines.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]!])));
}

/** The summaries' quantile (R's type 7): h = p (n − 1), between the order statistics ⌊h⌋ and ⌊h⌋ + 1. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = p * (sorted.length - 1);
  const k = Math.floor(h);
  return k + 1 < sorted.length ? sorted[k]! + (h - k) * (sorted[k + 1]! - sorted[k]!) : sorted[k]!;
}

const spec = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(forecastDir, 'charts', `${name}.vl.json`), 'utf8'));

beforeAll(async () => {
  root = tempDir('forecast');
  out = join(root, 'out');
  const experiment = await loadScenario(PILOT);
  // The run first (it wants a fresh folder), then the forecast into its forecast/ folder.
  await runExperiment({ experiment: { ...experiment, rollouts: 6 }, out, workers: 1, runner: 'sequential', command: 'uptake run pilot.yaml' });
  const result = await runForecast({ experiment, out, particles: 30, budget: 300, holdout: HOLDOUT, workers: 1 });
  forecastDir = result.dir;
  charts = (await renderForecastReport(forecastDir, { quiet: true })).charts;
  data = await loadForecastData(forecastDir);
  html = readFileSync(join(forecastDir, 'report.html'), 'utf8');
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the forecast\'s charts', () => {
  it('writes a spec, an SVG and a PNG for every chart, pilot charts first, leaving no temporary file', () => {
    expect(charts.slice(0, 6)).toEqual(['pilot-fan-active', 'pilot-fan-with-access', 'pilot-fan-posters', 'pilot-fan-posts', 'pilot-prior-posterior', 'pilot-backtest']);
    // The ways forward compared as the run report compares strategies.
    expect(charts).toContain('fan-active-share');
    expect(charts).toContain('paired-comparisons');
    expect(readdirSync(join(forecastDir, 'charts')).sort()).toEqual(charts.flatMap((c) => [`${c}.png`, `${c}.svg`, `${c}.vl.json`]).sort());
    for (const c of charts) expect(readFileSync(join(forecastDir, 'charts', `${c}.png`)).subarray(1, 4).toString()).toBe('PNG');
    expect(readdirSync(forecastDir).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('writes pilot specs valid against the Vega-Lite schema that compile without a warning and render to SVG', async () => {
    const schema = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.resolve('vega-lite'))), 'vega-lite-schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, validateFormats: false, logger: false }).compile(schema);
    for (const name of charts.filter((c) => c.startsWith('pilot-'))) {
      const s = spec(name);
      expect(validate(s), `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      const log = new CompileLog();
      const svg = await vegaToSvg(compileToVega(s as never, log));
      expect(log.warnings, name).toEqual([]);
      expect(svg.startsWith('<svg'), name).toBe(true);
      expect(svg).toContain(`>${(s.title as { text: string }).text}</text>`);
    }
  });

  it('draws every observed week as a dot, the held-back weeks hollow, and the line at the last calibrated week', () => {
    const observed = csv(join(forecastDir, 'observed.csv')).filter((r) => r.group === '');
    const diagnostics = JSON.parse(readFileSync(join(forecastDir, 'diagnostics.json'), 'utf8'));
    const lastWeek = Math.max(...observed.map((r) => Number(r.week)));
    expect(diagnostics.calibratedWeeks).toBe(lastWeek - HOLDOUT);
    type Layer = { name?: string; mark?: { type: string; filled?: boolean }; data?: { values: Record<string, number | string>[] }; layer?: Layer[] };
    const layers = spec('pilot-fan-active').layer as Layer[];
    const used = layers.find((l) => l.name === 'pilot_observed')!.data!.values;
    const held = layers.find((l) => l.name === 'pilot_held_back')!.data!.values;
    expect(used.length + held.length).toBe(observed.length);
    expect(held.map((v) => v.week)).toEqual(observed.filter((r) => Number(r.week) > diagnostics.calibratedWeeks).map((r) => Number(r.week)));
    expect([...used, ...held].map((v) => v.observed)).toEqual(observed.map((r) => Number(r.active)));
    const rule = layers.find((l) => l.layer?.some((x) => x.mark?.type === 'rule'))!;
    expect(rule.data!.values[0]!.week).toBe(diagnostics.calibratedWeeks);

    // The SVG holds one symbol per observed week in the two named groups, and the rule's label.
    const svg = readFileSync(join(forecastDir, 'charts', 'pilot-fan-active.svg'), 'utf8');
    const symbols = (name: string): number => (new RegExp(`<g class="mark-symbol role-mark ${name}_marks"[^>]*>(.*?)</g>`, 's').exec(svg)?.[1]?.match(/<path/g) ?? []).length;
    expect(symbols('pilot_observed')).toBe(used.length);
    expect(symbols('pilot_held_back')).toBe(held.length);
    expect(svg).toContain(`Fitted to week ${diagnostics.calibratedWeeks}, forecast after (observed to week ${lastWeek})`);
  });

  it('draws the model\'s people with access as the access share times the employees, week by week', () => {
    const timeseries = csv(join(forecastDir, 'timeseries.csv'));
    const employees = JSON.parse(readFileSync(join(forecastDir, 'summary.json'), 'utf8')).experiment.employees as number;
    const values = (spec('pilot-fan-with-access').layer as { data?: { values: Record<string, number | string>[] } }[])[0]!.data!.values;
    const label = data.alternatives[0]!.label;
    const at = values.find((v) => v.strategy === label && v.week === 30)!;
    const row = timeseries.find((r) => r.strategy === data.alternatives[0]!.name && r.week === '30' && r.metric === 'access_share')!;
    expect(at.p50).toBeCloseTo(Number(row.p50) * employees, 6);
    expect(at.p95).toBeCloseTo(Number(row.p95) * employees, 6);
  });

  it('draws prior against posterior for each calibrated parameter, the posterior summing to one', () => {
    const parameters = csv(join(forecastDir, 'parameters.csv')).map((r) => r.parameter);
    const s = spec('pilot-prior-posterior');
    const rows = (s.data as { values: { parameter: string; kind: string; share?: number; density: number }[] }).values;
    expect([...new Set(rows.map((r) => r.parameter))]).toEqual(parameters);
    for (const p of parameters) {
      const share = rows.filter((r) => r.parameter === p && r.kind === 'posterior').reduce((t, r) => t + r.share!, 0);
      expect(share, p).toBeCloseTo(1, 3);
      // Uniform priors: a flat density, positive across the range.
      const prior = rows.filter((r) => r.parameter === p && r.kind === 'prior');
      expect(prior.length, p).toBeGreaterThan(10);
      expect(prior.every((r) => r.density > 0), p).toBe(true);
    }
  });

  it('draws the backtest from backtest.csv, one forecast per held-back week and measure', () => {
    const backtest = csv(join(forecastDir, 'backtest.csv'));
    const values = (spec('pilot-backtest').data as { values: { week: number; observed: number; p50: number }[] }).values;
    expect(values.map((v) => [v.week, v.observed])).toEqual(backtest.map((r) => [Number(r.week), Number(r.observed)]));
    expect(new Set(values.map((v) => v.week)).size).toBe(HOLDOUT);
  });
});

describe('the paragraph "What the pilot tells us"', () => {
  it('quotes the pilot\'s counts at the last calibrated week and each way forward\'s share at the horizon', () => {
    const text = forecastNarrative(data);
    const diagnostics = JSON.parse(readFileSync(join(forecastDir, 'diagnostics.json'), 'utf8'));
    const week = diagnostics.calibratedWeeks as number;
    const atWeek = csv(join(forecastDir, 'observed.csv')).find((r) => r.group === '' && Number(r.week) === week)!;
    expect(text).toContain(`After ${week} weeks of the pilot (${Number(atWeek.with_access).toLocaleString('en-GB')} people with access, ${Number(atWeek.active).toLocaleString('en-GB')} of them using it in week ${week})`);

    const horizon = JSON.parse(readFileSync(join(forecastDir, 'summary.json'), 'utf8')).experiment.weeks as number;
    const rollouts = csv(join(forecastDir, 'rollouts.csv'));
    const active = (strategy: string): number[] => rollouts.filter((r) => r.strategy === strategy).map((r) => Number(r.active_share));
    const pct = (x: number): number => Math.round(x * 100);
    for (const a of data.alternatives) {
      const v = active(a.name);
      expect(v.length).toBe(diagnostics.forecastRollouts);
      expect(text).toContain(`${pct(quantile(v, 0.5))}% (${pct(quantile(v, 0.05))}–${pct(quantile(v, 0.95))}%)`);
    }
    const ref = data.alternatives.find((a) => a.continues)!;
    expect(text).toContain(`of the firm actively using the platform at week ${horizon} under ${ref.label}`);

    // The chance the other way forward does better, rollout by rollout (ties count half), from rollouts.csv.
    const other = data.alternatives.find((a) => !a.continues)!;
    const mine = active(other.name);
    const theirs = active(ref.name);
    const p = mine.reduce((t, x, i) => t + (x > theirs[i]! ? 1 : x === theirs[i]! ? 0.5 : 0), 0) / mine.length;
    const phrase = p === 1 ? `ahead in all ${mine.length} paired rollouts` : p === 0 ? `behind in all ${mine.length} paired rollouts` : `${pct(p > 0.5 ? p : 1 - p)}% of paired rollouts`;
    expect(text).toContain(`${other.label} gives `);
    expect(text).toContain(phrase);
    expect(text).toContain(`last ${HOLDOUT} weeks (to week ${week + HOLDOUT}) were held back`);
  });

  it('opens report.html with the section, in plain words, with no file path or e-mail address', () => {
    const main = html.slice(html.indexOf('<main'));
    expect(main.indexOf('<section id="pilot">')).toBeLessThan(main.indexOf('<section id="summary">'));
    expect(html).toContain('<h2>What the pilot tells us</h2>');
    expect(html).toContain('<h2>The ways forward compared</h2>');
    expect(html).toContain('id="chart-pilot-fan-active"');
    expect(html).toContain('What the pilot says about each assumption');
    expect(html).toContain('Testing the forecast on the weeks held back');
    expect(html).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    expect(html).not.toContain(root);
    expect(html).not.toContain(dirname(PILOT));
    // The words a reader sees (file names of the charts for slides aside) carry none of the method's jargon.
    const prose = html.slice(html.indexOf('<section id="pilot">'), html.indexOf('<section id="summary">')).replace(/<figcaption class="files">.*?<\/figcaption>/g, '').replace(/<[^>]+>/g, ' ');
    expect(prose).not.toMatch(/particle|posterior|ABC|tolerance/i);
    // Every spec in the page is one of the charts drawn, so the page and charts/ agree.
    const specs = JSON.parse(/<script type="application\/json" id="uptake-specs">(.*?)<\/script>/s.exec(html)![1]!);
    expect(Object.keys(specs).sort()).toEqual([...charts].sort());
  });
});

describe('reading a forecast folder', () => {
  it('names the missing file, with exit code 2', async () => {
    const broken = join(root, 'no-diagnostics');
    cpSync(forecastDir, broken, { recursive: true });
    rmSync(join(broken, 'diagnostics.json'));
    const err = await loadForecastData(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toBe(`${join(broken, 'diagnostics.json')}: missing`);
  });

  it('names the file and line of a garbled value', async () => {
    const broken = join(root, 'garbled');
    cpSync(forecastDir, broken, { recursive: true });
    const file = join(broken, 'observed.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/,\d+,/, ',many,');
    writeFileSync(file, lines.join('\n'));
    await expect(loadForecastData(broken)).rejects.toThrow(`${file}:4: column`);
  });

  it('sums grouped telemetry when the groups are every department, and draws none when they cover part of the firm', () => {
    const row = (group: string, week: number, n: number) => ({ group, week, with_access: n, active: n / 2, posters: 1, posts: 2 });
    const grouped = { observed: [row('sales', 1, 10), row('ops', 1, 30), row('sales', 2, 12), row('ops', 2, 32)], departments: ['ops', 'sales'], waves: [] };
    const whole = observedWhole(grouped);
    expect(whole.source).toBe('departments');
    expect(whole.rows.map((r) => [r.week, r.with_access, r.active, r.posts])).toEqual([[1, 40, 20, 4], [2, 44, 22, 4]]);
    const partial = observedWhole({ ...grouped, departments: ['ops', 'sales', 'legal'] });
    expect(partial.source).toBe('partial');
    expect(partial.rows).toEqual([]);
  });
});

describe('the run\'s report beside a forecast', () => {
  it('gains the section after its summary, with the fan chart of people using the platform and a link, and is otherwise unchanged', async () => {
    const alone = join(root, 'run-alone');
    cpSync(out, alone, { recursive: true });
    rmSync(join(alone, 'forecast'), { recursive: true, force: true });
    const without = await renderReport(alone, { quiet: true, png: false });
    const withIt = await renderReport(out, { quiet: true, png: false });
    expect(withIt.charts).toEqual([...without.charts, 'pilot-fan-active']);
    expect(existsSync(join(out, 'charts', 'pilot-fan-active.svg'))).toBe(true);

    const page = readFileSync(join(out, 'report.html'), 'utf8');
    const plain = readFileSync(join(alone, 'report.html'), 'utf8');
    expect(plain).not.toContain('What the pilot tells us');
    const section = /<section id="pilot">.*?<\/section>\n/s.exec(page)![0];
    expect(page.indexOf(section)).toBeGreaterThan(page.indexOf('<section id="summary">'));
    expect(section).toContain('<a href="forecast/report.html">');
    expect(section).toContain('id="chart-pilot-fan-active"');
    expect(section.replace(/<[^>]+>/g, '')).toContain(forecastNarrative(data).split(' The ranges')[0]!.replace(/'/g, '&#39;'));
    // Take the section, its contents entry and its chart's spec away: what is left is the report without a forecast, byte for byte.
    const specsRe = /(<script type="application\/json" id="uptake-specs">)(.*?)(<\/script>)/s;
    const specs = JSON.parse(specsRe.exec(page)![2]!);
    delete specs['pilot-fan-active'];
    const stripped = page.replace(section, '').replace('<a href="#pilot">What the pilot tells us</a>', '').replace(specsRe, (_, a: string, _b: string, c: string) => `${a}${inlineJson(specs)}${c}`);
    expect(stripped).toBe(plain);
  });

  it('leaves the section out, saying why, when the forecast is of another scenario', async () => {
    const foreign = join(root, 'foreign');
    cpSync(out, foreign, { recursive: true });
    const file = join(foreign, 'forecast', 'diagnostics.json');
    const diagnostics = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...diagnostics, scenario: { ...diagnostics.scenario, name: 'another_firm' } }));
    const lines: string[] = [];
    const files = await renderReport(foreign, { png: false, log: (l) => lines.push(l) });
    expect(files.charts).not.toContain('pilot-fan-active');
    expect(readFileSync(join(foreign, 'report.html'), 'utf8')).not.toContain('What the pilot tells us');
    expect(lines.some((l) => l.includes('"another_firm"') && l.includes('leaves out "What the pilot tells us"'))).toBe(true);
  });
});

describe('uptake report on a forecast folder', () => {
  it('re-draws the forecast\'s report and charts, not a run\'s', async () => {
    const result = await uptake(['report', forecastDir, '--no-png']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${join(forecastDir, 'report.html')}\n`);
    expect(result.stdout).toMatch(new RegExp(`charts/ \\(${charts.length} charts\\)\\n$`));
    expect(readFileSync(join(forecastDir, 'report.html'), 'utf8')).toContain('<h2>What the pilot tells us</h2>');
  }, 60_000);
});
