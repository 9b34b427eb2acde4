/**
 * The organisation: who works where, who knows whom, who belongs to which
 * community, and each person's fixed traits. Built once per rollout from the
 * parameters and a seed, then shared read-only by every strategy's simulation
 * of that rollout (common random numbers).
 *
 * Layout: employees are numbered department by department, team by team, so a
 * team is a contiguous range [teamStart[t], teamStart[t + 1]) and its first
 * member is its manager. The executive layer is the last team: one head per
 * department plus the chief executive, who manages it. A real organisation
 * (params.organisation.structure, from an HR export) gives its own teams in the
 * same layout instead; everything from the network on is drawn the same way.
 */
import { type ModelParams, type OrganisationParams, type OrganisationStructure, validateParams } from './params.ts';
import { createRandom, betaMean, indices, normal, shuffle, type Random } from './rng.ts';
import { AliasTable, buildNetwork, type Network } from './network.ts';

export const READER = 0;
export const CONTRIBUTOR = 1;
export const PRODUCER = 2;

export interface Organisation {
  employees: number;
  departments: number;
  teams: number;
  /** Department and team of each employee. */
  department: Uint16Array;
  team: Int32Array;
  /** Each employee's location and level (an HR file's, when it has them; -1: none given), for targets that name them. */
  location?: Int32Array;
  level?: Int32Array;
  /** Team t holds employees teamStart[t] .. teamStart[t + 1] - 1; its manager is teamStart[t]. */
  teamStart: Int32Array;
  teamDepartment: Uint16Array;
  /** 1 for the executive team (the last team). */
  teamIsExecutive: Uint8Array;
  isManager: Uint8Array;
  departmentSize: Int32Array;
  network: Network;
  /** READER, CONTRIBUTOR or PRODUCER. */
  role: Uint8Array;
  /** Content items a week when active (heavy-tailed for producers). */
  production: Float32Array;
  innovativeness: Float32Array;
  timeSlack: Float32Array;
  frontline: Uint8Array;
  /** Adoption threshold as a share of contacts. */
  threshold: Float32Array;
  /** Active contacts needed before the threshold rule fires: max(minReinforcement, ceil(threshold × degree)). */
  requiredActive: Int32Array;
  /** Initial manager style per team, 0 gatekeeper to 1 catalyst. */
  initialStyle: Float64Array;
  communities: number;
  /** Community c's members: communityMembers[communityStart[c] .. communityStart[c + 1]). */
  communityStart: Int32Array;
  communityMembers: Int32Array;
  /** Employee i's communities: memberCommunities[memberStart[i] .. memberStart[i + 1]). */
  memberStart: Int32Array;
  memberCommunities: Int32Array;
  /** Gini-Simpson diversity of each community's departments (0: one department). */
  communityMixing: Float64Array;
}

/** Sizes summing to `total`, proportional to `shares` (largest remainder), each at least `minimum`. */
export function apportion(total: number, shares: readonly number[], minimum = 0): number[] {
  const sum = shares.reduce((s, x) => s + x, 0);
  const free = total - minimum * shares.length;
  const raw = shares.map((s) => (free * s) / sum);
  const sizes = raw.map((x) => Math.floor(x) + minimum);
  let left = total - sizes.reduce((s, x) => s + x, 0);
  const order = raw.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) sizes[order[k]![1]]! += 1;
  return sizes;
}

export function buildOrganisation(params: ModelParams, seed: number): Organisation {
  validateParams(params);
  const o = params.organisation;
  const p = params.population;
  const random = createRandom(seed);
  const n = o.employees;
  const departments = o.departments;

  // The teams and departments: a real organisation's (params.organisation.structure), or generated.
  const { teamSizes, teamDepartments, executives } = o.structure ? givenTeams(o.structure) : generatedTeams(o);
  const teams = teamSizes.length;
  const teamStart = new Int32Array(teams + 1);
  for (let t = 0; t < teams; t++) teamStart[t + 1] = teamStart[t]! + teamSizes[t]!;
  const teamDepartment = Uint16Array.from(teamDepartments);
  const teamIsExecutive = new Uint8Array(teams);
  if (executives > 0) teamIsExecutive[teams - 1] = 1;

  const department = new Uint16Array(n);
  const team = new Int32Array(n);
  const isManager = new Uint8Array(n);
  const departmentSize = new Int32Array(departments);
  for (let t = 0; t < teams; t++) {
    isManager[teamStart[t]!] = 1;
    for (let i = teamStart[t]!; i < teamStart[t + 1]!; i++) {
      team[i] = t;
      department[i] = teamDepartment[t]!;
    }
  }
  if (executives > 0 && !o.structure) {
    // Department heads belong to the department they lead; the chief executive to department 0.
    const start = teamStart[teams - 1]!;
    for (let k = 0; k < executives; k++) department[start + k] = k === 0 ? 0 : (k - 1) % departments;
  }
  for (let i = 0; i < n; i++) departmentSize[department[i]!]! += 1;

  const parentTeam = o.structure ? Int32Array.from(o.structure.parentTeams) : undefined;
  const network = buildNetwork(params, random, { department, team, teamStart, isManager, teamIsExecutive, teams, executives, parentTeam });

  // Traits. Roles are dealt at random: about producerShare producers, then contributors, then readers.
  const role = new Uint8Array(n);
  const production = new Float32Array(n);
  const order = shuffle(random, indices(n));
  const producers = Math.round(p.producerShare * n);
  const contributors = Math.round(p.contributorShare * n);
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    if (k < producers) {
      role[i] = PRODUCER;
      // Pareto(1, productionTail), capped so one person cannot dominate a small organisation.
      production[i] = Math.min(50, Math.pow(1 - random(), -1 / p.productionTail));
    } else if (k < producers + contributors) {
      role[i] = CONTRIBUTOR;
      production[i] = p.contributorRate * (0.5 + random());
    } else {
      role[i] = READER;
      production[i] = p.readerRate * (0.5 + random());
    }
  }

  const frontline = new Uint8Array(n);
  if (o.frontlineShare > 0) {
    // Whole non-executive teams are front line, until the share is reached.
    const teamOrder = shuffle(random, Array.from({ length: teams }, (_, t) => t));
    let assigned = 0;
    for (const t of teamOrder) {
      if (teamIsExecutive[t] || assigned >= o.frontlineShare * n) continue;
      for (let i = teamStart[t]!; i < teamStart[t + 1]!; i++) frontline[i] = 1;
      assigned += teamSizes[t]!;
    }
  }

  const innovativeness = new Float32Array(n);
  const timeSlack = new Float32Array(n);
  const threshold = new Float32Array(n);
  const requiredActive = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    innovativeness[i] = betaMean(random, p.innovativenessMean);
    timeSlack[i] = betaMean(random, p.timeSlackMean) * (frontline[i] ? p.frontlineSlack : 1);
    threshold[i] = truncatedNormal(random, p.thresholdMean, p.thresholdSd, 0, 1);
    const degree = network.degree(i);
    requiredActive[i] = Math.max(p.minReinforcement, Math.ceil(threshold[i]! * degree - 1e-9));
  }

  const initialStyle = new Float64Array(teams);
  for (let t = 0; t < teams; t++) initialStyle[t] = truncatedNormal(random, params.managers.styleMean, params.managers.styleSd, 0, 1);

  const c = buildCommunities(params, random, department, departments);
  return {
    employees: n, departments, teams, department, team, teamStart, teamDepartment, teamIsExecutive, isManager, departmentSize,
    ...(o.structure?.locations ? { location: decodeRuns(o.structure.locations.runs, n) } : {}),
    ...(o.structure?.levels ? { level: decodeRuns(o.structure.levels.runs, n) } : {}),
    network, role, production, innovativeness, timeSlack, frontline, threshold, requiredActive, initialStyle, ...c,
  };
}

/** Each employee's group from run-length codes [group, count, ...] (src/model/structure.ts EmployeeGroups). */
function decodeRuns(runs: readonly number[], n: number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0, i = 0; k + 1 < runs.length; k += 2) out.fill(runs[k]!, i, (i += runs[k + 1]!));
  return out;
}

/** Teams of a generated organisation: each department split into teams of about teamSize, the executive team last. */
function generatedTeams(o: OrganisationParams): { teamSizes: number[]; teamDepartments: number[]; executives: number } {
  const n = o.employees;
  const departments = o.departments;
  // Executive layer: department heads plus a chief executive, only where the organisation is big enough.
  const executives = n >= 20 ? Math.min(departments + 1, Math.floor(n / 10)) : 0;
  const shares = o.departmentShares && o.departmentShares.length === departments ? o.departmentShares : new Array(departments).fill(1);
  const departmentStaff = apportion(n - executives, shares, 1);
  const teamSizes: number[] = [];
  const teamDepartments: number[] = [];
  for (let d = 0; d < departments; d++) {
    const size = departmentStaff[d]!;
    const count = Math.max(1, Math.round(size / o.teamSize));
    for (const s of apportion(size, new Array(count).fill(1))) {
      if (s > 0) {
        teamSizes.push(s);
        teamDepartments.push(d);
      }
    }
  }
  if (executives > 0) {
    teamSizes.push(executives);
    teamDepartments.push(0);
  }
  return { teamSizes, teamDepartments, executives };
}

/** Teams of a real organisation, as src/org/structure.ts laid them out (the executive team, if any, last). */
function givenTeams(s: OrganisationStructure): { teamSizes: number[]; teamDepartments: number[]; executives: number } {
  return { teamSizes: s.teamSizes, teamDepartments: s.teamDepartments, executives: s.executiveTeam ? s.teamSizes[s.teamSizes.length - 1]! : 0 };
}

function truncatedNormal(random: Random, mean: number, sd: number, lo: number, hi: number): number {
  if (sd === 0) return Math.min(hi, Math.max(lo, mean));
  for (let k = 0; k < 100; k++) {
    const x = mean + sd * normal(random);
    if (x >= lo && x <= hi) return x;
  }
  return Math.min(hi, Math.max(lo, mean));
}

/**
 * Topic communities with Zipf-like popularity; each employee joins a Poisson
 * number of them regardless of department, so communities cut across silos.
 */
function buildCommunities(params: ModelParams, random: Random, department: Uint16Array, departments: number) {
  const n = department.length;
  const communities = params.mechanisms.communities ? params.organisation.communities : 0;
  const memberStart = new Int32Array(n + 1);
  if (communities === 0) {
    return {
      communities: 0, communityStart: new Int32Array(1), communityMembers: new Int32Array(0), memberStart,
      memberCommunities: new Int32Array(0), communityMixing: new Float64Array(0),
    };
  }
  const popularity = new AliasTable(Float64Array.from({ length: communities }, (_, c) => 1 / (c + 1)), null);

  const mean = params.organisation.communityMemberships;
  // Each employee's communities, in increasing order, one after the other (no array per employee).
  let list = new Int32Array(Math.max(16, Math.ceil(2 * n * mean)));
  let length = 0;
  for (let i = 0; i < n; i++) {
    const k = Math.min(communities, poisson(random, mean));
    if (length + k > list.length) {
      const grown = new Int32Array(2 * (length + k));
      grown.set(list.subarray(0, length));
      list = grown;
    }
    const first = length;
    for (let tries = 0; length - first < k && tries < 10 * k; tries++) {
      const c = popularity.sample(random());
      let at = length;
      while (at > first && list[at - 1]! > c) at--;
      if (at > first && list[at - 1] === c) continue;
      list.copyWithin(at + 1, at, length++);
      list[at] = c;
    }
    memberStart[i + 1] = length;
  }
  const memberCommunities = list.slice(0, length);
  const communityStart = new Int32Array(communities + 1);
  for (const c of memberCommunities) communityStart[c + 1]! += 1;
  for (let c = 0; c < communities; c++) communityStart[c + 1]! += communityStart[c]!;
  const fill = communityStart.slice(0, communities);
  const communityMembers = new Int32Array(memberCommunities.length);
  for (let i = 0; i < n; i++) {
    for (let k = memberStart[i]!; k < memberStart[i + 1]!; k++) communityMembers[fill[memberCommunities[k]!]!++] = i;
  }
  const communityMixing = new Float64Array(communities);
  const counts = new Float64Array(departments);
  for (let c = 0; c < communities; c++) {
    counts.fill(0);
    const size = communityStart[c + 1]! - communityStart[c]!;
    if (size === 0) continue;
    for (let k = communityStart[c]!; k < communityStart[c + 1]!; k++) counts[department[communityMembers[k]!]!]! += 1;
    let sumSquares = 0;
    for (let d = 0; d < departments; d++) sumSquares += (counts[d]! / size) ** 2;
    communityMixing[c] = 1 - sumSquares;
  }
  return { communities, communityStart, communityMembers, memberStart, memberCommunities, communityMixing };
}

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = random();
  while (prod > limit) {
    k++;
    prod *= random();
  }
  return k;
}

/** Bytes held by the organisation's typed arrays. */
export function organisationBytes(org: Organisation): number {
  let bytes = 0;
  for (const value of Object.values(org)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
  return bytes + org.network.bytes();
}
