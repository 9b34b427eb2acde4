import { describe, expect, it } from 'vitest';
import { levenbergMarquardt, solve } from '../../src/forecast/nls.ts';

describe('Levenberg–Marquardt', () => {
  it('finds the minimum of the Rosenbrock function written as least squares, (1, 1), from the classic start (−1.2, 1)', () => {
    const result = levenbergMarquardt(([x, y]) => [10 * (y! - x! * x!), 1 - x!], [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.theta[0]).toBeCloseTo(1, 8);
    expect(result.theta[1]).toBeCloseTo(1, 8);
    expect(result.sse).toBeLessThan(1e-16);
  });

  it('recovers the rate and amplitude of an exponential decay from exact data, parameters of very different sizes', () => {
    const t = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const y = t.map((x) => 25_000 * Math.exp(-0.0035 * x));
    const result = levenbergMarquardt(([a, k]) => t.map((x, i) => y[i]! - a! * Math.exp(-k! * x)), [10_000, 0.1]);
    expect(result.theta[0]! / 25_000).toBeCloseTo(1, 9);
    expect(result.theta[1]! / 0.0035).toBeCloseTo(1, 7);
  });

  it('keeps the parameters inside their bounds and stops on the bound when the free minimum lies beyond it', () => {
    // Free minimum at x = 3; the box allows at most 2.
    const result = levenbergMarquardt(([x]) => [x! - 3], [0], { lower: [-1], upper: [2] });
    expect(result.theta[0]).toBe(2);
    expect(result.converged).toBe(true);
  });

  it('solves a linear system by elimination and reports a singular one as undefined', () => {
    const x = solve([[2, 1], [1, 3]], [3, 5]);
    expect(x![0]).toBeCloseTo(0.8, 12);
    expect(x![1]).toBeCloseTo(1.4, 12);
    expect(solve([[1, 2], [2, 4]], [1, 2])).toBeUndefined();
  });
});
