/**
 * Plans that validate but cannot work as written: warnings, not errors (the
 * file still runs), each at the intervention it is about with a hint. They
 * look only at custom strategies, whose interventions the author wrote; the
 * built-in strategies are designed not to fall into these traps.
 *
 * - people given access whom nothing tells about the platform (no
 *   announcement, training, showcase or seed users reaches them), so they hear
 *   of it only by word of mouth;
 * - a gate on a share it can never reach: above 1 (a percentage written as a
 *   share), or a group's use or access before that group is ever given access
 *   (which includes gating a wave's access on its own use);
 * - training that starts before its group has access;
 * - training sized below the group it serves when nothing else tells them:
 *   its capacity over the weeks it acts trains fewer than half of them.
 *
 * A free network (access with `free: true`) spreads by word of mouth by design
 * and is not warned about.
 */
import { type Intervention, type InterventionOf, type StrategyPlan, type Target, waveCountOf } from '../model/plan.ts';
import type { Experiment } from './experiment.ts';

/** A warning about one intervention of one strategy (located in the file by the loader). */
export interface PlanWarning {
  /** Path in the scenario file, e.g. ['strategies', 'my_plan', 'interventions', 3]. */
  path: (string | number)[];
  message: string;
  hint: string;
}

const TELLS = new Set<Intervention['type']>(['announcement', 'training', 'showcase', 'seed_users']);
const GIVES_ACCESS = new Set<Intervention['type']>(['access', 'licences', 'seed_users']);

function targetText(t: Target | undefined): string {
  if (!t || t.kind === 'all') return 'everyone';
  if (t.kind === 'wave') return t.wave === 0 ? 'the pilot' : `wave ${t.wave}`;
  if (t.kind === 'departments') return `department${t.departments.length > 1 ? 's' : ''} ${t.departments.join(', ')}`;
  if (t.kind === 'locations') return `location${t.locations.length > 1 ? 's' : ''} ${t.locations.join(', ')}`;
  if (t.kind === 'levels') return `level${t.levels.length > 1 ? 's' : ''} ${t.levels.join(', ')}`;
  return t.kind === 'share' ? `a random ${Math.round(t.share * 100)}% of employees` : `the ${Math.round(t.share * 100)}% most innovative`;
}

/** Whether everyone in `inner` is also in `outer` (as far as the plan alone tells). */
function covers(outer: Target | undefined, inner: Target | undefined): boolean {
  if (!outer || outer.kind === 'all') return true;
  if (!inner || inner.kind === 'all') return false;
  if (outer.kind === 'wave' && inner.kind === 'wave') return outer.wave === inner.wave;
  if (outer.kind === 'departments' && inner.kind === 'departments') return inner.departments.every((d) => outer.departments.includes(d));
  if (outer.kind === 'locations' && inner.kind === 'locations') return inner.locations.every((d) => outer.locations.includes(d));
  if (outer.kind === 'levels' && inner.kind === 'levels') return inner.levels.every((d) => outer.levels.includes(d));
  if ((outer.kind === 'share' || outer.kind === 'enthusiasts') && outer.kind === inner.kind) return outer.share >= inner.share;
  return false;
}

/** The week an intervention starts when it is fixed (`at` without `when`); undefined when a condition decides. */
function fixedStart(item: Intervention): number | undefined {
  return item.when === undefined ? (item.at ?? 0) : undefined;
}

/** About how many people a target holds, from the organisation's settings (the plan's own waves for waves). */
function groupSize(t: Target | undefined, plan: StrategyPlan, experiment: Experiment): number {
  const n = experiment.params.organisation.employees;
  if (!t || t.kind === 'all') return n;
  if (t.kind === 'share' || t.kind === 'enthusiasts') return t.share * n;
  if (t.kind === 'wave') {
    const waves = plan.waves;
    // Named waves' sizes are the HR file's, unknown here: no estimate, so no warning rests on one.
    if (!waves || waves.named) return 0;
    return t.wave === 0 ? waves.pilotShare * n : ((1 - waves.pilotShare) / Math.max(1, waves.waves)) * n;
  }
  if (t.kind !== 'departments') return 0;
  const departments = experiment.params.organisation.departments;
  return (t.departments.length / Math.max(1, departments)) * n;
}

/** People a training intervention can train over the weeks it acts (Infinity when it scales with its group). */
function trainingReach(item: InterventionOf<'training'>, horizon: number): number {
  if (item.capacity === undefined) return item.share !== undefined ? Infinity : 0;
  const start = fixedStart(item) ?? 0;
  const end = item.weeks ? Math.min(horizon, start + item.weeks) : horizon;
  let total = 0;
  for (let week = start; week < end; week++) {
    const c = typeof item.capacity === 'number' ? item.capacity : item.capacity[Math.min(week, item.capacity.length - 1)]!;
    total += Math.max(0, Math.floor(c));
  }
  return total;
}

/** Group names a condition reads a share of: `pilot.active_share >= 0.3` → [['pilot', 'active_share', 0.3]]. */
function gates(text: string | undefined): { group: string; measure: string; value: number }[] {
  if (!text) return [];
  return [...text.matchAll(/\b(?:(pilot|wave\d+)\.)?(active_share|access_share|aware_share|trying_share|producers_share|catalyst_share)\s*>=?\s*(\d+(?:\.\d+)?)/g)].map((m) => ({
    group: m[1] ?? 'all',
    measure: m[2]!,
    value: Number(m[3]),
  }));
}

function waveOf(group: string): number | undefined {
  if (group === 'pilot') return 0;
  const m = /^wave(\d+)$/.exec(group);
  return m ? Number(m[1]) : undefined;
}

function strategyWarnings(id: string, plan: StrategyPlan, experiment: Experiment): PlanWarning[] {
  const out: PlanWarning[] = [];
  const items = plan.interventions;
  const at = (k: number): (string | number)[] => ['strategies', id, 'interventions', k];
  const horizon = experiment.params.weeks;
  const accessFor = (wave: number): Intervention[] => items.filter((i) => GIVES_ACCESS.has(i.type) && (i.target?.kind === 'all' || i.target === undefined || (i.target.kind === 'wave' && i.target.wave === wave)));

  items.forEach((item, k) => {
    // Access, but nothing tells these people about the platform.
    // A free network (access with free: true) spreads by word of mouth by design: no warning for it. A message
    // that waits for this group's own use does not count: the group cannot start without it.
    const group = item.target?.kind === 'wave' ? (item.target.wave === 0 ? 'pilot' : `wave${item.target.wave}`) : undefined;
    const waitsForGroup = (other: Intervention): boolean => gates(other.whenText).some((g) => g.group === (group ?? 'all') && g.measure !== 'aware_share');
    if ((item.type === 'access' || item.type === 'licences') && !(item.type === 'access' && item.free) && !items.some((other) => TELLS.has(other.type) && covers(other.target, item.target) && !waitsForGroup(other))) {
      out.push({
        path: at(k),
        message: `${targetText(item.target)} get${item.target?.kind === 'all' || !item.target ? 's' : ''} access but nothing tells them about the platform: no announcement, training or showcase reaches them, so they hear of it only by word of mouth`,
        hint: `add e.g. {type: announcement, at: ${item.at ?? 0}${item.target && item.target.kind === 'wave' ? `, target: ${item.target.wave === 0 ? 'pilot' : `{wave: ${item.target.wave}}`}` : ''}, strength: 0.6}`,
      });
    }

    // Gates on a share that can never be reached.
    for (const [field, text] of [['when', item.whenText], ['deadline', item.deadlineText]] as const) {
      for (const g of gates(text)) {
        if (g.value > 1) {
          out.push({ path: [...at(k), field], message: `waits for ${g.group === 'all' ? '' : `${g.group}.`}${g.measure} >= ${g.value}, a share above 1 that is never reached`, hint: `shares run from 0 to 1: did you mean ${g.value <= 100 ? (g.value / 100).toString() : 'a share such as 0.3'}?` });
          continue;
        }
        const wave = waveOf(g.group);
        if (wave === undefined || g.measure === 'aware_share') continue;
        const access = accessFor(wave);
        const selfGate = GIVES_ACCESS.has(item.type) && item.target?.kind === 'wave' && item.target.wave === wave && access.every((a) => a === item);
        if (access.length === 0 || selfGate) {
          out.push({
            path: [...at(k), field],
            message: `waits for ${g.group}.${g.measure} >= ${g.value}, but ${selfGate ? 'this intervention is what gives' : 'nothing gives'} ${wave === 0 ? 'the pilot' : `wave ${wave}`} access${selfGate ? '' : ' to the platform'}, so its share stays 0 and the gate never opens`,
            hint: selfGate ? `gate on the wave before it (e.g. ${wave === 1 ? 'pilot' : `wave${wave - 1}`}.active_share) or add a deadline: "${g.group === 'pilot' ? 'week' : `${wave === 1 ? 'pilot' : `wave${wave - 1}`}.weeks_open`} >= 12"` : `give ${g.group} access first, e.g. {type: access, at: 0, target: ${wave === 0 ? 'pilot' : `{wave: ${wave}}`}}`,
          });
        }
      }
    }

    if (item.type !== 'training') return;
    // Training before the group has access.
    const start = fixedStart(item);
    let grants = items.filter((a) => GIVES_ACCESS.has(a.type) && covers(a.target, item.target));
    // Everyone, wave by wave: training of everyone is covered once every wave has access, from the last of them.
    const waves = waveCountOf(plan);
    let allAt: number | undefined;
    if (grants.length === 0 && (!item.target || item.target.kind === 'all') && waves > 0) {
      const perWave = Array.from({ length: waves }, (_, w) => items.filter((a) => GIVES_ACCESS.has(a.type) && a.target?.kind === 'wave' && a.target.wave === w));
      if (perWave.every((list) => list.length > 0)) {
        grants = perWave.flat();
        const starts = perWave.map((list) => Math.min(...list.map((a) => fixedStart(a) ?? Infinity)));
        allAt = Math.max(...starts);
      }
    }
    const earliest = allAt !== undefined ? (Number.isFinite(allAt) ? [allAt] : []) : grants.map(fixedStart).filter((w): w is number => w !== undefined);
    if (grants.length === 0) {
      out.push({ path: at(k), message: `trains ${targetText(item.target)}, who never get access in this plan`, hint: `give them access, or target the training at a group that has it (e.g. target: pilot)` });
    } else if (start !== undefined && (earliest.length === 0 || Math.min(...earliest) > start)) {
      const when = earliest.length ? `week ${Math.min(...earliest)}` : 'a later condition';
      out.push({ path: at(k), message: `training of ${targetText(item.target)} starts at week ${start}, before they get access (${when}): most of it is wasted`, hint: `start it with their access, e.g. the same when: as the access` });
    }
    // Training sized below the group it serves, when nothing else (an announcement, a showcase) tells them.
    const size = groupSize(item.target, plan, experiment);
    const reach = trainingReach(item, horizon);
    const toldOtherwise = items.some((other) => (other.type === 'announcement' || other.type === 'showcase') && covers(other.target, item.target));
    if (size > 0 && reach < size / 2 && !toldOtherwise) {
      out.push({
        path: at(k),
        message: `trains at most ${Math.round(reach)} people while it acts, under half of the about ${Math.round(size)} in ${targetText(item.target)}`,
        hint: 'give its capacity as a share of the group instead, e.g. share: 0.1 (a tenth of them a week), so it keeps pace with the organisation\'s size',
      });
    }
  });
  return out;
}

/** Warnings for every custom strategy (`custom` lists the file's custom strategy identifiers). */
export function planWarnings(experiment: Experiment, custom: ReadonlySet<string>): PlanWarning[] {
  return experiment.strategies.filter((plan) => custom.has(plan.name)).flatMap((plan) => strategyWarnings(plan.name, plan, experiment));
}
