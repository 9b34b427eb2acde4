/**
 * The social network in CSR form (offsets + neighbour list): strong ties
 * inside every team, a tie from each team manager to their department head,
 * and weak ties drawn Chung-Lu style from lognormal propensities, so degrees
 * are heterogeneous (a few hubs). A weak tie that would cross a department
 * border stays inside the department with probability siloStrength.
 *
 * With a network file (params.organisation.ties) the file's ties replace the
 * weak ties; the team and management ties stay. A tie of strength s is listed
 * s times in each end's neighbour list, so it counts as s contacts in every
 * sum over contacts (shares, content, reinforcement) with no change to the
 * step: strength 1 everywhere is the unweighted network.
 *
 * The 'complete' kind is the fully mixed limit used for the Bass and
 * Granovetter checks: everyone is everyone's contact, and the simulation
 * reads global counts instead of neighbour lists.
 */
import type { GivenTies, ModelParams } from './params.ts';
import { normal, type Random } from './rng.ts';

export interface Network {
  complete: boolean;
  employees: number;
  /** CSR: neighbours of i are neighbours[offsets[i] .. offsets[i + 1]) (empty when complete). */
  offsets: Int32Array;
  neighbours: Int32Array;
  /**
   * Each neighbour list holds contacts in i's department first: those in other departments are
   * neighbours[crossStart[i] .. offsets[i + 1]), so updates that only cross-department contacts need
   * loop over them without a branch per contact (empty when complete).
   */
  crossStart: Int32Array;
  degree(i: number): number;
  /** Number of ties (each counted once). */
  ties(): number;
  bytes(): number;
}

interface Layout {
  department: Uint16Array;
  team: Int32Array;
  teamStart: Int32Array;
  isManager: Uint8Array;
  teamIsExecutive: Uint8Array;
  teams: number;
  executives: number;
  /** A real organisation's reporting line between teams (see OrganisationStructure.parentTeams); absent when generated. */
  parentTeam?: Int32Array;
}

export function buildNetwork(params: ModelParams, random: Random, layout: Layout): Network {
  const n = layout.department.length;
  if (params.network === 'complete') {
    return {
      complete: true, employees: n, offsets: new Int32Array(0), neighbours: new Int32Array(0), crossStart: new Int32Array(0),
      degree: () => n - 1, ties: () => (n * (n - 1)) / 2, bytes: () => 0,
    };
  }
  const { teamStart, teams, department, team } = layout;
  const weakTies = Math.round((n * params.organisation.weakTies) / 2);
  const given = params.organisation.ties;
  let strongPairs = 0;
  for (let t = 0; t < teams; t++) {
    const size = teamStart[t + 1]! - teamStart[t]!;
    strongPairs += (size * (size - 1)) / 2;
  }
  const edges = new EdgeList(strongPairs + teams + (given ? given.from.length : weakTies));

  // Strong ties: everyone in a team knows everyone else in it.
  for (let t = 0; t < teams; t++) {
    for (let i = teamStart[t]!; i < teamStart[t + 1]!; i++) {
      for (let j = i + 1; j < teamStart[t + 1]!; j++) edges.add(i, j);
    }
  }
  // The management line: each team manager knows their own manager (a real organisation) or their department's head.
  if (layout.parentTeam) {
    for (let t = 0; t < teams; t++) if (layout.parentTeam[t]! >= 0) edges.add(teamStart[t]!, teamStart[layout.parentTeam[t]!]!);
  } else if (layout.executives > 0) {
    const execStart = teamStart[teams - 1]!;
    const headOf = new Int32Array(params.organisation.departments).fill(execStart);
    for (let k = 1; k < layout.executives; k++) {
      const d = department[execStart + k]!;
      if (headOf[d] === execStart) headOf[d] = execStart + k;
    }
    for (let t = 0; t < teams - 1; t++) edges.add(teamStart[t]!, headOf[department[teamStart[t]!]!]!);
  }
  // A network file's ties take the place of the weak ties (no random draws).
  if (given) return withGivenTies(n, edges, given, department);

  // Weak ties, Chung-Lu: endpoints drawn in proportion to lognormal propensities.
  const sigma = params.organisation.degreeDispersion;
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = Math.exp(sigma * normal(random) - (sigma * sigma) / 2);
  const everyone = new AliasTable(weight, null);
  const departments = params.organisation.departments;
  const members: number[][] = Array.from({ length: departments }, () => []);
  for (let i = 0; i < n; i++) members[department[i]!]!.push(i);
  const byDepartment = members.map((list) => ({ list, table: new AliasTable(weight, list) }));
  const silo = params.organisation.siloStrength;
  for (let e = 0; e < weakTies; e++) {
    const a = everyone.sample(random());
    let b = -1;
    for (let tries = 0; tries < 8; tries++) {
      let candidate: number;
      if (random() < silo) {
        const d = byDepartment[department[a]!]!;
        candidate = d.list[d.table.sample(random())]!;
      } else {
        candidate = everyone.sample(random());
      }
      if (candidate !== a && team[candidate] !== team[a]) {
        b = candidate;
        break;
      }
    }
    if (b >= 0) edges.add(a, b);
  }
  return toCsr(n, edges, department);
}

/** counts[i] .. counts[i + 1]: where employee i's (possibly repeated) contacts go. */
function degreeOffsets(n: number, edges: EdgeList): Int32Array {
  const { from, to, length } = edges;
  const counts = new Int32Array(n + 1);
  for (let e = 0; e < length; e++) {
    counts[from[e]! + 1]! += 1;
    counts[to[e]! + 1]! += 1;
  }
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  return counts;
}

function scatterEdges(edges: EdgeList, counts: Int32Array): Int32Array {
  const { from, to, length } = edges;
  const fill = counts.slice(0, counts.length - 1);
  const raw = new Int32Array(counts[counts.length - 1]!);
  for (let e = 0; e < length; e++) {
    raw[fill[from[e]!]!++] = to[e]!;
    raw[fill[to[e]!]!++] = from[e]!;
  }
  return raw;
}

/**
 * Drops repeated contacts in place (a marker array spots them) and puts each list's same-department contacts
 * first (order otherwise kept), in one pass; fills offsets and crossStart, returns the tie ends kept.
 */
function compactAndSplit(n: number, counts: Int32Array, raw: Int32Array, offsets: Int32Array, crossStart: Int32Array, department: Uint16Array): number {
  const seenBy = new Int32Array(n).fill(-1);
  const cross = new Int32Array(n);
  let write = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = write;
    const own = department[i]!;
    let crossing = 0;
    // Compacting in place is safe: write never passes the read position.
    for (let k = counts[i]!; k < counts[i + 1]!; k++) {
      const j = raw[k]!;
      if (seenBy[j] === i) continue;
      seenBy[j] = i;
      if (department[j] === own) raw[write++] = j;
      else cross[crossing++] = j;
    }
    crossStart[i] = write;
    for (let c = 0; c < crossing; c++) raw[write++] = cross[c]!;
  }
  offsets[n] = write;
  return write;
}

/** Puts each neighbour list's same-department contacts first (order otherwise kept); returns crossStart. */
function splitByDepartment(n: number, offsets: Int32Array, neighbours: Int32Array, department: Uint16Array): Int32Array {
  const crossStart = new Int32Array(n);
  const cross = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let write = offsets[i]!;
    let crossing = 0;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const j = neighbours[e]!;
      if (department[j] === department[i]) neighbours[write++] = j;
      else cross[crossing++] = j;
    }
    crossStart[i] = write;
    for (let k = 0; k < crossing; k++) neighbours[write + k] = cross[k]!;
  }
  return crossStart;
}

/** The team and management ties in `edges` (strength 1) plus the given ties, as a CSR listing a tie of strength s s times. */
function withGivenTies(n: number, edges: EdgeList, given: GivenTies, department: Uint16Array): Network {
  const structural = edges.length;
  const strength = new Uint8Array(structural + given.from.length).fill(1);
  for (let k = 0; k < given.from.length; k++) {
    edges.add(given.from[k]!, given.to[k]!);
    strength[structural + k] = given.strength[k]!;
  }
  const counts = degreeOffsets(n, edges);
  const { raw, rawStrength } = scatterWeighted(edges, strength, counts);
  const starts = strongestOfRepeats(n, counts, raw, rawStrength);
  const offsets = new Int32Array(n + 1);
  const neighbours = repeatByStrength(n, starts, raw, rawStrength, offsets);
  const crossStart = splitByDepartment(n, offsets, neighbours, department);
  const ties = starts[n]! / 2;
  return {
    complete: false, employees: n, offsets, neighbours, crossStart,
    degree: (i: number) => offsets[i + 1]! - offsets[i]!,
    ties: () => ties,
    bytes: () => offsets.byteLength + neighbours.byteLength + crossStart.byteLength,
  };
}

function scatterWeighted(edges: EdgeList, strength: Uint8Array, counts: Int32Array): { raw: Int32Array; rawStrength: Uint8Array } {
  const { from, to, length } = edges;
  const fill = counts.slice(0, counts.length - 1);
  const raw = new Int32Array(counts[counts.length - 1]!);
  const rawStrength = new Uint8Array(raw.length);
  for (let e = 0; e < length; e++) {
    const a = from[e]!;
    const b = to[e]!;
    rawStrength[fill[a]!] = strength[e]!;
    raw[fill[a]!++] = b;
    rawStrength[fill[b]!] = strength[e]!;
    raw[fill[b]!++] = a;
  }
  return { raw, rawStrength };
}

/**
 * Merges repeated contacts in place, keeping the strongest (a file's tie inside a team is as strong as the file
 * says, never weaker than the team tie); returns where each employee's distinct contacts now start.
 */
function strongestOfRepeats(n: number, counts: Int32Array, raw: Int32Array, rawStrength: Uint8Array): Int32Array {
  const seenBy = new Int32Array(n).fill(-1);
  const at = new Int32Array(n);
  const starts = new Int32Array(n + 1);
  let write = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = write;
    for (let k = counts[i]!; k < counts[i + 1]!; k++) {
      const j = raw[k]!;
      if (seenBy[j] === i) {
        if (rawStrength[k]! > rawStrength[at[j]!]!) rawStrength[at[j]!] = rawStrength[k]!;
        continue;
      }
      seenBy[j] = i;
      at[j] = write;
      raw[write] = j;
      rawStrength[write++] = rawStrength[k]!;
    }
  }
  starts[n] = write;
  return starts;
}

/** Each distinct contact listed as many times as its tie's strength; fills offsets. */
function repeatByStrength(n: number, starts: Int32Array, raw: Int32Array, rawStrength: Uint8Array, offsets: Int32Array): Int32Array {
  let total = 0;
  for (let k = 0; k < starts[n]!; k++) total += rawStrength[k]!;
  const neighbours = new Int32Array(total);
  let write = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = write;
    for (let k = starts[i]!; k < starts[i + 1]!; k++) {
      const j = raw[k]!;
      for (let r = rawStrength[k]!; r > 0; r--) neighbours[write++] = j;
    }
  }
  offsets[n] = write;
  return neighbours;
}

/**
 * Walker's alias table: draws index k with probability weight[k] / total in
 * O(1) from one uniform number (binary search over cumulative weights costs a
 * mispredicted branch per step).
 */
export class AliasTable {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  /** Over `weight` itself, or over `weight[subset[k]]` for k in subset (indices are then into subset). */
  constructor(weight: Float64Array, subset: number[] | null) {
    const size = subset ? subset.length : weight.length;
    this.probability = new Float64Array(size);
    this.alias = new Int32Array(size);
    let total = 0;
    for (let k = 0; k < size; k++) total += weight[subset ? subset[k]! : k]!;
    const scaled = new Float64Array(size);
    // Two stacks of indices (Vose): small from the front of `stacks`, large from its back.
    const stacks = new Int32Array(size);
    let small = 0;
    let large = size;
    for (let k = 0; k < size; k++) {
      scaled[k] = (weight[subset ? subset[k]! : k]! * size) / total;
      if (scaled[k]! < 1) stacks[small++] = k;
      else stacks[--large] = k;
    }
    while (small > 0 && large < size) {
      const s = stacks[--small]!;
      const l = stacks[large]!;
      this.probability[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) stacks[small++] = stacks[large++]!;
    }
    // What is left is 1 up to rounding.
    for (let k = large; k < size; k++) this.probability[stacks[k]!] = 1;
    for (let k = 0; k < small; k++) this.probability[stacks[k]!] = 1;
  }

  /** An index drawn from one uniform number u in [0, 1). */
  sample(u: number): number {
    const size = this.probability.length;
    const x = u * size;
    const k = Math.floor(x);
    return x - k < this.probability[k]! ? k : this.alias[k]!;
  }
}

/** Undirected ties as two preallocated columns. */
export class EdgeList {
  readonly from: Int32Array;
  readonly to: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.from = new Int32Array(capacity);
    this.to = new Int32Array(capacity);
  }
  add(a: number, b: number): void {
    this.from[this.length] = a;
    this.to[this.length++] = b;
  }
}

/**
 * Undirected edge list to CSR, duplicates merged. A neighbour list keeps the
 * order ties were added in (deterministic), so no sort is needed: a marker
 * array spots repeats in one pass. Contacts in the same department come first.
 */
export function toCsr(n: number, edges: EdgeList, department: Uint16Array): Network {
  // Each pass is its own function: a long function with several hot loops is optimised on-stack in its
  // first loop, before the later ones have type feedback, and that code then bails out on every build.
  const counts = degreeOffsets(n, edges);
  const raw = scatterEdges(edges, counts);
  const offsets = new Int32Array(n + 1);
  const crossStart = new Int32Array(n);
  const neighbours = raw.slice(0, compactAndSplit(n, counts, raw, offsets, crossStart, department));
  return {
    complete: false, employees: n, offsets, neighbours, crossStart,
    degree: (i: number) => offsets[i + 1]! - offsets[i]!,
    ties: () => neighbours.length / 2,
    bytes: () => offsets.byteLength + neighbours.byteLength + crossStart.byteLength,
  };
}
