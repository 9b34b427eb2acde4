/**
 * Distributions as written in scenario files, e.g. `{uniform: [0.4, 0.8]}` or
 * `{truncated_normal: {mean: 0.5, sd: 0.1, min: 0, max: 1}}`, turned into the
 * experiment's Distribution, with checks that the parameters are possible and
 * that every value the distribution can produce is allowed for its parameter.
 */
import type { Distribution } from './experiment.ts';

export const DISTRIBUTION_KINDS = ['fixed', 'uniform', 'normal', 'truncated_normal', 'triangular', 'beta', 'lognormal', 'choice'] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

/** Positional (list) form of each kind's parameters: `{uniform: [min, max]}`. */
export const POSITIONAL: Record<Exclude<DistributionKind, 'fixed' | 'choice'>, readonly string[]> = {
  uniform: ['min', 'max'],
  normal: ['mean', 'sd'],
  truncated_normal: ['mean', 'sd', 'min', 'max'],
  triangular: ['min', 'mode', 'max'],
  beta: ['alpha', 'beta'],
  lognormal: ['meanlog', 'sdlog'],
};

/** The one key of a distribution object, if it has exactly one known key. */
export function distributionKind(raw: unknown): DistributionKind | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const keys = Object.keys(raw);
  return keys.length === 1 && (DISTRIBUTION_KINDS as readonly string[]).includes(keys[0]!) ? (keys[0] as DistributionKind) : undefined;
}

/** Normalise a schema-valid distribution object; undefined when it is not one. */
export function toDistribution(raw: unknown): Distribution | undefined {
  const kind = distributionKind(raw);
  if (kind === undefined) return undefined;
  const body = (raw as Record<string, unknown>)[kind];
  if (kind === 'fixed') return typeof body === 'number' ? { kind, value: body } : undefined;
  if (kind === 'choice') {
    if (Array.isArray(body)) return { kind, values: body as number[] };
    const o = body as { values?: number[]; weights?: number[] };
    if (!o || !Array.isArray(o.values)) return undefined;
    return o.weights === undefined ? { kind, values: o.values } : { kind, values: o.values, weights: o.weights };
  }
  const fields: Record<string, number> = {};
  if (Array.isArray(body)) {
    POSITIONAL[kind].forEach((name, i) => {
      if (typeof body[i] === 'number') fields[name] = body[i] as number;
    });
  } else if (typeof body === 'object' && body !== null) {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'number') fields[k] = v;
  } else {
    return undefined;
  }
  return { kind, ...fields } as Distribution;
}

export interface DistributionProblem {
  message: string;
  hint?: string;
  /** Field inside the distribution the problem is about (`min`, `weights`...), if any. */
  field?: string;
}

/** Impossible parameters, whatever the parameter the distribution is for. */
export function distributionProblems(d: Distribution): DistributionProblem[] {
  const out: DistributionProblem[] = [];
  switch (d.kind) {
    case 'uniform':
      if (d.min > d.max) out.push({ message: `uniform min ${d.min} is above max ${d.max}`, hint: `swap them: [${d.max}, ${d.min}]`, field: 'min' });
      break;
    case 'normal':
      if (!(d.sd >= 0)) out.push({ message: `normal sd must be 0 or more, got ${d.sd}`, hint: `did you mean sd: ${Math.abs(d.sd)}?`, field: 'sd' });
      break;
    case 'truncated_normal':
      if (!(d.sd > 0)) out.push({ message: `truncated_normal sd must be above 0, got ${d.sd}`, hint: d.sd < 0 ? `did you mean sd: ${Math.abs(d.sd)}?` : 'use fixed for a single value', field: 'sd' });
      if (d.min >= d.max) out.push({ message: `truncated_normal min ${d.min} must be below max ${d.max}`, hint: 'swap them', field: 'min' });
      else if (d.sd > 0 && truncatedMass(d.mean, d.sd, d.min, d.max) < 1e-6) {
        out.push({ message: `truncated_normal keeps almost nothing: mean ${d.mean} lies more than 5 sd outside ${d.min}..${d.max}`, hint: 'move the mean inside the range or widen sd', field: 'mean' });
      }
      break;
    case 'triangular':
      if (d.min >= d.max) out.push({ message: `triangular min ${d.min} must be below max ${d.max}`, hint: 'write [min, mode, max]', field: 'min' });
      else if (d.mode < d.min || d.mode > d.max) out.push({ message: `triangular mode ${d.mode} lies outside min..max (${d.min}..${d.max})`, hint: 'write [min, mode, max] with min <= mode <= max', field: 'mode' });
      break;
    case 'beta':
      if (!(d.alpha > 0)) out.push({ message: `beta alpha must be above 0, got ${d.alpha}`, hint: 'alpha and beta are shape parameters, e.g. {alpha: 2, beta: 5}', field: 'alpha' });
      if (!(d.beta > 0)) out.push({ message: `beta beta must be above 0, got ${d.beta}`, hint: 'alpha and beta are shape parameters, e.g. {alpha: 2, beta: 5}', field: 'beta' });
      if ((d.min ?? 0) >= (d.max ?? 1)) out.push({ message: `beta min ${d.min ?? 0} must be below max ${d.max ?? 1}`, field: 'min' });
      break;
    case 'lognormal':
      if (!(d.sdlog >= 0)) out.push({ message: `lognormal sdlog must be 0 or more, got ${d.sdlog}`, hint: `did you mean sdlog: ${Math.abs(d.sdlog)}?`, field: 'sdlog' });
      break;
    case 'choice':
      if (d.values.length === 0) out.push({ message: 'choice needs at least one value', hint: 'e.g. {choice: [4, 8, 12]}', field: 'values' });
      if (d.weights !== undefined) {
        if (d.weights.length !== d.values.length) {
          out.push({ message: `choice has ${d.values.length} values but ${d.weights.length} weights`, hint: 'give one weight per value, in the same order', field: 'weights' });
        } else if (d.weights.some((w) => !(w >= 0)) || d.weights.reduce((s, w) => s + w, 0) <= 0) {
          out.push({ message: 'choice weights must be 0 or more and not all 0', field: 'weights' });
        }
      }
      break;
    case 'fixed':
      break;
  }
  return out;
}

/** Smallest and largest values the distribution can produce (possibly infinite). */
export function support(d: Distribution): [number, number] {
  switch (d.kind) {
    case 'fixed':
      return [d.value, d.value];
    case 'uniform':
      return [d.min, d.max];
    case 'normal':
      return d.sd === 0 ? [d.mean, d.mean] : [-Infinity, Infinity];
    case 'truncated_normal':
      return [d.min, d.max];
    case 'triangular':
      return [d.min, d.max];
    case 'beta':
      return [d.min ?? 0, d.max ?? 1];
    case 'lognormal':
      return d.sdlog === 0 ? [Math.exp(d.meanlog), Math.exp(d.meanlog)] : [0, Infinity];
    case 'choice':
      return d.values.length ? [Math.min(...d.values), Math.max(...d.values)] : [NaN, NaN];
  }
}

/** Mean of the distribution (approximate for truncated normals), for summaries and starter values. */
export function centre(d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'normal':
      return d.mean;
    case 'truncated_normal':
      return Math.min(d.max, Math.max(d.min, d.mean));
    case 'triangular':
      return (d.min + d.mode + d.max) / 3;
    case 'beta': {
      const lo = d.min ?? 0;
      const hi = d.max ?? 1;
      return lo + ((hi - lo) * d.alpha) / (d.alpha + d.beta);
    }
    case 'lognormal':
      return Math.exp(d.meanlog + (d.sdlog * d.sdlog) / 2);
    case 'choice': {
      const w = d.weights ?? d.values.map(() => 1);
      const total = w.reduce((s, x) => s + x, 0);
      return d.values.reduce((s, v, i) => s + v * w[i]!, 0) / total;
    }
  }
}

/**
 * A distribution whose values can leave `[min, max]` (a parameter's allowed range):
 * the problem with a hint naming a distribution that fits, or undefined.
 */
export function supportProblem(d: Distribution, range: { min: number; max: number; integer?: boolean }): DistributionProblem | undefined {
  const [lo, hi] = support(d);
  const allowed = `${range.min}..${range.max}`;
  if (lo >= range.min && hi <= range.max) return undefined;
  // Integer parameters are rounded after drawing, so half a step of slack is fine.
  if (range.integer && lo >= range.min - 0.5 && hi < range.max + 0.5 && Number.isFinite(lo) && Number.isFinite(hi)) return undefined;
  const bounded = `{truncated_normal: {mean: ..., sd: ..., min: ${range.min}, max: ${range.max}}}`;
  switch (d.kind) {
    case 'normal':
      return { message: `a normal distribution can produce any value, but this parameter must stay within ${allowed}`, hint: `use truncated_normal, e.g. ${bounded.replace('mean: ...', `mean: ${d.mean}`).replace('sd: ...', `sd: ${d.sd}`)}` };
    case 'lognormal':
      return { message: `a lognormal distribution can produce values up to infinity, but this parameter must stay within ${allowed}`, hint: `use truncated_normal or triangular within ${allowed}` };
    case 'beta':
      return { message: `beta spans ${lo}..${hi}, outside the allowed ${allowed}`, hint: `set min and max inside ${allowed}, e.g. {beta: {alpha: ${d.alpha}, beta: ${d.beta}, min: ${Math.max(lo, range.min)}, max: ${Math.min(hi, range.max)}}}` };
    default: {
      const bad = lo < range.min ? lo : hi;
      const percent = range.max === 1 && range.min >= 0 && bad > 1 && bad <= 100;
      return {
        message: `${d.kind} can produce ${bad}, outside the allowed ${allowed}`,
        hint: percent ? `shares are written 0..1: did you mean ${(bad / 100).toFixed(2)}?` : `keep every value within ${allowed}`,
      };
    }
  }
}

// Abramowitz–Stegun 7.1.26: enough to spot truncations that keep nothing.
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function normalCdf(z: number): number {
  if (z < -8) return 0;
  if (z > 8) return 1;
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

function truncatedMass(mean: number, sd: number, min: number, max: number): number {
  // Outside 5 sd the approximation underflows to 0, which is what we want to catch.
  const a = (min - mean) / sd;
  const b = (max - mean) / sd;
  if (a > 5 || b < -5) return 0;
  return normalCdf(b) - normalCdf(a);
}
