/**
 * `uptake run [scenario]`: run every strategy of a scenario and write the
 * output folder (docs/outputs.md); print a short comparison on stdout.
 *
 * Report hook: after the outputs are in place, `afterOutputs(dir)` calls the
 * report renderer if one is available: a function registered with
 * `registerReportRenderer`, or else `renderReport(dir, options)` exported by
 * src/report/index.ts (imported only if that file exists, so `run` works
 * without it). `--no-report` skips it.
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { applyOverrides } from '../../scenarios/load.ts';
import { loadScenarioForCommand } from '../scenario.ts';
import { warningLines } from '../warnings.ts';
import type { Experiment } from '../../scenarios/experiment.ts';
import { runExperiment, RolloutFailed, RunInterrupted, interruptedRuns, shardRange, type Shard } from '../../runner/execute.ts';
import { availableMemory, estimateRun } from '../../runner/estimate.ts';
import { estimateText, refuseIfTooBig } from '../estimate.ts';
import { layoutOf, parseFailure, runBatch } from '../../runner/batch.ts';
import { rolloutRows, rolloutsHeader } from '../../runner/outputs.ts';
import { defaultWorkers } from '../../runner/pool.ts';
import { parseShard, shardLabel } from '../../runner/shard.ts';
import type { PairedComparison, RunSummary, Quantile, ResultQuantiles, WaveOpening } from '../../runner/summary.ts';
import { wholeNumber } from '../flags.ts';
import { EXIT, Interrupts, UsageError } from '../errors.ts';
import { formatDuration, formatNumber, formatPercent, paint, plural, renderTable, terminalWidth, useColour, wrap } from '../format.ts';
import { type Progress, TimeLeft, progressLines } from '../progress.ts';
import { money, neitherReachesText } from '../../report/format.ts';
import { recommendation } from '../../report/recommend.ts';

export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../scenarios/default.yaml', import.meta.url));

export interface ReportOptions {
  quiet: boolean;
}
export type ReportRenderer = (dir: string, options: ReportOptions) => unknown | Promise<unknown>;

let registeredRenderer: ReportRenderer | undefined;

/** The report engineer's hook: called with the output folder after every successful run (unless --no-report). */
export function registerReportRenderer(renderer: ReportRenderer | undefined): void {
  registeredRenderer = renderer;
}

async function findReportRenderer(): Promise<ReportRenderer | undefined> {
  if (registeredRenderer) return registeredRenderer;
  const { renderReport } = await import('../../report/index.ts');
  return renderReport;
}

/** The point where a finished run hands its output folder to the report. */
export async function afterOutputs(dir: string, options: ReportOptions): Promise<void> {
  const render = await findReportRenderer();
  if (render) await render(dir, options);
}

interface RunFlags {
  rollouts?: string;
  seed?: string;
  workers?: string;
  out?: string;
  quiet?: boolean;
  json?: boolean;
  rollout?: string;
  shard?: string;
  resume?: boolean;
  force?: boolean;
  report: boolean;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run every strategy of a scenario and write timeseries.csv, rollouts.csv, summary.json and manifest.json')
    .argument('[scenario]', 'scenario file (YAML)', undefined)
    .option('-n, --rollouts <n>', 'rollouts per strategy (default: the scenario\'s)')
    .option('-s, --seed <seed>', 'scenario seed (default: the scenario\'s)')
    .option('-w, --workers <n>', `worker threads (default: ${defaultWorkers()}, the cores here)`)
    .option('-o, --out <dir>', 'output folder (default: out/<scenario name>)')
    .option('-q, --quiet', 'no progress and no table; errors only')
    .option('--json', 'print the comparison as JSON on stdout instead of a table')
    .option('--rollout <n>', 'rerun rollout N alone under every strategy and print its rollouts.csv rows')
    .option('--shard <k/n|auto>', 'run shard K of N and write a partial result for `uptake merge` (auto: from a Kubernetes Indexed Job or Slurm array)')
    .option('--resume', 'continue an interrupted run from its finished batches')
    .option('--force', 'replace an output folder that holds another scenario\'s results; run even when the estimated peak memory exceeds what is available')
    .option('--no-report', 'do not render the report after the run')
    .addHelpText(
      'after',
      [
        '',
        'Without a scenario, runs the bundled scenarios/default.yaml.',
        'Outputs are documented in docs/outputs.md; sharding in docs/distributed.md.',
        'Examples:',
        '  uptake run scenarios/bank.yaml --rollouts 5000 --out out/bank',
        '  uptake run scenarios/bank.yaml --rollout 17        # reproduce one rollout',
        '  uptake run scenarios/bank.yaml --shard 2/8 --out out/bank-2',
      ].join('\n'),
    )
    .action(async (scenarioArg: string | undefined, flags: RunFlags) => {
      await runCommand(scenarioArg, flags);
    });
}

async function runCommand(scenarioArg: string | undefined, flags: RunFlags): Promise<void> {
  const scenario = scenarioArg ?? displayPath(DEFAULT_SCENARIO);
  const rollouts = wholeNumber('--rollouts', flags.rollouts, 1);
  const seed = wholeNumber('--seed', flags.seed, 0);
  const workers = wholeNumber('--workers', flags.workers, 1) ?? defaultWorkers();
  const single = wholeNumber('--rollout', flags.rollout, 0);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  if (single !== undefined && shard) throw new UsageError('--rollout and --shard cannot be combined', 'use one of them');
  const loaded = await loadScenarioForCommand(scenarioArg ?? DEFAULT_SCENARIO);
  // Plans that cannot work as written: said before the run (even with --quiet; --json keeps stdout clean).
  process.stderr.write(warningLines(loaded.warnings, useColour(process.stderr)));
  const experiment = applyOverrides(loaded.experiment, { rollouts, seed });
  const reproduce = (r: number): string => `uptake run ${scenario} --rollout ${r}${seed !== undefined ? ` --seed ${seed}` : ''}`;

  if (single !== undefined) return runOne(experiment, single, flags, reproduce);

  const out = flags.out ?? join('out', shard ? `${experiment.name}-shard-${shard.index}-of-${shard.count}` : experiment.name);
  const quiet = flags.quiet === true;
  // What the run will cost, said before it starts; a run that cannot fit in memory is refused (exit 2, nothing written).
  const [first, last] = shardRange(experiment.rollouts, shard);
  const estimate = estimateRun(experiment, workers, last - first);
  if (!quiet) process.stderr.write(`Estimate: ${estimateText(estimate)}.\n`);
  refuseIfTooBig(estimate, availableMemory(), flags.force === true);
  const progress = quiet ? undefined : (progressBar(experiment, shard) ?? progressLines(`${experiment.name}${shard ? ` shard ${shardLabel(shard)}` : ''}`));
  if (!quiet && !flags.resume) {
    const earlier = interruptedRuns(out);
    if (earlier.length) process.stderr.write(`note: an interrupted run for ${out} exists; add --resume to continue it where possible.\n`);
  }
  const interrupts = new Interrupts(() => {
    progress?.stop();
    process.stderr.write('\nStopping the workers…\n');
  });
  const command = ['uptake', 'run', ...process.argv.slice(3)].join(' ');
  try {
    const result = await runExperiment({
      experiment, out, workers, shard, resume: flags.resume, force: flags.force, signal: interrupts.signal, command,
      onProgress: progress?.update,
    });
    progress?.stop();
    if (result.resumedRollouts > 0 && !quiet) process.stderr.write(`Resumed: ${plural(result.resumedRollouts, 'rollout')} came from the interrupted run.\n`);
    else if (flags.resume && !quiet) process.stderr.write('note: no interrupted run with these settings was found, so it ran from the start.\n');
    if (!quiet) {
      const what = shard ? `shard ${shardLabel(shard)} (partial result; merge with \`uptake merge\`)` : `${plural(experiment.strategies.length, 'strategy', 'strategies')} × ${plural(experiment.rollouts, 'rollout')}`;
      process.stderr.write(`Wrote ${displayPath(result.out)}: ${what} in ${formatDuration(result.manifest.seconds)} on ${plural(result.manifest.workers, 'worker')}.\n`);
    }
    if (result.summary) {
      if (flags.json) process.stdout.write(JSON.stringify(comparisonJson(result.summary, result.out), null, 2) + '\n');
      else if (!quiet) process.stdout.write(comparisonText(result.summary, useColour(process.stdout)));
      if (flags.report) await afterOutputs(result.out, { quiet });
    }
  } catch (err) {
    progress?.stop();
    if (err instanceof RolloutFailed) {
      reportFailure(err, reproduce);
      return;
    }
    if (err instanceof RunInterrupted) {
      process.stderr.write(interruptedText(err));
      process.exit(interrupts.exitCode);
    }
    throw err;
  } finally {
    interrupts.dispose();
  }
}

/** What an interrupted run tells: what was lost, and whether --resume has anything to continue. */
export function interruptedText(err: Pick<RunInterrupted, 'discardedRollouts' | 'completedRollouts' | 'totalRollouts' | 'workDir'>): string {
  const lost = `Interrupted: discarded ${plural(err.discardedRollouts, 'rollout')} in progress; no output folder was written.\n`;
  if (err.completedRollouts === 0) return `${lost}No rollout had finished, so there is nothing to resume: run the same command again to start over.\n`;
  return `${lost}${err.completedRollouts} of ${err.totalRollouts} rollouts are finished and kept in ${displayPath(err.workDir)}: run the same command with --resume to continue.\n`;
}

function reportFailure(err: RolloutFailed, reproduce: (r: number) => string): void {
  const { strategy, rollout, seed, message } = err.info;
  process.stderr.write(
    `error: rollout ${rollout} of strategy ${strategy} failed (rollout seed ${seed}): ${message}\n` +
      `  reproduce it alone: ${reproduce(rollout)}\n` +
      '  the run stopped and no output folder was written.\n',
  );
  process.exitCode = EXIT.INTERNAL;
}

/** `--rollout N`: the rows of rollouts.csv for rollout N, computed alone. */
function runOne(experiment: Experiment, rollout: number, flags: RunFlags, reproduce: (r: number) => string): void {
  const layout = layoutOf(experiment);
  let packed: Float64Array;
  try {
    packed = runBatch(experiment, { start: rollout, end: rollout + 1 });
  } catch (err) {
    const info = parseFailure(err);
    if (info) return reportFailure(new RolloutFailed(info), reproduce);
    throw err;
  }
  const header = rolloutsHeader(experiment, layout);
  const rows = rolloutRows(experiment, layout, packed, rollout);
  if (flags.json) {
    const cols = header.trimEnd().split(',');
    const json = rows.trimEnd().split('\n').map((line) => {
      const c = line.split(',');
      const values: Record<string, number | string | null> = {};
      for (let i = 3; i < cols.length; i++) values[cols[i]!] = c[i] === '' ? null : c[i] === 'never' ? 'never' : Number(c[i]);
      return { strategy: c[0], rollout: Number(c[1]), seed: Number(c[2]), values };
    });
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    process.stdout.write(header + rows);
  }
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** A bar on a terminal's stderr; undefined when stderr is not a terminal (then plain lines, see progress.ts). */
export function progressBar(experiment: Experiment, shard: Shard | undefined): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const colour = useColour(process.stderr);
  const label = `${experiment.name}${shard ? ` shard ${shardLabel(shard)}` : ''}`;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} {bar} {value}/{total} rollouts · {rate}/s · {left}`,
      barCompleteChar: '█',
      barIncompleteChar: colour ? '░' : '-',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const t0 = performance.now();
  const meter = new TimeLeft();
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (stopped) return;
      const seconds = (performance.now() - t0) / 1000;
      const rate = done / Math.max(1e-3, seconds);
      // Time left from the rate measured since the first batches finished (progress.ts), never guessed.
      meter.observe(done, seconds);
      const remaining = meter.seconds(total);
      const left = remaining !== undefined ? `${formatDuration(remaining)} left` : done >= total ? 'done' : done > 0 ? 'measuring the rate…' : 'starting…';
      if (!started) {
        bar.start(total, done, { rate: '0', left });
        started = true;
      }
      bar.update(done, { rate: formatNumber(rate), left });
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/** The results shown on the terminal, and which comparisons. */
const TABLE_RESULTS = ['active_share', 'sustained_share', 'weeks_to_critical_mass', 'weeks_to_target', 'churn', 'cost'] as const;
const COMPARISON_RESULTS = ['sustained_share', 'weeks_to_target', 'cost'] as const;

function formatValue(value: number | null, unit: string, currency = ''): string {
  if (value === null) return '–';
  if (unit === 'share') return formatPercent(value, 0);
  if (unit === 'weeks') return String(Math.round(value));
  // Costs in the report's words and with the scenario's currency, so both read the same.
  if (unit === 'money') return money(value, currency, true);
  return formatNumber(value);
}

/** A reported quantile on screen: a number in the result's unit, "never", or "–" when there is none. */
function formatQuantile(value: Quantile, unit: string, currency = ''): string {
  return value === 'never' ? 'never' : formatValue(value, unit, currency);
}

/**
 * "36 (20–never), 9% never": the median and the 5th–95th percentile as
 * summary.json holds them (weeks count "never" as later than any week), and
 * the share of rollouts that never got there.
 */
export function cellOf(d: ResultQuantiles & { never: number; neverShare: number }, unit: string, currency = ''): string {
  if (unit === 'weeks' && d.p50 === 'never') return d.neverShare >= 1 ? 'never' : `never (${formatPercent(1 - d.neverShare, 0)} reach it)`;
  const median = formatQuantile(d.p50, unit, currency);
  const range = d.p05 === null ? '' : ` (${formatQuantile(d.p05, unit, currency)}–${formatQuantile(d.p95, unit, currency)})`;
  const never = unit === 'weeks' && d.never > 0 ? `, ${formatPercent(d.neverShare, 0)} never` : '';
  return `${median}${range}${never}`;
}

/** Above this many pairs the terminal shows only the best strategy's (a 60-strategy run has 1,770). */
export const MAX_PAIR_ROWS = 10;

/** The strategy with the highest median sustained share (when none is recommended). */
function bestBySustained(summary: RunSummary): string | undefined {
  const value = (name: string): number => {
    const p50 = summary.distributions[name]?.sustained_share?.p50;
    return typeof p50 === 'number' ? p50 : -Infinity;
  };
  return [...summary.strategies].sort((x, y) => value(y.name) - value(x.name))[0]?.name;
}

export function comparisonText(summary: RunSummary, colour: boolean): string {
  const results = TABLE_RESULTS.map((name) => summary.results.find((r) => r.name === name)!).filter(Boolean);
  const headers = ['strategy', ...results.map((r) => shortName(r.name))];
  const rows = summary.strategies.map((s) => [s.name, ...results.map((r) => cellOf(summary.distributions[s.name]![r.name]!, r.unit, summary.experiment.currency))]);
  let text = `\n${paint(summary.experiment.label, 'bold', colour)}: ${plural(summary.experiment.rollouts, 'rollout')} per strategy, ${summary.experiment.weeks} weeks. Median (5th–95th percentile):\n\n`;
  text += renderTable(headers, rows);
  const advice = recommendation(summary);
  text += `\n${wrap(advice.text, Math.min(terminalWidth(), 100)).join('\n')}\n`;
  const pairs = summary.comparisons.filter((c) => (COMPARISON_RESULTS as readonly string[]).includes(c.result));
  if (pairs.length) {
    let pairKeys = [...new Set(pairs.map((c) => `${c.a}\u0000${c.b}`))];
    // Many strategies make n(n − 1)/2 pairs: show the best against each other one, the rest stay in the files.
    const best = advice.strategy ?? bestBySustained(summary);
    const all = pairKeys.length;
    if (all > MAX_PAIR_ROWS && best) pairKeys = pairKeys.filter((key) => key.split('\u0000').includes(best));
    text += `\nP(A beats B), rollout by rollout, with 95% interval${pairKeys.length < all ? ` (${best} against each other strategy; all ${all} pairs are in summary.json and report.html)` : ''}:\n\n`;
    const compRows = pairKeys.map((key) => {
      const [a, b] = key.split('\u0000') as [string, string];
      return [`${a} vs ${b}`, ...COMPARISON_RESULTS.map((r) => comparisonCell(pairs.find((c) => c.a === a && c.b === b && c.result === r)!, colour, summary.outcomes))];
    });
    text += renderTable(['A vs B', ...COMPARISON_RESULTS.map(comparisonHeader)], compRows);
  }
  return text + wavesText(summary) + '\n';
}

/**
 * When the waves of phased strategies opened, and how often a wave was forced open at its maximum wait
 * (its gate not met) or never opened: a steering committee's first question about a pilot.
 */
export function wavesText(summary: RunSummary): string {
  const phased = summary.strategies.filter((s) => (summary.waveOpenWeeks[s.name]?.length ?? 0) > 0);
  if (phased.length === 0) return '';
  const waves = Math.max(...phased.map((s) => summary.waveOpenWeeks[s.name]!.length));
  const cell = (w: WaveOpening | undefined): string => {
    if (!w) return '';
    if (w.neverShare >= 1) return 'never opened';
    const forced = w.forcedShare > 0 ? `, forced ${formatPercent(w.forcedShare, 0)}` : '';
    return `${cellOf(w, 'weeks')}${forced}`;
  };
  const headers = ['strategy', ...Array.from({ length: waves }, (_, k) => (k === 0 ? 'pilot' : `wave ${k}`))];
  const rows = phased.map((s) => [s.name, ...Array.from({ length: waves }, (_, k) => cell(summary.waveOpenWeeks[s.name]![k]))]);
  return `\nWeek each wave opened, median (5th–95th percentile; a wave that never opened counts as later than any week); forced: opened at its maximum wait, its gate not met:\n\n${renderTable(headers, rows)}`;
}

function comparisonHeader(result: string): string {
  return result === 'weeks_to_target' ? 'target sooner' : result === 'cost' ? 'cheaper' : shortName(result);
}

function comparisonCell(c: PairedComparison | undefined, colour: boolean, outcomes: RunSummary['outcomes']): string {
  if (!c) return '';
  if (c.neitherReaches) return paint(neitherReachesText(c.result, outcomes), 'dim', colour);
  const text = `${c.pBeats.toFixed(2)} [${c.ci[0].toFixed(2)}–${c.ci[1].toFixed(2)}]`;
  if (c.ci[0] > 0.5) return paint(text, 'green', colour);
  if (c.ci[1] < 0.5) return paint(text, 'red', colour);
  return text;
}

function shortName(name: string): string {
  return ({
    active_share: 'active at end',
    sustained_share: 'sustained',
    weeks_to_critical_mass: 'weeks to crit. mass',
    weeks_to_target: 'weeks to target',
    churn: 'churn',
    cost: 'cost',
  } as Record<string, string>)[name] ?? name;
}

/** --json: the same comparison as data (the full numbers are in summary.json). */
export function comparisonJson(summary: RunSummary, out: string) {
  return {
    out,
    experiment: summary.experiment,
    strategies: summary.strategies.map((s) => ({
      name: s.name,
      label: s.label,
      results: Object.fromEntries(summary.results.map((r) => [r.name, summary.distributions[s.name]![r.name]])),
      ...(summary.waveOpenWeeks[s.name] ? { waves: summary.waveOpenWeeks[s.name] } : {}),
    })),
    comparisons: summary.comparisons,
  };
}
