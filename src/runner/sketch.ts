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

/**
 * One stream of numbers, with the reading side (quantiles, means): a view of one cell of a SketchBank,
 * its own one-cell bank unless made by SketchBank.sketch.
 */
export class Sketch {
  readonly kind: SketchKind;
  private readonly bank: SketchBank;
  private readonly cell: number;

  constructor(kind: SketchKind, bank?: SketchBank, cell = 0) {
    this.kind = kind;
    this.bank = bank ?? new SketchBank([kind], 64);
    this.cell = cell;
  }

  /** Finite values added. */
  get n(): number {
    return this.bank.count(this.cell);
  }

  /** NaN (and other non-finite) values added: "never". */
  get nan(): number {
    return this.bank.nanCount(this.cell);
  }

  get min(): number {
    return this.bank.minimum(this.cell);
  }

  get max(): number {
    return this.bank.maximum(this.cell);
  }

  add(x: number): void {
    this.bank.add(this.cell, x);
  }

  /** Numbers held in memory by its bank (bucket slots and sum partials): bounded by the metric's range, not by the count. */
  footprint(): number {
    return this.bank.footprint();
  }

  /** Exact mean (correctly rounded sum / n); NaN when empty. */
  mean(): number {
    return this.n === 0 ? NaN : this.sum() / this.n;
  }

  /** Exact sum, correctly rounded. */
  sum(): number {
    return this.bank.sum(this.cell);
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

  /**
   * Quantile q over every value added, NaN ("never") counted as later than any
   * value: the definition of every reported quantile of a result in weeks
   * (quantileCountingNever in summary.ts is the same on exact data). Infinity
   * when it falls on or interpolates toward "never"; NaN when nothing was added.
   */
  quantileCountingNever(q: number): number {
    const total = this.n + this.nan;
    if (total === 0) return NaN;
    const h = Math.min(1, Math.max(0, q)) * (total - 1);
    const k = Math.floor(h);
    const frac = h - k;
    if (k >= this.n || (frac > 0 && k + 1 >= this.n)) return Infinity;
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
    this.bank.forEachBucket(this.cell, visit);
  }

  /** Adds another sketch of the same kind: the result is as if every value had been added here. */
  merge(other: Sketch | SketchJSON): void {
    this.bank.merge(this.cell, other instanceof Sketch ? other.toJSON() : other);
  }

  toJSON(): SketchJSON {
    return this.bank.toJSON(this.cell);
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

/**
 * The storage of many sketches (cells) in flat typed arrays: the runner folds
 * one value into each of thousands of per-week sketches per rollout, and with
 * one object graph per sketch (boxed numbers, stores, typed arrays) each value
 * cost a dozen cache misses. Here a cell's scalars sit together in one
 * Float64Array, its bucket ranges in one Int32Array and its counts in one
 * growing arena. Each cell has positive and negative buckets, a zero count,
 * the NaN count, exact minimum and maximum, and the exact sum (see the top of
 * this file). A Sketch is a one-cell bank; `sketch(c)` reads a cell as one.
 */
export class SketchBank {
  readonly size: number;
  private readonly kinds: SketchKind[];
  /** Per cell: index into the per-kind tables below. */
  private readonly kindOf: Uint8Array;
  private readonly kindLinear: Uint8Array;
  private readonly kindInverseWidth: Float64Array;
  private readonly kindLogGamma: Float64Array;
  private readonly kindQuantum: Float64Array;
  private readonly kindInverseQuantum: Float64Array;
  private readonly kindLimit: Float64Array;
  /** Per cell, SCALARS numbers: n, nan, zero, min, max, total. */
  private readonly scalars: Float64Array;
  /** Exact sums that outgrew the fast path (see Sketch), by cell. */
  private readonly partials = new Map<number, number[]>();
  /**
   * Per region (cell c's positive buckets are region 2c, its negative ones 2c + 1), three numbers:
   * where it starts in the arena, its length, and the bucket index of its first slot.
   */
  private readonly regions: Int32Array;
  private arena: Float64Array;
  private arenaUsed = 0;
  /**
   * Rows (one value per cell) waiting to be folded. Folding row by row sends every value to a random
   * bucket of a histogram many megabytes wide, a cache miss each; folding a block of rows cell by cell
   * sends a cell's values to the same few lines.
   */
  private readonly pending: Float64Array;
  private pendingRows = 0;

  /** `arena`: initial bucket slots (the arena grows as needed). */
  constructor(kinds: SketchKind[], arena = 1 << 16) {
    const size = kinds.length;
    this.size = size;
    this.kinds = kinds;
    this.arena = new Float64Array(arena);
    this.pending = new Float64Array(PENDING_ROWS * size);
    const distinct: SketchKind[] = [];
    const keys: string[] = [];
    this.kindOf = new Uint8Array(size);
    for (let c = 0; c < size; c++) {
      const key = JSON.stringify(kinds[c]);
      let k = keys.indexOf(key);
      if (k < 0) {
        k = keys.push(key) - 1;
        distinct.push(kinds[c]!);
      }
      this.kindOf[c] = k;
    }
    if (distinct.length > 255) throw new RangeError('a SketchBank holds at most 255 kinds');
    this.kindLinear = Uint8Array.from(distinct, (k) => (k.type === 'linear' ? 1 : 0));
    this.kindInverseWidth = Float64Array.from(distinct, (k) => (k.type === 'linear' ? 1 / k.width : 0));
    this.kindLogGamma = Float64Array.from(distinct, (k) => (k.type === 'log' ? Math.log((1 + k.alpha) / (1 - k.alpha)) : 0));
    this.kindQuantum = Float64Array.from(distinct, (k) => k.quantum ?? DEFAULT_QUANTUM);
    this.kindInverseQuantum = this.kindQuantum.map((q) => 1 / q);
    this.kindLimit = this.kindQuantum.map((q) => 2 ** 53 * q);
    this.scalars = new Float64Array(size * SCALARS);
    for (let c = 0; c < size; c++) {
      this.scalars[c * SCALARS + MIN] = Infinity;
      this.scalars[c * SCALARS + MAX] = -Infinity;
    }
    this.regions = new Int32Array(2 * size * 3);
  }

  /**
   * Sets `count` values of the next row, from src[from], into cells firstCell... Call commitRow()
   * once the row is complete (every cell set).
   */
  setInRow(firstCell: number, src: Float64Array, from: number, count: number): void {
    this.pending.set(src.subarray(from, from + count), this.pendingRows * this.size + firstCell);
  }

  /** Adds the row set through setInRow: one value to every cell. */
  commitRow(): void {
    if (++this.pendingRows === PENDING_ROWS) this.flush();
  }

  /** Folds the pending rows, cell by cell. */
  private flush(): void {
    const rows = this.pendingRows;
    if (rows === 0) return;
    this.pendingRows = 0;
    const size = this.size;
    const pending = this.pending;
    for (let c = 0; c < size; c++) for (let r = 0; r < rows; r++) this.add(c, pending[r * size + c]!);
  }

  /** Adds value x to cell c (as Sketch.add); pending rows are folded first only when read. */
  add(c: number, x: number): void {
    const s = this.scalars;
    const at = c * SCALARS;
    if (!Number.isFinite(x)) {
      s[at + NAN]! += 1;
      return;
    }
    const k = this.kindOf[c]!;
    s[at + N]! += 1;
    if (x < s[at + MIN]!) s[at + MIN] = x;
    if (x > s[at + MAX]!) s[at + MAX] = x;
    const q = Math.round(x * this.kindInverseQuantum[k]!) * this.kindQuantum[k]!;
    const t = s[at + TOTAL]! + q;
    if (Math.abs(t) < this.kindLimit[k]! && (this.partials.size === 0 || !this.partials.has(c))) s[at + TOTAL] = t;
    else this.addToSum(c, q);
    let index: number;
    let region = 2 * c;
    if (this.kindLinear[k] === 1) {
      index = Math.round(x * this.kindInverseWidth[k]!);
      if (index < 0) {
        index = -index;
        region++;
      }
    } else if (x > ZERO_LIMIT) {
      index = Math.ceil(Math.log(x) / this.kindLogGamma[k]!);
    } else if (x < -ZERO_LIMIT) {
      index = Math.ceil(Math.log(-x) / this.kindLogGamma[k]!);
      region++;
    } else {
      s[at + ZERO]! += 1;
      return;
    }
    this.addToBucket(region, index, 1);
  }

  /** The slow path of the exact sum: past the fast path's limit, or already in partials. */
  private addToSum(c: number, q: number): void {
    let list = this.partials.get(c);
    if (list === undefined) {
      const at = c * SCALARS + TOTAL;
      const t = this.scalars[at]! + q;
      if (Math.abs(t) < this.kindLimit[this.kindOf[c]!]!) {
        this.scalars[at] = t;
        return;
      }
      list = [this.scalars[at]!];
      this.partials.set(c, list);
    }
    addPartial(list, q);
  }

  private addToBucket(region: number, index: number, count: number): void {
    const r = region * 3;
    const regions = this.regions;
    const j = index - regions[r + 2]!;
    if (j >= 0 && j < regions[r + 1]!) {
      this.arena[regions[r]! + j]! += count;
      return;
    }
    this.growRegion(region, index);
    this.arena[regions[r]! + index - regions[r + 2]!]! += count;
  }

  /** Moves a region to the arena's end with room for `index`; its old slots are abandoned until the next compaction. */
  private growRegion(region: number, index: number): void {
    const r = region * 3;
    const length = this.regions[r + 1]!;
    const offset = this.regions[r + 2]!;
    let newOffset: number;
    let newLength: number;
    if (length === 0) {
      newOffset = index - 4;
      newLength = 8;
    } else {
      const lo = Math.min(offset, index);
      const hi = Math.max(offset + length - 1, index);
      // Slack on the side that grew, as Store does.
      const extra = Math.max(8, (hi - lo + 1) >> 1);
      newOffset = index < offset ? lo - extra : lo;
      newLength = hi - newOffset + 1 + (index >= offset + length ? extra : 0);
    }
    if (newLength > MAX_BUCKETS) throw new RangeError(`a summary would need ${newLength} buckets: value far outside the range of its metric`);
    if (this.arenaUsed + newLength > this.arena.length) this.compact(newLength);
    const at = this.arenaUsed;
    const from = this.regions[r]!;
    if (length > 0) this.arena.set(this.arena.subarray(from, from + length), at + offset - newOffset);
    this.arenaUsed += newLength;
    this.regions[r] = at;
    this.regions[r + 1] = newLength;
    this.regions[r + 2] = newOffset;
  }

  /** Copies the live regions, in order, into a fresh arena with room to spare: abandoned slots are dropped. */
  private compact(needed: number): void {
    const regions = this.regions;
    let live = 0;
    for (let r = 0; r < regions.length; r += 3) live += regions[r + 1]!;
    const next = new Float64Array(Math.max(this.arena.length, 2 * (live + needed)));
    let at = 0;
    for (let r = 0; r < regions.length; r += 3) {
      const length = regions[r + 1]!;
      if (length === 0) continue;
      next.set(this.arena.subarray(regions[r]!, regions[r]! + length), at);
      regions[r] = at;
      at += length;
    }
    this.arena = next;
    this.arenaUsed = at;
  }

  private regionJSON(region: number): [number, number[]] {
    const r = region * 3;
    const at = this.regions[r]!;
    const [a, b] = this.liveRange(r);
    // An empty range reads as a region never used (a cleared bank keeps its ranges).
    return a === b ? [0, []] : [this.regions[r + 2]! + a, Array.from(this.arena.subarray(at + a, at + b))];
  }

  /** Cell c as Sketch.toJSON gives it. */
  toJSON(c: number): SketchJSON {
    this.flush();
    const s = this.scalars;
    const at = c * SCALARS;
    const n = s[at + N]!;
    const partials = this.partials.get(c);
    return {
      kind: this.kinds[c]!,
      n,
      nan: s[at + NAN]!,
      min: n ? s[at + MIN]! : null,
      max: n ? s[at + MAX]! : null,
      sum: partials === undefined ? [s[at + TOTAL]!] : [...partials],
      zero: s[at + ZERO]!,
      pos: this.regionJSON(2 * c),
      neg: this.regionJSON(2 * c + 1),
    };
  }

  /** Adds a sketch of cell c's kind (as Sketch.merge). */
  merge(c: number, o: SketchJSON): void {
    if (o.kind.type !== this.kinds[c]!.type) throw new Error('cannot merge sketches of different kinds');
    this.flush();
    const s = this.scalars;
    const at = c * SCALARS;
    s[at + N]! += o.n;
    s[at + NAN]! += o.nan;
    if (o.min !== null && o.min < s[at + MIN]!) s[at + MIN] = o.min;
    if (o.max !== null && o.max > s[at + MAX]!) s[at + MAX] = o.max;
    for (const p of o.sum) this.addToSum(c, p);
    s[at + ZERO]! += o.zero;
    const sides: [number, number[]][] = [o.pos, o.neg];
    for (let side = 0; side < 2; side++) {
      const [offset, counts] = sides[side]!;
      for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) this.addToBucket(2 * c + side, offset + i, counts[i]!);
    }
  }

  /**
   * Numbers `pack` writes: the whole bank as one flat array, so a worker hands its summaries over by moving
   * one buffer (no per-sketch objects to build, clone and walk).
   */
  packedLength(): number {
    this.flush();
    let length = 2 + this.scalars.length + 2 * this.regions.length / 3;
    for (let r = 0; r < this.regions.length; r += 3) {
      const [a, b] = this.liveRange(r);
      length += b - a;
    }
    for (const p of this.partials.values()) length += 2 + p.length;
    return length;
  }

  /**
   * Writes the bank at out[at]: size, the cells' scalars, each region as [first index, length, counts]
   * (zeros at the ends dropped), then the partial sums as [count, (cell, length, partials)...].
   * Returns where it ended. mergePacked reads it; a bank of the same kinds only.
   */
  pack(out: Float64Array, at: number): number {
    this.flush();
    out[at++] = this.size;
    out.set(this.scalars, at);
    at += this.scalars.length;
    const regions = this.regions;
    for (let r = 0; r < regions.length; r += 3) {
      const [a, b] = this.liveRange(r);
      out[at++] = regions[r + 2]! + a;
      out[at++] = b - a;
      out.set(this.arena.subarray(regions[r]! + a, regions[r]! + b), at);
      at += b - a;
    }
    out[at++] = this.partials.size;
    for (const [c, p] of this.partials) {
      out[at++] = c;
      out[at++] = p.length;
      for (const x of p) out[at++] = x;
    }
    return at;
  }

  /** Adds a bank written by `pack` at src[at], as merge does cell by cell; returns where it ended. */
  mergePacked(src: Float64Array, at: number): number {
    if (src[at] !== this.size) throw new Error(`cannot merge a packed bank of ${src[at]} cells into one of ${this.size}`);
    this.flush();
    at++;
    const s = this.scalars;
    const scalarsAt = at;
    at += s.length;
    // A cell's sum: its partials if it has them (listed after the regions), else its fast-path total.
    let partialsAt = at;
    for (let r = 0; r < this.regions.length; r += 3) partialsAt += 2 + src[partialsAt + 1]!;
    const partials = new Map<number, number>();
    for (let k = 0, q = partialsAt + 1; k < src[partialsAt]!; k++, q += 2 + src[q + 1]!) partials.set(src[q]!, q);
    for (let c = 0; c < this.size; c++) {
      const o = scalarsAt + c * SCALARS;
      const t = c * SCALARS;
      s[t + N]! += src[o + N]!;
      s[t + NAN]! += src[o + NAN]!;
      if (src[o + N]! > 0) {
        if (src[o + MIN]! < s[t + MIN]!) s[t + MIN] = src[o + MIN]!;
        if (src[o + MAX]! > s[t + MAX]!) s[t + MAX] = src[o + MAX]!;
      }
      const q = partials.get(c);
      if (q === undefined) this.addToSum(c, src[o + TOTAL]!);
      else for (let k = 0; k < src[q + 1]!; k++) this.addToSum(c, src[q + 2 + k]!);
      s[t + ZERO]! += src[o + ZERO]!;
    }
    for (let region = 0; region < 2 * this.size; region++) {
      const first = src[at]!;
      const length = src[at + 1]!;
      at += 2;
      if (length > 0) {
        // Room for the whole range at once: growing bucket by bucket would move the region several times.
        this.addToBucket(region, first, src[at]!);
        this.addToBucket(region, first + length - 1, length > 1 ? src[at + length - 1]! : 0);
        for (let i = 1; i < length - 1; i++) if (src[at + i] !== 0) this.addToBucket(region, first + i, src[at + i]!);
      }
      at += length;
    }
    at++;
    for (let k = 0; k < src[partialsAt]!; k++) at += 2 + src[at + 1]!;
    return at;
  }

  /**
   * Empties every cell but keeps its arrays and each cell's bucket range: a worker's partial summaries
   * start again after each collect. Growing every range again from nothing (moving and compacting the
   * arena) cost a third of the folding, and new arrays each time fragmented the process's memory over a long run.
   */
  clear(): void {
    this.pendingRows = 0;
    this.partials.clear();
    const s = this.scalars;
    s.fill(0);
    for (let c = 0; c < this.size; c++) {
      s[c * SCALARS + MIN] = Infinity;
      s[c * SCALARS + MAX] = -Infinity;
    }
    this.arena.fill(0, 0, this.arenaUsed);
  }

  /** Region r's (an index into regions) live slots [a, b), zeros at both ends dropped, as regionJSON. */
  private liveRange(r: number): [number, number] {
    const at = this.regions[r]!;
    let a = 0;
    let b = this.regions[r + 1]!;
    while (a < b && this.arena[at + a] === 0) a++;
    while (b > a && this.arena[at + b - 1] === 0) b--;
    return [a, b];
  }

  count(c: number): number {
    return this.scalar(c, N);
  }

  nanCount(c: number): number {
    return this.scalar(c, NAN);
  }

  minimum(c: number): number {
    return this.scalar(c, MIN);
  }

  maximum(c: number): number {
    return this.scalar(c, MAX);
  }

  private scalar(c: number, field: number): number {
    this.flush();
    return this.scalars[c * SCALARS + field]!;
  }

  /** Exact sum of cell c, correctly rounded. */
  sum(c: number): number {
    this.flush();
    const partials = this.partials.get(c);
    return partials === undefined ? this.scalars[c * SCALARS + TOTAL]! : exactTotal(partials);
  }

  /** Visits cell c's buckets in increasing order of value with their representative value and count. */
  forEachBucket(c: number, visit: (value: number, count: number) => void): void {
    this.flush();
    const kind = this.kinds[c]!;
    const representative = kind.type === 'linear'
      ? (index: number) => index * kind.width
      : (index: number) => (2 * Math.exp(index * this.kindLogGamma[this.kindOf[c]!]!)) / ((1 + kind.alpha) / (1 - kind.alpha) + 1);
    const { regions, arena } = this;
    const neg = (2 * c + 1) * 3;
    for (let j = regions[neg + 1]! - 1; j >= 0; j--) {
      const count = arena[regions[neg]! + j]!;
      if (count !== 0) visit(-representative(regions[neg + 2]! + j), count);
    }
    const zero = this.scalars[c * SCALARS + ZERO]!;
    if (zero !== 0) visit(0, zero);
    const pos = 2 * c * 3;
    for (let j = 0; j < regions[pos + 1]!; j++) {
      const count = arena[regions[pos]! + j]!;
      if (count !== 0) visit(representative(regions[pos + 2]! + j), count);
    }
  }

  /** Cell c as a Sketch (a view: adding to it adds to the cell). */
  sketch(c: number): Sketch {
    return new Sketch(this.kinds[c]!, this, c);
  }

  /** Numbers held in memory: bucket slots in use (abandoned ones included) and sum partials beyond the first. */
  footprint(): number {
    this.flush();
    let partials = 0;
    for (const p of this.partials.values()) partials += p.length - 1;
    return this.arenaUsed + this.size + partials;
  }
}

/** Rows a SketchBank holds before folding them (see SketchBank.pending). */
const PENDING_ROWS = 32;

// Layout of a SketchBank cell's scalars.
const N = 0;
const NAN = 1;
const ZERO = 2;
const MIN = 3;
const MAX = 4;
const TOTAL = 5;
const SCALARS = 6;
