/** `uptake compare <a> <b>`: two runs' results side by side, difference of medians with intervals, paired where they share seeds. */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { UsageError } from '../errors.ts';
import { paint, renderTable, useColour } from '../format.ts';

interface CompareFlags {
  out?: string;
  json?: boolean;
  force?: boolean;
  png: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare two runs (before and after a change of assumptions, or two clients): per strategy and outcome the difference of medians with a 95% interval')
    .argument('<a>', 'output folder of the first run (A, the baseline)')
    .argument('<b>', 'output folder of the second run (B); differences are B − A')
    .option('--out <dir>', 'where to write compare.csv and the chart (default: out/compare-<a>-vs-<b>)')
    .option('--json', 'print the comparison as JSON on stdout')
    .option('--force', 'replace a folder that holds something other than an earlier comparison')
    .option('--no-png', 'skip the PNG chart (the spec and SVG are still written)')
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText('after', '\nRollouts are compared as pairs when both runs used the same seeds (the same organisation and draws per rollout), otherwise independently.\nExit code 2 when a folder is missing or not an uptake output folder, or the runs share no strategy.\nExample: uptake compare out/before out/after')
    .action(async (a: string, b: string, flags: CompareFlags) => compareCommand(a, b, flags));
}

async function compareCommand(dirA: string, dirB: string, flags: CompareFlags): Promise<void> {
  // Loaded on use: the chart stack would slow every other command's start.
  const [{ loadReportData }, compare, format, render] = await Promise.all([
    import('../../report/load.ts'),
    import('../../report/compare.ts'),
    import('../../report/format.ts'),
    import('../../report/render.ts'),
  ]);
  const problems: string[] = [];
  const load = async (dir: string) => {
    try {
      return await loadReportData(dir);
    } catch (err) {
      if (err instanceof InputError) problems.push(err.hint ? `${err.message} — ${err.hint}` : err.message);
      else throw err;
      return undefined;
    }
  };
  const [a, b] = [await load(dirA), await load(dirB)];
  if (!a || !b) throw new UsageError(problems.join('\n'));
  const common = a.summary.strategies.filter((s) => b.summary.strategies.some((t) => t.name === s.name));
  if (common.length === 0) {
    throw new UsageError(`${dirA} and ${dirB} share no strategy (${a.summary.strategies.map((s) => s.name).join(', ')} against ${b.summary.strategies.map((s) => s.name).join(', ')})`, 'compare runs of the same strategies, named alike in both scenario files');
  }
  const rows = compare.compareRuns(a, b);
  const out = flags.out ?? join('out', `compare-${basename(resolve(dirA))}-vs-${basename(resolve(dirB))}`);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, 'compare.csv')) && !flags.force) {
    throw new UsageError(`${out}: exists and holds something other than a comparison`, 'choose another --out, or add --force to replace it');
  }

  // Written beside the target and renamed into place: nothing half-written.
  const building = `${resolve(out)}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  try {
    writeFileSync(join(building, 'compare.csv'), compare.compareCsv(rows));
    const label = new Map([...a.summary.results, ...b.summary.results].map((r) => [r.name, r.label]));
    const spec = compare.compareChartSpec(rows, { a: a.summary.experiment.label, b: b.summary.experiment.label, outcome: (n) => label.get(n) ?? n });
    writeFileSync(join(building, 'compare.vl.json'), `${JSON.stringify(spec, null, 2)}\n`);
    const svg = await render.vegaToSvg(render.compileToVega(spec as never));
    writeFileSync(join(building, 'compare.svg'), svg);
    if (flags.png) writeFileSync(join(building, 'compare.png'), await render.svgToPngAsync(svg));
    rmSync(out, { recursive: true, force: true });
    mkdirSync(resolve(out, '..'), { recursive: true });
    renameSync(building, out);
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    throw err;
  }

  if (flags.json) {
    const json = rows.map((r) => ({
      strategy: r.strategy, outcome: r.outcome, median_a: jsonNumber(r.medianA), median_b: jsonNumber(r.medianB),
      difference: jsonNumber(r.difference), low: jsonNumber(r.low), high: jsonNumber(r.high), paired: r.paired, n_a: r.nA, n_b: r.nB,
    }));
    process.stdout.write(`${JSON.stringify({ a: dirA, b: dirB, out, rows: json }, null, 2)}\n`);
    return;
  }
  if (flags.quiet) return;
  const colour = useColour(process.stdout);
  const currency = b.summary.experiment.currency ?? a.summary.experiment.currency ?? '';
  const value = (x: number, unit: Parameters<typeof format.formatValue>[1]): string => (x === Infinity ? 'never' : format.formatValue(x, unit, currency));
  const change = (x: number, unit: string): string => {
    if (!Number.isFinite(x)) return x === Infinity ? 'never' : '–';
    if (unit === 'share') return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pts`;
    if (unit === 'money') return `${x >= 0 ? '+' : '−'}${format.money(Math.abs(x), currency, true)}`;
    return `${x >= 0 ? '+' : '−'}${Number(Math.abs(x).toPrecision(3))}`;
  };
  const shown = rows.filter((r) => compare.KEY_OUTCOMES.includes(r.outcome));
  const table = shown.map((r) => {
    const clear = Number.isFinite(r.low) && Number.isFinite(r.high) && (r.low > 0 || r.high < 0);
    const never = r.medianA === Infinity && r.medianB === Infinity ? 'both never' : r.medianA === Infinity ? 'A never' : 'B never';
    const diff = Number.isNaN(r.difference) ? never : `${change(r.difference, r.unit)} [${change(r.low, r.unit)}, ${change(r.high, r.unit)}]`;
    return [r.strategy, r.outcome, value(r.medianA, r.unit), value(r.medianB, r.unit), clear ? paint(diff, 'bold', colour) : diff, r.paired ? 'paired' : 'independent'];
  });
  process.stdout.write(`\nB − A: ${b.summary.experiment.label} (${dirB}) against ${a.summary.experiment.label} (${dirA}); medians, difference with 95% interval:\n\n`);
  process.stdout.write(renderTable(['strategy', 'outcome', 'A', 'B', 'B − A [95%]', 'rollouts'], table));
  const paired = rows.some((r) => r.paired);
  process.stdout.write(`\n${paired ? 'Paired: both runs used the same seeds, so rollout r is the same organisation in both and the difference is read rollout by rollout.' : 'Independent: the runs used different seeds, so their rollouts are compared as two samples.'}\nAll outcomes: ${join(out, 'compare.csv')}; chart: ${join(out, 'compare.svg')}\n`);
}

function jsonNumber(x: number): number | string | null {
  return x === Infinity ? 'never' : Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}
