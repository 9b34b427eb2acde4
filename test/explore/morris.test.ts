/** Morris screening: trajectories on the grid, exact effects of a linear function, dummy inputs ranked last. */
import { describe, expect, it } from 'vitest';
import { elementaryEffects, morrisDesign, morrisIndices } from '../../src/explore/morris.ts';

/** f on every point of the design (k columns). */
function evaluate(design: ReturnType<typeof morrisDesign>, f: (x: Float64Array) => number): Float64Array {
  const { r, k } = design;
  const out = new Float64Array(r * (k + 1));
  for (let p = 0; p < out.length; p++) out[p] = f(design.points.subarray(p * k, p * k + k));
  return out;
}

describe('Morris elementary effects', () => {
  it('moves one input per step by ½ on the midpoint grid, every input once per trajectory', () => {
    const d = morrisDesign(20, 5, 3);
    expect(d.points.every((x) => [0.125, 0.375, 0.625, 0.875].includes(x))).toBe(true);
    for (let t = 0; t < 20; t++) {
      expect([...d.moved.subarray(t * 5, t * 5 + 5)].sort()).toEqual([0, 1, 2, 3, 4]);
      for (let s = 1; s <= 5; s++) {
        const a = d.points.subarray((t * 6 + s - 1) * 5, (t * 6 + s) * 5);
        const b = d.points.subarray((t * 6 + s) * 5, (t * 6 + s + 1) * 5);
        const changed = [...a].map((x, i) => b[i]! - x).filter((x) => x !== 0);
        expect(changed).toEqual([d.delta[t * 5 + s - 1]]);
      }
    }
  });

  it('gives a linear function its coefficients exactly: μ* = |a_i|, σ = 0', () => {
    const a = [3, -2, 0, 0.5];
    const d = morrisDesign(10, 4, 1);
    const ee = elementaryEffects(d, evaluate(d, (x) => a.reduce((s, c, i) => s + c * x[i]!, 0)));
    for (let t = 0; t < 10; t++) for (let i = 0; i < 4; i++) expect(ee[t * 4 + i]).toBeCloseTo(a[i]!, 12);
    const m = morrisIndices(d, evaluate(d, (x) => a.reduce((s, c, i) => s + c * x[i]!, 0)), { resamples: 100 });
    expect(m.muStar.map((x) => Number(x.estimate.toFixed(9)))).toEqual([3, 2, 0, 0.5]);
    expect(m.sigma.every((x) => Math.abs(x.estimate) < 1e-9)).toBe(true);
  });

  it('ranks dummy inputs last, with μ* intervals at zero, on a nonlinear function with interactions', () => {
    // Inputs 0..2 matter (x0 strongly and nonlinearly, x1 through an interaction with x0), 3 and 4 are dummies.
    const f = (x: Float64Array): number => 8 * Math.sin(Math.PI * x[0]!) + 4 * x[0]! * x[1]! + 2 * x[2]! ** 2;
    const d = morrisDesign(40, 5, 11);
    const m = morrisIndices(d, evaluate(d, f), { resamples: 500, seed: 2 });
    const ranked = m.muStar.map((x, i) => [x.estimate, i] as const).sort((p, q) => q[0] - p[0]).map(([, i]) => i);
    expect(ranked.slice(3).sort()).toEqual([3, 4]);
    expect(ranked[0]).toBe(0);
    for (const i of [3, 4]) expect(m.muStar[i]).toEqual({ estimate: 0, low: 0, high: 0 });
    for (const i of [0, 1, 2]) expect(m.muStar[i]!.low).toBeGreaterThan(0);
    // x1 acts only with x0: its effect varies, so σ > 0; x2 is additive but curved, so σ > 0 too.
    expect(m.sigma[1]!.estimate).toBeGreaterThan(0);
  });
});
