/**
 * Reports a steering committee understands: charts for slides (Vega-Lite
 * spec, SVG, PNG) and one offline report.html, drawn from a run's saved
 * outputs only. `uptake run` calls renderReport after writing its outputs;
 * `uptake report DIR` calls it on a saved folder.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { type Chart, baseConfig, buildCharts } from './charts.ts';
import { strategyFigures } from './figures.ts';
import { buildPage, type PageChart } from './html.ts';
import { loadReportData } from './load.ts';
import { executiveSummary } from './narrative.ts';
import { CompileLog, compileToVega, findFonts, svgToPngAsync, vegaToSvg } from './render.ts';

export { loadReportData } from './load.ts';
export { buildCharts } from './charts.ts';
export { executiveSummary } from './narrative.ts';

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

/** The spec as written to <name>.vl.json: the chart plus the shared look. */
export function fullSpec(chart: Chart): TopLevelSpec {
  return { ...chart.spec, config: baseConfig() } as unknown as TopLevelSpec;
}

/** Write a file under a temporary name, then rename it into place, so readers never see half a file. */
function writeAtomic(file: string, content: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
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
  const charts = buildCharts(data);
  const fonts = findFonts();
  if (!fonts.explicit) options.log?.('DejaVu Sans not found (Debian: apt-get install fonts-dejavu-core): PNG text uses system fonts and may differ between machines.');

  const chartsDir = join(dir, 'charts');
  const building = join(dir, `.charts.tmp-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const page: PageChart[] = [];
  const pngs: Promise<void>[] = [];
  try {
    for (const chart of charts) {
      const spec = fullSpec(chart);
      const compileLog = new CompileLog();
      const vega = compileToVega(spec, compileLog);
      for (const w of compileLog.warnings) options.log?.(`chart ${chart.name}: ${w}`);
      const svg = await vegaToSvg(vega, fonts);
      writeFileSync(join(building, `${chart.name}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`);
      writeFileSync(join(building, `${chart.name}.svg`), svg);
      if (options.png !== false) {
        const png = svgToPngAsync(svg, { fonts }).then((bytes) => writeFileSync(join(building, `${chart.name}.png`), bytes));
        png.catch(() => {}); // handled by Promise.all below; this keeps a failure from being reported unhandled meanwhile
        pngs.push(png);
      }
      page.push({ ...chart, vega });
    }
    await Promise.all(pngs);
    // Without PNGs this time, the ones drawn before stay: --no-png skips work, it does not delete.
    if (options.png === false && existsSync(chartsDir)) {
      for (const name of readdirSync(chartsDir)) if (name.endsWith('.png')) copyFileSync(join(chartsDir, name), join(building, name));
    }
    const old = join(dir, `.charts.old-${process.pid}`);
    if (existsSync(chartsDir)) renameSync(chartsDir, old);
    renameSync(building, chartsDir);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    await Promise.allSettled(pngs);
    rmSync(building, { recursive: true, force: true });
    throw err;
  }

  let html: string | undefined;
  if (options.html !== false) {
    const figures = strategyFigures(data);
    html = join(dir, 'report.html');
    writeAtomic(html, buildPage({ data, charts: page, figures, summary: executiveSummary(data, figures) }));
    if (options.quiet === false) process.stderr.write(`Report: ${html} (charts in ${chartsDir})\n`);
  }
  return { html, chartsDir, charts: charts.map((c) => c.name) };
}
