/**
 * `uptake forecast --self-test`: simulation-based calibration of the forecast (docs/forecast.md,
 * "Self-test"). Prints the coverage of the 50% and 90% credible intervals per parameter and the rank
 * histograms; exit 0 when every coverage is within tolerance of nominal, 1 when not (like failing
 * assumption checks), 2 for bad input.
 */
import type { Experiment } from '../../scenarios/experiment.ts';
import { COVERAGE_SIGMAS, SelfTestInterrupted, runSelfTest, type Coverage, type ParameterCalibration, type SelfTestResult } from '../../forecast/self-test.ts';
import { EXIT, Interrupts } from '../errors.ts';
import { formatDuration, formatNumber, paint, plural, renderTable, useColour } from '../format.ts';

/** Synthetic pilots, particles and budget per calibration when the flags do not say (about 1.5 min for the bundled example on 2 workers). */
export const SELF_TEST_DEFAULTS = { pilots: 40, particles: 100, budget: 3000 } as const;

export interface SelfTestFlags {
  particles?: number;
  budget?: number;
  pilots?: number;
  workers: number;
  quiet: boolean;
  json: boolean;
}

export async function selfTestCommand(experiment: Experiment, flags: SelfTestFlags): Promise<void> {
  const pilots = flags.pilots ?? SELF_TEST_DEFAULTS.pilots;
  const particles = flags.particles ?? SELF_TEST_DEFAULTS.particles;
  const budget = flags.budget ?? SELF_TEST_DEFAULTS.budget;
  const tty = process.stderr.isTTY === true && !flags.quiet;
  const interrupts = new Interrupts(() => process.stderr.write('\nStopping the self-test after the simulations in flight…\n'));
  const t0 = performance.now();
  let result: SelfTestResult;
  try {
    result = await runSelfTest(experiment, {
      pilots, particles, budget, workers: flags.workers, signal: interrupts.signal,
      onPilot: (done, total) => {
        if (!tty) return;
        const seconds = (performance.now() - t0) / 1000;
        const left = done < total ? `, about ${formatDuration((seconds * (total - done)) / done)} left` : '';
        process.stderr.write(`\rself-test: pilot ${done}/${total} calibrated, ${formatDuration(seconds)} so far${left}\u001b[K${done === total ? '\n' : ''}`);
      },
    });
  } catch (err) {
    if (err instanceof SelfTestInterrupted) {
      process.stderr.write(`${err.message}\n`);
      process.exit(interrupts.exitCode);
    }
    throw err;
  } finally {
    interrupts.dispose();
  }
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(3));
  process.exitCode = result.passed ? EXIT.OK : EXIT.ASSUMPTIONS_FAILED;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(selfTestJson(result, flags.workers, seconds), null, 2)}\n`);
    return;
  }
  if (flags.quiet) return;
  process.stdout.write(selfTestText(result, useColour(process.stdout)));
  process.stderr.write(`Self-test of ${plural(result.pilots, 'synthetic pilot')} in ${formatDuration(seconds)} on ${plural(flags.workers, 'worker')}.\n`);
}

/** The --json object (docs/forecast.md, "Self-test", lists its fields). */
export function selfTestJson(r: SelfTestResult, workers: number, seconds: number): object {
  const cov = (c: Coverage) => ({ nominal: c.nominal, hits: c.hits, n: c.n, observed: c.observed, standard_error: c.standardError, tolerance: c.tolerance, within_tolerance: c.withinTolerance });
  return {
    passed: r.passed,
    pilots: r.pilots,
    weeks: r.weeks,
    weeks_from: r.weeksFrom,
    particles: r.particles,
    budget: r.budget,
    draws: r.draws,
    bins: r.bins,
    seed: r.seed,
    tolerance_rule: `|observed - nominal| <= ${COVERAGE_SIGMAS} * sqrt(nominal * (1 - nominal) / pilots)`,
    stop_reasons: r.stopReasons,
    parameters: r.parameters.map((p) => ({
      parameter: p.parameter, coverage50: cov(p.coverage50), coverage90: cov(p.coverage90), rank_histogram: p.histogram,
      chi_square: p.chiSquare, degrees_of_freedom: p.degreesOfFreedom, p_value: p.pValue, width_ratio90: p.widthRatio90,
    })),
    pilot_results: r.pilotResults.map((q) => ({
      truth: q.truth, stop_reason: q.stopReason, generations: q.generations, simulations: q.simulations,
      tolerance: Number.isFinite(q.tolerance) ? q.tolerance : null, ranks: q.ranks, inside50: q.inside50, inside90: q.inside90,
    })),
    workers,
    seconds,
  };
}

/** Below nominal beyond tolerance: the intervals are too narrow; above: too wide. */
function verdictOf(c: Coverage): 'ok' | 'overconfident' | 'too cautious' {
  if (c.withinTolerance) return 'ok';
  return c.observed < c.nominal ? 'overconfident' : 'too cautious';
}

const pct = (x: number): string => `${Math.round(100 * x)}%`;

export function selfTestText(r: SelfTestResult, colour: boolean): string {
  const lines: string[] = [];
  const weeksFrom = r.weeksFrom === 'telemetry' ? ' (as the scenario\'s telemetry)' : r.weeksFrom === 'fallback' ? ' (the scenario\'s telemetry could not be read)' : '';
  lines.push(`Self-test of the forecast calibration: ${plural(r.pilots, 'synthetic pilot')} with parameters drawn from the prior, ${plural(r.weeks, 'observed week')} each${weeksFrom}, calibrated with ${formatNumber(r.particles)} particles and a budget of ${formatNumber(r.budget)} simulations.\n\n`);
  const verdict = (p: ParameterCalibration): string => {
    const worst = [verdictOf(p.coverage50), verdictOf(p.coverage90)].find((v) => v !== 'ok') ?? 'ok';
    return paint(worst, worst === 'ok' ? 'green' : 'red', colour);
  };
  const cell = (c: Coverage) => `${pct(c.observed)} ± ${pct(c.standardError)}`;
  lines.push(renderTable(['parameter', '50% coverage', '90% coverage', '90% width / prior', 'verdict'], r.parameters.map((p) => [
    p.parameter, cell(p.coverage50), cell(p.coverage90), p.widthRatio90.toFixed(2), verdict(p),
  ])));
  const t50 = r.parameters[0]!.coverage50.tolerance;
  const t90 = r.parameters[0]!.coverage90.tolerance;
  lines.push(`\nA coverage passes within ${COVERAGE_SIGMAS} binomial standard errors of nominal: 50% ± ${pct(t50)}, 90% ± ${pct(t90)} for ${plural(r.pilots, 'pilot')}.\n`);

  const per = (r.draws + 1) / r.bins;
  const expected = r.pilots / r.bins;
  lines.push(`\nRank of the truth among ${r.draws} posterior draws, in ${r.bins} bins of ${per} ranks (flat if calibrated: about ${formatNumber(Number(expected.toFixed(1)))} a bin;\n∪-shaped: intervals too narrow; ∩-shaped: too wide; sloped: the posterior sits too high or too low):\n`);
  for (const p of r.parameters) {
    lines.push(`\n${p.parameter}: χ² ${p.chiSquare.toFixed(1)} on ${p.degreesOfFreedom} degrees of freedom, p ${p.pValue < 0.001 ? '< 0.001' : `= ${p.pValue.toFixed(3)}`}\n`);
    lines.push(rankBars(p.histogram, per));
  }
  const stops = Object.entries(r.stopReasons).sort((a, b) => b[1] - a[1]).map(([reason, count]) => `${count} ${reason.replace(/_/g, ' ')}`);
  lines.push(`\nCalibrations stopped by: ${stops.join(', ')}.\n`);
  lines.push(`\n${conclusion(r)}\n`);
  return lines.join('');
}

/** The histogram as horizontal bars, one line a bin, the longest bar 30 characters. */
function rankBars(histogram: number[], per: number): string {
  const most = Math.max(1, ...histogram);
  const labels = histogram.map((_, b) => `${b * per}–${(b + 1) * per - 1}`);
  const width = Math.max(...labels.map((l) => l.length));
  return histogram.map((count, b) => `  ${labels[b]!.padStart(width)} ${'█'.repeat(Math.round((30 * count) / most))} ${count}\n`).join('');
}

/** A posterior this close to the prior's width has learnt little: its coverage would pass whatever the calibration did. */
const UNINFORMED_WIDTH = 0.9;

function conclusion(r: SelfTestResult): string {
  const uninformed = r.parameters.filter((p) => p.widthRatio90 >= UNINFORMED_WIDTH).map((p) => p.parameter);
  const caveat = uninformed.length === 0 ? '' : `\nNote: the data taught little about ${uninformed.join(', ')} (the posterior's 90% interval is typically at least ${UNINFORMED_WIDTH} of the prior's), so ${uninformed.length === 1 ? 'its' : 'their'} coverage says little about the calibration.`;
  return conclusionLine(r) + caveat;
}

function conclusionLine(r: SelfTestResult): string {
  const off = r.parameters.filter((p) => !(p.coverage50.withinTolerance && p.coverage90.withinTolerance));
  if (off.length === 0) {
    return `Conclusion: for every parameter the true value fell inside its credible intervals about as often as they claim, so the calibration's uncertainty can be taken at its word (at the precision ${plural(r.pilots, 'pilot')} allow).`;
  }
  const words = off.map((p) => {
    const v = verdictOf(p.coverage50.withinTolerance ? p.coverage90 : p.coverage50);
    return `${p.parameter} (${v === 'overconfident' ? 'its intervals are too narrow' : 'its intervals are wider than they need be'})`;
  });
  return `Conclusion: the credible intervals do not hold their stated coverage for ${words.join(', ')}; treat the forecast's uncertainty with care, or give the calibration more particles and budget.`;
}
