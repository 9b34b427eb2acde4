/**
 * Mergeable, order-independent summaries of a stream of numbers, so memory
 * stays flat in the number of rollouts and shards merge exactly.
 *
 * A Sketch counts values in buckets (counts add up whatever the order),
 * keeps the exact minimum and maximum, the count of NaN ("never"), and the
 * exact sum as a list of non-overlapping partials (Shewchuk's algorithm, as
 * Python's math.fsum): the mean is the correctly rounded sum divided by the
 * count, so it is the same bit for bit however the stream was split.
 *
 * Sums are exact and cheap: each value is rounded to a multiple of a power
 * of two (the kind's quantum, e.g. 2^-32 for shares) and, while the total stays
 * below 2^53 quanta, floating-point addition of such numbers is exact; past
 * that the sum continues as Shewchuk partials (exact, slower). The mean is the
 * correctly rounded exact sum of the rounded values over n, the same bit for
 * bit in any order.
 *
 * Buckets:
 * - linear(width): bucket i holds values that round to i × width; a reported
 *   quantile is within width / 2 of the exact one (exact for integers when width is 1);
 * - log(alpha): DDSketch (Masson et al. 2019) buckets of ratio γ = (1+α)/(1−α), mirrored
 *   for negative values; a reported quantile is within a relative α of the exact one.
 *   |x| below 1e-9 counts as zero.
 * Quantiles interpolate between order statistics (R type 7, numpy's default);
 * each order statistic is within the error above, the minimum and maximum exact.
 */

export type SketchKind = ({ type: 'linear'; width: number } | { type: 'log'; alpha: number }) & {
  /** Power of two: values are rounded to a multiple of it before summing (see Sketch). */
  quantum?: number;
};

/** Default rounding of values before summing: 2^-16. */
export const DEFAULT_QUANTUM = 2 ** -16;

const ZERO_LIMIT = 1e-9;
const MAX_BUCKETS = 1 << 22;

/** Counts over a contiguous, growing range of bucket indices. */
class Store {
  offset = 0;
  counts: Float64Array = new Float64Array(0);

  add(index: number, count = 1): void {
    const len = this.counts.length;
    if (len === 0) {
      this.counts = new Float64Array(8);
      this.offset = index - 4;
    } else if (index < this.offset || index >= this.offset + len) {
      const lo = Math.min(this.offset, index);
      const hi = Math.max(this.offset + len - 1, index);
      // Grow with slack on the side that grew, so a drifting stream does not copy every time.
      const extra = Math.max(8, (hi - lo + 1) >> 1);
      const newLo = index < this.offset ? lo - extra : lo;
      const newLen = hi - newLo + 1 + (index >= this.offset + len ? extra : 0);
      // A share of 1e6 would ask for a billion buckets: a bug upstream, not something to allocate.
      if (newLen > MAX_BUCKETS) throw new RangeError(`a summary would need ${newLen} buckets: value far outside the range of its metric`);
      const next = new Float64Array(newLen);
      next.set(this.counts, this.offset - newLo);
      this.counts = next;
      this.offset = newLo;
    }
    this.counts[index - this.offset]! += count;
  }

  /** [offset, counts] with zero ends trimmed: a compact, canonical form. */
  toJSON(): [number, number[]] {
    let a = 0;
    let b = this.counts.length;
    while (a < b && this.counts[a] === 0) a++;
    while (b > a && this.counts[b - 1] === 0) b--;
    return [this.offset + a, Array.from(this.counts.subarray(a, b))];
  }

  addAll([offset, counts]: [number, number[]]): void {
    for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) this.add(offset + i, counts[i]!);
  }
}

export interface SketchJSON {
  kind: SketchKind;
  n: number;
  nan: number;
  min: number | null;
  max: number | null;
  sum: number[];
  zero: number;
  pos: [number, number[]];
  neg: [number, number[]];
}

export class Sketch {
  readonly kind: SketchKind;
  /** Finite values added. */
  n = 0;
  /** NaN (and other non-finite) values added: "never". */
  nan = 0;
  min = Infinity;
  max = -Infinity;
  /** Exact sum while |total| < limit; then `partials` take over. */
  private total = 0;
  private partials: number[] | null = null;
  private readonly quantum: number;
  private readonly inverseQuantum: number;
  private readonly limit: number;
  private zero = 0;
  private readonly pos = new Store();
  private readonly neg = new Store();
  private readonly inverseWidth: number;
  private readonly logGamma: number;
  private readonly linear: boolean;

  constructor(kind: SketchKind) {
    this.kind = kind;
    this.linear = kind.type === 'linear';
    this.inverseWidth = kind.type === 'linear' ? 1 / kind.width : 0;
    this.logGamma = kind.type === 'log' ? Math.log((1 + kind.alpha) / (1 - kind.alpha)) : 0;
    this.quantum = kind.quantum ?? DEFAULT_QUANTUM;
    this.inverseQuantum = 1 / this.quantum;
    this.limit = 2 ** 53 * this.quantum;
  }

  private addToSum(q: number): void {
    if (this.partials === null) {
      const t = this.total + q;
      if (Math.abs(t) < this.limit) {
        this.total = t;
        return;
      }
      this.partials = [this.total];
    }
    addPartial(this.partials, q);
  }

  /** Adds one value. The runner's main thread calls this for every week of every rollout: kept lean. */
  add(x: number): void {
    if (!Number.isFinite(x)) {
      this.nan++;
      return;
    }
    this.n++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    const q = Math.round(x * this.inverseQuantum) * this.quantum;
    const t = this.total + q;
    if (this.partials === null && Math.abs(t) < this.limit) this.total = t;
    else this.addToSum(q);
    let store: Store;
    let index: number;
    if (this.linear) {
      index = Math.round(x * this.inverseWidth);
      store = index >= 0 ? this.pos : this.neg;
      if (index < 0) index = -index;
    } else if (x > ZERO_LIMIT) {
      index = Math.ceil(Math.log(x) / this.logGamma);
      store = this.pos;
    } else if (x < -ZERO_LIMIT) {
      index = Math.ceil(Math.log(-x) / this.logGamma);
      store = this.neg;
    } else {
      this.zero++;
      return;
    }
    // Fast path: the bucket is inside the store's current range.
    const j = index - store.offset;
    const counts = store.counts;
    if (j >= 0 && j < counts.length) counts[j]! += 1;
    else store.add(index);
  }

  /** Numbers held in memory (bucket slots and sum partials): bounded by the metric's range, not by the count. */
  footprint(): number {
    return this.pos.counts.length + this.neg.counts.length + (this.partials?.length ?? 1);
  }

  /** Exact mean (correctly rounded sum / n); NaN when empty. */
  mean(): number {
    return this.n === 0 ? NaN : this.sum() / this.n;
  }

  /** Exact sum, correctly rounded. */
  sum(): number {
    return this.partials === null ? this.total : exactTotal(this.partials);
  }

  /**
   * Quantile q in [0, 1], interpolated between order statistics as R's type 7
   * (numpy's default): h = q (n − 1), x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋+1 − x⌊h⌋), each order
   * statistic approximated within the stated error (the smallest and largest exactly).
   * NaN when empty.
   */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const h = q * (this.n - 1);
    const k = Math.floor(h);
    const frac = h - k;
    const lower = this.orderStatistic(k);
    if (frac === 0) return lower;
    const upper = this.orderStatistic(k + 1);
    return Math.min(this.max, Math.max(this.min, lower + frac * (upper - lower)));
  }

  /** The k-th smallest value (0-based), within the stated error; the extremes exact. */
  private orderStatistic(k: number): number {
    if (k <= 0) return this.min;
    if (k >= this.n - 1) return this.max;
    let seen = 0;
    let value = NaN;
    this.forEachBucket((v, count) => {
      if (Number.isNaN(value) && seen + count > k) value = v;
      seen += count;
    });
    return Math.min(this.max, Math.max(this.min, value));
  }

  /** Visits buckets in increasing order of value with their representative value and count. */
  forEachBucket(visit: (value: number, count: number) => void): void {
    const negCounts = this.neg.counts;
    for (let j = negCounts.length - 1; j >= 0; j--) {
      if (negCounts[j] !== 0) visit(-this.representative(this.neg.offset + j), negCounts[j]!);
    }
    if (this.zero !== 0) visit(0, this.zero);
    const posCounts = this.pos.counts;
    for (let j = 0; j < posCounts.length; j++) {
      if (posCounts[j] !== 0) visit(this.representative(this.pos.offset + j), posCounts[j]!);
    }
  }

  private representative(index: number): number {
    if (this.kind.type === 'linear') return index * this.kind.width;
    const gamma = (1 + this.kind.alpha) / (1 - this.kind.alpha);
    return (2 * Math.exp(index * this.logGamma)) / (gamma + 1);
  }

  /** Adds another sketch of the same kind: the result is as if every value had been added here. */
  merge(other: Sketch | SketchJSON): void {
    const o = other instanceof Sketch ? other.toJSON() : other;
    if (o.kind.type !== this.kind.type) throw new Error('cannot merge sketches of different kinds');
    this.n += o.n;
    this.nan += o.nan;
    if (o.min !== null && o.min < this.min) this.min = o.min;
    if (o.max !== null && o.max > this.max) this.max = o.max;
    // Partials of an exact sum of quanta are multiples of the quantum too.
    for (const p of o.sum) this.addToSum(p);
    this.zero += o.zero;
    this.pos.addAll(o.pos);
    this.neg.addAll(o.neg);
  }

  toJSON(): SketchJSON {
    return {
      kind: this.kind,
      n: this.n,
      nan: this.nan,
      min: this.n ? this.min : null,
      max: this.n ? this.max : null,
      sum: this.partials === null ? [this.total] : [...this.partials],
      zero: this.zero,
      pos: this.pos.toJSON(),
      neg: this.neg.toJSON(),
    };
  }

  static fromJSON(json: SketchJSON): Sketch {
    const s = new Sketch(json.kind);
    s.merge(json);
    return s;
  }
}

/** Adds x to a list of non-overlapping partials holding an exact sum (Shewchuk). */
export function addPartial(partials: number[], x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
}

/** The correctly rounded value of an exact sum held as partials (as math.fsum). */
export function exactTotal(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // Round half to even across the remaining partials.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}
