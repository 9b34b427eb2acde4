/** The Saltelli design: A and B from one 2k-dimensional Sobol' sequence, A_B^(i) from both, N validated, inputs scaled by inverse CDFs. */
import { describe, expect, it } from 'vitest';
import { evaluateDesign, saltelliDesign, saltelliProblems, scaleDesign } from '../../src/explore/saltelli.ts';
import { sobolPoints } from '../../src/explore/sobol.ts';

describe('Saltelli design', () => {
  it('takes A and B as the left and right halves of points N..2N−1 of one 2k-dimensional Sobol sequence', () => {
    const n = 8;
    const k = 3;
    const d = saltelliDesign(n, k);
    const points = sobolPoints(n, 2 * k, n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < k; i++) {
        expect(d.a[j * k + i]).toBe(points[j * 2 * k + i]);
        expect(d.b[j * k + i]).toBe(points[j * 2 * k + k + i]);
      }
    }
    expect(d.a.some((x, t) => x !== d.b[t])).toBe(true);
    expect(d.a.every((x) => x > 0 && x < 1) && d.b.every((x) => x > 0 && x < 1)).toBe(true);
  });

  it('builds A_B^(i) as A with its column i from B', () => {
    const d = saltelliDesign(16, 4);
    expect(d.ab).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 16; j++) {
        for (let c = 0; c < 4; c++) expect(d.ab[i]![j * 4 + c]).toBe(c === i ? d.b[j * 4 + c] : d.a[j * 4 + c]);
      }
    }
  });

  it('names every problem with N and k at once', () => {
    expect(saltelliProblems(256, 3)).toEqual([]);
    const problems = saltelliProblems(100, 0);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/power of two.*got 100/);
    expect(problems[1]).toMatch(/1\.\.32, got 0/);
    expect(() => saltelliDesign(3, 40)).toThrow(/power of two.*; the number of inputs/);
  });

  it('maps each column through its inverse CDF and evaluates the model on every row', () => {
    const d = scaleDesign(saltelliDesign(4, 2), [(u) => 10 + 10 * u, (u) => -u]);
    expect(d.a.every((x, t) => (t % 2 === 0 ? x > 10 && x < 20 : x < 0 && x > -1))).toBe(true);
    const out = evaluateDesign(d, (x) => x[0]! + x[1]!);
    expect(out.fA[2]).toBe(d.a[4]! + d.a[5]!);
    expect(out.fAB[1]![3]).toBe(d.ab[1]![6]! + d.ab[1]![7]!);
    expect(() => scaleDesign(saltelliDesign(4, 2), [(u) => u])).toThrow(/2 inverse CDFs/);
  });
});
