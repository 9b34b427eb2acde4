/**
 * The social network in CSR form (offsets + neighbour list): strong ties
 * inside every team, a tie from each team manager to their department head,
 * and weak ties drawn Chung-Lu style from lognormal propensities, so degrees
 * are heterogeneous (a few hubs). A weak tie that would cross a department
 * border stays inside the department with probability siloStrength.
 *
 * The 'complete' kind is the fully mixed limit used for the Bass and
 * Granovetter checks: everyone is everyone's contact, and the simulation
 * reads global counts instead of neighbour lists.
 */
import type { ModelParams } from './params.ts';
import { normal, type Random } from './rng.ts';
import { pickCumulative } from './organisation.ts';

export interface Network {
  complete: boolean;
  employees: number;
  /** CSR: neighbours of i are neighbours[offsets[i] .. offsets[i + 1]) (empty when complete). */
  offsets: Int32Array;
  neighbours: Int32Array;
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
}

export function buildNetwork(params: ModelParams, random: Random, layout: Layout): Network {
  const n = layout.department.length;
  if (params.network === 'complete') {
    return {
      complete: true, employees: n, offsets: new Int32Array(0), neighbours: new Int32Array(0),
      degree: () => n - 1, ties: () => (n * (n - 1)) / 2, bytes: () => 0,
    };
  }
  const from: number[] = [];
  const to: number[] = [];
  const { teamStart, teams, department, team } = layout;

  // Strong ties: everyone in a team knows everyone else in it.
  for (let t = 0; t < teams; t++) {
    for (let i = teamStart[t]!; i < teamStart[t + 1]!; i++) {
      for (let j = i + 1; j < teamStart[t + 1]!; j++) {
        from.push(i);
        to.push(j);
      }
    }
  }
  // The management line: each team manager knows their department's head.
  if (layout.executives > 0) {
    const execStart = teamStart[teams - 1]!;
    const headOf = new Int32Array(params.organisation.departments).fill(execStart);
    for (let k = 1; k < layout.executives; k++) {
      const d = department[execStart + k]!;
      if (headOf[d] === execStart) headOf[d] = execStart + k;
    }
    for (let t = 0; t < teams - 1; t++) {
      from.push(teamStart[t]!);
      to.push(headOf[department[teamStart[t]!]!]!);
    }
  }

  // Weak ties, Chung-Lu: endpoints drawn in proportion to lognormal propensities.
  const sigma = params.organisation.degreeDispersion;
  const weight = new Float64Array(n);
  for (let i = 0; i < n; i++) weight[i] = Math.exp(sigma * normal(random) - (sigma * sigma) / 2);
  const global = cumulativeOf(weight, null);
  const departments = params.organisation.departments;
  const members: number[][] = Array.from({ length: departments }, () => []);
  for (let i = 0; i < n; i++) members[department[i]!]!.push(i);
  const byDepartment = members.map((list) => ({ list, cumulative: cumulativeOf(weight, list) }));
  const weakTies = Math.round((n * params.organisation.weakTies) / 2);
  const silo = params.organisation.siloStrength;
  for (let e = 0; e < weakTies; e++) {
    const a = pickCumulative(global, random());
    let b = -1;
    for (let tries = 0; tries < 8; tries++) {
      let candidate: number;
      if (random() < silo) {
        const d = byDepartment[department[a]!]!;
        candidate = d.list[pickCumulative(d.cumulative, random())]!;
      } else {
        candidate = pickCumulative(global, random());
      }
      if (candidate !== a && team[candidate] !== team[a]) {
        b = candidate;
        break;
      }
    }
    if (b >= 0) {
      from.push(a);
      to.push(b);
    }
  }
  return toCsr(n, from, to);
}

function cumulativeOf(weight: Float64Array, subset: number[] | null): Float64Array {
  const size = subset ? subset.length : weight.length;
  const cumulative = new Float64Array(size);
  let acc = 0;
  for (let k = 0; k < size; k++) cumulative[k] = acc += weight[subset ? subset[k]! : k]!;
  for (let k = 0; k < size; k++) cumulative[k]! /= acc;
  return cumulative;
}

/** Undirected edge list to CSR with sorted, de-duplicated neighbour lists. */
export function toCsr(n: number, from: number[], to: number[]): Network {
  const counts = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) {
    counts[from[e]! + 1]! += 1;
    counts[to[e]! + 1]! += 1;
  }
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const fill = counts.slice(0, n);
  const raw = new Int32Array(counts[n]!);
  for (let e = 0; e < from.length; e++) {
    raw[fill[from[e]!]!++] = to[e]!;
    raw[fill[to[e]!]!++] = from[e]!;
  }
  const offsets = new Int32Array(n + 1);
  let write = 0;
  for (let i = 0; i < n; i++) {
    const list = raw.subarray(counts[i]!, counts[i + 1]!).sort();
    offsets[i] = write;
    for (let k = 0; k < list.length; k++) if (k === 0 || list[k] !== list[k - 1]) raw[write++] = list[k]!;
    // Compacting in place is safe: write never passes the read position.
  }
  offsets[n] = write;
  const neighbours = raw.slice(0, write);
  return {
    complete: false, employees: n, offsets, neighbours,
    degree: (i: number) => offsets[i + 1]! - offsets[i]!,
    ties: () => neighbours.length / 2,
    bytes: () => offsets.byteLength + neighbours.byteLength,
  };
}
