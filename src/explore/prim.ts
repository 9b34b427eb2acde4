/**
 * PRIM, the Patient Rule Induction Method (J. H. Friedman and N. I. Fisher,
 * "Bump hunting in high-dimensional data", Statistics and Computing 9, 1999),
 * as scenario discovery uses it (B. P. Bryant and R. J. Lempert, "Thinking
 * inside the box", Technological Forecasting & Social Change 77, 2010; the
 * EMA Workbench's `prim` module): find a box of input space, a few bounds on
 * a few inputs, where the cases of interest (y = 1, e.g. "the strategy
 * failed") are dense, and say how much of them it holds.
 *
 *   peel     from the box holding every row, repeatedly drop the α share of
 *            the box's rows with the lowest or highest value of one input,
 *            whichever leaves the highest share of cases (F&F's criterion),
 *            until the box would hold fewer than minMass of all rows;
 *   choose   a box on that peeling trajectory (chooseBox; default below);
 *   paste    widen its bounds again while that raises its density;
 *   prune    drop restrictions whose quasi-p-value (EMA's) is above 0.05;
 *   check    bootstrap stability of each restriction, and a permutation
 *            test of whether the box beats the base rate;
 *   cover    drop the rows the box holds and look for the next box.
 *
 * Data: `x` is row-major, n rows × k inputs (`x[r * k + j]`), as the Saltelli
 * design in this folder; `y` is 0/1 per row. A box is a lower and an upper
 * bound per input, ±Infinity where unrestricted, and holds a row when
 * lower ≤ x ≤ upper on every input. A finite bound lies halfway between the
 * last row kept and the first row dropped, so it never equals a data value.
 *
 * Pure and deterministic: all randomness comes from createRandom(deriveSeed(seed, …)).
 */
import { createRandom, deriveSeed, shuffle } from '../model/rng.ts';
import { formatNumber } from '../format.ts';
import { quantileSorted } from './indices.ts';

/** Which box on the peeling trajectory to take (see chooseBox). */
export type ChoiceRule =
  /** The densest box with at least minCoverage (default 0.5) of the cases; with oneStandardError (default true), the first (largest) box whose density is within one binomial standard error of that one. */
  | { readonly kind: 'coverage'; readonly minCoverage?: number; readonly oneStandardError?: boolean }
  /** The first (largest) box with density ≥ minDensity; the densest box when none reaches it. */
  | { readonly kind: 'density'; readonly minDensity: number }
  /** The box with the highest harmonic mean of coverage and density (their F-score: both weigh the same). */
  | { readonly kind: 'balanced' }
  /** Default. The trajectory's knee: the box farthest from the chord between its first and last box, in coverage and density scaled to 0..1. */
  | { readonly kind: 'knee' }
  /** Box number `index` of the trajectory (0 = all rows), clamped to its end. */
  | { readonly kind: 'index'; readonly index: number };

export const DEFAULT_RULE: ChoiceRule = { kind: 'knee' };

export interface PrimOptions {
  /** Share of the box's rows one peel drops (default 0.05). */
  readonly alpha?: number;
  /** Share of the box's rows one paste adds (default 0.05). */
  readonly pasteAlpha?: number;
  /** Smallest share of ALL rows a box may hold (default 0.05). */
  readonly minMass?: number;
  /** Stop peeling once the box's density reaches this (default: peel to minMass). */
  readonly threshold?: number;
  /** Most boxes to find by covering (default 3). */
  readonly maxBoxes?: number;
  /** Bootstrap resamples for the stability of restrictions (default 50; 0 skips it). */
  readonly bootstrap?: number;
  /** Permutations of y for the test that a box beats the base rate (default 19, so p can reach 0.05; 0 skips it). */
  readonly permutations?: number;
  /** A box is kept when the permutation p-value is at most this (default 0.05). */
  readonly significance?: number;
  /** Covering stops when fewer cases than this remain (default 10). */
  readonly minCases?: number;
  /** Inputs with at most this many distinct values are described by level (default 10). */
  readonly maxLevels?: number;
  readonly rule?: ChoiceRule;
  /** After pasting, drop restrictions whose quasi-p-value is above this, worst first (default 0.05; 1 keeps all). */
  readonly pruneAbove?: number;
  readonly seed?: number | string;
}

export interface TrajectoryStep {
  /** 0 = the box of all rows. */
  readonly step: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly rows: number;
  readonly cases: number;
  /** Shares of the rows and cases of the data this trajectory was peeled on. */
  readonly mass: number;
  readonly coverage: number;
  /** cases / rows. */
  readonly density: number;
  /** Inputs with a finite bound that excludes some row. */
  readonly restricted: number;
}

export interface InputStability {
  readonly input: number;
  readonly name: string;
  /** Share of bootstrap boxes with a lower bound / an upper bound / any bound on this input. */
  readonly lower: number;
  readonly upper: number;
  readonly any: number;
}

export interface Restriction {
  readonly input: number;
  readonly name: string;
  /** −Infinity when only the upper side is restricted. */
  readonly lower: number;
  /** +Infinity when only the lower side is restricted. */
  readonly upper: number;
  /** The input's values inside the box, when it has at most maxLevels distinct values. */
  readonly levels?: readonly number[];
  /** Share of bootstrap boxes restricting this input on the same side(s). */
  readonly stability: number;
  /** 2.5% and 97.5% percentiles of the bootstrap bounds on the same side (NaN when none). */
  readonly lowerInterval?: readonly [number, number];
  readonly upperInterval?: readonly [number, number];
  /** EMA's quasi-p-value: P(Binomial(rows, d₋) ≥ cases), d₋ the density without this restriction. */
  readonly quasiP: number;
}

export interface PrimBox {
  /** 0-based place in the covering sequence. */
  readonly index: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly restrictions: readonly Restriction[];
  /** Rows and cases in the box among the rows this round ran on (earlier boxes' rows removed). */
  readonly rows: number;
  readonly cases: number;
  /** cases / all cases of the ORIGINAL data. */
  readonly coverage: number;
  readonly density: number;
  /** rows / all rows. */
  readonly mass: number;
  /** cases / the cases this round ran on (the trajectory's coverage). */
  readonly roundCoverage: number;
  /** Density of the data this round ran on. */
  readonly baseRate: number;
  readonly trajectory: readonly TrajectoryStep[];
  /** Trajectory step chosen before pasting. */
  readonly chosenStep: number;
  /** Density of that step, before pasting and pruning (pruning may lower it a little). */
  readonly densityBeforePaste: number;
  readonly stability: readonly InputStability[];
  /** Permutation p-value of the box's binomial surprise over the base rate, P(Bin(rows, base) ≥ cases) (1 when not tested). */
  readonly pValue: number;
  readonly beatsBaseRate: boolean;
}

export interface PrimResult {
  readonly inputs: readonly string[];
  readonly rows: number;
  readonly cases: number;
  readonly baseRate: number;
  /** Boxes that beat the base rate, in covering order. */
  readonly boxes: readonly PrimBox[];
  /** The first box that did not beat the base rate, for inspection (not in boxes). */
  readonly rejected?: PrimBox;
  readonly stopReason: 'maxBoxes' | 'noSignal' | 'tooFewCases' | 'tooFewRows';
}

/** Data one PRIM run works on: columns, y, and each column's row order by value. */
interface Data {
  readonly n: number;
  readonly k: number;
  readonly cols: Float64Array[];
  readonly y: Uint8Array;
  readonly order: Int32Array[];
  /** cols[j] in order[j]: for binary search. */
  readonly sorted: Float64Array[];
}

function makeData(x: Float64Array, k: number, y: Uint8Array, rows: Int32Array): Data {
  const n = rows.length;
  const cols: Float64Array[] = [];
  const order: Int32Array[] = [];
  const sorted: Float64Array[] = [];
  const yy = new Uint8Array(n);
  for (let i = 0; i < n; i++) yy[i] = y[rows[i]!]!;
  for (let j = 0; j < k; j++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = x[rows[i]! * k + j]!;
    const ord = new Int32Array(n);
    for (let i = 0; i < n; i++) ord[i] = i;
    // Ties by row index, so the order (and so every result) is deterministic.
    ord.sort((a, b) => col[a]! - col[b]! || a - b);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = col[ord[i]!]!;
    cols.push(col);
    order.push(ord);
    sorted.push(s);
  }
  return { n, k, cols, y: yy, order, sorted };
}

/** A lower bound between a dropped value and the kept value above it (never equal to either, unless they are adjacent doubles). */
function lowBound(dropped: number, kept: number): number {
  const m = dropped + (kept - dropped) / 2;
  return m > dropped ? m : kept;
}

function highBound(kept: number, dropped: number): number {
  const m = kept + (dropped - kept) / 2;
  return m < dropped ? m : kept;
}

function membership(d: Data, lo: Float64Array, hi: Float64Array): { inBox: Uint8Array; rows: number; cases: number } {
  const inBox = new Uint8Array(d.n);
  let rows = 0;
  let cases = 0;
  for (let i = 0; i < d.n; i++) {
    let ok = 1;
    for (let j = 0; j < d.k; j++) {
      const v = d.cols[j]![i]!;
      if (v < lo[j]! || v > hi[j]!) {
        ok = 0;
        break;
      }
    }
    inBox[i] = ok;
    rows += ok;
    if (ok) cases += d.y[i]!;
  }
  return { inBox, rows, cases };
}

/**
 * Bounds that exclude no row the other bounds keep are dropped (set to
 * ±Infinity), one at a time: dropping two at once could let in rows that only
 * the pair excluded. Peeling one input can make another's earlier bound moot.
 */
function dropRedundant(d: Data, lo: Float64Array, hi: Float64Array): void {
  for (;;) {
    // effective[2j] / [2j+1]: some row violates only the lower / upper bound of j.
    const effective = new Uint8Array(2 * d.k);
    for (let i = 0; i < d.n; i++) {
      let count = 0;
      let which = -1;
      for (let j = 0; j < d.k && count < 2; j++) {
        const v = d.cols[j]![i]!;
        if (v < lo[j]!) {
          count++;
          which = 2 * j;
        }
        if (v > hi[j]!) {
          count++;
          which = 2 * j + 1;
        }
      }
      if (count === 1) effective[which] = 1;
    }
    let dropped = false;
    for (let s = 0; s < 2 * d.k && !dropped; s++) {
      const j = s >> 1;
      const finite = s & 1 ? hi[j] !== Infinity : lo[j] !== -Infinity;
      if (finite && !effective[s]) {
        if (s & 1) hi[j] = Infinity;
        else lo[j] = -Infinity;
        dropped = true;
      }
    }
    if (!dropped) return;
  }
}

function countRestricted(lo: Float64Array, hi: Float64Array): number {
  let r = 0;
  for (let j = 0; j < lo.length; j++) if (lo[j] !== -Infinity || hi[j] !== Infinity) r++;
  return r;
}

/** ceil(share · n) rows, at least 1; the epsilon keeps 0.05 · 100 at 5. */
function shareOf(share: number, n: number): number {
  return Math.max(1, Math.ceil(share * n - 1e-9));
}

interface PeelSettings {
  readonly alpha: number;
  /** Smallest box, in rows. */
  readonly minRows: number;
  readonly threshold?: number;
}

/**
 * The peeling trajectory. Each candidate drops at least ceil(α · rows in box)
 * rows from one end of one input, plus every row tied with the last one
 * dropped, so an input with few levels is peeled a whole level at a time.
 * Best: the highest density left; ties go to the smaller reduction, then the
 * earlier input, then the lower end. Means are compared as exact integer
 * cross-products, so ties are real ties.
 */
function peelData(d: Data, s: PeelSettings): TrajectoryStep[] {
  const { n, k, cols, y, order } = d;
  const inBox = new Uint8Array(n).fill(1);
  let rows = n;
  let cases = 0;
  for (let i = 0; i < n; i++) cases += y[i]!;
  const totalCases = cases;
  const lo = new Float64Array(k).fill(-Infinity);
  const hi = new Float64Array(k).fill(Infinity);
  // First / last positions in each order that may still be in the box (rows only ever leave it).
  const first = new Int32Array(k);
  const last = new Int32Array(k).fill(n - 1);
  const steps: TrajectoryStep[] = [];
  const record = (): void => {
    const l = lo.slice();
    const h = hi.slice();
    dropRedundant(d, l, h);
    steps.push({
      step: steps.length,
      lower: l,
      upper: h,
      rows,
      cases,
      mass: rows / n,
      coverage: totalCases > 0 ? cases / totalCases : 0,
      density: rows > 0 ? cases / rows : 0,
      restricted: countRestricted(l, h),
    });
  };
  record();
  for (;;) {
    if (s.threshold !== undefined && cases >= s.threshold * rows) break;
    const need = shareOf(s.alpha, rows);
    let bestJ = -1;
    let bestHigh = false;
    let bestR = 0;
    let bestC = 0;
    let bestBound = 0;
    for (let j = 0; j < k; j++) {
      const col = cols[j]!;
      const ord = order[j]!;
      while (first[j]! < n && !inBox[ord[first[j]!]!]) first[j]++;
      while (last[j]! >= 0 && !inBox[ord[last[j]!]!]) last[j]--;
      for (let side = 0; side < 2; side++) {
        const high = side === 1;
        let r = 0;
        let c = 0;
        let lastV = Number.NaN;
        let next = Number.NaN;
        for (let p = high ? last[j]! : first[j]!; high ? p >= 0 : p < n; p += high ? -1 : 1) {
          const i = ord[p]!;
          if (!inBox[i]) continue;
          const v = col[i]!;
          if (r >= need && v !== lastV) {
            next = v;
            break;
          }
          r++;
          c += y[i]!;
          lastV = v;
        }
        const left = rows - r;
        if (Number.isNaN(next) || left < s.minRows) continue;
        const leftCases = cases - c;
        // Better: higher leftCases/left; then smaller r (earlier j and low side win by loop order).
        let better = bestJ < 0;
        if (!better) {
          const a = leftCases * (rows - bestR);
          const b = (cases - bestC) * left;
          better = a > b || (a === b && r < bestR);
        }
        if (better) {
          bestJ = j;
          bestHigh = high;
          bestR = r;
          bestC = c;
          bestBound = high ? highBound(next, lastV) : lowBound(lastV, next);
        }
      }
    }
    if (bestJ < 0) break;
    const col = cols[bestJ]!;
    const ord = order[bestJ]!;
    if (bestHigh) {
      for (let p = last[bestJ]!; p >= 0 && col[ord[p]!]! > bestBound; p--) inBox[ord[p]!] = 0;
      hi[bestJ] = bestBound;
    } else {
      for (let p = first[bestJ]!; p < n && col[ord[p]!]! < bestBound; p++) inBox[ord[p]!] = 0;
      lo[bestJ] = bestBound;
    }
    rows -= bestR;
    cases -= bestC;
    record();
  }
  return steps;
}

/**
 * Which box of a peeling trajectory to take. The default is the knee: with
 * coverage and density each scaled to 0..1 over the trajectory, the box
 * farthest above the straight line from the first box (all rows) to the last
 * (minMass). Along a real region's edge, each peel buys much density for
 * little coverage; past it, peels trade coverage for noise, so the curve
 * bends there. The knee needs no coverage floor, which matters when the
 * cases fall in several regions: a floor of, say, half the cases forces the
 * first box to straddle them (the coverage rule below does, on two planted
 * regions of 40% each). The 'coverage' rule is kept for analysts who want a
 * floor; its one-SE option (CART's one-standard-error rule) backs off to the
 * largest box whose density is within a binomial standard error of the best.
 */
export function chooseBox(trajectory: readonly TrajectoryStep[], rule: ChoiceRule = DEFAULT_RULE): number {
  if (trajectory.length === 0) throw new Error('chooseBox: empty trajectory');
  const t = trajectory;
  switch (rule.kind) {
    case 'index':
      return Math.max(0, Math.min(t.length - 1, Math.floor(rule.index)));
    case 'density': {
      const at = t.findIndex((s) => s.density >= rule.minDensity);
      if (at >= 0) return at;
      let best = 0;
      for (let i = 1; i < t.length; i++) if (t[i]!.density > t[best]!.density) best = i;
      return best;
    }
    case 'balanced': {
      const f = (s: TrajectoryStep): number => (s.coverage + s.density > 0 ? (2 * s.coverage * s.density) / (s.coverage + s.density) : 0);
      let best = 0;
      for (let i = 1; i < t.length; i++) if (f(t[i]!) > f(t[best]!)) best = i;
      return best;
    }
    case 'knee': {
      if (t.length < 3) return t.length - 1;
      const c0 = t[0]!.coverage;
      const c1 = t[t.length - 1]!.coverage;
      let dMin = Infinity;
      let dMax = -Infinity;
      for (const s of t) {
        dMin = Math.min(dMin, s.density);
        dMax = Math.max(dMax, s.density);
      }
      const cs = c0 - c1 || 1;
      const ds = dMax - dMin || 1;
      // Scaled so coverage falls 1 → 0 and density rises 0 → 1; the chord runs between the ends.
      const px = (s: TrajectoryStep): number => (c0 - s.coverage) / cs;
      const py = (s: TrajectoryStep): number => (s.density - dMin) / ds;
      const ax = px(t[0]!);
      const ay = py(t[0]!);
      const bx = px(t[t.length - 1]!);
      const by = py(t[t.length - 1]!);
      const len = Math.hypot(bx - ax, by - ay) || 1;
      let best = 0;
      let bestD = -Infinity;
      for (let i = 0; i < t.length; i++) {
        // Signed: positive above the chord (denser than the straight trade-off).
        const dist = ((bx - ax) * (py(t[i]!) - ay) - (by - ay) * (px(t[i]!) - ax)) / len;
        if (dist > bestD) {
          bestD = dist;
          best = i;
        }
      }
      return best;
    }
    case 'coverage': {
      const minCoverage = rule.minCoverage ?? 0.5;
      let best = 0;
      for (let i = 1; i < t.length; i++) if (t[i]!.coverage >= minCoverage && t[i]!.density > t[best]!.density) best = i;
      if (rule.oneStandardError === false) return best;
      const b = t[best]!;
      const se = Math.sqrt((b.density * (1 - b.density)) / Math.max(1, b.rows));
      for (let i = 0; i <= best; i++) if (t[i]!.coverage >= minCoverage && t[i]!.density >= b.density - se) return i;
      return best;
    }
  }
}

/**
 * Pasting: repeatedly widen one finite bound to take in the nearest
 * ceil(pasteAlpha · rows in box) rows that lie beyond it and inside every
 * other bound (plus ties), choosing the widening that gives the highest
 * density, as long as it raises the density; a bound with nothing left
 * beyond it becomes ±Infinity. Peeling is greedy, so an early peel can cut
 * off rows a later, narrower box would have kept.
 */
function pasteData(d: Data, lo: Float64Array, hi: Float64Array, pasteAlpha: number): void {
  const { k, cols, y, order, sorted } = d;
  let { rows, cases } = membership(d, lo, hi);
  const othersOk = (i: number, skip: number): boolean => {
    for (let j = 0; j < k; j++) {
      if (j === skip) continue;
      const v = cols[j]![i]!;
      if (v < lo[j]! || v > hi[j]!) return false;
    }
    return true;
  };
  for (;;) {
    if (rows === 0) return;
    const need = shareOf(pasteAlpha, rows);
    let bestJ = -1;
    let bestHigh = false;
    let bestR = 0;
    let bestC = 0;
    let bestBound = 0;
    for (let j = 0; j < k; j++) {
      const col = cols[j]!;
      const ord = order[j]!;
      for (let side = 0; side < 2; side++) {
        const high = side === 1;
        if (high ? hi[j] === Infinity : lo[j] === -Infinity) continue;
        // The first position beyond the bound, walking away from the box.
        let p = high ? upperBoundIndex(sorted[j]!, hi[j]!) : lowerBoundIndex(sorted[j]!, lo[j]!) - 1;
        let r = 0;
        let c = 0;
        let lastV = Number.NaN;
        let next = Number.NaN;
        for (; high ? p < d.n : p >= 0; p += high ? 1 : -1) {
          const i = ord[p]!;
          if (!othersOk(i, j)) continue;
          const v = col[i]!;
          if (r >= need && v !== lastV) {
            next = v;
            break;
          }
          r++;
          c += y[i]!;
          lastV = v;
        }
        if (r === 0) continue;
        // Raises density: (cases + c)/(rows + r) > cases/rows, in integers.
        if (c * rows <= cases * r) continue;
        let better = bestJ < 0;
        if (!better) {
          const a = (cases + c) * (rows + bestR);
          const b = (cases + bestC) * (rows + r);
          better = a > b || (a === b && r < bestR);
        }
        if (better) {
          bestJ = j;
          bestHigh = high;
          bestR = r;
          bestC = c;
          bestBound = Number.isNaN(next) ? (high ? Infinity : -Infinity) : high ? highBound(lastV, next) : lowBound(next, lastV);
        }
      }
    }
    if (bestJ < 0) return;
    if (bestHigh) hi[bestJ] = bestBound;
    else lo[bestJ] = bestBound;
    rows += bestR;
    cases += bestC;
  }
}

/** First index with sorted[i] ≥ v. */
function lowerBoundIndex(sorted: Float64Array, v: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (sorted[m]! < v) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index with sorted[i] > v. */
function upperBoundIndex(sorted: Float64Array, v: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (sorted[m]! <= v) a = m + 1;
    else b = m;
  }
  return a;
}

interface Found {
  readonly trajectory: TrajectoryStep[];
  readonly chosenStep: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly rows: number;
  readonly cases: number;
}

interface Resolved {
  readonly alpha: number;
  readonly pasteAlpha: number;
  readonly minRows: number;
  readonly threshold?: number;
  readonly rule: ChoiceRule;
  readonly pruneAbove: number;
}

/** EMA's quasi-p-value of restriction j: the box's cases against the density of the box without it. */
function quasiPValue(d: Data, lower: Float64Array, upper: Float64Array, j: number, rows: number, cases: number): number {
  const lo = lower.slice();
  const hi = upper.slice();
  lo[j] = -Infinity;
  hi[j] = Infinity;
  const without = membership(d, lo, hi);
  return binomialUpperTail(cases, rows, without.rows > 0 ? without.cases / without.rows : 0);
}

/**
 * Drop the restriction with the largest quasi-p-value while it is above
 * `above`: once the box sits inside a real region, peeling keeps chasing
 * noise on other inputs, and a restriction that does not raise density
 * beyond chance only makes the box harder to read (Bryant & Lempert's
 * interpretability; EMA leaves this step to the analyst).
 */
function prune(d: Data, lower: Float64Array, upper: Float64Array, above: number): void {
  if (above >= 1) return;
  for (;;) {
    const m = membership(d, lower, upper);
    let worst = -1;
    let worstP = above;
    for (let j = 0; j < d.k; j++) {
      if (lower[j] === -Infinity && upper[j] === Infinity) continue;
      const p = quasiPValue(d, lower, upper, j, m.rows, m.cases);
      if (p > worstP) {
        worstP = p;
        worst = j;
      }
    }
    if (worst < 0) return;
    lower[worst] = -Infinity;
    upper[worst] = Infinity;
  }
}

/** Peel, choose, paste, drop moot and insignificant bounds: one box, as the bootstrap and the permutations rerun it. */
function findBox(d: Data, o: Resolved): Found {
  const trajectory = peelData(d, { alpha: o.alpha, minRows: o.minRows, threshold: o.threshold });
  const chosenStep = chooseBox(trajectory, o.rule);
  const lower = trajectory[chosenStep]!.lower.slice();
  const upper = trajectory[chosenStep]!.upper.slice();
  pasteData(d, lower, upper, o.pasteAlpha);
  dropRedundant(d, lower, upper);
  prune(d, lower, upper, o.pruneAbove);
  const m = membership(d, lower, upper);
  return { trajectory, chosenStep, lower, upper, rows: m.rows, cases: m.cases };
}

function checkInput(x: Float64Array, k: number, y: Uint8Array): number {
  if (k < 1) throw new Error('PRIM needs at least one input');
  if (x.length % k !== 0) throw new Error(`x has ${x.length} values, not a multiple of ${k} inputs`);
  const n = x.length / k;
  if (y.length !== n) throw new Error(`y has ${y.length} rows, x has ${n}`);
  for (let i = 0; i < n; i++) if (y[i]! > 1) throw new Error(`y[${i}] = ${y[i]}: y must be 0 or 1`);
  // Bounds sit halfway between values, which needs finite values.
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) throw new Error(`x row ${Math.floor(i / k)} input ${i % k} is ${x[i]}, not a finite number`);
  return n;
}

function resolve(n: number, options: PrimOptions): Resolved {
  const alpha = options.alpha ?? 0.05;
  const pasteAlpha = options.pasteAlpha ?? 0.05;
  const minMass = options.minMass ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`alpha must be in (0, 1), got ${alpha}`);
  if (!(pasteAlpha > 0 && pasteAlpha < 1)) throw new Error(`pasteAlpha must be in (0, 1), got ${pasteAlpha}`);
  if (!(minMass > 0 && minMass <= 1)) throw new Error(`minMass must be in (0, 1], got ${minMass}`);
  return { alpha, pasteAlpha, minRows: Math.max(1, Math.ceil(minMass * n - 1e-9)), threshold: options.threshold, rule: options.rule ?? DEFAULT_RULE, pruneAbove: options.pruneAbove ?? 0.05 };
}

/**
 * The peeling trajectory of all rows, for a table or chart of coverage
 * against density (with the number of restricted inputs) before any choice.
 */
export function peel(x: Float64Array, k: number, y: Uint8Array, options: PrimOptions = {}): TrajectoryStep[] {
  const n = checkInput(x, k, y);
  const o = resolve(n, options);
  return peelData(makeData(x, k, y, allRows(n)), { alpha: o.alpha, minRows: o.minRows, threshold: o.threshold });
}

/** Pasting of a given box over all rows: the widened bounds, and its rows, cases and density. */
export function paste(
  x: Float64Array,
  k: number,
  y: Uint8Array,
  box: { readonly lower: Float64Array; readonly upper: Float64Array },
  pasteAlpha = 0.05,
): { lower: Float64Array; upper: Float64Array; rows: number; cases: number; density: number } {
  const n = checkInput(x, k, y);
  const d = makeData(x, k, y, allRows(n));
  const lower = box.lower.slice();
  const upper = box.upper.slice();
  pasteData(d, lower, upper, pasteAlpha);
  const m = membership(d, lower, upper);
  return { lower, upper, rows: m.rows, cases: m.cases, density: m.rows > 0 ? m.cases / m.rows : 0 };
}

/** Whether row r of x (row-major, k inputs) lies in the box. */
export function inBox(x: Float64Array, k: number, r: number, lower: Float64Array, upper: Float64Array): boolean {
  for (let j = 0; j < k; j++) {
    const v = x[r * k + j]!;
    if (v < lower[j]! || v > upper[j]!) return false;
  }
  return true;
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** P(X ≥ h) for X ~ Binomial(t, p), summed in log space (exact enough for any t here). */
export function binomialUpperTail(h: number, t: number, p: number): number {
  if (h <= 0) return 1;
  if (h > t) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  // log C(t, h) by summing logs; then step the pmf up from h.
  let logC = 0;
  for (let i = 1; i <= h; i++) logC += Math.log(t - h + i) - Math.log(i);
  let logPmf = logC + h * lp + (t - h) * lq;
  let sum = 0;
  for (let i = h; i <= t; i++) {
    sum += Math.exp(logPmf);
    logPmf += Math.log(t - i) - Math.log(i + 1) + lp - lq;
  }
  return Math.min(1, sum);
}

/**
 * PRIM with covering: find a box, test it, remove the rows it holds, and
 * look again on the rest, up to maxBoxes. Covering stops early when a box
 * does not beat the base rate of the rows it was found on (it is returned as
 * `rejected`), when fewer than minCases cases remain, or when fewer rows
 * remain than a box may hold.
 */
export function prim(x: Float64Array, inputs: readonly string[], y: Uint8Array, options: PrimOptions = {}): PrimResult {
  const k = inputs.length;
  const n = checkInput(x, k, y);
  const o = resolve(n, options);
  const maxBoxes = options.maxBoxes ?? 3;
  const bootstrap = options.bootstrap ?? 50;
  const permutations = options.permutations ?? 19;
  const significance = options.significance ?? 0.05;
  const minCases = options.minCases ?? 10;
  const maxLevels = options.maxLevels ?? 10;
  const seed = options.seed ?? 1;
  if (permutations > 0 && 1 / (1 + permutations) > significance) {
    throw new Error(`${permutations} permutations can never give a p-value of ${significance} or less: use at least ${Math.ceil(1 / significance - 1)}`);
  }
  let totalCases = 0;
  for (let i = 0; i < n; i++) totalCases += y[i]!;
  const discrete = inputs.map((_, j) => {
    const seen = new Set<number>();
    for (let r = 0; r < n && seen.size <= maxLevels; r++) seen.add(x[r * k + j]!);
    return seen.size <= maxLevels;
  });

  const boxes: PrimBox[] = [];
  let rejected: PrimBox | undefined;
  let stopReason: PrimResult['stopReason'] = 'maxBoxes';
  let remaining = allRows(n);
  while (boxes.length < maxBoxes) {
    let remainingCases = 0;
    for (const r of remaining) remainingCases += y[r]!;
    if (remainingCases < minCases || remainingCases === 0) {
      stopReason = 'tooFewCases';
      break;
    }
    if (remaining.length < o.minRows) {
      stopReason = 'tooFewRows';
      break;
    }
    const b = boxes.length;
    const d = makeData(x, k, y, remaining);
    const found = findBox(d, o);
    const baseRate = remainingCases / d.n;
    const density = found.rows > 0 ? found.cases / found.rows : 0;

    // Bootstrap: rerun the whole search on resampled rows of this round.
    const boot: Found[] = [];
    for (let s = 0; s < bootstrap; s++) {
      const random = createRandom(deriveSeed(seed, 'prim-bootstrap', b, s));
      const rows = new Int32Array(d.n);
      for (let i = 0; i < d.n; i++) rows[i] = remaining[Math.floor(random() * d.n)]!;
      boot.push(findBox(makeData(x, k, y, rows), o));
    }

    // Permutation test: y shuffled over this round's rows; what the same search finds there is chance.
    // The statistic is the box's binomial surprise, P(Binomial(rows, base rate) ≥ cases), not its density
    // lift alone: on noise the search peels down to small boxes whose density is high by luck, and a
    // lift would make a large real box lose to them.
    let pValue = 1;
    const lift = density - baseRate;
    if (permutations > 0) {
      let atLeast = 0;
      const surprise = binomialUpperTail(found.cases, found.rows, baseRate);
      for (let s = 0; s < permutations; s++) {
        const yp = shuffle(createRandom(deriveSeed(seed, 'prim-permutation', b, s)), d.y.slice());
        const f = findBox({ ...d, y: yp }, o);
        if (f.rows > 0 && f.cases / f.rows > baseRate && binomialUpperTail(f.cases, f.rows, baseRate) <= surprise) atLeast++;
      }
      pValue = (1 + atLeast) / (1 + permutations);
    }
    const beatsBaseRate = permutations > 0 ? pValue <= significance : lift > 0;

    const stability: InputStability[] = inputs.map((name, j) => {
      let l = 0;
      let u = 0;
      let a = 0;
      for (const f of boot) {
        const hasL = f.lower[j] !== -Infinity;
        const hasU = f.upper[j] !== Infinity;
        l += hasL ? 1 : 0;
        u += hasU ? 1 : 0;
        a += hasL || hasU ? 1 : 0;
      }
      const m = Math.max(1, boot.length);
      return { input: j, name, lower: l / m, upper: u / m, any: a / m };
    });

    const inside = membership(d, found.lower, found.upper).inBox;
    const restrictions: Restriction[] = [];
    for (let j = 0; j < k; j++) {
      const lower = found.lower[j]!;
      const upper = found.upper[j]!;
      const hasL = lower !== -Infinity;
      const hasU = upper !== Infinity;
      if (!hasL && !hasU) continue;
      let same = 0;
      const lows: number[] = [];
      const highs: number[] = [];
      for (const f of boot) {
        const fl = f.lower[j]!;
        const fu = f.upper[j]!;
        if (fl !== -Infinity) lows.push(fl);
        if (fu !== Infinity) highs.push(fu);
        if ((!hasL || fl !== -Infinity) && (!hasU || fu !== Infinity)) same++;
      }
      const quasiP = quasiPValue(d, found.lower, found.upper, j, found.rows, found.cases);
      let levels: number[] | undefined;
      if (discrete[j]) {
        const seen = new Set<number>();
        for (let i = 0; i < d.n; i++) if (inside[i]) seen.add(d.cols[j]![i]!);
        levels = [...seen].sort((p, q) => p - q);
      }
      restrictions.push({
        input: j,
        name: inputs[j]!,
        lower,
        upper,
        ...(levels ? { levels } : {}),
        stability: boot.length > 0 ? same / boot.length : Number.NaN,
        ...(hasL ? { lowerInterval: interval(lows) } : {}),
        ...(hasU ? { upperInterval: interval(highs) } : {}),
        quasiP,
      });
    }

    const box: PrimBox = {
      index: b,
      lower: found.lower,
      upper: found.upper,
      restrictions,
      rows: found.rows,
      cases: found.cases,
      coverage: totalCases > 0 ? found.cases / totalCases : 0,
      density,
      mass: found.rows / n,
      roundCoverage: found.cases / remainingCases,
      baseRate,
      trajectory: found.trajectory,
      chosenStep: found.chosenStep,
      densityBeforePaste: found.trajectory[found.chosenStep]!.density,
      stability,
      pValue,
      beatsBaseRate,
    };
    if (!beatsBaseRate || restrictions.length === 0) {
      rejected = box;
      stopReason = 'noSignal';
      break;
    }
    boxes.push(box);
    const rest: number[] = [];
    for (let i = 0; i < d.n; i++) if (!inside[i]) rest.push(remaining[i]!);
    remaining = Int32Array.from(rest);
  }
  return { inputs, rows: n, cases: totalCases, baseRate: n > 0 ? totalCases / n : 0, boxes, ...(rejected ? { rejected } : {}), stopReason };
}

function interval(values: number[]): readonly [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const s = Float64Array.from(values).sort();
  return [quantileSorted(s, 0.025), quantileSorted(s, 0.975)];
}

export interface DescribeOptions {
  /** How to name an input (default: its name). */
  readonly inputLabel?: (name: string) => string;
  /** What the cases are, plural: "failures", "cases". */
  readonly caseWords: string;
  /** What the rows are, plural (default "rollouts"). */
  readonly rowWords?: string;
  /** Number format for bounds (default 2 significant digits, 3 when a range needs it). */
  readonly format?: (value: number) => string;
}

/** A share as a whole percentage that never rounds a real share to 0% or 100%. */
function percent(share: number): string {
  const p = Math.round(share * 100);
  if (p === 0 && share > 0) return '<1%';
  if (p === 100 && share < 1) return '>99%';
  return `${p}%`;
}

function listWords(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/**
 * The box in plain words, e.g. "mainly when adoption.imitation is below 0.18
 * and organisation.silo_strength is above 0.65: 78% of the failures, and 71%
 * of the rollouts in that region are failures". Inputs with levels are named
 * by level ("is 1", "is 2 or 3").
 */
export function describeBox(
  box: Pick<PrimBox, 'restrictions' | 'coverage' | 'density'>,
  options: DescribeOptions,
): string {
  const label = options.inputLabel ?? ((name: string) => name);
  const rowWords = options.rowWords ?? 'rollouts';
  const fmt = (a: number, b?: number): [string, string] => {
    if (options.format) return [options.format(a), b === undefined ? '' : options.format(b)];
    for (const digits of [2, 3, 4]) {
      const fa = formatNumber(a, digits);
      const fb = b === undefined ? '' : formatNumber(b, digits);
      if (b === undefined || fa !== fb) return [fa, fb];
    }
    return [formatNumber(a, 6), b === undefined ? '' : formatNumber(b, 6)];
  };
  const conditions = box.restrictions.map((r) => {
    const name = label(r.name);
    if (r.levels && r.levels.length > 0) return `${name} is ${listWords(r.levels.map((v) => formatNumber(v)), 'or')}`;
    const hasL = r.lower !== -Infinity;
    const hasU = r.upper !== Infinity;
    if (hasL && hasU) {
      const [a, b] = fmt(r.lower, r.upper);
      return `${name} is between ${a} and ${b}`;
    }
    return hasL ? `${name} is above ${fmt(r.lower)[0]}` : `${name} is below ${fmt(r.upper)[0]}`;
  });
  const where = conditions.length > 0 ? `mainly when ${listWords(conditions)}` : 'with no input restricted';
  return `${where}: ${percent(box.coverage)} of the ${options.caseWords}, and ${percent(box.density)} of the ${rowWords} in that region are ${options.caseWords}`;
}

/**
 * The peeling trajectory as a plain-text table, one line per box: coverage
 * against density with mass and the number of restricted inputs, the chosen
 * step marked. The chart (coverage on x, density on y, coloured by
 * restricted inputs) is the report layer's to draw from the same steps.
 */
export function trajectoryTable(trajectory: readonly TrajectoryStep[], chosenStep?: number): string {
  const head = ['step', 'coverage', 'density', 'mass', 'restricted'];
  const rows = trajectory.map((s) => [
    `${s.step}${s.step === chosenStep ? ' *' : ''}`,
    `${(s.coverage * 100).toFixed(1)}%`,
    `${(s.density * 100).toFixed(1)}%`,
    `${(s.mass * 100).toFixed(1)}%`,
    String(s.restricted),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  return [head, ...rows].map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}
