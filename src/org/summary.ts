/** What a checked HR export holds, in numbers: the same for any order of its rows. */
import type { HrField } from './columns.ts';

export interface GroupCount {
  name: string;
  people: number;
}

export interface HrSummary {
  people: number;
  /** People with at least one direct report. */
  managers: number;
  /** A team is a manager with their direct reports, so there are as many teams as managers. */
  teams: number;
  /** Levels of the hierarchy: 1 for the top alone, 2 when everyone reports to the top, ... */
  depth: number;
  /** Direct reports per manager. */
  span_of_control: { median: number; mean: number; max: number };
  /** Largest first, then by name. */
  departments: GroupCount[];
  /** null when the file has no such column; people with a blank cell are left out. */
  levels: GroupCount[] | null;
  locations: GroupCount[] | null;
  functions: GroupCount[] | null;
  /** Distinct names in the team column, if there is one. */
  named_teams: number | null;
  /** People flagged front-line, if there is a front-line column. */
  front_line: number | null;
}

interface Person {
  manager: number;
  department: string;
  team: string | null;
  location: string | null;
  level: string | null;
  function: string | null;
  frontLine: boolean | null;
}

/** `people` in an order where every manager comes before their reports. */
export function summarise(people: readonly Person[], columns: Record<HrField, string | null>): HrSummary {
  const n = people.length;
  const reports = new Int32Array(n);
  const depth = new Int32Array(n);
  let maxDepth = 0;
  people.forEach((p, i) => {
    if (p.manager >= 0) {
      reports[p.manager]!++;
      depth[i] = depth[p.manager]! + 1;
    }
    maxDepth = Math.max(maxDepth, depth[i]!);
  });
  const spans = [...reports].filter((r) => r > 0).sort((a, b) => a - b);
  const mid = spans.length >> 1;
  const median = spans.length === 0 ? 0 : spans.length % 2 === 1 ? spans[mid]! : (spans[mid - 1]! + spans[mid]!) / 2;
  const mean = spans.length === 0 ? 0 : spans.reduce((a, b) => a + b, 0) / spans.length;
  const groups = (field: 'location' | 'level' | 'function', present: boolean) => (present ? tally(people.map((p) => p[field])) : null);
  return {
    people: n,
    managers: spans.length,
    teams: spans.length,
    depth: n === 0 ? 0 : maxDepth + 1,
    span_of_control: { median, mean: Math.round(mean * 100) / 100, max: spans[spans.length - 1] ?? 0 },
    departments: tally(people.map((p) => p.department)),
    levels: groups('level', columns.level !== null),
    locations: groups('location', columns.location !== null),
    functions: groups('function', columns.function !== null),
    named_teams: columns.team === null ? null : new Set(people.map((p) => p.team).filter((t) => t !== null)).size,
    front_line: columns.front_line === null ? null : people.filter((p) => p.frontLine === true).length,
  };
}

function tally(values: readonly (string | null)[]): GroupCount[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([name, people]) => ({ name, people })).sort((a, b) => b.people - a.people || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Groups of fewer people than this are merged in what uptake shows (a small group's name and count could point at a person). */
export const MIN_GROUP_SIZE = 5;

/** `list` with every group under `min` people merged into one count, which the caller says it shows. */
export function withGroupFloor(list: readonly GroupCount[], min = MIN_GROUP_SIZE): { groups: GroupCount[]; merged: { groups: number; people: number } | null } {
  const small = list.filter((g) => g.people < min);
  if (small.length === 0) return { groups: [...list], merged: null };
  return { groups: list.filter((g) => g.people >= min), merged: { groups: small.length, people: small.reduce((a, g) => a + g.people, 0) } };
}
