/**
 * `uptake explore scenario.yaml`: which inputs drive each result, by Sobol' indices on a Saltelli
 * design or Morris's elementary effects (docs/explore.md); writes `<out>/explore/` and prints, per
 * result, the inputs by total index (Morris: μ*).
 */
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { applyOverrides } from '../../scenarios/load.ts';
import { loadScenarioForCommand } from '../scenario.ts';
import { defaultWorkers } from '../../runner/pool.ts';
import { wholeNumber } from '../flags.ts';
import { EXIT, Interrupts, UsageError } from '../errors.ts';
import { formatDuration, plural, renderTable, useColour } from '../format.ts';
import { warningLines } from '../warnings.ts';
import { progressBar } from './run.ts';
import { RESULTS } from '../../model/index.ts';
import type { IndexRow } from '../../explore/run.ts';

/** Above this share of Monte Carlo noise, the text says that more rollouts per point would help (as src/explore/run.ts). */
const NOISE_WARNING = 0.2;

interface ExploreFlags {
  method: string;
  samples?: string;
  rollouts?: string;
  out?: string;
  seed?: string;
  workers?: string;
  json?: boolean;
  quiet?: boolean;
  resume?: boolean;
  discover?: string;
  from?: string;
}


export function register(program: Command): void {
  program
    .command('explore')
    .description('which inputs drive each result: Sobol\' first-order and total indices on a Saltelli design (or Morris\'s elementary effects), for every strategy and paired difference, written to <out>/explore/')
    .argument('<scenario>', 'scenario file (YAML); its explore: block or, without one, its uncertainties name the inputs')
    .option('--method <method>', 'sobol (Saltelli design, first-order and total indices) or morris (elementary effects: mu* and sigma)', 'sobol')
    .option('--samples <N>', 'sobol: N, the design\'s base size, a power of two: N × (inputs + 2) design points; morris: trajectories, of inputs + 1 points (default: explore: samples, or 256)')
    .option('--rollouts <R>', 'rollouts (replicates) per design point, on the same seeds at every point (default: explore: rollouts, or 2)')
    .option('-o, --out <dir>', 'output folder; the results go to <dir>/explore/ (default: out/<scenario name>)')
    .option('-s, --seed <seed>', 'scenario seed (default: the scenario\'s)')
    .option('-w, --workers <n>', `worker threads (default: ${defaultWorkers()}, the cores here)`)
    .option('--json', 'print the indices and noise shares as JSON on stdout instead of tables')
    .option('-q, --quiet', 'no progress and no tables; errors only')
    .option('--resume', 'continue an interrupted explore from its finished batches')
    .option('--discover <condition>', 'scenario discovery (PRIM): where in the uncertainties a condition on a rollout holds, e.g. "phased_pilot.sustained_share < 0.4"; runs the scenario into --out first unless --from names a finished run')
    .option('--from <dir>', 'with --discover: the output folder of a finished uptake run to discover on, without simulating again')
    .addHelpText('after', '\nExample: uptake explore scenarios/default.yaml --samples 64\nOutputs and how to read them: docs/explore.md.')
    .action(async (scenario: string, flags: ExploreFlags) => {
      await exploreCommand(scenario, flags);
    });
}

async function exploreCommand(scenario: string, flags: ExploreFlags): Promise<void> {
  if (flags.from !== undefined && flags.discover === undefined) throw new UsageError('--from names the run that --discover reads', 'add --discover "CONDITION", or leave --from out');
  if (flags.discover !== undefined) return discoverCommand(scenario, flags);
  const { exploreSettings, EXPLORE_METHODS } = await import('../../explore/design.ts');
  const method = flags.method as (typeof EXPLORE_METHODS)[number];
  if (!EXPLORE_METHODS.includes(method)) throw new UsageError(`--method must be ${EXPLORE_METHODS.join(' or ')}, got "${flags.method}"`, 'e.g. --method sobol');
  const samples = wholeNumber('--samples', flags.samples, 4);
  const rollouts = wholeNumber('--rollouts', flags.rollouts, 2);
  const seed = wholeNumber('--seed', flags.seed, 0);
  const workers = wholeNumber('--workers', flags.workers, 1) ?? defaultWorkers();
  const { runExplore, ExploreInterrupted, ExploreRolloutFailed, checkExploreFolder } = await import('../../explore/run.ts');
  const loaded = await loadScenarioForCommand(scenario);
  process.stderr.write(warningLines(loaded.warnings, useColour(process.stderr)));
  const experiment = applyOverrides(loaded.experiment, { seed });
  const settings = exploreSettings(experiment, { samples, rollouts, method });
  const out = flags.out ?? join('out', experiment.name);
  checkExploreFolder(out);
  const quiet = flags.quiet === true;
  const progress = quiet ? undefined : progressBar(experiment, undefined);
  const interrupts = new Interrupts(() => {
    progress?.stop();
    process.stderr.write('\nStopping the workers…\n');
  });
  try {
    const result = await runExplore({
      experiment, settings, out, workers, resume: flags.resume, signal: interrupts.signal, onProgress: progress?.update,
      command: ['uptake', 'explore', ...process.argv.slice(3)].join(' '),
    });
    progress?.stop();
    await drawExploreCharts(result.dir, quiet);
    if (!quiet) {
      const sims = result.design.points * settings.rollouts;
      process.stderr.write(`Wrote ${relative(process.cwd(), result.dir) || result.dir}: ${plural(result.design.points, 'design point')} × ${plural(settings.rollouts, 'rollout')} × ${plural(result.strategies.length, 'strategy', 'strategies')} (${sims * result.strategies.length} simulations) in ${formatDuration(result.seconds)} on ${plural(result.workers, 'worker')}.\n`);
      if (result.resumedRollouts > 0) process.stderr.write(`Resumed: ${plural(result.resumedRollouts, 'rollout')} came from the interrupted run.\n`);
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ dir: result.dir, method, samples: result.design.n, rollouts_per_point: settings.rollouts, inputs: settings.inputs.map((i) => i.name), indices: result.indices, noise_share: result.noise }, null, 2)}\n`);
    } else if (!quiet) {
      process.stdout.write(exploreText(result.indices, result.noise, result.strategies, result.design.n, method));
    }
  } catch (err) {
    progress?.stop();
    if (err instanceof ExploreRolloutFailed) {
      process.stderr.write(`error: ${err.message}\n  the explore stopped and nothing was written.\n`);
      process.exitCode = EXIT.INTERNAL;
      return;
    }
    if (err instanceof ExploreInterrupted) {
      process.stderr.write(err.completedRollouts > 0
        ? `Interrupted: nothing was written; ${err.completedRollouts} of ${err.totalRollouts} rollouts are finished and kept in ${relative(process.cwd(), err.workDir)}: run the same command with --resume to continue.\n`
        : 'Interrupted: nothing was written, and no rollout had finished: run the same command again to start over.\n');
      process.exit(interrupts.exitCode);
    }
    throw err;
  } finally {
    interrupts.dispose();
  }
}

type Row = IndexRow;

/** `0.42 [0.31, 0.55]`, or `≈ 0` when the interval covers zero, or `—` for an output that did not vary. */
export function intervalText(row: Row | undefined): string {
  if (!row || !Number.isFinite(row.estimate)) return '—';
  if (row.low <= 0 && row.high >= 0) return `≈ 0 [${row.low.toFixed(2)}, ${row.high.toFixed(2)}]`;
  return `${row.estimate.toFixed(2)} [${row.low.toFixed(2)}, ${row.high.toFixed(2)}]`;
}

/** Headline result whose paired differences are shown too; every other pair is in indices.csv. */
const PAIRS_SHOWN = 'sustained_share';

/** Per result, the inputs by total index (Morris: μ*) at N, with both indices at N/2 and N side by side. */
export function exploreText(rows: Row[], noise: { outcome: string; strategy: string; share: number }[], strategies: string[], n: number, method: 'sobol' | 'morris' = 'sobol'): string {
  const out: string[] = [];
  const key = (r: Pick<Row, 'outcome' | 'strategy' | 'input' | 'index' | 'n'>): string => `${r.outcome}|${r.strategy}|${r.input}|${r.index}|${r.n}`;
  const byKey = new Map(rows.map((r) => [key(r), r]));
  const inputs = [...new Set(rows.map((r) => r.input))];
  // Sobol': first order, total (sorted by total); Morris: μ*, σ (sorted by μ*).
  const [first, second] = method === 'morris' ? (['mu_star', 'sigma'] as const) : (['first_order', 'total'] as const);
  const sortBy = method === 'morris' ? first : second;
  const names = method === 'morris' ? ['μ*', 'σ'] : ['first order', 'total'];
  const label = method === 'morris' ? 'trajectories' : 'N';
  const half = Math.floor(n / 2);
  let anyZero = false;
  let noisy = false;
  for (const outcome of [...new Set(rows.map((r) => r.outcome))]) {
    const title = RESULTS.find((r) => r.name === outcome)?.label ?? outcome;
    const units = [...new Set(rows.filter((r) => r.outcome === outcome).map((r) => r.strategy))].filter((u) => strategies.includes(u) || outcome === PAIRS_SHOWN);
    const table: string[][] = [];
    for (const unit of units) {
      const score = (input: string): number => {
        const v = byKey.get(key({ outcome, strategy: unit, input, index: sortBy, n }))?.estimate;
        return v === undefined || Number.isNaN(v) ? Number.NEGATIVE_INFINITY : v;
      };
      const sorted = [...inputs].sort((a, b) => score(b) - score(a) || a.localeCompare(b));
      const share = noise.find((x) => x.outcome === outcome && x.strategy === unit)?.share ?? Number.NaN;
      if (share > NOISE_WARNING) noisy = true;
      sorted.forEach((input, i) => {
        const cell = (index: Row['index'], m: number): string => intervalText(byKey.get(key({ outcome, strategy: unit, input, index, n: m })));
        const texts = [cell(first, half), cell(first, n), cell(second, half), cell(second, n)];
        if (texts.some((t) => t.startsWith('≈'))) anyZero = true;
        table.push([i === 0 ? unit.replace('-', ' − ') : '', input, ...texts, i === 0 ? (Number.isFinite(share) ? share.toFixed(2) : '—') : '']);
      });
    }
    out.push(`\n${title} (${outcome})\n`);
    out.push(renderTable(['strategy', 'input', `${names[0]}, ${label}=${half}`, `${names[0]}, ${label}=${n}`, `${names[1]}, ${label}=${half}`, `${names[1]}, ${label}=${n}`, 'noise'], table, { align: ['left', 'left', 'right', 'right', 'right', 'right', 'right'] }));
  }
  out.push('\n');
  if (anyZero) out.push('≈ 0: the 95% bootstrap interval covers zero; the input has no effect on that result that this design can tell apart from none.\n');
  if (method === 'morris') out.push('μ*: the mean absolute elementary effect, per unit of the input\'s quantile scale (its whole range is 1); σ: their spread (interactions or curvature).\n');
  out.push('noise: the share of the variance of single rollouts that is between replicates of one design point (Monte Carlo noise).\n');
  if (noisy) out.push(`Some noise shares are above ${NOISE_WARNING}: more rollouts per point (--rollouts), not more points, would sharpen these indices.\n`);
  out.push(`Paired differences (A − B) are shown for ${PAIRS_SHOWN}; indices.csv has them for every result, and indices-by-week.csv the indices over time.\n`);
  return out.join('');
}

/** `--discover`: PRIM boxes of a condition over a run's rollouts (src/explore/discover.ts). */
async function discoverCommand(scenario: string, flags: ExploreFlags): Promise<void> {
  const idle = (['samples', 'resume'] as const).filter((f) => flags[f] !== undefined).map((f) => `--${f}`);
  if (idle.length) throw new UsageError(`${idle.join(', ')} ${idle.length === 1 ? 'does' : 'do'} nothing with --discover`, 'discovery reads the rollouts of a run: leave them out');
  if (flags.method !== 'sobol') throw new UsageError('--method does nothing with --discover', 'leave --method out: discovery uses PRIM');
  const { discover } = await import('../../explore/discover.ts');
  const { trajectoryTable } = await import('../../explore/prim.ts');
  const quiet = flags.quiet === true;
  let runDir = flags.from;
  const loaded = await loadScenarioForCommand(scenario);
  process.stderr.write(warningLines(loaded.warnings, useColour(process.stderr)));
  if (runDir === undefined) {
    // No run given: run the scenario as `uptake run` does (its rollouts, --rollouts overriding), then discover on it.
    const rollouts = wholeNumber('--rollouts', flags.rollouts, 10);
    const seed = wholeNumber('--seed', flags.seed, 0);
    const workers = wholeNumber('--workers', flags.workers, 1) ?? defaultWorkers();
    const experiment = applyOverrides(loaded.experiment, { rollouts, seed });
    runDir = flags.out ?? join('out', experiment.name);
    const { runExperiment } = await import('../../runner/execute.ts');
    const progress = quiet ? undefined : progressBar(experiment, undefined);
    try {
      await runExperiment({ experiment, out: runDir, workers, onProgress: progress?.update, command: ['uptake', 'explore', ...process.argv.slice(3)].join(' ') });
    } finally {
      progress?.stop();
    }
  } else if (flags.rollouts !== undefined || flags.seed !== undefined || flags.out !== undefined) {
    throw new UsageError('--rollouts, --seed and --out do nothing with --from', 'the run in --from has its rollouts: leave them out');
  }
  const d = discover(runDir, flags.discover!, { command: ['uptake', 'explore', ...process.argv.slice(3)].join(' ') });
  await drawExploreCharts(d.dir, quiet);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({
      dir: d.dir, condition: d.condition, rollouts: d.rollouts, cases: d.cases, base_rate: d.result.baseRate, stop_reason: d.result.stopReason,
      boxes: d.result.boxes.map((b, i) => ({ box: b.index + 1, sentence: d.sentences[i], coverage: b.coverage, density: b.density, mass: b.mass, p_value: b.pValue,
        restrictions: b.restrictions.map((r) => ({ input: r.name, lower: Number.isFinite(r.lower) ? r.lower : null, upper: Number.isFinite(r.upper) ? r.upper : null, stability: r.stability })) })),
    }, null, 2)}\n`);
    return;
  }
  if (quiet) return;
  const lines = [`"${d.condition}" holds in ${d.cases} of ${d.rollouts} rollouts (${Math.round((100 * d.cases) / d.rollouts)}%).\n`];
  if (d.result.boxes.length === 0) lines.push('No region of the uncertainties holds clearly more of these cases than the rest (a permutation test found no box that beats the base rate).\n');
  d.result.boxes.forEach((b, i) => {
    lines.push(`\nBox ${i + 1}: ${d.sentences[i]}.\n\n`);
    lines.push(renderTable(['input', 'restricted to', 'stability (bootstrap)', 'quasi-p'], b.restrictions.map((r) => [
      r.name, Number.isFinite(r.lower) && Number.isFinite(r.upper) ? `${fmt(r.lower)} to ${fmt(r.upper)}` : Number.isFinite(r.lower) ? `above ${fmt(r.lower)}` : `below ${fmt(r.upper)}`,
      `${Math.round(100 * r.stability)}%`, r.quasiP < 0.001 ? '< 0.001' : r.quasiP.toFixed(3),
    ])));
    lines.push(`\nPeeling trajectory of box ${i + 1} (coverage against density; * the chosen box):\n${trajectoryTable(b.trajectory, b.chosenStep)}\n`);
  });
  process.stdout.write(lines.join(''));
  process.stderr.write(`Wrote boxes.csv, trajectory.csv and discover.json to ${relative(process.cwd(), d.dir) || d.dir}.\n`);
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

/** The explore's charts into <dir>/charts/ (loaded on use: the chart stack is slow to start). */
async function drawExploreCharts(dir: string, quiet: boolean): Promise<void> {
  const { renderExploreCharts } = await import('../../report/index.ts');
  const names = await renderExploreCharts(dir, { log: quiet ? undefined : (line) => process.stderr.write(`warning: ${line}\n`) });
  if (!quiet && names.length) process.stderr.write(`Charts: ${relative(process.cwd(), join(dir, 'charts')) || join(dir, 'charts')} (${names.join(', ')})\n`);
}
