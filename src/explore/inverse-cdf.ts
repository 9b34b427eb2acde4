/**
 * Inverse CDFs of the scenario's distributions, so a design on the unit cube maps onto the
 * uncertainties as they are drawn in `uptake run` (docs/explore.md, "The design").
 */
import type { Distribution } from '../scenarios/experiment.ts';
import type { InverseCdf } from './saltelli.ts';

/** Φ⁻¹ by Acklam's rational approximation (relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // No refinement step: Φ below is accurate to 1.2e-7 only, which would undo Acklam's 1e-9.
  return x;
}

/** Φ, through erfc (W. J. Cody's rational Chebyshev fit as in Numerical Recipes, erfcc: error below 1.2e-7 relative). */
export function normalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  const erfc = x >= 0 ? y : 2 - y;
  return 0.5 * erfc;
}

function logGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const gj of g) ser += gj / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** The regularised incomplete beta I_x(a, b), by its continued fraction (Numerical Recipes, betacf). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  const cf = (xx: number, aa: number, bb: number): number => {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - ((aa + bb) * xx) / (aa + 1);
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 300; m++) {
      const m2 = 2 * m;
      let num = (m * (bb - m) * xx) / ((aa + m2 - 1) * (aa + m2));
      d = 1 + num * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
      num = (-(aa + m) * (aa + bb + m) * xx) / ((aa + m2) * (aa + m2 + 1));
      d = 1 + num * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      const del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-14) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (front * cf(x, a, b)) / a : 1 - (front * cf(1 - x, b, a)) / b;
}

/** The inverse CDF of a distribution: u in (0, 1) to the value `uptake run` would draw with that probability below it. */
export function inverseCdf(d: Distribution): InverseCdf {
  switch (d.kind) {
    case 'fixed':
      return () => d.value;
    case 'uniform':
      return (u) => d.min + (d.max - d.min) * u;
    case 'normal':
      return (u) => d.mean + d.sd * normalQuantile(u);
    case 'truncated_normal': {
      const lo = normalCdf((d.min - d.mean) / d.sd);
      const hi = normalCdf((d.max - d.mean) / d.sd);
      return (u) => Math.min(d.max, Math.max(d.min, d.mean + d.sd * normalQuantile(lo + u * (hi - lo))));
    }
    case 'triangular': {
      const c = (d.mode - d.min) / (d.max - d.min || 1);
      return (u) => (u < c
        ? d.min + Math.sqrt(u * (d.max - d.min) * (d.mode - d.min))
        : d.max - Math.sqrt((1 - u) * (d.max - d.min) * (d.max - d.mode)));
    }
    case 'beta': {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      // Bisection: I_x is monotone, and 60 halvings reach double precision on [0, 1].
      return (u) => {
        let a = 0;
        let b = 1;
        for (let i = 0; i < 60; i++) {
          const m = (a + b) / 2;
          if (incompleteBeta(m, d.alpha, d.beta) < u) a = m;
          else b = m;
        }
        return lo + (hi - lo) * ((a + b) / 2);
      };
    }
    case 'lognormal':
      return (u) => Math.exp(d.meanlog + d.sdlog * normalQuantile(u));
    case 'choice': {
      const weights = d.weights ?? d.values.map(() => 1);
      const total = weights.reduce((s, w) => s + w, 0);
      return (u) => {
        let left = u * total;
        for (let i = 0; i < d.values.length; i++) {
          left -= weights[i]!;
          if (left < 0) return d.values[i]!;
        }
        return d.values[d.values.length - 1]!;
      };
    }
  }
}
