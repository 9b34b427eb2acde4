/**
 * Prior densities of the calibrated parameters: log π(x) for every kind of
 * Distribution (src/scenarios/experiment.ts), −Infinity outside its support.
 * ABC-SMC (abc.ts) needs them for its importance weights and to keep
 * perturbed particles inside the prior's support. Choice gives the log of the
 * normalised weight of the value (a probability, not a density) and fixed 0 at
 * its value: neither can be calibrated (the forecast section rejects them),
 * they are here so that every kind has an answer.
 */
import type { Distribution } from '../scenarios/experiment.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function logPriorDensity(d: Distribution, x: number): number {
  if (Number.isNaN(x)) return -Infinity;
  switch (d.kind) {
    case 'fixed':
      return x === d.value ? 0 : -Infinity;
    case 'uniform':
      if (d.min === d.max) return x === d.min ? 0 : -Infinity;
      return x >= d.min && x <= d.max ? -Math.log(d.max - d.min) : -Infinity;
    case 'normal':
      if (d.sd === 0) return x === d.mean ? 0 : -Infinity;
      return logNormalDensity((x - d.mean) / d.sd) - Math.log(d.sd);
    case 'truncated_normal': {
      if (x < d.min || x > d.max) return -Infinity;
      const mass = normalMass((d.min - d.mean) / d.sd, (d.max - d.mean) / d.sd);
      return logNormalDensity((x - d.mean) / d.sd) - Math.log(d.sd) - Math.log(mass);
    }
    case 'triangular': {
      const { min, mode, max } = d;
      if (x < min || x > max) return -Infinity;
      // x < mode implies mode > min (and x > mode implies max > mode): no division by zero.
      if (x < mode) return Math.log((2 * (x - min)) / ((max - min) * (mode - min)));
      if (x > mode) return Math.log((2 * (max - x)) / ((max - min) * (max - mode)));
      return Math.log(2 / (max - min));
    }
    case 'beta': {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      if (x < lo || x > hi) return -Infinity;
      const y = (x - lo) / (hi - lo);
      return xLogY(d.alpha - 1, y) + xLogY(d.beta - 1, 1 - y) - logBeta(d.alpha, d.beta) - Math.log(hi - lo);
    }
    case 'lognormal': {
      if (d.sdlog === 0) return x === Math.exp(d.meanlog) ? 0 : -Infinity;
      if (!(x > 0)) return -Infinity;
      const l = Math.log(x);
      return logNormalDensity((l - d.meanlog) / d.sdlog) - Math.log(d.sdlog) - l;
    }
    case 'choice': {
      const weights = d.weights ?? d.values.map(() => 1);
      const total = weights.reduce((s, w) => s + w, 0);
      // A value listed twice carries both its weights.
      const mass = d.values.reduce((s, v, i) => (v === x ? s + weights[i]! : s), 0);
      return Math.log(mass / total);
    }
  }
}

/** log φ(z), the standard normal density. */
function logNormalDensity(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** a·log(b) with 0·log(0) = 0: the Beta density's factors at its ends when a shape is 1. */
function xLogY(a: number, b: number): number {
  if (a === 0) return 0;
  return a * Math.log(b);
}

/**
 * Φ(b) − Φ(a) for a ≤ b, from whichever tails keep the precision: a truncation
 * far in the upper tail would lose every digit as a difference of CDFs near 1.
 */
export function normalMass(a: number, b: number): number {
  const r = Math.SQRT1_2;
  if (a >= 0) return 0.5 * (erfc(a * r) - erfc(b * r));
  if (b <= 0) return 0.5 * (erfc(-b * r) - erfc(-a * r));
  return 1 - 0.5 * (erfc(-a * r) + erfc(b * r));
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

/**
 * The complementary error function to about 1e-15 relative, from two classical
 * expansions rather than fitted coefficients (Abramowitz & Stegun 7.1.6 and 7.1.14):
 *   x < 2: erf x = (2/√π) e^{−x²} Σ_n 2ⁿ x^{2n+1} / (1·3·…·(2n+1)), all terms positive, and erfc = 1 − erf
 *          (erfc(2) ≈ 0.005, so the subtraction costs under two digits);
 *   x ≥ 2: erfc x = (e^{−x²}/√π) · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))), evaluated by Lentz's method.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0; // below the smallest double
  // Continued fraction b0 + a1/(b1 + a2/(b2 + …)) with b_n = x, a_n = n/2 (modified Lentz).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let dd = 0;
  for (let n = 1; n < 1000; n++) {
    const a = n / 2;
    dd = x + a * dd;
    dd = dd === 0 ? 1 / tiny : 1 / dd;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * dd;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

// Lanczos (g = 7, 9 terms): log Γ to about 1e-15 relative for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (the reflection formula below 1/2). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}
