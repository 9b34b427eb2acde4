/**
 * From a checked network file to the model's ties (docs/model.md, "Ties from a network file"; docs/org.md):
 * - each row is placed in the model's layout (src/org/structure.ts's layoutOf) and undirected: A→B and B→A are
 *   one tie;
 * - rows of the same pair (both directions, or every week of a weekly edge list) are merged, their weights
 *   summed: the weight of a tie is all the collaboration the file records between the two;
 * - weight becomes strength, the number of contacts the tie counts as: strength = the weight divided by the
 *   median weight of the file's ties, rounded, at least 1 and at most `maxStrength` (default 3). A tie of typical
 *   weight counts once, one of three times the typical weight three times; a file without weights, or with
 *   equal weights, gives strength 1 everywhere, the unweighted network.
 * Everything here depends on the set of rows, not their order: ties are sorted, and the weights of a pair are
 * summed in increasing order, so any order of the rows gives the same bytes.
 */
import type { GivenTies, OrganisationStructure } from '../model/params.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { experimentHash } from '../scenarios/hash.ts';
import type { NetworkFile } from './network-file.ts';

export const DEFAULT_MAX_STRENGTH = 3;
/** The strongest a tie may be made (a tie of strength s is s entries in each end's neighbour list). */
export const MAX_STRENGTH_LIMIT = 10;

export interface MergedTies {
  /** Ends in the model's numbering, a[k] < b[k], sorted by (a, b), each pair once. */
  a: Int32Array;
  b: Int32Array;
  /** The summed weight of the pair's rows. */
  weight: Float64Array;
  /** Rows merged into a pair already given by another row (the other direction, another week). */
  repeats: number;
}

/** The file's rows as one tie per pair, in the numbering `employee` (person → model employee) of n employees. */
export function mergeTies(n: number, employee: Int32Array, file: Pick<NetworkFile, 'source' | 'target' | 'weight'>): MergedTies {
  const rows = file.source.length;
  const lo = new Int32Array(rows);
  const hi = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = employee[file.source[r]!]!;
    const y = employee[file.target[r]!]!;
    lo[r] = Math.min(x, y);
    hi[r] = Math.max(x, y);
  }
  // Two stable counting sorts (by the higher end, then by the lower) order the rows by pair in O(rows + n).
  const byHi = countingOrder(n, hi, null);
  const order = countingOrder(n, lo, byHi);
  const a = new Int32Array(rows);
  const b = new Int32Array(rows);
  const weight = new Float64Array(rows);
  const scratch = new Float64Array(rows);
  let pairs = 0;
  for (let k = 0; k < rows; ) {
    const r = order[k]!;
    let end = k + 1;
    while (end < rows && lo[order[end]!] === lo[r] && hi[order[end]!] === hi[r]) end++;
    // A pair's weights summed smallest first: the same sum, to the last bit, for any order of the rows.
    for (let j = k; j < end; j++) scratch[j - k] = file.weight[order[j]!]!;
    const group = scratch.subarray(0, end - k).sort();
    let sum = 0;
    for (let j = 0; j < group.length; j++) sum += group[j]!;
    a[pairs] = lo[r]!;
    b[pairs] = hi[r]!;
    weight[pairs++] = sum;
    k = end;
  }
  return { a: a.slice(0, pairs), b: b.slice(0, pairs), weight: weight.slice(0, pairs), repeats: rows - pairs };
}

/** Row indices ordered by key (0 .. n - 1), stably, starting from `within` (or 0, 1, 2, ...). */
function countingOrder(n: number, key: Int32Array, within: Int32Array | null): Int32Array {
  const rows = key.length;
  const start = new Int32Array(n + 1);
  for (let r = 0; r < rows; r++) start[key[r]! + 1]! += 1;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const out = new Int32Array(rows);
  for (let k = 0; k < rows; k++) {
    const r = within ? within[k]! : k;
    out[start[key[r]!]!++] = r;
  }
  return out;
}

/** The median of the positive weights; 0 when none is positive (every tie then has strength 1). */
export function typicalWeight(weight: Float64Array): number {
  let count = 0;
  for (let k = 0; k < weight.length; k++) if (weight[k]! > 0) count++;
  const positive = new Float64Array(count);
  count = 0;
  for (let k = 0; k < weight.length; k++) if (weight[k]! > 0) positive[count++] = weight[k]!;
  positive.sort();
  if (positive.length === 0) return 0;
  const mid = positive.length >> 1;
  return positive.length % 2 === 1 ? positive[mid]! : (positive[mid - 1]! + positive[mid]!) / 2;
}

/** strength = round(weight / median), at least 1 and at most maxStrength. */
export function strengthsOf(weight: Float64Array, maxStrength: number = DEFAULT_MAX_STRENGTH): Uint8Array {
  const typical = typicalWeight(weight);
  const strength = new Uint8Array(weight.length).fill(1);
  if (typical === 0) return strength;
  for (let k = 0; k < weight.length; k++) strength[k] = Math.min(maxStrength, Math.max(1, Math.round(weight[k]! / typical)));
  return strength;
}

export function givenTiesOf(merged: MergedTies, maxStrength: number = DEFAULT_MAX_STRENGTH): GivenTies {
  return { from: merged.a, to: merged.b, strength: strengthsOf(merged.weight, maxStrength) };
}

/** What a network file describes, in counts (no line of it is about one person). */
export interface NetworkSummary {
  rows: number;
  ties: number;
  /** Rows merged into a pair another row gives (the other direction, another week). */
  repeats: number;
  people: number;
  /** People of the HR file with no tie in the network file. */
  without_ties: number;
  contacts: { mean: number; median: number; max: number };
  /** Ties between people of one team (already tied in the model; the file can make them stronger), of one department, across departments. */
  within_team: number;
  within_department: number;
  across_departments: number;
  /** Connected groups of people with at least one tie, and the largest one's size. */
  components: number;
  largest_component: number;
  /** The median weight (null without a weight column) and how many ties have each strength 1 .. max_strength. */
  median_weight: number | null;
  max_strength: number;
  strengths: number[];
}

export function summariseNetwork(merged: MergedTies, rows: number, structure: OrganisationStructure, weighted: boolean, maxStrength: number = DEFAULT_MAX_STRENGTH): NetworkSummary {
  const n = structure.teamSizes.reduce((s, x) => s + x, 0);
  const team = new Int32Array(n);
  const department = new Int32Array(n);
  let at = 0;
  structure.teamSizes.forEach((size, t) => {
    for (let k = 0; k < size; k++, at++) {
      team[at] = t;
      department[at] = structure.teamDepartments[t]!;
    }
  });
  const degree = new Int32Array(n);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let withinTeam = 0;
  let withinDepartment = 0;
  for (let k = 0; k < merged.a.length; k++) {
    const x = merged.a[k]!;
    const y = merged.b[k]!;
    degree[x]! += 1;
    degree[y]! += 1;
    if (team[x] === team[y]) withinTeam++;
    else if (department[x] === department[y]) withinDepartment++;
    const rx = root(x);
    const ry = root(y);
    if (rx !== ry) parent[Math.max(rx, ry)] = Math.min(rx, ry);
  }
  const size = new Int32Array(n);
  let withoutTies = 0;
  for (let i = 0; i < n; i++) {
    if (degree[i] === 0) withoutTies++;
    else size[root(i)]! += 1;
  }
  let components = 0;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    if (size[i]! > 0) components++;
    largest = Math.max(largest, size[i]!);
  }
  const sorted = degree.slice().sort();
  const mid = n >> 1;
  const strength = strengthsOf(merged.weight, maxStrength);
  const strengths = new Array<number>(maxStrength).fill(0);
  for (const s of strength) strengths[s - 1]! += 1;
  const ties = merged.a.length;
  return {
    rows, ties, repeats: merged.repeats, people: n, without_ties: withoutTies,
    contacts: { mean: n === 0 ? 0 : Number(((2 * ties) / n).toFixed(2)), median: n === 0 ? 0 : n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2, max: n === 0 ? 0 : sorted[n - 1]! },
    within_team: withinTeam, within_department: withinDepartment, across_departments: ties - withinTeam - withinDepartment,
    components, largest_component: largest,
    median_weight: weighted ? Number(typicalWeight(merged.weight).toPrecision(6)) : null, max_strength: maxStrength, strengths,
  };
}

/** The experiment on the file's ties instead of generated weak ties, its hash updated (the ties are part of what it runs). */
export function experimentWithTies(experiment: Experiment, ties: GivenTies): Experiment {
  const params = { ...experiment.params, organisation: { ...experiment.params.organisation, ties } };
  const out: Experiment = { ...experiment, params };
  out.hash = experimentHash(out);
  return out;
}
