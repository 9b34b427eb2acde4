/**
 * `uptake forecast scenario.yaml`: calibrate the model on the running pilot's telemetry (ABC-SMC)
 * and forecast each way forward from the last observed week (docs/forecast.md). Writes
 * `<out>/forecast/`; prints a line per generation on a terminal, then the posterior and the forecast.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { applyOverrides } from '../../scenarios/load.ts';
import { loadScenarioForCommand } from '../scenario.ts';
import { defaultWorkers } from '../../runner/pool.ts';
import { wholeNumber } from '../flags.ts';
import { Interrupts, UsageError } from '../errors.ts';
import { formatDuration, formatPercent, plural, renderTable, useColour } from '../format.ts';
import { warningLines } from '../warnings.ts';
import { comparisonJson, comparisonText } from './run.ts';
import type { Backtest } from '../../forecast/backtest.ts';

interface ForecastFlags {
  telemetry?: string;
  out?: string;
  particles?: string;
  budget?: string;
  holdout?: string;
  seed?: string;
  workers?: string;
  json?: boolean;
  quiet?: boolean;
  resume?: boolean;
  force?: boolean;
  selfTest?: boolean;
  pilots?: string;
}

export function register(program: Command): void {
  program
    .command('forecast')
    .description('calibrate the model on a running pilot\'s weekly telemetry and forecast each way forward (writes <out>/forecast/)')
    .argument('<scenario>', 'scenario file (YAML) with a forecast: section')
    .option('--telemetry <file>', 'the telemetry CSV (default: the scenario\'s forecast: telemetry:)')
    .option('-o, --out <dir>', 'output folder; the forecast goes in its forecast/ folder (default: out/<scenario name>)')
    .option('--particles <n>', 'particles per generation, and forecast rollouts (default: the scenario\'s, else 200)')
    .option('--budget <n>', 'most simulations for the calibration (default: the scenario\'s, else 20000)')
    .option('--holdout <K>', 'calibrate on all but the last K observed weeks and score the forecast of those (backtest)')
    .option('-s, --seed <seed>', 'scenario seed (default: the scenario\'s)')
    .option('-w, --workers <n>', `worker threads (default: ${defaultWorkers()}, the cores here)`)
    .option('--json', 'print the forecast as JSON on stdout')
    .option('-q, --quiet', 'no progress and no tables; errors only')
    .option('--resume', 'continue an interrupted calibration from its finished generations')
    .option('--force', 'replace a forecast folder that holds another scenario\'s results')
    .option('--self-test', 'calibrate synthetic pilots drawn from the prior and report the coverage of the credible intervals')
    .option('--pilots <n>', 'synthetic pilots of --self-test (default 40)')
    .addHelpText('after', '\nExample: uptake forecast scenarios/pilot.yaml\nSee docs/forecast.md.')
    .action(async (scenario: string, flags: ForecastFlags) => {
      await forecastCommand(scenario, flags);
    });
}

async function forecastCommand(scenario: string, flags: ForecastFlags): Promise<void> {
  const particles = wholeNumber('--particles', flags.particles, 20);
  const budget = wholeNumber('--budget', flags.budget, 20);
  const holdout = wholeNumber('--holdout', flags.holdout, 1);
  const seed = wholeNumber('--seed', flags.seed, 0);
  const workers = wholeNumber('--workers', flags.workers, 1) ?? defaultWorkers();
  const loaded = await loadScenarioForCommand(scenario);
  process.stderr.write(warningLines(loaded.warnings, useColour(process.stderr)));
  const experiment = applyOverrides(loaded.experiment, { seed });
  const quiet = flags.quiet === true;
  const { runForecast, ForecastInterrupted, STOP_REASONS } = await import('../../forecast/forecast.ts');
  if (flags.selfTest) {
    // The self-test writes nothing and calibrates synthetic pilots only: these flags would do nothing.
    const idle = (['out', 'holdout', 'resume', 'force'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`);
    if (idle.length) throw new UsageError(`${idle.join(', ')} ${idle.length === 1 ? 'does' : 'do'} nothing with --self-test`, 'the self-test prints its result and writes no folder: leave them out');
    const { selfTestCommand } = await import('./forecast-self-test.ts');
    const pilots = wholeNumber('--pilots', flags.pilots, 2);
    // --telemetry sets the synthetic pilots' observed weeks, as the scenario's file would.
    const tested = flags.telemetry && experiment.forecast ? { ...experiment, forecast: { ...experiment.forecast, telemetry: resolve(flags.telemetry) } } : experiment;
    return selfTestCommand(tested, { particles, budget, ...(pilots !== undefined ? { pilots } : {}), workers, quiet, json: flags.json === true });
  }
  if (flags.pilots !== undefined) throw new UsageError('--pilots is the number of synthetic pilots of --self-test', 'add --self-test, or leave --pilots out');
  const out = flags.out ?? join('out', experiment.name);
  const tty = process.stderr.isTTY === true && !quiet;
  const interrupts = new Interrupts(() => process.stderr.write('\nStopping after the simulations in flight; finished generations are kept…\n'));
  try {
    const result = await runForecast({
      experiment, telemetry: flags.telemetry, out, particles, budget, holdout, workers, resume: flags.resume, force: flags.force,
      signal: interrupts.signal, command: ['uptake', 'forecast', ...process.argv.slice(3)].join(' '),
      onWarnings: (warnings) => process.stderr.write(warningLines(warnings, useColour(process.stderr))),
      onGeneration: (g, used) => {
        if (!tty) return;
        const tolerance = Number.isFinite(g.tolerance) ? g.tolerance.toPrecision(3) : '∞ (prior)';
        process.stderr.write(`generation ${g.generation}: tolerance ${tolerance}, acceptance ${formatPercent(g.acceptanceRate)}, effective sample ${Math.round(g.ess)}, ${used} simulations\n`);
      },
      onForecastProgress: (done, total) => { if (tty) process.stderr.write(`\rforecast rollouts ${done}/${total}${done === total ? '\n' : ''}`); },
    });
    for (const w of result.calibration.warnings) process.stderr.write(`warning: ${w}\n`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({
        dir: result.dir, last_observed_week: result.telemetry.lastWeek, calibrated_weeks: result.lastWeek,
        stop_reason: result.calibration.stopReason, simulations: result.calibration.simulations,
        generations: result.calibration.generations.map((g) => ({ generation: g.generation, tolerance: Number.isFinite(g.tolerance) ? g.tolerance : null, acceptance_rate: g.acceptanceRate, ess: g.ess })),
        parameters: result.parameters, forecast: comparisonJson(result.summary, result.dir), backtest: result.backtest ? { weeks: result.backtest.weeks, model: result.backtest.model, bass: result.backtest.bass } : null,
      }, null, 2)}\n`);
      await drawReport(result.dir, out, quiet);
      return;
    }
    if (quiet) {
      await drawReport(result.dir, out, quiet);
      return;
    }
    const c = result.calibration;
    const lines: string[] = [];
    lines.push(`Calibrated on weeks 1–${result.lastWeek} of ${result.telemetry.file} in ${plural(c.generations.length, 'generation')} and ${plural(c.simulations, 'simulation')}; stopped because ${STOP_REASONS[c.stopReason]}.\n\n`);
    lines.push(renderTable(['parameter', 'prior (5–95%)', 'posterior median', 'posterior (5–95%)'], result.parameters.map((p) => [
      p.parameter, `${fmt(p.prior.p05)}–${fmt(p.prior.p95)}`, fmt(p.posterior.p50), `${fmt(p.posterior.p05)}–${fmt(p.posterior.p95)}`,
    ])));
    lines.push(`\nForecast from week ${result.lastWeek + 1} under each way forward (${plural(result.summary.experiment.rollouts, 'posterior rollout')}):\n`);
    lines.push(comparisonText(result.summary, useColour(process.stdout)));
    if (result.backtest) lines.push(backtestText(result.backtest));
    process.stdout.write(lines.join(''));
    process.stderr.write(`Wrote ${result.dir} in ${formatDuration(result.seconds)} on ${plural(workers, 'worker')}.\n`);
    await drawReport(result.dir, out, quiet);
  } catch (err) {
    if (err instanceof ForecastInterrupted) {
      process.stderr.write(`${err.message}\n`);
      process.exit(interrupts.exitCode);
    }
    throw err;
  } finally {
    interrupts.dispose();
  }
}

/** The backtest as a table: the model's scores on the held-out weeks, and the Bass baseline's where it has one. */
export function backtestText(b: Backtest): string {
  const ape = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)}%`);
  const m = b.model;
  const rows = [['model', formatPercent(m.coverage50), formatPercent(m.coverage90), fmt(m.intervalScore90), fmt(m.crps), ape(m.medianApe), ape(m.firstTimeUsersApe)]];
  if (b.bass) rows.push(['Bass baseline', '—', '—', '—', '—', '—', ape(b.bass.mape)]);
  return `\nBacktest: calibrated without the last ${plural(b.weeks, 'observed week')}, scored on them (nominal coverage 50% and 90%; lower scores are better; first-time users: the highest weekly active count so far, what Bass forecasts):\n\n${renderTable(['forecast', '50% band covers', '90% band covers', 'interval score', 'CRPS', 'median APE', 'first-time users APE'], rows)}`;
}

/** The forecast's charts and report.html, as `uptake run` draws its report: a line naming it on stderr unless --quiet. */
async function drawReport(forecastDir: string, out: string, quiet: boolean): Promise<void> {
  // Loaded on use: the chart stack (vega, resvg) would slow the command's start.
  const { renderForecastReport } = await import('../../report/index.ts');
  await renderForecastReport(forecastDir, { quiet });
  // A run's report beside the forecast shows it only once drawn again.
  if (!quiet && existsSync(join(out, 'summary.json'))) process.stderr.write(`The run's report in ${out} shows this forecast once re-drawn: uptake report ${out}\n`);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : '—';
}
