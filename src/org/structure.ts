/**
 * The model's teams from a checked HR export (docs/org.md, "From the file to the model"). A team is a manager
 * with their direct reports who manage nobody; a manager who reports to another manager belongs only to the team
 * they lead, as its first member (the model's teamStart[t] is the manager). The top's team is the executive team,
 * placed last as the model expects. A team's department is its manager's.
 *
 * The result depends only on the tree, not on the order of the file's rows: `people` is already in an order fixed
 * by the pseudonyms (src/org/hr.ts), departments are numbered by name.
 */
import type { EmployeeGroups, ModelParams, OrganisationStructure } from '../model/params.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { experimentHash } from '../scenarios/hash.ts';
import type { HrExport } from './hr.ts';

export function structureOf(hr: Pick<HrExport, 'people'> & Partial<Pick<HrExport, 'columns'>>): OrganisationStructure {
  return layoutOf(hr).structure;
}

/**
 * The teams, and where each person of the file is in the model's layout: employee[i] is the model's number of
 * people[i] (team by team, each team's manager first, then its members in the order of `people`).
 */
export function layoutOf(hr: Pick<HrExport, 'people'> & Partial<Pick<HrExport, 'columns'>>): { structure: OrganisationStructure; employee: Int32Array } {
  const people = hr.people;
  const n = people.length;
  const reports = new Int32Array(n);
  for (const p of people) if (p.manager >= 0) reports[p.manager]! += 1;
  // The top leads a team even alone (an organisation of one person).
  const leads = (i: number) => reports[i]! > 0 || people[i]!.manager < 0;

  // Members of each manager's team, the manager first.
  const members = new Map<number, number>();
  for (let i = 0; i < n; i++) if (leads(i)) members.set(i, 1);
  for (let i = 0; i < n; i++) {
    const m = people[i]!.manager;
    if (m >= 0 && !leads(i)) members.set(m, members.get(m)! + 1);
  }

  const departmentNames = [...new Set([...members.keys()].map((m) => people[m]!.department))].sort();
  const departmentOf = new Map(departmentNames.map((d, k) => [d, k]));
  const top = people.findIndex((p) => p.manager < 0);
  // Department by department, in the file's tree order within each; the executive team last.
  const managers = [...members.keys()].filter((m) => m !== top);
  const rank = (m: number) => departmentOf.get(people[m]!.department)!;
  managers.sort((a, b) => rank(a) - rank(b) || a - b);
  if (top >= 0) managers.push(top);
  const teamOf = new Map(managers.map((m, t) => [m, t]));
  const structure: OrganisationStructure = {
    teamSizes: managers.map((m) => members.get(m)!),
    teamDepartments: managers.map(rank),
    parentTeams: managers.map((m) => (people[m]!.manager < 0 ? -1 : teamOf.get(people[m]!.manager)!)),
    executiveTeam: top >= 0,
    departmentNames,
  };
  const order = employeeOrder(people, managers, leads);
  if (hr.columns?.location || hr.columns?.level) {
    if (hr.columns.location) structure.locations = groupsOf(order.map((i) => people[i]!.location));
    if (hr.columns.level) structure.levels = groupsOf(order.map((i) => people[i]!.level));
  }
  const employee = new Int32Array(n);
  order.forEach((i, k) => (employee[i] = k));
  return { structure, employee };
}

/** People in the model's employee order: team by team, each manager first, then their reports who lead no team. */
function employeeOrder(people: HrExport['people'], managers: number[], leads: (i: number) => boolean): number[] {
  const reportsOf = new Map(managers.map((m) => [m, [] as number[]]));
  people.forEach((p, i) => {
    if (p.manager >= 0 && !leads(i)) reportsOf.get(p.manager)!.push(i);
  });
  return managers.flatMap((m) => [m, ...reportsOf.get(m)!]);
}

/** Each employee's group, run-length coded (src/model/structure.ts EmployeeGroups), groups numbered by name; blank: none (-1). */
function groupsOf(values: (string | null)[]): EmployeeGroups {
  const names = [...new Set(values.filter((v): v is string => v !== null && v !== ''))].sort();
  const index = new Map(names.map((name, k) => [name, k]));
  const runs: number[] = [];
  for (const v of values) {
    const g = v === null || v === '' ? -1 : index.get(v)!;
    if (runs.length > 0 && runs[runs.length - 2] === g) runs[runs.length - 1]! += 1;
    else runs.push(g, 1);
  }
  return { names, runs };
}

/** Parameters on the organisation of `structure`: it settles employees and departments. */
export function paramsWithStructure(params: ModelParams, structure: OrganisationStructure): ModelParams {
  const organisation = { ...params.organisation, structure, employees: structure.teamSizes.reduce((a, b) => a + b, 0), departments: structure.departmentNames.length };
  // Shares describe generated departments; a real organisation's are in its teams.
  delete organisation.departmentShares;
  return { ...params, organisation };
}

/** The experiment run on the organisation of an HR export, its hash updated (the structure is part of what it runs). */
export function experimentWithStructure(experiment: Experiment, structure: OrganisationStructure): Experiment {
  const params = paramsWithStructure(experiment.params, structure);
  const sizes = structure.departmentNames.map(() => 0);
  structure.teamSizes.forEach((size, t) => (sizes[structure.teamDepartments[t]!]! += size));
  // Named departments, for labels in reports (experiment.departments).
  const departments = structure.departmentNames.map((name, k) => ({ name, share: sizes[k]! / params.organisation.employees }));
  const out: Experiment = { ...experiment, params, departments };
  out.hash = experimentHash(out);
  return out;
}
