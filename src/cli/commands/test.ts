/**
 * `uptake test [files or folders]`: check every scenario's assumptions
 * (docs/assumptions.md). Prints a table per scenario on stdout (or JSON with
 * --json), writes JUnit XML with --junit, records baselines with
 * --update-baselines and reports drift from them. Exit 0 when every
 * assumption passes, 1 when any fails or stays inconclusive, 2 for bad input.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { ScenarioError } from '../../scenarios/errors.ts';
import type { Experiment } from '../../scenarios/experiment.ts';
import { defaultWorkers } from '../../runner/pool.ts';
import type { ScenarioTestReport } from '../../assumptions/run.ts';
import { describeDecision, describeForecast, reportJson, showInterval, showSides, showValue } from '../../assumptions/format.ts';
import type { ForecastProgress, PreparedForecast } from '../../forecast/predict.ts';
import { wholeNumber } from '../flags.ts';
import { EXIT, Interrupts, UsageError } from '../errors.ts';
import { formatDuration, paint, plural, renderTable, terminalWidth, useColour, visibleWidth, wrap } from '../format.ts';
import { progressLines } from '../progress.ts';
import { warningLines } from '../warnings.ts';

interface TestFlags {
  rollouts?: string;
  budget?: string;
  seed?: string;
  workers?: string;
  confidence?: string;
  allowInconclusive?: boolean;
  junit?: string;
  json?: boolean;
  updateBaselines?: boolean;
  baselines: string;
  cache: boolean;
  cacheDir: string;
  failOnDrift?: boolean;
  driftAlpha?: string;
  quiet?: boolean;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command('test')
    .description('check the assumptions written in scenario files, statistically, and report drift from recorded baselines')
    .argument('[paths...]', 'scenario files or folders of them (default: scenarios/)')
    .option('-n, --rollouts <n>', 'rollouts to start with (default: the file\'s assumptions.rollouts)')
    .option('--budget <n>', 'most rollouts while a claim stays inconclusive (default: the file\'s assumptions.budget)')
    .option('-s, --seed <seed>', 'scenario seed (default: the scenario\'s)')
    .option('-w, --workers <n>', `worker threads (default: ${defaultWorkers()}, the cores here)`)
    .option('--confidence <c>', 'confidence of every verdict, e.g. 0.99 (default: the file\'s, else 0.95)')
    .option('--allow-inconclusive', 'exit 0 when claims stay inconclusive (failures still exit 1)')
    .option('--junit <file>', 'write JUnit XML for CI')
    .option('--force', 'let --junit replace a file that is not JUnit XML')
    .option('--json', 'print the results as JSON on stdout instead of tables')
    .option('--update-baselines', 'record each scenario\'s result distributions in the baselines folder')
    .option('--baselines <dir>', 'baselines folder', 'baselines')
    .option('--fail-on-drift', 'exit 1 when a result distribution drifted from its baseline')
    .option('--drift-alpha <a>', `family-wise error rate of the drift tests of a scenario (default ${DRIFT_ALPHA})`)
    .option('--no-cache', 'rerun every rollout instead of reading the cache')
    .option('--cache-dir <dir>', 'cache folder', '.uptake-cache')
    .option('-q, --quiet', 'no progress; results only')
    .addHelpText(
      'after',
      [
        '',
        'Claims, decisions and baselines are documented in docs/assumptions.md.',
        'Exit codes: 0 every assumption passes, 1 one fails or stays inconclusive, 2 bad input.',
        'Examples:',
        '  uptake test                                  # every scenario in scenarios/',
        '  uptake test scenarios/bank.yaml --junit out/junit.xml',
        '  uptake test --update-baselines               # record today\'s distributions',
      ].join('\n'),
    )
    .action(async (paths: string[], flags: TestFlags) => {
      await testCommand(paths, flags);
    });
}

function share(flag: string, text: string | undefined, example: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!/^\s*0?\.\d+\s*$/.test(text) || !(v > 0 && v < 1)) throw new UsageError(`${flag}: expected a number between 0 and 1, got "${text}"`, `e.g. ${flag} ${example}`);
  return v;
}

/** Scenario files named by the arguments: files as given, folders' *.yaml and *.yml (recursively), sorted. */
export function scenarioFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name);
      if (entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules') walk(p);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`, 'give scenario files or folders, e.g. uptake test scenarios/');
    }
    if (stat.isDirectory()) {
      const before = out.length;
      walk(p);
      if (out.length === before) throw new UsageError(`${p}: no scenario files (*.yaml) in this folder`, 'give scenario files or folders, e.g. uptake test scenarios/');
    } else out.push(p);
  }
  return [...new Set(out)];
}

/** Family-wise error rate of a scenario's drift tests (DEFAULT_DRIFT_ALPHA in src/assumptions/run.ts). */
const DRIFT_ALPHA = 0.01;

async function testCommand(paths: string[], flags: TestFlags): Promise<void> {
  // Loaded here, not at start-up, so other commands stay fast.
  const [{ applyOverrides }, { loadScenarioOrganised }, { testScenario }, { junitXml }, { RolloutFailed }, { parseFailure }, { TestInterrupted }, { ForecastClaimRollouts, prepareForecast }] = await Promise.all([
    import('../../scenarios/load.ts'),
    import('../scenario.ts'),
    import('../../assumptions/run.ts'),
    import('../../assumptions/junit.ts'),
    import('../../runner/execute.ts'),
    import('../../runner/batch.ts'),
    import('../../assumptions/rollouts.ts'),
    import('../../forecast/predict.ts'),
  ]);
  const rollouts = wholeNumber('--rollouts', flags.rollouts, 2);
  const budget = wholeNumber('--budget', flags.budget, 2);
  const seed = wholeNumber('--seed', flags.seed, 0);
  const workers = wholeNumber('--workers', flags.workers, 1) ?? defaultWorkers();
  const confidence = share('--confidence', flags.confidence, '0.99');
  const driftAlpha = share('--drift-alpha', flags.driftAlpha, '0.01') ?? DRIFT_ALPHA;
  if (rollouts !== undefined && budget !== undefined && budget < rollouts) throw new UsageError(`--budget ${budget} is below --rollouts ${rollouts}`, `e.g. --budget ${rollouts * 4}`);
  const files = scenarioFiles(paths.length ? paths : ['scenarios']);
  if (flags.junit) checkJunitFile(flags.junit, flags.force === true);

  // Every file is loaded and checked before the first rollout runs.
  const experiments: Experiment[] = [];
  const problems: ScenarioError[] = [];
  for (const file of files) {
    try {
      experiments.push(applyOverrides(await loadScenarioOrganised(file), { seed }));
    } catch (err) {
      if (err instanceof ScenarioError) problems.push(err);
      else throw err;
    }
  }
  // Claims on a forecast need its telemetry: read and checked now too, so a bad file stops the run before it starts.
  const forecasts = new Map<Experiment, PreparedForecast>();
  for (const experiment of experiments) {
    if (!experiment.assumptions?.assumptions.some((a) => a.compiled.on === 'forecast')) continue;
    try {
      const prepared = await prepareForecast(experiment);
      forecasts.set(experiment, prepared);
      if (!flags.quiet) process.stderr.write(warningLines(prepared.warnings, useColour(process.stderr)));
    } catch (err) {
      if (err instanceof ScenarioError) problems.push(err);
      else throw err;
    }
  }
  if (problems.length) {
    if (problems.length === 1) throw problems[0];
    const diagnostics = problems.flatMap((p) => p.diagnostics);
    throw new ScenarioError(diagnostics);
  }

  const colour = useColour(process.stdout);
  const reports: ScenarioTestReport[] = [];
  // Ctrl-C stops the workers; rollouts finished so far stay in the cache, so running again continues.
  const interrupts = new Interrupts();
  try {
    for (const experiment of experiments) {
      if (!experiment.assumptions && !flags.updateBaselines && !flags.quiet) {
        process.stderr.write(`${displayPath(experiment.source)}: no assumptions to check (add an assumptions: section, see docs/assumptions.md)\n`);
      }
      const progress = flags.quiet ? undefined : (progressBar(experiment.name) ?? progressLines(experiment.name));
      // The forecast's calibration and draws: a bar on a terminal, nothing in a log (CI).
      const forecastProgress = flags.quiet ? undefined : forecastBars(experiment.name);
      const prepared = forecasts.get(experiment);
      try {
        const report = await testScenario(experiment, {
          rollouts, budget, confidence, workers, driftAlpha,
          cacheDir: flags.cache ? flags.cacheDir : undefined,
          baselinesDir: flags.baselines,
          updateBaselines: flags.updateBaselines === true,
          onProgress: progress?.update,
          signal: interrupts.signal,
          ...(prepared ? {
            forecast: (columns: readonly string[]) => {
              progress?.stop();
              return new ForecastClaimRollouts(prepared, columns, { workers, cacheDir: flags.cache ? flags.cacheDir : undefined, signal: interrupts.signal, onProgress: forecastProgress?.update });
            },
          } : {}),
        });
        progress?.stop();
        forecastProgress?.stop();
        report.file = displayPath(report.file);
        reports.push(report);
        if (!flags.json) process.stdout.write(scenarioText(report, colour));
      } catch (err) {
        progress?.stop();
        forecastProgress?.stop();
        if (err instanceof TestInterrupted) {
          process.stderr.write(interruptedNote(experiment.name, err.finished, flags.cache === true));
          process.exit(interrupts.exitCode);
        }
        const info = parseFailure(err);
        if (info) {
          const failed = new RolloutFailed(info);
          process.stderr.write(`error: ${displayPath(experiment.source)}: ${failed.message}\n  reproduce it alone: uptake run ${displayPath(experiment.source)} --rollout ${info.rollout} --seed ${experiment.seed}\n`);
          process.exitCode = EXIT.INTERNAL;
          return;
        }
        throw err;
      }
    }
  } finally {
    interrupts.dispose();
  }

  if (flags.json) process.stdout.write(`${JSON.stringify(reportJson(reports), null, 2)}\n`);
  else process.stdout.write(summaryText(reports, colour));
  if (flags.junit) {
    mkdirSync(dirname(flags.junit), { recursive: true });
    writeFileSync(flags.junit, junitXml(reports, { allowInconclusive: flags.allowInconclusive === true, failOnDrift: flags.failOnDrift === true }));
  }
  const all = reports.flatMap((r) => r.assumptions);
  const failed = all.some((a) => a.verdict === 'fail') || (!flags.allowInconclusive && all.some((a) => a.verdict === 'inconclusive'));
  const drifted = flags.failOnDrift === true && reports.some((r) => (r.drift?.drifts.length ?? 0) > 0);
  process.exitCode = failed || drifted ? EXIT.ASSUMPTIONS_FAILED : EXIT.OK;
}

/**
 * Before the first rollout: --junit must name a file that can be written, and replaces an earlier JUnit
 * report but nothing else (`--junit README.md` is a slip of the keyboard) unless --force.
 */
function checkJunitFile(file: string, force: boolean): void {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return;
  }
  if (stat.isDirectory()) throw new UsageError(`--junit ${file}: is a folder, expected a file`, `e.g. --junit ${join(file, 'junit.xml')}`);
  if (force) return;
  const head = readFileSync(file, 'utf8').slice(0, 4096);
  if (!/<testsuites?[\s>]/.test(head)) throw new UsageError(`--junit ${file}: exists and is not a JUnit XML report`, 'choose another file, or add --force to replace it');
}

function verdictText(verdict: string, colour: boolean): string {
  if (verdict === 'pass') return paint('pass', 'green', colour);
  if (verdict === 'fail') return paint('FAIL', 'red', colour);
  return paint('inconclusive', 'yellow', colour);
}


const CLAIM_HEADERS = ['assumption', 'claim', 'estimate', 'interval', 'verdict', 'rollouts'];

/** The claims table: a claim too long for the room left is wrapped onto further lines, never cut. */
function claimsTable(r: ScenarioTestReport, colour: boolean, width: number): string {
  const rows = r.assumptions.map((a) => {
    // A claim comparing two aggregates is decided on their difference: show both sides, as the claim reads.
    const twoSided = a.quantity === 'lhs - rhs';
    return [
      a.id,
      a.on === 'forecast' ? `forecast: ${a.claim}` : a.claim,
      twoSided ? showSides(a) : showValue(a.estimate, a.method),
      `${twoSided ? 'difference ' : ''}${showInterval(a)}`,
      verdictText(a.verdict, colour),
      String(a.rollouts),
    ];
  });
  const gap = 2;
  const others = CLAIM_HEADERS.reduce((sum, h, i) => (i === 1 ? sum : sum + Math.max(visibleWidth(h), ...rows.map((row) => visibleWidth(row[i]!))) + gap), 0);
  const room = Math.max(24, width - others - 1);
  const lines = rows.flatMap((row) => wrap(row[1]!, room).map((part, k) => (k === 0 ? [row[0]!, part, ...row.slice(2)] : ['', part, '', '', '', ''])));
  return renderTable(CLAIM_HEADERS, lines, { align: ['left', 'left', 'right', 'right', 'left', 'right'], gap });
}

export function scenarioText(r: ScenarioTestReport, colour: boolean, width = terminalWidth()): string {
  const cached = r.cachedRollouts > 0 ? `, ${r.cachedRollouts} from the cache` : '';
  let text = `\n${paint(r.name, 'bold', colour)} (${r.file}): ${plural(r.rollouts, 'rollout')}${cached}, ${formatDuration(r.seconds)}\n`;
  if (r.forecast) {
    const f = r.forecast;
    const drawn = f.cachedRollouts > 0 ? `, ${Math.min(f.cachedRollouts, f.rollouts)} from the cache` : '';
    text += `  claims marked forecast: read the ${describeForecast({ ...f, telemetry: displayPath(f.telemetry) })}: ${plural(f.rollouts, 'forecast rollout')}${drawn}\n`;
    for (const w of f.warnings) text += `  ${paint('warning', 'yellow', colour)}: ${w}\n`;
  }
  if (r.assumptions.length) {
    text += '\n';
    text += claimsTable(r, colour, width);
    for (const a of r.assumptions.filter((x) => x.verdict !== 'pass')) {
      text += `\n  ${verdictText(a.verdict, colour)} ${a.id}: ${a.description}\n    ${a.claim}\n    ${describeDecision(a)}\n`;
    }
  }
  if (r.drift) {
    if (r.drift.drifts.length === 0) {
      text += `\n  No drift from ${r.drift.file} (${r.drift.tested} result distributions, Kolmogorov-Smirnov, family-wise error ${r.drift.alpha}).\n`;
    } else {
      text += `\n  ${paint('Drift', 'yellow', colour)} from ${r.drift.file} beyond Monte Carlo noise (Kolmogorov-Smirnov, family-wise error ${r.drift.alpha}, Bonferroni over ${r.drift.tested}):\n`;
      for (const d of r.drift.drifts) {
        text += `    ${d.strategy}.${d.result}: median ${showValue(d.baselineMedian, 'order_statistic')} -> ${showValue(d.currentMedian, 'order_statistic')} (D = ${d.d.toFixed(3)}, p = ${d.p.toExponential(1)})\n`;
      }
    }
  }
  if (r.drift && r.drift.notInBaseline.length) {
    text += `  Not in the baseline, so not compared: ${r.drift.notInBaseline.join(', ')} (record it with --update-baselines).\n`;
  }
  if (r.baselineWritten) text += `\n  Baseline written: ${displayPath(r.baselineWritten)} (${plural(r.rollouts, 'rollout')}).\n`;
  return text;
}

function summaryText(reports: readonly ScenarioTestReport[], colour: boolean): string {
  const all = reports.flatMap((r) => r.assumptions);
  const count = (v: string): number => all.filter((a) => a.verdict === v).length;
  const drifted = reports.filter((r) => (r.drift?.drifts.length ?? 0) > 0).length;
  const parts = [`${count('pass')} pass`, `${count('fail')} fail`, `${count('inconclusive')} inconclusive`];
  const line = `${plural(all.length, 'assumption')} in ${plural(reports.length, 'scenario')}: ${parts.join(', ')}${drifted ? `; drift in ${plural(drifted, 'scenario')}` : ''}.`;
  const ok = count('fail') === 0 && count('inconclusive') === 0;
  return `\n${paint(line, ok ? 'green' : 'red', colour)}\n`;
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The forecast's progress: one bar while calibrating (simulations), another while drawing (forecast rollouts); terminals only. */
function forecastBars(label: string): { update: (p: ForecastProgress) => void; stop: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  let stage: ForecastProgress['stage'] | undefined;
  let bar: ReturnType<typeof progressBar>;
  return {
    update(p) {
      if (p.stage !== stage) {
        bar?.stop();
        stage = p.stage;
        bar = p.stage === 'calibration' ? progressBar(`${label} forecast: calibrating`, 'simulations (at most)') : progressBar(`${label} forecast`, 'forecast rollouts');
      }
      bar?.update(p.done, p.total);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** A bar on a terminal's stderr; undefined otherwise (then plain lines, see progress.ts). */
function progressBar(label: string, unit = 'rollouts'): { update: (done: number, total: number) => void; stop: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} {bar} {value}/{total} ${unit}`, hideCursor: true, clearOnComplete: true, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (stopped) return;
      if (!started) {
        bar.start(total, done);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/** What an interrupted `uptake test` says; "kept in the cache" only when some rollout finished, or it would promise a continuation that has nothing to continue. */
export function interruptedNote(scenario: string, finished: number, cache: boolean): string {
  const kept = cache && finished > 0 ? ` ${finished === 1 ? 'The one rollout finished is' : `The ${finished} rollouts finished are`} kept in the cache: run the same command again to continue.` : '';
  return `\nInterrupted during ${scenario}: the rollouts in progress were discarded and no JUnit file was written.${kept}\n`;
}
