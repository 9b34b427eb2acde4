/** `uptake report <folder>`: re-draw the charts and report.html from a run's saved results, without rerunning it. */
import { relative } from 'node:path';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('report')
    .description('re-draw charts/ and report.html from the saved results of `uptake run` (no simulation)')
    .argument('<folder>', 'output folder of `uptake run` (holds summary.json, manifest.json, rollouts.csv), or the forecast/ folder of `uptake forecast`')
    .option('--no-png', 'skip drawing the PNG charts (SVG and specs are still written; PNGs already there are kept)')
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText(
      'after',
      '\nWrites <folder>/report.html (one offline page) and <folder>/charts/<name>.{vl.json,svg,png}.\nExit code 2 when the folder is missing or is not a complete uptake output folder.\nExample: uptake report out/default && open out/default/report.html',
    )
    .action(async (folder: string, options: { png: boolean; quiet?: boolean }) => {
      // Loaded on use: the chart stack (vega, resvg) would slow every other command's start.
      const { renderReport, renderForecastReport, isForecastFolder } = await import('../../report/index.ts');
      const log = (line: string): void => void process.stderr.write(`warning: ${line}\n`);
      const files = isForecastFolder(folder) ? await renderForecastReport(folder, { png: options.png, log }) : await renderReport(folder, { png: options.png, log });
      if (!options.quiet) {
        const show = (p: string): string => {
          const r = relative(process.cwd(), p);
          return r && !r.startsWith('..') ? r : p;
        };
        process.stdout.write(`${files.html ? `${show(files.html)}\n` : ''}${show(files.chartsDir)}/ (${files.charts.length} charts)\n`);
      }
    });
}
