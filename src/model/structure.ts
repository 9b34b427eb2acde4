/**
 * A real organisation in the model's layout (from an HR export and a collaboration network, src/org): its teams,
 * departments, each employee's location and level, and the ties between employees; and the checks that they fit
 * the parameters, reported by validateParams (params.ts) as ParameterErrors.
 */

/**
 * Ties between employees of a real organisation, in the layout of `structure`. Typed arrays, so that a network of
 * millions of ties travels to the workers as bytes; experiment.json and the experiment's hash see them as their
 * length and the SHA-256 of their bytes (src/fingerprint.ts), not as millions of numbers.
 */
export interface GivenTies {
  /** The two ends of each tie, from[k] < to[k]; sorted by (from, to), no pair twice. */
  from: Int32Array;
  to: Int32Array;
  /** How many contacts the tie counts as, from 1 (docs/model.md, "Ties from a network file"). */
  strength: Uint8Array;
}

/**
 * Teams in the model's layout: team t holds the next teamSizes[t] employees, its manager first. Plain arrays so
 * that it travels with the parameters (worker threads, manifests, the experiment's hash).
 */
export interface OrganisationStructure {
  teamSizes: number[];
  /** Department of each team (its manager's department), 0 .. departmentNames.length - 1. */
  teamDepartments: number[];
  /** The team whose manager the team's manager reports to; -1 for the executive team. */
  parentTeams: number[];
  /** True: the last team is the executive team (the top of the hierarchy and their direct reports who manage nobody). */
  executiveTeam: boolean;
  departmentNames: string[];
  /** Each employee's location and level from the file, when it has those columns (targets and pilots may name them). */
  locations?: EmployeeGroups;
  levels?: EmployeeGroups;
}

/**
 * A grouping of employees that does not follow the teams (an office, a grade): `runs` is run-length coded in the
 * model's employee order, [group, count, group, count, ...], group -1 for people the file gives none. Run-length
 * because teams mostly share an office, so a 300,000-person firm's locations stay a few thousand numbers.
 */
export interface EmployeeGroups {
  names: string[];
  runs: number[];
}

/** What is wrong with a structure that does not fit the parameters, or itself (a bug in whatever built it); undefined when nothing is. */
export function structureProblem(s: OrganisationStructure, employees: number, departments: number): string | undefined {
  const teams = s.teamSizes.length;
  if (teams === 0) return 'expected at least one team';
  if (s.teamDepartments.length !== teams || s.parentTeams.length !== teams) return `expected one department and one parent per team (${teams} teams)`;
  if (s.departmentNames.length !== departments) return `expected ${departments} department names (organisation.departments), got ${s.departmentNames.length}`;
  if (s.teamSizes.some((x) => !Number.isInteger(x) || x < 1)) return 'expected team sizes of at least 1';
  const total = s.teamSizes.reduce((a, b) => a + b, 0);
  if (total !== employees) return `team sizes add up to ${total}, but organisation.employees is ${employees}`;
  if (s.teamDepartments.some((d) => !Number.isInteger(d) || d < 0 || d >= departments)) return `expected team departments from 0 to ${departments - 1}`;
  if (s.parentTeams.some((p, t) => !Number.isInteger(p) || p < -1 || p >= teams || p === t)) return 'expected parent teams from -1 to the number of teams, not the team itself';
  for (const [field, groups] of [['locations', s.locations], ['levels', s.levels]] as const) {
    if (!groups) continue;
    let covered = 0;
    for (let k = 0; k + 1 < groups.runs.length; k += 2) {
      const g = groups.runs[k]!;
      const count = groups.runs[k + 1]!;
      if (!Number.isInteger(g) || g < -1 || g >= groups.names.length) return `${field}: expected groups from -1 to ${groups.names.length - 1}, got ${g}`;
      if (!Number.isInteger(count) || count < 1) return `${field}: expected run lengths of at least 1, got ${count}`;
      covered += count;
    }
    if (groups.runs.length % 2 !== 0 || covered !== employees) return `${field}: runs cover ${covered} employees, expected ${employees}`;
  }
  return undefined;
}

/** What is wrong with given ties that do not fit the organisation or are not in canonical order; undefined when nothing is. */
export function tiesProblem(t: GivenTies, employees: number): string | undefined {
  if (!(t.from instanceof Int32Array && t.to instanceof Int32Array && t.strength instanceof Uint8Array)) return 'expected from and to as Int32Array and strength as Uint8Array';
  const m = t.from.length;
  if (t.to.length !== m || t.strength.length !== m) return `expected one to and one strength per tie (${m} ties)`;
  for (let k = 0; k < m; k++) {
    const a = t.from[k]!;
    const b = t.to[k]!;
    if (a < 0 || b >= employees || a >= b) return `tie ${k}: expected 0 <= from < to < ${employees}, got ${a} and ${b}`;
    if (t.strength[k]! < 1) return `tie ${k}: expected a strength of at least 1`;
    if (k > 0 && (a < t.from[k - 1]! || (a === t.from[k - 1]! && b <= t.to[k - 1]!))) return `tie ${k}: expected ties sorted by (from, to), each pair once`;
  }
  return undefined;
}
