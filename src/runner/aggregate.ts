/**
 * Folds packed batches into mergeable summaries: per strategy, week and
 * observable; per strategy and result; per strategy and wave; and, for every
 * pair of strategies and every result, paired wins/losses/ties and a sketch
 * of the differences. Everything is order-independent (bucket counts and
 * exact sums), so 1 or N workers, any batch order, and shards merged later
 * all give the same bytes.
 */
import { OBSERVABLE_COUNT, RESULT_COUNT } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { type BatchLayout, layoutOf, seriesAt, strategyOffset, waveForcedAt, waveOpenAt } from './batch.ts';
import { OBSERVABLE_KINDS, RESULT_BETTER, RESULT_IS_WEEKS, RESULT_KINDS } from './metrics.ts';
import { Sketch, SketchBank, type SketchJSON, type SketchKind } from './sketch.ts';
import type { Better } from './summary.ts';

/** Version 2 added `forced`; version 3 keys experiments by their canonical fingerprint (experimentHash). */
export const PARTIAL_FORMAT = 'uptake-partial/3';

interface PairCell {
  wins: number;
  losses: number;
  ties: number;
  /** A − B where both have a value. */
  diff: Sketch;
}

export interface AggregateJSON {
  format: typeof PARTIAL_FORMAT;
  /** Identifies the experiment: partial results of different experiments never merge. */
  experimentKey: string;
  rollouts: number;
  series: SketchJSON[];
  results: SketchJSON[];
  waves: SketchJSON[];
  /** [s][w]: rollouts in which the wave was forced open by its deadline. */
  forced: number[];
  pairs: { wins: number; losses: number; ties: number; diff: SketchJSON }[];
}

/** Ordered pairs (a < b in scenario order). */
export function strategyPairs(count: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let a = 0; a < count; a++) for (let b = a + 1; b < count; b++) pairs.push([a, b]);
  return pairs;
}


/** Initial bucket slots of a bank of `cells` cells: a few per cell (the arena grows as needed). */
function bankArena(cells: number): number {
  return Math.max(64, 16 * cells);
}

export class Aggregate {
  readonly layout: BatchLayout;
  readonly experimentKey: string;
  /** Rollouts folded in. */
  rollouts = 0;
  /** [s][week][k] flattened: (s * (weeks + 1) + week) * OBSERVABLE_COUNT + k. */
  readonly series: SketchBank;
  /** [s][j]: s * RESULT_COUNT + j. */
  readonly results: Sketch[] = [];
  /** [s][w]: s * layout.waves + w (only strategies with waves are reported). */
  readonly waves: Sketch[] = [];
  /** [s][w]: rollouts in which the wave was forced open by its deadline. */
  readonly forced: number[];
  /** [pair][j]: pair * RESULT_COUNT + j. */
  readonly pairs: PairCell[] = [];
  readonly pairList: [number, number][];
  /** Every bank: the series', then those behind results, waves and pairs' differences. */
  private readonly banks: SketchBank[];

  constructor(experiment: Experiment, experimentKey: string) {
    this.layout = layoutOf(experiment);
    this.experimentKey = experimentKey;
    const { strategies, weeks, waves } = this.layout;
    const seriesKinds = [];
    for (let s = 0; s < strategies; s++) {
      for (let w = 0; w <= weeks; w++) for (let k = 0; k < OBSERVABLE_COUNT; k++) seriesKinds.push(OBSERVABLE_KINDS[k]!);
    }
    this.series = new SketchBank(seriesKinds);
    // One bank per family of summaries, each sketch a view of its cell: a sketch of its own costs a dozen
    // typed arrays (about 4 KB), and a run of many strategies has n(n − 1)/2 × RESULT_COUNT pair cells.
    const resultKinds = Array.from({ length: strategies * RESULT_COUNT }, (_, c) => RESULT_KINDS[c % RESULT_COUNT]!);
    const resultBank = new SketchBank(resultKinds, bankArena(resultKinds.length));
    for (let c = 0; c < resultKinds.length; c++) this.results.push(resultBank.sketch(c));
    const waveKind: SketchKind = { type: 'linear', width: 1 };
    const waveBank = new SketchBank(new Array<SketchKind>(strategies * waves).fill(waveKind), bankArena(strategies * waves));
    for (let c = 0; c < strategies * waves; c++) this.waves.push(waveBank.sketch(c));
    this.forced = new Array<number>(strategies * waves).fill(0);
    this.pairList = strategyPairs(strategies);
    const pairKinds = Array.from({ length: this.pairList.length * RESULT_COUNT }, (_, c) => RESULT_KINDS[c % RESULT_COUNT]!);
    const pairBank = new SketchBank(pairKinds, bankArena(pairKinds.length));
    for (let c = 0; c < pairKinds.length; c++) this.pairs.push({ wins: 0, losses: 0, ties: 0, diff: pairBank.sketch(c) });
    this.banks = [this.series, resultBank, waveBank, pairBank];
  }

  /** Folds in a packed batch (see batch.ts for the layout). */
  addBatch(packed: Float64Array): void {
    const L = this.layout;
    const count = packed.length / L.rolloutSize;
    const seriesPerStrategy = (L.weeks + 1) * OBSERVABLE_COUNT;
    for (let i = 0; i < count; i++) {
      const base = i * L.rolloutSize;
      for (let s = 0; s < L.strategies; s++) {
        const o = base + strategyOffset(L, s);
        for (let j = 0; j < RESULT_COUNT; j++) this.results[s * RESULT_COUNT + j]!.add(packed[o + j]!);
        for (let w = 0; w < L.waves; w++) {
          this.waves[s * L.waves + w]!.add(packed[o + waveOpenAt(w)]!);
          if (packed[o + waveForcedAt(L, w)] === 1) this.forced[s * L.waves + w]! += 1;
        }
        this.series.setInRow(s * seriesPerStrategy, packed, o + seriesAt(L), seriesPerStrategy);
      }
      this.series.commitRow();
      for (let p = 0; p < this.pairList.length; p++) {
        const [a, b] = this.pairList[p]!;
        const oa = base + strategyOffset(L, a);
        const ob = base + strategyOffset(L, b);
        for (let j = 0; j < RESULT_COUNT; j++) {
          const cell = this.pairs[p * RESULT_COUNT + j]!;
          const x = packed[oa + j]!;
          const y = packed[ob + j]!;
          const c = compare(x, y, RESULT_BETTER[j]!, RESULT_IS_WEEKS[j]!);
          if (c > 0) cell.wins++;
          else if (c < 0) cell.losses++;
          else cell.ties++;
          if (Number.isFinite(x) && Number.isFinite(y)) cell.diff.add(x - y);
        }
      }
      this.rollouts++;
    }
  }

  merge(other: AggregateJSON): void {
    if (other.format !== PARTIAL_FORMAT) throw new Error(`not an uptake partial result of this version (format ${String(other.format)}, expected ${PARTIAL_FORMAT})`);
    if (other.experimentKey !== this.experimentKey) throw new Error('partial results come from different experiments');
    this.rollouts += other.rollouts;
    other.series.forEach((s, i) => this.series.merge(i, s));
    other.results.forEach((s, i) => this.results[i]!.merge(s));
    other.waves.forEach((s, i) => this.waves[i]!.merge(s));
    other.forced.forEach((count, i) => (this.forced[i]! += count));
    other.pairs.forEach((p, i) => {
      const cell = this.pairs[i]!;
      cell.wins += p.wins;
      cell.losses += p.losses;
      cell.ties += p.ties;
      cell.diff.merge(p.diff);
    });
  }

  /**
   * Everything folded, as one flat array (SketchBank.pack): what a worker hands over at a collect, moved
   * rather than cloned. Only mergePacked of the same experiment in the same process reads it; partial
   * result files and checkpoints keep the versioned JSON.
   */
  pack(): Float64Array {
    const counts = this.forced.length + 3 * this.pairs.length;
    const out = new Float64Array(1 + counts + this.banks.reduce((sum, bank) => sum + bank.packedLength(), 0));
    let at = 0;
    out[at++] = this.rollouts;
    for (const count of this.forced) out[at++] = count;
    for (const p of this.pairs) {
      out[at++] = p.wins;
      out[at++] = p.losses;
      out[at++] = p.ties;
    }
    for (const bank of this.banks) at = bank.pack(out, at);
    return out;
  }

  /** Back to nothing folded, keeping the summaries' bucket ranges (SketchBank.clear). */
  clear(): void {
    this.rollouts = 0;
    this.forced.fill(0);
    for (const p of this.pairs) p.wins = p.losses = p.ties = 0;
    for (const bank of this.banks) bank.clear();
  }

  /** Rollouts in what `pack` gave. */
  static packedRollouts(packed: Float64Array): number {
    return packed[0]!;
  }

  /** Adds what `pack` gave (the same as merging its toJSON). */
  mergePacked(packed: Float64Array): void {
    let at = 0;
    this.rollouts += packed[at++]!;
    for (let i = 0; i < this.forced.length; i++) this.forced[i]! += packed[at++]!;
    for (const p of this.pairs) {
      p.wins += packed[at++]!;
      p.losses += packed[at++]!;
      p.ties += packed[at++]!;
    }
    for (const bank of this.banks) at = bank.mergePacked(packed, at);
    if (at !== packed.length) throw new Error(`packed summaries of ${packed.length} numbers, read ${at}`);
  }

  toJSON(): AggregateJSON {
    return {
      format: PARTIAL_FORMAT,
      experimentKey: this.experimentKey,
      rollouts: this.rollouts,
      series: Array.from({ length: this.series.size }, (_, c) => this.series.toJSON(c)),
      results: this.results.map((s) => s.toJSON()),
      waves: this.waves.map((s) => s.toJSON()),
      forced: [...this.forced],
      pairs: this.pairs.map((p) => ({ wins: p.wins, losses: p.losses, ties: p.ties, diff: p.diff.toJSON() })),
    };
  }

  /** Numbers held by all summaries (see Sketch.footprint). */
  footprint(): number {
    let total = this.banks.reduce((sum, bank) => sum + bank.footprint(), 0);
    total += this.forced.length;
    total += 3 * this.pairs.length;
    return total;
  }

  /** The sketch of strategy s, week and observable k: a view of its cell. */
  seriesSketch(s: number, week: number, k: number): Sketch {
    return this.series.sketch((s * (this.layout.weeks + 1) + week) * OBSERVABLE_COUNT + k);
  }

  resultSketch(s: number, j: number): Sketch {
    return this.results[s * RESULT_COUNT + j]!;
  }

  waveSketch(s: number, w: number): Sketch {
    return this.waves[s * this.layout.waves + w]!;
  }

  /** Rollouts in which wave w of strategy s was forced open by its deadline. */
  waveForced(s: number, w: number): number {
    return this.forced[s * this.layout.waves + w]!;
  }

  pairCell(p: number, j: number): PairCell {
    return this.pairs[p * RESULT_COUNT + j]!;
  }
}

/**
 * +1 if x is better than y, −1 if worse, 0 if equal. For week results NaN
 * ("never") is worse than any week and equal to another "never"; for
 * neutral results, +1 means higher.
 */
export function compare(x: number, y: number, better: Better, weeks: boolean): number {
  const xn = Number.isNaN(x);
  const yn = Number.isNaN(y);
  if (xn || yn) {
    if (xn && yn) return 0;
    if (weeks) return xn ? -1 : 1;
    return 0;
  }
  if (x === y) return 0;
  const higher = x > y ? 1 : -1;
  return better === 'lower' ? -higher : higher;
}

/** Summaries folded where batches run (a worker, or the sequential runner) until they are handed over. */
export class PartialSummaries {
  private partial: Aggregate | null = null;
  constructor(
    private readonly experiment: Experiment,
    private readonly experimentKey: string,
  ) {}

  fold(packed: Float64Array): void {
    (this.partial ??= new Aggregate(this.experiment, this.experimentKey)).addBatch(packed);
  }

  /** What was folded since the last take (Aggregate.pack; null if nothing), and a fresh start in the same arrays. */
  take(): Float64Array | null {
    if (!this.partial || this.partial.rollouts === 0) return null;
    const packed = this.partial.pack();
    this.partial.clear();
    return packed;
  }
}
