/**
 * The intervention types as data, as PARAMETER_SPECS is for parameters: for
 * each type what it does and the fields it takes, with their kind, default,
 * range and meaning. The scenario schema, the editor tooltips and the tables
 * of docs/scenarios.md are generated from this table, and the simulation
 * reads an intervention only after withInterventionDefaults has filled it in
 * from here, so no default is written anywhere else.
 */
import type { Intervention, InterventionFieldName, InterventionFields, InterventionType } from './plan.ts';

export interface InterventionField {
  /** The field's name in an Intervention (camelCase; the scenario file writes it in snake_case). */
  name: InterventionFieldName;
  kind: 'share' | 'count' | 'weeks' | 'boolean' | 'decision' | 'schedule';
  /** Filled in when absent (none: the field has no default, e.g. training's capacity). */
  default?: number | boolean | string;
  meaning: string;
}

/** A type's entry: its fields must be the ones InterventionFields (plan.ts) gives that type, so the two cannot drift. */
export interface InterventionSpecOf<T extends InterventionType> {
  type: T;
  description: string;
  fields: readonly (InterventionField & { name: keyof InterventionFields[T] })[];
}

export type InterventionSpec = { [T in InterventionType]: InterventionSpecOf<T> }[InterventionType];

const ACTS_FOR: InterventionField & { name: 'weeks' } = { name: 'weeks', kind: 'weeks', default: 0, meaning: 'Weeks it acts for; 0: until the horizon.' };

export const INTERVENTION_SPECS: readonly InterventionSpec[] = [
  { type: 'access', description: 'Give the target access to the platform.', fields: [{ name: 'free', kind: 'boolean', default: false, meaning: 'Free tier (no licence cost), as in a viral bottom-up network.' }] },
  { type: 'announcement', description: 'An announcement campaign: awareness and a push to try.', fields: [{ name: 'strength', kind: 'share', default: 0.8, meaning: 'Push strength 0..1, scaled by executive sponsorship.' }] },
  {
    type: 'training',
    description: 'Train people (capacity per week, a number or a schedule; or share, a share of its group per week).',
    fields: [
      { name: 'capacity', kind: 'schedule', meaning: 'People trained per week: a number, or a formula in week such as "min(40, 5 * week)".' },
      { name: 'share', kind: 'share', meaning: 'Instead of capacity: the share of the group it serves trained per week (0..1), so training keeps pace with the organisation\'s size, e.g. 0.1 trains a tenth of the pilot each week.' },
      ACTS_FOR,
    ],
  },
  { type: 'reverse_mentoring', description: 'Juniors coach senior managers in using the platform.', fields: [{ name: 'count', kind: 'count', default: 10, meaning: 'Reverse-mentoring pairs (juniors coaching the most gatekeeping managers first).' }, ACTS_FOR] },
  { type: 'manager_coaching', description: 'Coach managers toward a catalyst style.', fields: [{ name: 'share', kind: 'share', default: 1, meaning: 'Share of the target\'s managers coached, most gatekeeping first (0..1).' }, ACTS_FOR] },
  { type: 'community_managers', description: 'Appoint community managers who keep communities alive.', fields: [{ name: 'count', kind: 'count', default: 1, meaning: 'Community managers appointed, to the largest communities first.' }, ACTS_FOR] },
  { type: 'job_description', description: 'Recognise participation in job descriptions (lowers the time cost).', fields: [{ name: 'relief', kind: 'share', default: 0.5, meaning: 'Share of the time cost removed by recognising participation in job descriptions (0..1).' }] },
  { type: 'reward_change', description: 'Change rewards to favour collaboration over competition.', fields: [{ name: 'competition', kind: 'share', default: 0, meaning: 'New reward competition level (0 collaboration .. 1 competition).' }] },
  { type: 'showcase', description: 'Show best cases from earlier users.', fields: [{ name: 'strength', kind: 'share', default: 0.8, meaning: 'Strength of the best-case showcase 0..1, scaled by how well the platform does where it is open.' }] },
  { type: 'licences', description: 'Give the target licensed (paid) access, e.g. after a free start.', fields: [] },
  { type: 'governance', description: 'Management decides on the network: pay, restrict or shut down.', fields: [{ name: 'decision', kind: 'decision', default: 'pay', meaning: 'Management\'s decision on the network: pay, restrict or shutdown.' }] },
  { type: 'seed_users', description: 'Start the target as users (e.g. a few enthusiasts).', fields: [] },
];

export const INTERVENTION_SPEC: Readonly<Record<InterventionType, InterventionSpec>> = Object.fromEntries(INTERVENTION_SPECS.map((s) => [s.type, s])) as Record<InterventionType, InterventionSpec>;

/** The intervention with every field its type defaults filled in (a new object; the plan is not changed). */
export function withInterventionDefaults<T extends Intervention>(item: T): T {
  const out: Record<string, unknown> = { ...item };
  for (const field of INTERVENTION_SPEC[item.type].fields) {
    if (out[field.name] === undefined && field.default !== undefined) out[field.name] = field.default;
  }
  return out as unknown as T;
}
