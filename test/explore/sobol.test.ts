/** The Sobol' sequence matches Joe and Kuo's published points and keeps its balance in every embedded dimension. */
import { describe, expect, it } from 'vitest';
import { directionNumbers, Sobol, SOBOL_MAX_DIMENSION, sobolPoints } from '../../src/explore/sobol.ts';

describe('Sobol sequence', () => {
  it('gives the 10 points in 3 dimensions printed on the Joe–Kuo page as the output of `sobol 10 3 new-joe-kuo-6.21201`', () => {
    const want = [
      [0, 0, 0],
      [0.5, 0.5, 0.5],
      [0.75, 0.25, 0.25],
      [0.25, 0.75, 0.75],
      [0.375, 0.375, 0.625],
      [0.875, 0.875, 0.125],
      [0.625, 0.125, 0.875],
      [0.125, 0.625, 0.375],
      [0.1875, 0.3125, 0.9375],
      [0.6875, 0.8125, 0.4375],
    ];
    expect(Array.from(sobolPoints(10, 3))).toEqual(want.flat());
  });

  it('gives the first 8 points in 2 dimensions that scipy.stats.qmc.Sobol(scramble=False) gives', () => {
    const want = [0, 0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375, 0.875, 0.875, 0.625, 0.125, 0.125, 0.625];
    expect(Array.from(sobolPoints(8, 2))).toEqual(want);
  });

  it('skips points on request, continuing the same sequence', () => {
    const all = sobolPoints(16, 5);
    expect(Array.from(sobolPoints(8, 5, 8))).toEqual(Array.from(all.subarray(40)));
    const seq = new Sobol(5, 3);
    const out = new Float64Array(5);
    seq.next(out);
    expect(Array.from(out)).toEqual(Array.from(all.subarray(15, 20)));
  });

  it('puts exactly one of the first 2^m points in each of 2^m equal bins, in every embedded dimension', () => {
    const n = 1024;
    const points = sobolPoints(n, SOBOL_MAX_DIMENSION);
    for (let d = 0; d < SOBOL_MAX_DIMENSION; d++) {
      const seen = new Uint8Array(n);
      for (let i = 0; i < n; i++) seen[Math.floor(points[i * SOBOL_MAX_DIMENSION + d]! * n)]++;
      expect(seen.every((c) => c === 1), `dimension ${d + 1}`).toBe(true);
    }
  });

  it('puts one of the first 16 points of dimensions 1 and 2 in each cell of a 4 × 4 grid, as a (0,4,2)-net does', () => {
    const points = sobolPoints(16, 2);
    const cells = new Uint8Array(16);
    for (let i = 0; i < 16; i++) cells[Math.floor(points[2 * i]! * 4) * 4 + Math.floor(points[2 * i + 1]! * 4)]++;
    expect(Array.from(cells)).toEqual(new Array(16).fill(1));
  });

  it('has direction numbers m_i that are odd and below 2^i, as the construction requires', () => {
    for (let d = 2; d <= SOBOL_MAX_DIMENSION; d++) {
      const v = directionNumbers(d);
      for (let i = 0; i < 32; i++) {
        const m = v[i]! / 2 ** (31 - i);
        expect(Number.isInteger(m) && m % 2 === 1 && m < 2 ** (i + 1), `dimension ${d}, i ${i + 1}`).toBe(true);
      }
    }
  });

  it('refuses a dimension outside the embedded table', () => {
    expect(() => new Sobol(0)).toThrow(RangeError);
    expect(() => new Sobol(SOBOL_MAX_DIMENSION + 1)).toThrow(/1\.\.64/);
  });
});
