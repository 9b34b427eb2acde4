/**
 * The real names of the groups a plan's waves are made of (`pilot: {departments: [Tax, Legal]}`), for reports and
 * charts: "Tax, Legal" for the pilot, and "… and the rest" on the wave the rest of the organisation joins.
 */
import type { GroupTarget, StrategyPlan } from '../model/plan.ts';
import { waveCountOf } from '../model/plan.ts';
import type { Experiment } from './experiment.ts';

/** Each wave's groups by name (pilot first); undefined for a plan whose waves are not named. */
export function waveGroupNames(plan: StrategyPlan, experiment: Pick<Experiment, 'departments' | 'params'>): string[] | undefined {
  const named = plan.waves?.named;
  if (!named) return undefined;
  const structure = experiment.params.organisation.structure;
  const departments = experiment.departments?.map((d) => d.name) ?? structure?.departmentNames ?? [];
  const nameOf = (g: GroupTarget): string => {
    const [ids, names, kind] = g.kind === 'departments' ? [g.departments, departments, 'department'] : g.kind === 'locations' ? [g.locations, structure?.locations?.names ?? [], 'location'] : [g.levels, structure?.levels?.names ?? [], 'level'];
    return ids.map((k) => names[k] ?? `${kind} ${k}`).join(', ');
  };
  const out = [named.pilot, ...named.waves].map(nameOf);
  const count = waveCountOf(plan);
  // The rest join the last named wave, or are dealt into the counted waves when only the pilot is named.
  if (named.waves.length > 0) out[out.length - 1] += ' and the rest';
  else for (let k = 1; k < count; k++) out.push('other teams, drawn at random');
  return out;
}
