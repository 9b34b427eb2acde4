import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { bassAdopters, bassBaseline, bassF, bassf, bassPeakTime, fitBass, fitOls, type BassMethod } from '../../src/forecast/bass.ts';

const METHODS: BassMethod[] = ['ols', 'sm', 'density'];

/** m·[F(k) − F(k−1)], the expected new adopters of period k. */
function discrete(p: number, q: number, m: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => m * (bassF(i + 1, p, q) - bassF(i, p, q)));
}

/** Bass's discrete model, S_t = (p + q·Y/m)(m − Y): the model his regression is exact for. */
function recursion(p: number, q: number, m: number, n: number): number[] {
  const out: number[] = [];
  let y = 0;
  for (let t = 0; t < n; t++) {
    const s = (p + (q * y) / m) * (m - y);
    out.push(s);
    y += s;
  }
  return out;
}

function normal(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

describe('the Bass curves', () => {
  it('F rises from 0 to 1 and its derivative is the density f', () => {
    const [p, q] = [0.03, 0.38];
    expect(bassF(0, p, q)).toBe(0);
    expect(bassF(200, p, q)).toBeCloseTo(1, 12);
    for (const t of [0.5, 3, 7.2, 15]) {
      const h = 1e-5;
      expect((bassF(t + h, p, q) - bassF(t - h, p, q)) / (2 * h)).toBeCloseTo(bassf(t, p, q), 8);
    }
  });

  it('with q = 0 (no imitation) is the exponential distribution: F = 1 − e^(−pt), f = p·e^(−pt), peak at the start', () => {
    const p = 0.12;
    for (const t of [0.5, 1, 4, 10]) {
      expect(bassF(t, p, 0)).toBeCloseTo(1 - Math.exp(-p * t), 14);
      expect(bassf(t, p, 0)).toBeCloseTo(p * Math.exp(-p * t), 14);
    }
    expect(bassPeakTime(p, 0)).toBe(0);
  });

  it('peaks at t* = ln(q/p)/(p+q), where F(t*) = 1/2 − p/(2q)', () => {
    const [p, q] = [0.01, 0.4];
    const t = bassPeakTime(p, q);
    expect(t).toBeCloseTo(Math.log(40) / 0.41, 12);
    expect(bassf(t, p, q)).toBeGreaterThan(bassf(t - 0.01, p, q));
    expect(bassf(t, p, q)).toBeGreaterThan(bassf(t + 0.01, p, q));
    expect(bassF(t, p, q)).toBeCloseTo(0.5 - p / (2 * q), 12);
  });
});

describe('fitting the Bass model', () => {
  it('by density NLS reproduces the published R nls() fit of the ten-year sales example: m 6.80e+04, p 6.59e-03, q 6.38e-01, RSE 727', () => {
    // Source: C. Wang, "Bass model" (RPubs, https://rpubs.com/chengjun/bass_model), also the example of the R
    // package DIMORA's BASS.standard: nls(Sales ~ M*(((P+Q)^2/P)*exp(-(P+Q)*T79))/(1+(Q/P)*exp(-(P+Q)*T79))^2)
    // on T79 = 1:10 prints M 6.80e+04, P 6.59e-03, Q 6.38e-01, "Residual standard error: 727 on 7 degrees of freedom".
    const sales = [840, 1470, 2110, 4000, 7590, 10950, 10530, 9470, 7790, 5890];
    const fit = fitBass(sales, 'density');
    expect(fit.m.toPrecision(3)).toBe('6.80e+4');
    expect(fit.p.toPrecision(3)).toBe('0.00659');
    expect(fit.q.toPrecision(3)).toBe('0.638');
    expect(Math.round(fit.rse)).toBe(727);
    expect(fit.flags).toEqual([]);
  });

  it("by Bass's regression reproduces a published worked fit to its printed digits: p 0.0626032, q 0.73766359, M 10.5036768", () => {
    // Source: the in-class exercise of a brand-management course ("use the linear regression procedure to estimate the
    // Bass model parameters": N(t) on A(t−1) and A(t−1)², five years of adoptions in millions), as published in the
    // public repository aoyingxue/GitNote, GRADUATE_STUDY/2.555A_DATA_ANALYSIS_FOR_BRAND_MANAGEMENT/Module_1_InClass.md,
    // which prints p = 0.0626032, q = 0.73766359, M = 10.5036768.
    const fit = fitBass([0.517, 1.169, 1.604, 2.044, 2.286], 'ols');
    expect(fit.p.toFixed(7)).toBe('0.0626032');
    expect(fit.q.toFixed(8)).toBe('0.73766359');
    expect(fit.m.toFixed(7)).toBe('10.5036768');
    expect(fit.flags).toEqual(['before_peak']); // five rising years: the peak is still ahead
  });

  it("by Bass's regression recovers p, q and m exactly from his discrete model (no noise), through m = (−b − √(b² − 4ac))/2c", () => {
    const [p, q, m] = [0.015, 0.42, 12_000];
    const fit = fitBass(recursion(p, q, m, 14), 'ols');
    expect(fit.p / p).toBeCloseTo(1, 9);
    expect(fit.q / q).toBeCloseTo(1, 9);
    expect(fit.m / m).toBeCloseTo(1, 9);
    const ols = fitOls(recursion(p, q, m, 14));
    expect(ols.a / (p * m)).toBeCloseTo(1, 9);
    expect(ols.b / (q - p)).toBeCloseTo(1, 9);
    expect(ols.c / (-q / m)).toBeCloseTo(1, 9);
  });

  it('by Srinivasan–Mason NLS recovers p, q and m from exact period differences m·[F(t) − F(t−1)] (no noise)', () => {
    // No published Srinivasan–Mason estimate could be matched to a public data set: synthetic data with known truth.
    const [p, q, m] = [0.008, 0.55, 50_000];
    const fit = fitBass(discrete(p, q, m, 12), 'sm');
    expect(fit.p / p).toBeCloseTo(1, 6);
    expect(fit.q / q).toBeCloseTo(1, 6);
    expect(fit.m / m).toBeCloseTo(1, 6);
    expect(fit.rse).toBeLessThan(1e-4);
  });

  it('by density NLS recovers p, q and m from exact values of m·f(t) at whole periods (no noise)', () => {
    const [p, q, m] = [0.02, 0.3, 8_000];
    const fit = fitBass(Array.from({ length: 15 }, (_, i) => m * bassf(i + 1, p, q)), 'density');
    expect(fit.p / p).toBeCloseTo(1, 6);
    expect(fit.q / q).toBeCloseTo(1, 6);
    expect(fit.m / m).toBeCloseTo(1, 6);
  });

  it('with no imitation in the data (q = 0, exponential adoption) finds q ≈ 0 and the right p', () => {
    const [p, m] = [0.15, 1_000];
    const fit = fitBass(discrete(p, 0, m, 20), 'sm');
    expect(fit.q).toBeLessThan(1e-6);
    expect(fit.p / p).toBeCloseTo(1, 5);
    expect(fit.m / m).toBeCloseTo(1, 5);
  });

  it('with seeded noise (5% of the peak, 200 series) centres on the truth: median m within 2%, 90% of m estimates within 10%', () => {
    const [p, q, m] = [0.01, 0.45, 20_000];
    const clean = discrete(p, q, m, 16);
    const sd = 0.05 * Math.max(...clean);
    const rng = seedrandom('bass-noise-1');
    for (const method of ['sm', 'density'] as const) {
      const ratios: number[] = [];
      for (let r = 0; r < 200; r++) {
        const noisy = clean.map((v) => Math.max(0, v + sd * normal(rng)));
        ratios.push(fitBass(noisy, method).m / m);
      }
      ratios.sort((a, b) => a - b);
      const median = ratios[100]!;
      // density NLS evaluates the rate at the period's end, so it is biased on period totals: only its spread is checked.
      if (method === 'sm') expect(Math.abs(median - 1)).toBeLessThan(0.02);
      const within = ratios.filter((x) => Math.abs(x / median - 1) < 0.1).length;
      expect(within / ratios.length).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('never puts m below the adopters already observed, and never forecasts negative adopters', () => {
    const awkward = [[10, 50, 100, 5, 1], [1, 2, 4, 8, 16], [5, 5, 5, 5, 5], [0, 0, 0, 3], [100, 1, 0, 0, 0], [3, 0, 0]];
    for (const series of awkward) {
      const observed = series.reduce((s, v) => s + v, 0);
      for (const method of METHODS) {
        const fit = fitBass(series, method);
        expect(fit.m, `${method} on ${series}`).toBeGreaterThanOrEqual(observed);
        const report = bassBaseline({ periods: series.map((_, i) => i + 1), adopters: series }, { method, horizon: 30 });
        for (const point of report.forecast) expect(point.adopters).toBeGreaterThanOrEqual(0);
        expect(report.forecast.at(-1)!.cumulative).toBeGreaterThanOrEqual(observed);
      }
    }
  });

  it('flags m_at_bound when the unconstrained fit would put m below the observed adopters (adoption that stopped abruptly)', () => {
    for (const method of METHODS) expect(fitBass([10, 50, 100, 5, 1], method).flags).toContain('m_at_bound');
  });

  it('flags before_peak for the first four periods of a curve that peaks near period 9, with every method', () => {
    const [p, q, m] = [0.01, 0.4, 10_000];
    expect(bassPeakTime(p, q)).toBeGreaterThan(8);
    const early = discrete(p, q, m, 4);
    for (const method of METHODS) expect(fitBass(early, method).flags, method).toContain('before_peak');
    // The whole curve, past its peak, carries no flag.
    expect(fitBass(discrete(p, q, m, 16), 'sm').flags).toEqual([]);
  });

  it('flags ols_no_root when the regression has no positive root (steady growth), and still keeps m at the observed total', () => {
    const fit = fitBass([1, 2, 4, 8, 16], 'ols');
    expect(fit.flags).toEqual(['before_peak', 'm_at_bound', 'ols_no_root']);
    expect(fit.m).toBe(31);
  });
});

describe('the Bass baseline report', () => {
  const clean = discrete(0.01, 0.45, 20_000, 14);
  const series = { periods: clean.map((_, i) => 2001 + i), adopters: clean };

  it('forecasts from the period after the last one fitted, as far ahead as was fitted by default, with the cumulative continuing the observed total', () => {
    const report = bassBaseline(series, { method: 'sm' });
    expect(report.fit_periods).toEqual([2001, 2014]);
    expect(report.forecast.map((f) => f.period)).toEqual(Array.from({ length: 14 }, (_, i) => 2015 + i));
    const observed = clean.reduce((s, v) => s + v, 0);
    expect(report.forecast[0]!.cumulative).toBeCloseTo(observed + report.forecast[0]!.adopters, 6);
    expect(report.forecast[0]!.adopters).toBeCloseTo(bassAdopters(15, { ...report, method: 'sm' }), 9);
    expect(report.peak_period).toBeCloseTo(2000 + bassPeakTime(0.01, 0.45), 4);
  });

  it('with a holdout of K fits on all but the last K periods and scores them: MAPE and absolute errors', () => {
    const report = bassBaseline(series, { method: 'sm', holdout: 3, horizon: 5 });
    expect(report.fit_periods).toEqual([2001, 2011]);
    expect(report.forecast).toHaveLength(5);
    const errors = report.holdout!.errors;
    expect(errors.map((e) => e.period)).toEqual([2012, 2013, 2014]);
    // Exact data: the forecast of the held-out periods is the truth.
    for (const e of errors) expect(e.abs_error / e.observed).toBeLessThan(1e-5);
    expect(report.holdout!.mape).toBeLessThan(1e-3);
    const noisy = { ...series, adopters: clean.map((v, i) => v * (i % 2 === 0 ? 1.1 : 0.9)) };
    const h = bassBaseline(noisy, { method: 'sm', holdout: 2 }).holdout!;
    expect(h.mape).toBeCloseTo((100 * (h.errors[0]!.abs_error / h.errors[0]!.observed + h.errors[1]!.abs_error / h.errors[1]!.observed)) / 2, 9);
  });

  it('forecasts at least as many periods as are held out, even with a shorter --horizon', () => {
    expect(bassBaseline(series, { method: 'ols', holdout: 4, horizon: 1 }).forecast).toHaveLength(4);
  });
});
