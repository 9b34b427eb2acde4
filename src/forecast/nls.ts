/**
 * A small Levenberg–Marquardt solver for bounded nonlinear least squares:
 * minimise Σ r_i(θ)² over lower ≤ θ ≤ upper. Marquardt's scaling (the damping
 * term is λ·diag(JᵀJ)) makes it indifferent to parameters of very different
 * sizes (the Bass model's p ≈ 0.01 next to m ≈ 10⁴). The Jacobian is taken by
 * central differences unless one is given; a step that leaves the box is
 * projected back onto it.
 */

export interface NlsOptions {
  lower?: number[];
  upper?: number[];
  /** Analytic Jacobian: row i holds ∂r_i/∂θ_j. */
  jacobian?: (theta: number[]) => number[][];
  maxIterations?: number;
  /** Stop when the relative change of the sum of squares and of every parameter is below this. */
  tolerance?: number;
}

export interface NlsResult {
  theta: number[];
  /** Sum of squared residuals at theta. */
  sse: number;
  residuals: number[];
  iterations: number;
  converged: boolean;
}

export function levenbergMarquardt(residual: (theta: number[]) => number[], start: number[], options: NlsOptions = {}): NlsResult {
  const k = start.length;
  const lower = options.lower ?? start.map(() => -Infinity);
  const upper = options.upper ?? start.map(() => Infinity);
  const clamp = (theta: number[]): number[] => theta.map((v, j) => Math.min(upper[j]!, Math.max(lower[j]!, v)));
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-12;
  const jacobian = options.jacobian ?? ((theta: number[]) => numericJacobian(residual, theta, lower, upper));

  let theta = clamp(start);
  let r = residual(theta);
  let sse = sumSquares(r);
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations) {
    iterations++;
    const J = jacobian(theta);
    const JtJ = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => J.reduce((s, row) => s + row[a]! * row[b]!, 0)));
    const Jtr = Array.from({ length: k }, (_, a) => J.reduce((s, row, i) => s + row[a]! * r[i]!, 0));
    let improved = false;
    while (lambda < 1e16) {
      const A = JtJ.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-300) : v)));
      const delta = solve(A, Jtr.map((v) => -v));
      if (delta === undefined) {
        lambda *= 10;
        continue;
      }
      const candidate = clamp(theta.map((v, j) => v + delta[j]!));
      const rc = residual(candidate);
      const sc = sumSquares(rc);
      if (Number.isFinite(sc) && sc <= sse) {
        const smallStep = candidate.every((v, j) => Math.abs(v - theta[j]!) <= tolerance * Math.max(Math.abs(theta[j]!), 1e-12));
        const smallGain = sse - sc <= tolerance * Math.max(sse, 1e-300);
        theta = candidate;
        r = rc;
        sse = sc;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = true;
        if (smallStep || smallGain) converged = true;
        break;
      }
      lambda *= 10;
    }
    if (!improved) {
      // No step lowers the sum of squares: theta is a (possibly bounded) minimum.
      converged = true;
      break;
    }
    if (converged) break;
  }
  return { theta, sse, residuals: r, iterations, converged };
}

function sumSquares(r: number[]): number {
  let s = 0;
  for (const v of r) s += v * v;
  return s;
}

/** Central differences, one-sided where a bound is in the way. */
export function numericJacobian(residual: (theta: number[]) => number[], theta: number[], lower: number[], upper: number[]): number[][] {
  const r0 = residual(theta);
  const J = r0.map(() => new Array<number>(theta.length).fill(0));
  theta.forEach((v, j) => {
    const h = 1e-6 * Math.max(Math.abs(v), 1e-8);
    const up = Math.min(v + h, upper[j]!);
    const down = Math.max(v - h, lower[j]!);
    const plus = residual(theta.map((x, i) => (i === j ? up : x)));
    const minus = residual(theta.map((x, i) => (i === j ? down : x)));
    const width = up - down;
    if (width <= 0) return;
    for (let i = 0; i < r0.length; i++) J[i]![j] = (plus[i]! - minus[i]!) / width;
  });
  return J;
}

/** Gaussian elimination with partial pivoting; undefined for a singular system. */
export function solve(A: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(M[i]![c]!) > Math.abs(M[pivot]![c]!)) pivot = i;
    if (!(Math.abs(M[pivot]![c]!) > 0)) return undefined;
    [M[c], M[pivot]] = [M[pivot]!, M[c]!];
    for (let i = c + 1; i < n; i++) {
      const f = M[i]![c]! / M[c]![c]!;
      for (let j = c; j <= n; j++) M[i]![j]! -= f * M[c]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= M[i]![j]! * x[j]!;
    x[i] = s / M[i]![i]!;
  }
  return x.every(Number.isFinite) ? x : undefined;
}
