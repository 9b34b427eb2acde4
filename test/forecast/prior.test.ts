import { describe, expect, it } from 'vitest';
import { erfc, logGamma, logPriorDensity, normalCdf } from '../../src/forecast/prior.ts';
import { support } from '../../src/scenarios/distributions.ts';
import type { Distribution } from '../../src/scenarios/experiment.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Trapezoid rule of g over [a, b] with n intervals. */
function trapezoid(g: (x: number) => number, a: number, b: number, n = 200_000): number {
  const h = (b - a) / n;
  let sum = (g(a) + g(b)) / 2;
  for (let i = 1; i < n; i++) sum += g(a + i * h);
  return sum * h;
}

/** Midpoint rule: never evaluates the ends, where a density may be infinite. */
function midpoint(g: (x: number) => number, a: number, b: number, n = 200_000): number {
  const h = (b - a) / n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += g(a + (i + 0.5) * h);
  return sum * h;
}

const density = (d: Distribution) => (x: number) => Math.exp(logPriorDensity(d, x));

function close(actual: number, expected: number, tolerance = 1e-10): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));
}

describe('erfc and log-gamma', () => {
  it('match 20-digit reference values (mpmath) to 1e-13 relative, across both expansions and in the far tail', () => {
    const reference: [number, number][] = [
      [0.5, 0.47950012218695346232],
      [1, 0.15729920705028513066],
      [1.99, 0.0048885868003830029527],
      [3, 0.000022090496998585441373],
      [6, 2.1519736712498913117e-17],
      [-1, 1.8427007929497148693],
    ];
    for (const [x, value] of reference) expect(Math.abs(erfc(x) / value - 1), `erfc(${x})`).toBeLessThan(1e-13);
    expect(erfc(0)).toBe(1);
    expect(normalCdf(0)).toBe(0.5);
    for (const [x, value] of [[0.1, 2.252712651734205902], [0.5, 0.57236494292470008707], [1, 0], [10, 12.801827480081469611], [30.5, 72.953471184169408324]] as const) {
      close(logGamma(x), value, 1e-13);
    }
  });
});

describe('logPriorDensity', () => {
  it('integrates to 1 over the support for every continuous kind (trapezoid, to 1e-4)', () => {
    const direct: Distribution[] = [
      { kind: 'uniform', min: 2, max: 5 },
      { kind: 'normal', mean: 1.5, sd: 2 },
      { kind: 'truncated_normal', mean: 0.5, sd: 0.1, min: 0, max: 1 },
      { kind: 'truncated_normal', mean: 0, sd: 1, min: 2, max: 5 }, // all in the upper tail
      { kind: 'truncated_normal', mean: 3, sd: 2, min: -1, max: 0.5 }, // mean above the range
      { kind: 'triangular', min: 0, mode: 1, max: 4 },
      { kind: 'triangular', min: 0, mode: 0, max: 2 },
      { kind: 'beta', alpha: 2, beta: 5 },
      { kind: 'beta', alpha: 1, beta: 3, min: 2, max: 4 },
    ];
    for (const d of direct) {
      const [lo, hi] = d.kind === 'normal' ? [d.mean - 12 * d.sd, d.mean + 12 * d.sd] : support(d);
      expect(Math.abs(trapezoid(density(d), lo, hi) - 1), d.kind).toBeLessThan(1e-4);
    }
    // Beta with shapes below 1 is infinite at its ends: integrate in u, x = lo + (hi − lo)·sin²u, by midpoints.
    for (const d of [{ kind: 'beta', alpha: 0.5, beta: 0.5 }, { kind: 'beta', alpha: 0.7, beta: 2.5, min: -1, max: 3 }] as const) {
      const [lo, hi] = [d.min ?? 0, d.max ?? 1];
      const g = (u: number) => density(d)(lo + (hi - lo) * Math.sin(u) ** 2) * (hi - lo) * 2 * Math.sin(u) * Math.cos(u);
      expect(Math.abs(midpoint(g, 0, Math.PI / 2) - 1), `beta(${d.alpha}, ${d.beta})`).toBeLessThan(1e-4);
    }
    // Lognormal in log x: ∫ f(x) dx = ∫ f(eᵘ) eᵘ du.
    const lognormal: Distribution = { kind: 'lognormal', meanlog: 0.3, sdlog: 0.8 };
    expect(Math.abs(trapezoid((u) => density(lognormal)(Math.exp(u)) * Math.exp(u), 0.3 - 12 * 0.8, 0.3 + 12 * 0.8) - 1)).toBeLessThan(1e-4);
  });

  it('gives the closed-form values to 1e-10', () => {
    close(logPriorDensity({ kind: 'normal', mean: 0, sd: 1 }, 0), -LOG_SQRT_2PI);
    close(logPriorDensity({ kind: 'normal', mean: 2, sd: 3 }, 5), -0.5 - Math.log(3) - LOG_SQRT_2PI);
    close(logPriorDensity({ kind: 'uniform', min: 2, max: 5 }, 3), -Math.log(3));
    close(logPriorDensity({ kind: 'uniform', min: 2, max: 5 }, 5), -Math.log(3));
    // Truncated normals: mass of [−1, 1] and of [3, 4] from mpmath; half-normal on [0, 50] is 2φ.
    close(logPriorDensity({ kind: 'truncated_normal', mean: 0, sd: 1, min: -1, max: 1 }, 0), -LOG_SQRT_2PI - Math.log(0.68268949213708589717));
    close(logPriorDensity({ kind: 'truncated_normal', mean: 0, sd: 1, min: 3, max: 4 }, 3.5), -0.5 * 3.5 * 3.5 - LOG_SQRT_2PI - Math.log(0.0013182267897969746054));
    close(logPriorDensity({ kind: 'truncated_normal', mean: 0, sd: 1, min: 0, max: 50 }, 1), Math.log(2) - 0.5 - LOG_SQRT_2PI);
    close(logPriorDensity({ kind: 'triangular', min: 0, mode: 1, max: 4 }, 0.5), Math.log(0.25));
    close(logPriorDensity({ kind: 'triangular', min: 0, mode: 1, max: 4 }, 2), Math.log(1 / 3));
    close(logPriorDensity({ kind: 'triangular', min: 0, mode: 1, max: 4 }, 1), Math.log(0.5));
    close(logPriorDensity({ kind: 'triangular', min: 0, mode: 0, max: 2 }, 0), 0);
    close(logPriorDensity({ kind: 'triangular', min: 0, mode: 0, max: 2 }, 1), Math.log(0.5));
    // Beta(2, 5): 30·x·(1 − x)⁴; Beta(½, ½): 1/(π√(x(1 − x))).
    close(logPriorDensity({ kind: 'beta', alpha: 2, beta: 5 }, 0.3), Math.log(30 * 0.3 * 0.7 ** 4));
    close(logPriorDensity({ kind: 'beta', alpha: 2, beta: 5, min: 2, max: 4 }, 2.6), Math.log((30 * 0.3 * 0.7 ** 4) / 2));
    close(logPriorDensity({ kind: 'beta', alpha: 0.5, beta: 0.5 }, 0.25), -Math.log(Math.PI * Math.sqrt(0.1875)));
    close(logPriorDensity({ kind: 'beta', alpha: 1, beta: 1 }, 0), 0);
    close(logPriorDensity({ kind: 'beta', alpha: 1, beta: 3 }, 0), Math.log(3));
    close(logPriorDensity({ kind: 'lognormal', meanlog: 0, sdlog: 1 }, 1), -LOG_SQRT_2PI);
    close(logPriorDensity({ kind: 'lognormal', meanlog: 0, sdlog: 1 }, Math.E), -1 - 0.5 - LOG_SQRT_2PI);
    close(logPriorDensity({ kind: 'choice', values: [1, 2, 3], weights: [1, 1, 2] }, 3), Math.log(0.5));
    close(logPriorDensity({ kind: 'choice', values: [1, 2, 2] }, 2), Math.log(2 / 3));
    expect(logPriorDensity({ kind: 'fixed', value: 0.3 }, 0.3)).toBe(0);
  });

  it('is −Infinity outside the support (and at ends where the density vanishes)', () => {
    const outside: [Distribution, number][] = [
      [{ kind: 'fixed', value: 0.3 }, 0.31],
      [{ kind: 'uniform', min: 2, max: 5 }, 5.0001],
      [{ kind: 'uniform', min: 2, max: 5 }, 1.9],
      [{ kind: 'truncated_normal', mean: 0, sd: 1, min: -1, max: 1 }, 1.01],
      [{ kind: 'triangular', min: 0, mode: 1, max: 4 }, -0.1],
      [{ kind: 'triangular', min: 0, mode: 1, max: 4 }, 4],
      [{ kind: 'beta', alpha: 2, beta: 5 }, 0],
      [{ kind: 'beta', alpha: 1, beta: 3 }, 1],
      [{ kind: 'beta', alpha: 2, beta: 5, min: 2, max: 4 }, 1.5],
      [{ kind: 'lognormal', meanlog: 0, sdlog: 1 }, 0],
      [{ kind: 'lognormal', meanlog: 0, sdlog: 1 }, -1],
      [{ kind: 'choice', values: [1, 2, 3] }, 2.5],
      [{ kind: 'choice', values: [1, 2, 3], weights: [1, 0, 1] }, 2],
      [{ kind: 'normal', mean: 1, sd: 0 }, 1.1],
      [{ kind: 'normal', mean: 0, sd: 1 }, NaN],
    ];
    for (const [d, x] of outside) expect(logPriorDensity(d, x), `${JSON.stringify(d)} at ${x}`).toBe(-Infinity);
    expect(logPriorDensity({ kind: 'beta', alpha: 0.5, beta: 0.5 }, 0)).toBe(Infinity);
  });
});
