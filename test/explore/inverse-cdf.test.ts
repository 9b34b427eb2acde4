/** The inverse CDFs the design maps the unit cube through: each the quantile function of its distribution. */
import { describe, expect, it } from 'vitest';
import { incompleteBeta, inverseCdf, normalCdf, normalQuantile } from '../../src/explore/inverse-cdf.ts';
import type { Distribution } from '../../src/scenarios/experiment.ts';

/** Mean of the inverse CDF at M midpoints: the distribution's mean, up to O(1/M²) for smooth quantiles. */
function meanOf(d: Distribution, m = 20_000): number {
  const f = inverseCdf(d);
  let sum = 0;
  for (let i = 0; i < m; i++) sum += f((i + 0.5) / m);
  return sum / m;
}

describe('inverse CDFs', () => {
  it('Φ⁻¹ and Φ agree with tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(incompleteBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 5);
  });

  it('give each distribution its mean and keep within its support', () => {
    expect(meanOf({ kind: 'uniform', min: 2, max: 6 })).toBeCloseTo(4, 6);
    expect(meanOf({ kind: 'normal', mean: 1, sd: 2 })).toBeCloseTo(1, 3);
    expect(meanOf({ kind: 'triangular', min: 0.3, mode: 0.4, max: 0.55 })).toBeCloseTo((0.3 + 0.4 + 0.55) / 3, 5);
    expect(meanOf({ kind: 'beta', alpha: 2, beta: 5 })).toBeCloseTo(2 / 7, 4);
    expect(meanOf({ kind: 'lognormal', meanlog: 0, sdlog: 0.5 })).toBeCloseTo(Math.exp(0.125), 2);
    // Truncated at ±1 sd around the mean: symmetric, so the mean stays; inside the bounds.
    const t: Distribution = { kind: 'truncated_normal', mean: 0.25, sd: 0.06, min: 0.19, max: 0.31 };
    expect(meanOf(t)).toBeCloseTo(0.25, 5);
    const f = inverseCdf(t);
    expect(f(1e-9)).toBeGreaterThanOrEqual(0.19);
    expect(f(1 - 1e-9)).toBeLessThanOrEqual(0.31);
    expect(meanOf({ kind: 'choice', values: [1, 2, 4], weights: [1, 1, 2] }, 4000)).toBeCloseTo(2.75, 6);
  });
});
