/** `uptake bass FILE.csv`: fit the Bass (1969) diffusion model to new adopters per period and forecast (docs/forecast.md). */
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { formatNumber, renderTable } from '../format.ts';

interface BassFlags {
  method: string;
  holdout?: string;
  horizon?: string;
  json?: boolean;
}

const METHOD_NAMES: Record<string, string> = {
  ols: "Bass's regression (OLS)",
  sm: 'Srinivasan–Mason nonlinear least squares',
  density: 'nonlinear least squares on the density',
};

export function register(program: Command): void {
  program
    .command('bass')
    .description('fit the Bass diffusion model to new adopters per period (a CSV with period,adopters) and forecast')
    .argument('<file>', 'CSV with columns period,adopters (new adopters in each period)')
    .option('--method <method>', 'ols (Bass 1969 regression), sm (Srinivasan & Mason 1986 NLS) or density (NLS on m·f(t))', 'sm')
    .option('--holdout <K>', 'fit on all but the last K periods and print the forecast error on them')
    .option('--horizon <H>', 'periods to forecast after the last fitted one (default: as many as were fitted)')
    .option('--json', 'print one JSON object on stdout: method, p, q, m, peak_period, rse, flags, forecast')
    .addHelpText('after', '\nExample: uptake bass examples/bass/room-air-conditioners.csv --holdout 3\nSee docs/forecast.md ("Bass baseline").')
    .action(async (file: string, flags: BassFlags) => {
      const { BASS_METHODS, bassBaseline } = await import('../../forecast/bass.ts');
      const { readAdopterSeries, MIN_PERIODS } = await import('../../forecast/series.ts');
      const method = flags.method as (typeof BASS_METHODS)[number];
      const problems: string[] = [];
      if (!BASS_METHODS.includes(method)) problems.push(`--method must be one of ${BASS_METHODS.join(', ')}, got "${flags.method}"`);
      const holdout = wholeNumber(flags.holdout, '--holdout', 1, problems);
      const horizon = wholeNumber(flags.horizon, '--horizon', 1, problems);
      if (problems.length > 0) throw new UsageError(problems.join('; '), 'e.g. uptake bass data.csv --method sm --holdout 3 --horizon 10');
      const series = await readAdopterSeries(file, { minPeriods: MIN_PERIODS + (holdout ?? 0) });
      const report = bassBaseline(series, { method, holdout, horizon });

      for (const warning of warnings(report)) process.stderr.write(`warning: ${warning}\n`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const [from, to] = report.fit_periods;
      const out: string[] = [];
      out.push(`Bass fit by ${METHOD_NAMES[report.method]} to periods ${from}–${to} (${formatNumber(report.observed_cumulative)} adopters so far)\n`);
      out.push(
        renderTable(
          ['', 'estimate', 'meaning'],
          [
            ['p', report.p.toPrecision(4), 'coefficient of innovation (outside influence)'],
            ['q', report.q.toPrecision(4), 'coefficient of imitation (word of mouth)'],
            ['m', formatNumber(report.m), `adopters in the end (${Math.round((100 * report.observed_cumulative) / report.m)}% reached)`],
            ['peak', report.peak_period.toFixed(1), `new adoptions peak here, in period ${Math.ceil(report.peak_period)}`],
            ['rse', report.rse === null ? '—' : formatNumber(report.rse), 'residual standard error (adopters per period)'],
          ],
          { align: ['left', 'right', 'left'] },
        ),
      );
      out.push('\nForecast\n');
      out.push(renderTable(['period', 'adopters', 'cumulative'], report.forecast.map((f) => [String(f.period), f.adopters.toFixed(1), f.cumulative.toFixed(1)])));
      if (report.holdout) {
        const h = report.holdout;
        out.push(`\nHoldout: the last ${h.periods} period${h.periods === 1 ? '' : 's'}, not used in the fit (MAPE ${h.mape === null ? '— (no period with adopters)' : `${h.mape.toFixed(1)}%`})\n`);
        out.push(renderTable(['period', 'observed', 'forecast', 'abs error'], h.errors.map((e) => [String(e.period), formatNumber(e.observed), e.forecast.toFixed(1), e.abs_error.toFixed(1)])));
      }
      process.stdout.write(out.join(''));
    });
}

/** A plain-words warning per flag of the fit. */
export function warnings(report: { flags: string[]; peak_period: number; fit_periods: [number, number]; m: number; observed_cumulative: number }): string[] {
  const out: string[] = [];
  if (report.flags.includes('before_peak')) {
    out.push(`the series has not reached its peak yet (the fit puts the peak at period ${report.peak_period.toFixed(1)}, after the last fitted period ${report.fit_periods[1]}): before the peak p, q and m are poorly determined, so treat this forecast as unreliable.`);
  }
  if (report.flags.includes('m_at_bound')) {
    const low = Math.abs(report.m - report.observed_cumulative) <= 1e-9 * Math.max(1, report.m);
    out.push(
      low
        ? 'the fitted market size m was held at the adopters already observed (it may not be lower): the fit says adoption is over, which the data may not support; the forecast is unreliable.'
        : 'the fitted market size m sits on its upper limit (100 × the adopters observed): the data do not determine how many will adopt in the end; the forecast is unreliable.',
    );
  }
  if (report.flags.includes('ols_no_root')) {
    out.push("Bass's regression found no positive market size (the quadratic in Y has no positive root): m was set to its bound; try --method sm.");
  }
  return out;
}

function wholeNumber(text: string | undefined, flag: string, min: number, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    problems.push(`${flag} must be a whole number of at least ${min}, got "${text}"`);
    return undefined;
  }
  return value;
}
