import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/model/rng.ts';
import {
  binomialCdf, bootstrapBounds, clopperPearson, kolmogorovSf, ksTwoSample, quantileBounds, quantileSorted, sorted,
} from '../../src/assumptions/stats.ts';

describe('binomial tails and Clopper-Pearson bounds', () => {
  it('match known values', () => {
    expect(binomialCdf(5, 20, 0.5)).toBeCloseTo(0.020694732666, 10);
    expect(binomialCdf(20, 20, 0.3)).toBe(1);
    expect(binomialCdf(-1, 20, 0.3)).toBe(0);
    // R: binom.test(8, 10, conf.level = 0.95)$conf.int = 0.4439045 0.9747893 (two-sided 95% = one-sided 97.5% each)
    const b = clopperPearson(8, 10, 0.025);
    expect(b.lower).toBeCloseTo(0.4439045, 6);
    expect(b.upper).toBeCloseTo(0.9747893, 6);
  });

  it('give alpha^(1/n) as the lower bound when every trial succeeds, and 1 as the upper', () => {
    const b = clopperPearson(20, 20, 0.0125);
    expect(b.lower).toBeCloseTo(Math.pow(0.0125, 1 / 20), 9);
    expect(b.upper).toBe(1);
    expect(clopperPearson(0, 20, 0.05)).toEqual({ lower: 0, upper: expect.closeTo(1 - Math.pow(0.05, 1 / 20), 9) });
  });
});

describe('quantiles', () => {
  it('interpolate between order statistics and put "never" (+Infinity) last', () => {
    expect(quantileSorted(sorted([4, 1, 3, 2]), 0.5)).toBe(2.5);
    expect(quantileSorted(sorted([1, 2, Infinity, Infinity]), 0.5)).toBe(Infinity);
    expect(quantileSorted(sorted([1, 2, 3, Infinity]), 0.5)).toBe(2.5);
  });

  it('have the textbook distribution-free interval for a median of 20', () => {
    // The 95% two-sided interval for the median from 20 values is (X(6), X(15)).
    const data = Float64Array.from({ length: 20 }, (_, i) => i + 1);
    expect(quantileBounds(data, 0.5, 0.025)).toEqual({ lower: 6, upper: 15 });
  });

  it('give infinite bounds when there are too few rollouts for the confidence', () => {
    expect(quantileBounds(Float64Array.from([1, 2, 3]), 0.5, 0.01)).toEqual({ lower: -Infinity, upper: Infinity });
  });
});

describe('the bootstrap', () => {
  it('is deterministic for a seed and brackets the sample mean', () => {
    const random = createRandom(5);
    const x = Float64Array.from({ length: 50 }, () => random());
    const mean = (idx: Int32Array): number => {
      let s = 0;
      for (const i of idx) s += x[i]!;
      return s / idx.length;
    };
    const a = bootstrapBounds(50, mean, 0.025, 7);
    const b = bootstrapBounds(50, mean, 0.025, 7);
    expect(a).toEqual(b);
    const m = x.reduce((s, v) => s + v, 0) / 50;
    expect(a.lower).toBeLessThan(m);
    expect(a.upper).toBeGreaterThan(m);
    // About ±1.96 standard errors of a uniform mean (sd 0.289 / sqrt(50) = 0.041).
    expect(a.upper - a.lower).toBeGreaterThan(0.12);
    expect(a.upper - a.lower).toBeLessThan(0.2);
  });
});

describe('the two-sample Kolmogorov-Smirnov test', () => {
  it('has the exact p-value of fully separated samples', () => {
    // P(D = 1) for m = n = 5: 2 / C(10, 5) = 2/252.
    const r = ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.d).toBe(1);
    expect(r.p).toBeCloseTo(2 / 252, 12);
    expect(r.method).toBe('exact');
  });

  it('gives p = 1 for identical samples, ties and "never" included', () => {
    const x = [3, 3, 5, Infinity, Infinity, 8];
    expect(ksTwoSample(x, [...x].reverse())).toEqual({ d: 0, p: 1, method: 'exact' });
  });

  it('agrees with the Kolmogorov limit for large samples', () => {
    const random = createRandom(11);
    const x = Array.from({ length: 300 }, () => random());
    const y = Array.from({ length: 300 }, () => random() + 0.08);
    const exact = ksTwoSample(x, y);
    const en = Math.sqrt((300 * 300) / 600);
    expect(exact.method).toBe('exact');
    expect(Math.abs(exact.p - kolmogorovSf((en + 0.12 + 0.11 / en) * exact.d))).toBeLessThan(0.01);
    expect(ksTwoSample(Array.from({ length: 600 }, () => random()), Array.from({ length: 600 }, () => random())).method).toBe('asymptotic');
  });

  it('rejects two samples from one distribution no more often than its level', () => {
    const random = createRandom(2024);
    let rejections = 0;
    const reps = 1000;
    for (let i = 0; i < reps; i++) {
      const x = Array.from({ length: 30 }, () => random());
      const y = Array.from({ length: 40 }, () => random());
      if (ksTwoSample(x, y).p < 0.05) rejections++;
    }
    // Level 0.05; three binomial standard errors of slack.
    expect(rejections / reps).toBeLessThan(0.05 + 3 * Math.sqrt((0.05 * 0.95) / reps));
  });
});
