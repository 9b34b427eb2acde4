/**
 * What the telemetry is compared with: per group (the whole organisation, a department or a wave) and
 * week, the model's counts of people with access, people using the platform (trying or active), active
 * producers, and content items produced (docs/forecast.md, "Telemetry file"). The statistics of one
 * simulation form one vector, group by group, metric by metric, week by week.
 */
import { ACTIVE, OBS, OBSERVABLE_COUNT, PRODUCER, TRYING, type Simulation } from '../model/index.ts';
import type { ForecastMetric } from '../scenarios/forecast-block.ts';

/** A group the telemetry counts: the whole organisation, a department (by index) or a wave (0: pilot). */
export interface GroupRef {
  name: string | null;
  kind: 'all' | 'department' | 'wave';
  index: number;
}

/** Where the statistics of a simulation go: groups × metrics × weeks 1..lastWeek. */
export interface StatLayout {
  groups: GroupRef[];
  metrics: ForecastMetric[];
  lastWeek: number;
}

export function statCount(layout: StatLayout): number {
  return layout.groups.length * layout.metrics.length * layout.lastWeek;
}

/** Index of (group g, metric m, week w ≥ 1) in a statistics vector. */
export function statIndex(layout: StatLayout, g: number, m: number, week: number): number {
  return (g * layout.metrics.length + m) * layout.lastWeek + (week - 1);
}

/** The wave names of the telemetry: pilot, wave1, wave2, … */
export function waveName(w: number): string {
  return w === 0 ? 'pilot' : `wave${w}`;
}

/** This week's counts of every group into `out` (one simulation's statistics vector, at `offset`). */
export function recordWeek(sim: Simulation, layout: StatLayout, out: Float64Array, offset: number): void {
  const week = sim.week;
  if (week < 1 || week > layout.lastWeek) return;
  const n = sim.org.employees;
  const M = layout.metrics.length;
  const counts = new Float64Array(4); // with_access, active, posters, posts
  for (let g = 0; g < layout.groups.length; g++) {
    const group = layout.groups[g]!;
    if (group.kind === 'all') {
      const row = week * OBSERVABLE_COUNT;
      const s = sim.series;
      counts[0] = Math.round(s[row + OBS.access_share]! * n);
      counts[1] = Math.round((s[row + OBS.trying_share]! + s[row + OBS.active_share]!) * n);
      counts[2] = Math.round(s[row + OBS.producers_share]! * n);
      counts[3] = s[row + OBS.content]!;
    } else {
      countGroup(sim, group, counts);
    }
    for (let m = 0; m < M; m++) out[offset + statIndex(layout, g, m, week)] = counts[METRIC_SLOT[layout.metrics[m]!]]!;
  }
}

const METRIC_SLOT: Record<ForecastMetric, number> = { with_access: 0, active: 1, posters: 2, posts: 3 };

function countGroup(sim: Simulation, group: GroupRef, counts: Float64Array): void {
  const { org, state, access, wave } = sim;
  const member = group.kind === 'department' ? org.department : wave;
  let withAccess = 0;
  let using = 0;
  let posters = 0;
  for (let i = 0; i < org.employees; i++) {
    if (member[i] !== group.index) continue;
    if (access[i] !== 0) withAccess++;
    const s = state[i];
    if (s === ACTIVE || s === TRYING) using++;
    if (s === ACTIVE && org.role[i] === PRODUCER) posters++;
  }
  // Content is kept per team; a team lies inside one department and one wave.
  let posts = 0;
  for (let t = 0; t < org.teams; t++) {
    const first = org.teamStart[t]!;
    if (member[first] === group.index) posts += sim.teamActiveContent[t]! * sim.teamOutput[t]!;
  }
  counts[0] = withAccess;
  counts[1] = using;
  counts[2] = posters;
  counts[3] = Math.max(0, posts);
}
