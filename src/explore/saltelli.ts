/**
 * The Saltelli (2010) design for first-order and total Sobol' indices
 * (A. Saltelli et al., "Variance based sensitivity analysis of model output.
 * Design and estimator for the total sensitivity index", Computer Physics
 * Communications 181, 2010, §5): two N × k matrices A and B from one
 * 2k-dimensional Sobol' sequence (A its left k columns, B its right k), and k
 * matrices A_B^(i), each A with its column i taken from B. N(k + 2) model runs.
 *
 * The design starts at point N of the sequence (the points N..2N−1 are a whole
 * block, so a (t, m, 2k)-net like the first N, and none of their coordinates
 * is 0, which an inverse CDF would send to −∞). Its first N/2 rows are a block
 * too, which is what the estimates at N/2 use.
 */
import { Sobol, SOBOL_MAX_DIMENSION } from './sobol.ts';

export interface SaltelliDesign {
  /** N, the base sample size (a power of two). */
  readonly n: number;
  /** k, the number of inputs. */
  readonly k: number;
  /** A, N × k row-major. */
  readonly a: Float64Array;
  /** B, N × k row-major. */
  readonly b: Float64Array;
  /** A_B^(i) for i = 0..k−1, each N × k row-major: A with column i from B. */
  readonly ab: Float64Array[];
}

/** The largest number of inputs the embedded Sobol' table allows (2k dimensions). */
export const SALTELLI_MAX_INPUTS = Math.floor(SOBOL_MAX_DIMENSION / 2);

/** Whether n is a power of two (1, 2, 4, …). */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 2 ** 31 && (n & (n - 1)) === 0;
}

/** Problems with a Saltelli design's size, each a sentence; empty when valid. */
export function saltelliProblems(n: number, k: number): string[] {
  const problems: string[] = [];
  if (!isPowerOfTwo(n) || n < 2) problems.push(`N must be a power of two of at least 2 (for example 256, 512, 1024), got ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > SALTELLI_MAX_INPUTS) problems.push(`the number of inputs must be 1..${SALTELLI_MAX_INPUTS}, got ${k}`);
  return problems;
}

/** The design on the unit cube. Throws a RangeError listing every problem with N and k. */
export function saltelliDesign(n: number, k: number): SaltelliDesign {
  const problems = saltelliProblems(n, k);
  if (problems.length > 0) throw new RangeError(problems.join('; '));
  const seq = new Sobol(2 * k, n);
  const row = new Float64Array(2 * k);
  const a = new Float64Array(n * k);
  const b = new Float64Array(n * k);
  for (let j = 0; j < n; j++) {
    seq.next(row);
    a.set(row.subarray(0, k), j * k);
    b.set(row.subarray(k), j * k);
  }
  const ab: Float64Array[] = [];
  for (let i = 0; i < k; i++) {
    const m = a.slice();
    for (let j = 0; j < n; j++) m[j * k + i] = b[j * k + i]!;
    ab.push(m);
  }
  return { n, k, a, b, ab };
}

/** An inverse CDF: a probability in (0, 1) to a value of the input. */
export type InverseCdf = (u: number) => number;

/** The design mapped from the unit cube to the inputs' distributions, column i through inverseCdfs[i]. */
export function scaleDesign(design: SaltelliDesign, inverseCdfs: readonly InverseCdf[]): SaltelliDesign {
  const { n, k } = design;
  if (inverseCdfs.length !== k) throw new RangeError(`expected ${k} inverse CDFs, one per input, got ${inverseCdfs.length}`);
  const scale = (m: Float64Array): Float64Array => {
    const out = new Float64Array(m.length);
    for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) out[j * k + i] = inverseCdfs[i]!(m[j * k + i]!);
    return out;
  };
  return { n, k, a: scale(design.a), b: scale(design.b), ab: design.ab.map(scale) };
}

/** The model outputs on a design: f(A), f(B) and f(A_B^(i)), each of length N. */
export interface SaltelliOutputs {
  readonly fA: Float64Array;
  readonly fB: Float64Array;
  readonly fAB: Float64Array[];
}

/** Evaluates f on every row of the design (f gets a view of one row; it must not keep it). */
export function evaluateDesign(design: SaltelliDesign, f: (x: Float64Array) => number): SaltelliOutputs {
  const { n, k } = design;
  const run = (m: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) out[j] = f(m.subarray(j * k, j * k + k));
    return out;
  };
  return { fA: run(design.a), fB: run(design.b), fAB: design.ab.map(run) };
}
