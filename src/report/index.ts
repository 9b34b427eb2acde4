/**
 * Reports a steering committee understands: charts for slides (Vega-Lite
 * spec, SVG, PNG) and one offline report.html, drawn from a run's saved
 * outputs only. `uptake run` calls renderReport after writing its outputs;
 * `uptake report DIR` calls it on a saved folder.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildCharts } from './charts.ts';
import { driversChart } from './drivers.ts';
import { exploreCharts } from './explore-charts.ts';
import { drawCharts, writeAtomic } from './draw.ts';
import { strategyFigures } from './figures.ts';
import { pilotSectionForRun } from './forecast-report.ts';
import { buildPage } from './html.ts';
import { loadReportData } from './load.ts';
import { executiveSummary } from './narrative.ts';
import { findFonts } from './render.ts';

export { loadReportData } from './load.ts';
export { buildCharts } from './charts.ts';
export { executiveSummary } from './narrative.ts';
export { fullSpec } from './draw.ts';
export { loadForecastData, forecastNarrative, renderForecastReport, isForecastFolder } from './forecast-report.ts';

export interface RenderOptions {
  /** Write charts/*.png (default true; when false, PNGs already there are kept); SVG and specs are always written. */
  png?: boolean;
  /** Write report.html (default true). */
  html?: boolean;
  /** Called with one line per notable event (e.g. fonts missing); default: stderr unless `quiet`. */
  log?: (message: string) => void;
  /**
   * As passed by `uptake run`: when explicitly false, one line naming report.html goes to stderr.
   * When true, nothing is printed (unless `log` is given).
   */
  quiet?: boolean;
}

export interface ReportFiles {
  html?: string;
  chartsDir: string;
  /** Chart file stems, in report order. */
  charts: string[];
}

/**
 * Draws charts/ and report.html into an output folder of `uptake run`.
 * charts/ is built beside the old one and swapped in, so a failed render leaves
 * the previous charts whole. Throws UsageError for a missing or damaged folder.
 */
export async function renderReport(dir: string, options: RenderOptions = {}): Promise<ReportFiles> {
  const log = options.log ?? (options.quiet ? undefined : (line: string) => process.stderr.write(`warning: ${line}\n`));
  options = { ...options, log };
  const data = await loadReportData(dir);
  const drivers = driversChart(data);
  // An explore of this scenario beside the run: its charts join "What drives the result".
  const explore = existsSync(join(dir, 'explore')) ? exploreCharts(join(dir, 'explore')) : [];
  const charts = [...buildCharts(data), ...(drivers ? [drivers] : []), ...explore];
  const fonts = findFonts();
  if (!fonts.explicit) options.log?.('DejaVu Sans not found (Debian: apt-get install fonts-dejavu-core): PNG text uses system fonts and may differ between machines.');

  // The pilot's section, when a forecast sits beside the run: its chart joins the run's charts/.
  const pilot = await pilotSectionForRun(dir, data, options.log);
  const chartsDir = join(dir, 'charts');
  const drawn = await drawCharts(dir, 'charts', pilot ? [...charts, ...pilot.charts] : charts, fonts, options);
  const page = drawn.slice(0, charts.length);

  let html: string | undefined;
  if (options.html !== false) {
    const figures = strategyFigures(data);
    html = join(dir, 'report.html');
    writeAtomic(html, buildPage({ data, charts: page, figures, summary: executiveSummary(data, figures), ...(pilot ? { pilot: { ...pilot.section, charts: drawn.slice(charts.length) } } : {}) }));
    if (options.quiet === false) process.stderr.write(`Report: ${html} (charts in ${chartsDir})\n`);
  }
  return { html, chartsDir, charts: drawn.map((c) => c.name) };
}

/** Draws `uptake explore`'s charts into `<exploreDir>/charts/` (src/report/explore-charts.ts); returns their names. */
export async function renderExploreCharts(exploreDir: string, options: Pick<RenderOptions, 'png' | 'log'> = {}): Promise<string[]> {
  const charts = exploreCharts(exploreDir);
  if (charts.length === 0) return [];
  const drawn = await drawCharts(exploreDir, 'charts', charts, findFonts(), options);
  return drawn.map((c) => c.name);
}
