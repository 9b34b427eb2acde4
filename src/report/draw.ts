/**
 * Writing charts to disk, shared by the run's report and the forecast's: each
 * chart as <name>.vl.json, .svg and .png in a folder built aside and swapped
 * in whole, and files renamed into place, so nothing is ever half-written.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { type Chart, baseConfig } from './charts.ts';
import type { PageChart } from './html.ts';
import { CompileLog, type FontSetup, compileToVega, svgToPngAsync, vegaToSvg } from './render.ts';

/** The spec as written to <name>.vl.json: the chart plus the shared look. */
export function fullSpec(chart: Chart): TopLevelSpec {
  return { ...chart.spec, config: baseConfig() } as unknown as TopLevelSpec;
}

/** Write a file under a temporary name, then rename it into place, so readers never see half a file. */
export function writeAtomic(file: string, content: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

export interface DrawOptions {
  /** Write PNGs (default true; when false, PNGs already in the folder are kept). */
  png?: boolean;
  log?: (message: string) => void;
}

/**
 * Draws `charts` into `dir`/`folder`: built beside the old folder and swapped in,
 * so a failed render leaves the previous charts whole. Returns the charts with
 * their compiled Vega specs, for the page.
 */
export async function drawCharts(dir: string, folder: string, charts: Chart[], fonts: FontSetup, options: DrawOptions): Promise<PageChart[]> {
  const chartsDir = join(dir, folder);
  const building = join(dir, `.${folder}.tmp-${process.pid}`);
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
    const old = join(dir, `.${folder}.old-${process.pid}`);
    if (existsSync(chartsDir)) renameSync(chartsDir, old);
    renameSync(building, chartsDir);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    await Promise.allSettled(pngs);
    rmSync(building, { recursive: true, force: true });
    throw err;
  }
  return page;
}
