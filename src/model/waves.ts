/**
 * Pilot and wave assignment for a phased rollout. Whole teams move together
 * (a team is how work is organised). Wave 0 is the pilot, chosen by the
 * plan's selection rule until it holds pilotShare of employees; the other
 * teams are shuffled and dealt into the remaining waves by head count. The
 * executive team joins the pilot: sponsors go first.
 */
import type { Organisation } from './organisation.ts';
import type { WavePlan } from './plan.ts';
import { shuffle, type Random } from './rng.ts';
import { groupMembers } from './select.ts';

export function assignWaves(org: Organisation, plan: WavePlan, random: Random): Int8Array {
  if (plan.named) return namedWaves(org, plan, plan.named, random);
  const wave = new Int8Array(org.employees).fill(-1);
  const teams = org.teams;
  const size = (t: number) => org.teamStart[t + 1]! - org.teamStart[t]!;
  const meanInnovativeness = (t: number) => {
    let sum = 0;
    for (let i = org.teamStart[t]!; i < org.teamStart[t + 1]!; i++) sum += org.innovativeness[i]!;
    return sum / size(t);
  };
  const candidates = shuffle(random, Array.from({ length: teams }, (_, t) => t).filter((t) => !org.teamIsExecutive[t]));
  let ordered: number[];
  switch (plan.selection) {
    case 'volunteers': {
      const score = new Float64Array(teams);
      for (const t of candidates) score[t] = meanInnovativeness(t);
      ordered = [...candidates].sort((a, b) => score[b]! - score[a]! || a - b);
      break;
    }
    case 'catalyst_managers':
      ordered = [...candidates].sort((a, b) => org.initialStyle[b]! - org.initialStyle[a]! || a - b);
      break;
    case 'department': {
      // Whole departments, in a random order.
      const departments = shuffle(random, Array.from({ length: org.departments }, (_, d) => d));
      const rank = new Int32Array(org.departments);
      departments.forEach((d, k) => (rank[d] = k));
      ordered = [...candidates].sort((a, b) => rank[org.teamDepartment[a]!]! - rank[org.teamDepartment[b]!]!);
      break;
    }
    case 'cross_section': {
      // Round-robin over departments so the pilot mirrors the organisation.
      const byDepartment: number[][] = Array.from({ length: org.departments }, () => []);
      for (const t of candidates) byDepartment[org.teamDepartment[t]!]!.push(t);
      ordered = [];
      for (let k = 0; ordered.length < candidates.length; k++) {
        for (const list of byDepartment) if (k < list.length) ordered.push(list[k]!);
      }
      break;
    }
    case 'random':
      ordered = candidates;
      break;
  }
  const pilotTarget = plan.pilotShare * org.employees;
  let pilot = 0;
  const rest: number[] = [];
  for (const t of ordered) {
    if (pilot < pilotTarget && pilot + size(t) / 2 <= pilotTarget) {
      setTeam(org, wave, t, 0);
      pilot += size(t);
    } else {
      rest.push(t);
    }
  }
  for (let t = 0; t < teams; t++) if (org.teamIsExecutive[t]) setTeam(org, wave, t, 0);
  dealTeams(org, wave, rest, plan.waves, random);
  return wave;
}

/** The teams in `rest` shuffled and dealt into waves 1..waves by head count (all into the pilot when there are none). */
function dealTeams(org: Organisation, wave: Int8Array, rest: number[], waves: number, random: Random): void {
  const size = (t: number) => org.teamStart[t + 1]! - org.teamStart[t]!;
  const others = shuffle(random, rest);
  const remaining = others.reduce((s, t) => s + size(t), 0);
  let dealt = 0;
  for (const t of others) {
    const w = waves > 0 ? 1 + Math.min(waves - 1, Math.floor((dealt * waves) / Math.max(1, remaining))) : 0;
    setTeam(org, wave, t, w);
    dealt += size(t);
  }
}

/**
 * Waves by name (a pilot of Tax and Legal, then Audit, ...): person by person, since an office or a grade cuts
 * across teams; each person joins the first wave that names them. The rest join the last named wave, or are
 * dealt by team into `waves` waves when only the pilot is named. The executive team joins the pilot.
 */
function namedWaves(org: Organisation, plan: WavePlan, named: NonNullable<WavePlan['named']>, random: Random): Int8Array {
  const wave = new Int8Array(org.employees).fill(-1);
  [named.pilot, ...named.waves].forEach((group, w) => {
    for (const i of groupMembers(org, group)) if (wave[i] === -1) wave[i] = w;
  });
  for (let t = 0; t < org.teams; t++) if (org.teamIsExecutive[t]) setTeam(org, wave, t, 0);
  if (named.waves.length > 0) {
    for (let i = 0; i < org.employees; i++) if (wave[i] === -1) wave[i] = named.waves.length;
  } else {
    // Teams untouched by the pilot are dealt whole; people a pilot of offices or grades left behind join wave 1.
    const rest: number[] = [];
    for (let t = 0; t < org.teams; t++) {
      let untouched = true;
      for (let i = org.teamStart[t]!; i < org.teamStart[t + 1]! && untouched; i++) untouched = wave[i] === -1;
      if (untouched) rest.push(t);
    }
    dealTeams(org, wave, rest, plan.waves, random);
    for (let i = 0; i < org.employees; i++) if (wave[i] === -1) wave[i] = plan.waves > 0 ? 1 : 0;
  }
  return wave;
}

function setTeam(org: Organisation, wave: Int8Array, t: number, w: number): void {
  for (let i = org.teamStart[t]!; i < org.teamStart[t + 1]!; i++) wave[i] = w;
}
