/**
 * Seeded random numbers. seedrandom's xor4096 is one of its fast generators
 * (about 5 ns a draw here; its default ARC4 is ten times slower). Seeds are
 * derived, never shared: deriveSeed(base, ...labels) mixes a base seed with
 * labels (rollout index, purpose) into an independent 32-bit seed.
 */
import seedrandom from 'seedrandom';

export type Random = () => number;

export function createRandom(seed: number | string): Random {
  return seedrandom.xor4096(String(seed)) as unknown as Random;
}

/**
 * seedrandom's xor4096 (Brent's xorgens with a Weyl sequence), seeded by
 * seedrandom and stepped here with its state in an Int32Array: the same
 * stream, bit for bit (test/model/rng.test.ts), but a monomorphic method the
 * JIT inlines into the simulation's hot loop, where a closure per rollout
 * would not be.
 */
export class Xor4096 {
  private readonly x = new Int32Array(128);
  private w: number;
  private i: number;

  constructor(seed: number | string) {
    const state = (seedrandom.xor4096(String(seed), { state: true }) as unknown as { state(): { X: number[]; w: number; i: number } }).state();
    this.x.set(state.X);
    this.w = state.w;
    this.i = state.i;
  }

  /** An independent generator at this one's exact position: both give the same stream from here. */
  clone(): Xor4096 {
    const copy = Object.create(Xor4096.prototype) as { x: Int32Array; w: number; i: number };
    Object.assign(copy, { x: this.x.slice(), w: this.w, i: this.i });
    return copy as unknown as Xor4096;
  }

  /** A uniform draw in [0, 1) with 32 bits, as seedrandom's `prng()`. */
  next(): number {
    const x = this.x;
    const w = (this.w = (this.w + 0x61c88647) | 0);
    let v = x[(this.i + 34) & 127]!;
    const i = (this.i = (this.i + 1) & 127);
    let t = x[i]!;
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = x[i] = v ^ t;
    // Multiplying by 2^-32 is exact: the same double as seedrandom's division.
    return ((v + (w ^ (w >>> 16))) >>> 0) * 2.3283064365386963e-10;
  }
}

/** A 32-bit seed from a base seed and labels (splitmix-style mixing of a string hash). */
export function deriveSeed(base: number | string, ...labels: (number | string)[]): number {
  let h = 0x9e3779b9 ^ 0;
  const text = [String(base), ...labels.map(String)].join('\u0001');
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
    h = (h << 13) | (h >>> 19);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Standard normal draw (Box-Muller; used at build time only). */
export function normal(random: Random): number {
  let u = random();
  while (u <= 1e-300) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) draw (Marsaglia-Tsang), for Beta draws at build time. */
export function gamma(random: Random, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * Math.pow(random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta draw with the given mean and concentration (alpha + beta). */
export function betaMean(random: Random, mean: number, concentration = 4): number {
  const a = gamma(random, mean * concentration);
  const b = gamma(random, (1 - mean) * concentration);
  return a / (a + b);
}

/** 0, 1, …, n − 1 (what shuffles and sorts of employees start from). */
export function indices(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Fisher-Yates shuffle in place. */
export function shuffle<T extends { length: number; [i: number]: number } | number[]>(random: Random, items: T): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}
