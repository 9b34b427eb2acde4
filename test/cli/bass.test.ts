import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bassBaseline, fitBass } from '../../src/forecast/bass.ts';
import { parseAdopterSeries } from '../../src/forecast/series.ts';
import { uptake } from './spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-bass-'));
function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('uptake bass', () => {
  it('prints the published density fit of the bundled example as one JSON object with the documented fields', async () => {
    // examples/bass/rpubs-sales.csv: R nls() gives m 6.80e+04, p 6.59e-03, q 6.38e-01, RSE 727 (see the file's header).
    const out = await uptake(['bass', 'examples/bass/rpubs-sales.csv', '--method', 'density', '--json', '--horizon', '4']);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['method', 'p', 'q', 'm', 'peak_period', 'rse', 'flags', 'forecast']));
    expect(report.method).toBe('density');
    expect(report.m.toPrecision(3)).toBe('6.80e+4');
    expect(report.p.toPrecision(3)).toBe('0.00659');
    expect(report.q.toPrecision(3)).toBe('0.638');
    expect(Math.round(report.rse)).toBe(727);
    expect(report.flags).toEqual([]);
    expect(report.forecast.map((f: { period: number }) => f.period)).toEqual([11, 12, 13, 14]);
    for (const f of report.forecast) expect(Object.keys(f).sort()).toEqual(['adopters', 'cumulative', 'period']);
    expect(out.stderr).toBe('');
  });

  it('uses Srinivasan–Mason NLS by default and prints a table of p, q, m, the peak and the forecast', async () => {
    const out = await uptake(['bass', 'examples/bass/room-air-conditioners.csv']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Srinivasan–Mason');
    const fit = fitBass([96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586, 1673, 1800, 1580, 1500], 'sm');
    expect(out.stdout).toContain(fit.p.toPrecision(4));
    expect(out.stdout).toMatch(/^1962\s/m);
    expect(out.stdout).toMatch(/^1974\s/m);
  });

  it('with --holdout K prints the MAPE and absolute error of the K periods left out of the fit', async () => {
    const out = await uptake(['bass', 'examples/bass/room-air-conditioners.csv', '--holdout', '3', '--json']);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    const series = parseAdopterSeries('period,adopters\n' + [96, 195, 238, 380, 1045, 1230, 1267, 1828, 1586, 1673, 1800, 1580, 1500].map((v, i) => `${1949 + i},${v}`).join('\n'), 'x.csv');
    const expected = bassBaseline(series, { method: 'sm', holdout: 3 });
    expect(report.fit_periods).toEqual([1949, 1958]);
    expect(report.holdout.mape).toBeCloseTo(expected.holdout!.mape!, 9);
    expect(report.holdout.errors.map((e: { period: number }) => e.period)).toEqual([1959, 1960, 1961]);
    const text = await uptake(['bass', 'examples/bass/room-air-conditioners.csv', '--holdout', '3']);
    expect(text.stdout).toContain(`MAPE ${expected.holdout!.mape!.toFixed(1)}%`);
    expect(text.stdout).toContain('abs error');
  });

  it('warns in plain words and flags before_peak and m_at_bound for a series that is still rising', async () => {
    const file = csv('rising.csv', 'period,adopters\n1,1\n2,2\n3,4\n4,8\n5,16\n');
    const out = await uptake(['bass', file, '--json']);
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout);
    expect(report.flags).toEqual(['before_peak', 'm_at_bound']);
    expect(out.stderr).toContain('warning: the series has not reached its peak yet');
    expect(out.stderr).toContain('warning: the fitted market size m sits on its upper limit');
    for (const f of report.forecast) expect(f.adopters).toBeGreaterThanOrEqual(0);
  });

  it('reports every problem of a bad CSV at once with file:line:col, the column and a hint, exit 2 and no stack trace', async () => {
    const file = csv('bad.csv', 'period,adopters\n1,5\n1,x\n3,-2\n5,4\n7,\n');
    const out = await uptake(['bass', file]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    const lines = out.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${file}:3:1 period: period 1 is repeated (first on line 2) — give each period one line; add up the adopters of duplicate lines`,
      `${file}:3:3 adopters: adopters "x" is not a number — write the count of new adopters in that period, e.g. 120`,
      `${file}:4:1 period: period 2 is missing — add a line for every period, with 0 adopters if there were none`,
      `${file}:4:3 adopters: adopters is negative (-2) — new adopters per period cannot be negative: give the count of first-time adopters, not a change in a total`,
      `${file}:5:1 period: period 4 is missing — add a line for every period, with 0 adopters if there were none`,
      `${file}:6:1 period: period 6 is missing — add a line for every period, with 0 adopters if there were none`,
      `${file}:6:3 adopters: adopters is empty — write the count of new adopters in that period, e.g. 120`,
      '7 problems found.',
    ]);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('names both missing columns of a file with other headers', async () => {
    const out = await uptake(['bass', csv('cols.csv', 'week,count\n1,2\n2,3\n3,4\n')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('cols.csv:1:1 period: missing column "period"');
    expect(out.stderr).toContain('cols.csv:1:1 adopters: missing column "adopters"');
    expect(out.stderr).toContain('(found: week, count)');
  });

  it('refuses too few periods to fit, counting those held out, and a series with no adopters', async () => {
    const short = await uptake(['bass', csv('short.csv', 'period,adopters\n1,5\n2,9\n')]);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('short.csv:3:1 period: only 2 periods to fit, need at least 3');
    const held = await uptake(['bass', csv('four.csv', 'period,adopters\n1,5\n2,9\n3,12\n4,10\n'), '--holdout', '2']);
    expect(held.code).toBe(2);
    expect(held.stderr).toContain('only 4 periods to fit, need at least 5 — a Bass fit needs 3 periods plus those held out (--holdout)');
    const zeros = await uptake(['bass', csv('zeros.csv', 'period,adopters\n1,0\n2,0\n3,0\n')]);
    expect(zeros.code).toBe(2);
    expect(zeros.stderr).toContain('every period has 0 adopters');
  });

  it('refuses an unknown method and a bad --holdout or --horizon in one message, exit 2', async () => {
    const out = await uptake(['bass', 'examples/bass/rpubs-sales.csv', '--method', 'logistic', '--holdout', '0', '--horizon', 'x']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--method must be one of ols, sm, density, got "logistic"');
    expect(out.stderr).toContain('--holdout must be a whole number of at least 1, got "0"');
    expect(out.stderr).toContain('--horizon must be a whole number of at least 1, got "x"');
  });

  it('reports a missing file as bad input', async () => {
    const out = await uptake(['bass', join(dir, 'nope.csv')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('no such file or directory');
  });
});
