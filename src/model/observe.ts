/**
 * What the model reports. Observables are written each week into one
 * preallocated Float64Array, row-major: series[week * OBSERVABLE_COUNT + k],
 * week 0 being the state before the first step. Per-rollout results are
 * computed from the series at the horizon.
 */
import type { Unit } from '../units.ts';

export interface MetricSpec {
  /** Identifier used in files and conditions. */
  name: string;
  /** Plain words for charts and reports. */
  label: string;
  unit: Unit;
}

export const OBSERVABLES = [
  { name: 'unaware_share', label: 'Share of employees who have not heard of the platform', unit: 'share' },
  { name: 'aware_share', label: 'Share of employees aware of the platform but not using it', unit: 'share' },
  { name: 'trying_share', label: 'Share of employees trying the platform', unit: 'share' },
  { name: 'active_share', label: 'Share of employees actively using the platform', unit: 'share' },
  { name: 'lapsed_share', label: 'Share of employees who stopped using the platform', unit: 'share' },
  { name: 'producers_share', label: 'Share of employees actively producing content', unit: 'share' },
  { name: 'content', label: 'Content items produced per week', unit: 'items' },
  { name: 'cross_flow', label: 'Exchanges across departments per week', unit: 'count' },
  { name: 'communities_alive', label: 'Communities alive', unit: 'count' },
  { name: 'catalyst_share', label: 'Share of managers acting as catalysts', unit: 'share' },
  { name: 'access_share', label: 'Share of employees with access to the platform', unit: 'share' },
  { name: 'cost', label: 'Cumulative cost of the rollout', unit: 'money' },
  { name: 'manager_style', label: 'Mean manager style (0 gatekeeper, 1 catalyst)', unit: 'share' },
] as const satisfies readonly MetricSpec[];

export type ObservableName = (typeof OBSERVABLES)[number]['name'];
export const OBSERVABLE_COUNT = OBSERVABLES.length;
export const OBS = Object.fromEntries(OBSERVABLES.map((o, i) => [o.name, i])) as Record<ObservableName, number>;

/** Per-rollout results. Weeks are NaN when never reached ("never" in files). */
export const RESULTS = [
  { name: 'active_share', label: 'Share actively using the platform at the horizon', unit: 'share' },
  { name: 'sustained_share', label: 'Sustained adoption: mean active share over the final weeks', unit: 'share' },
  { name: 'peak_share', label: 'Peak active share', unit: 'share' },
  { name: 'peak_week', label: 'Week of the peak', unit: 'weeks' },
  { name: 'weeks_to_critical_mass', label: 'Weeks to critical mass', unit: 'weeks' },
  { name: 'weeks_to_target', label: 'Weeks to the target share', unit: 'weeks' },
  { name: 'churn', label: 'Share of people who ever used the platform and had stopped at the horizon', unit: 'share' },
  { name: 'producers_share', label: 'Share actively producing content at the horizon', unit: 'share' },
  { name: 'communities_alive', label: 'Communities alive at the horizon', unit: 'count' },
  { name: 'cross_flow_total', label: 'Total exchanges across departments', unit: 'count' },
  { name: 'catalyst_share', label: 'Share of catalyst managers at the horizon', unit: 'share' },
  { name: 'cost', label: 'Total cost', unit: 'money' },
  { name: 'governance', label: 'Governance outcome (0 none, 1 paid, 2 restricted, 3 shut down)', unit: 'code' },
] as const satisfies readonly MetricSpec[];

export type ResultName = (typeof RESULTS)[number]['name'];
export const RESULT_COUNT = RESULTS.length;
export const RES = Object.fromEntries(RESULTS.map((r, i) => [r.name, i])) as Record<ResultName, number>;

export const GOVERNANCE_OUTCOMES = ['none', 'paid', 'restricted', 'shut_down'] as const;
