/**
 * The built-in strategies, expanded into plain StrategyPlans (Empowering the individual, n.d.: docs/sources.md):
 * - top-down: everyone gets licensed access and an executive announcement at once;
 * - bottom-up: a free network open to all, started by a few enthusiasts,
 *   spreading through ties (and meeting the governance shock when it grows);
 * - phased pilot: a chosen pilot group first, then waves each gated on the
 *   previous one's results, with a showcase of its best cases.
 */
import { type Expr, type Intervention, type StrategyPlan } from './plan.ts';
import { defaultsOf, type OptionsOf } from './strategy-options.ts';

export type TopDownOptions = OptionsOf<'top_down'>;
export type BottomUpOptions = OptionsOf<'bottom_up'>;
export type PhasedPilotOptions = OptionsOf<'phased_pilot'>;

export const TOP_DOWN_DEFAULTS: TopDownOptions = defaultsOf('top_down');
export const BOTTOM_UP_DEFAULTS: BottomUpOptions = defaultsOf('bottom_up');
export const PHASED_PILOT_DEFAULTS: PhasedPilotOptions = defaultsOf('phased_pilot');

export const BUILTIN_STRATEGIES = ['top_down', 'bottom_up', 'phased_pilot'] as const;
export type BuiltinStrategyName = (typeof BUILTIN_STRATEGIES)[number];

const num = (v: number): Expr => ({ k: 'num', v });
const v = (name: string): Expr => ({ k: 'var', name });
const op = (o: '>=' | 'and', a: Expr, b: Expr): Expr => ({ k: 'op', op: o, a, b });

export function topDown(options: Partial<TopDownOptions> = {}, name = 'top_down'): StrategyPlan {
  const o = { ...TOP_DOWN_DEFAULTS, ...options };
  const interventions: Intervention[] = [
    { type: 'access', at: 0, target: { kind: 'all' } },
    { type: 'announcement', at: 0, target: { kind: 'all' }, strength: o.announcementStrength },
  ];
  if (o.trainingPerWeek > 0) {
    interventions.push({ type: 'training', at: 0, target: { kind: 'all' }, capacity: o.trainingPerWeek, weeks: o.trainingWeeks });
  }
  return { name, label: 'Top-down launch', interventions };
}

export function bottomUp(options: Partial<BottomUpOptions> = {}, name = 'bottom_up'): StrategyPlan {
  const o = { ...BOTTOM_UP_DEFAULTS, ...options };
  return {
    name,
    label: 'Bottom-up (viral free network)',
    interventions: [
      { type: 'access', at: 0, target: { kind: 'all' }, free: true },
      { type: 'seed_users', at: 0, target: { kind: 'enthusiasts', share: o.enthusiastShare } },
    ],
  };
}

export function phasedPilot(options: Partial<PhasedPilotOptions> = {}, name = 'phased_pilot'): StrategyPlan {
  const o = { ...PHASED_PILOT_DEFAULTS, ...options };
  const interventions: Intervention[] = [];
  const waveCount = o.waves + 1;
  for (let k = 0; k < waveCount; k++) {
    let timing: Pick<Intervention, 'at' | 'when' | 'whenText' | 'deadline' | 'deadlineText'> = { at: 0 };
    if (k > 0) {
      // The gate; the maximum wait is a deadline, so each rollout records which of the two opened the wave.
      const prev = `wave${k - 1}`;
      timing = {
        when: op('and', op('>=', v(`${prev}.weeks_open`), num(o.gateMinWeeks)), op('>=', v(`${prev}.active_share`), num(o.gateActiveShare))),
        whenText: `${prev}.weeks_open >= ${o.gateMinWeeks} and ${prev}.active_share >= ${o.gateActiveShare}`,
      };
      if (o.gateMaxWeeks > 0) {
        timing.deadline = op('>=', v(`${prev}.weeks_open`), num(o.gateMaxWeeks));
        timing.deadlineText = `${prev}.weeks_open >= ${o.gateMaxWeeks}`;
      }
    }
    const target = { kind: 'wave' as const, wave: k };
    interventions.push({ type: 'access', ...timing, target });
    interventions.push({ type: 'announcement', ...timing, target, strength: o.announcementStrength });
    if (k > 0 && o.showcase) interventions.push({ type: 'showcase', ...timing, target, strength: o.showcaseStrength });
    if (o.trainingPerWeek > 0) interventions.push({ type: 'training', ...timing, target, capacity: o.trainingPerWeek, weeks: o.trainingWeeks });
    if (k === 0 && o.coachPilotManagersWeeks > 0) {
      interventions.push({ type: 'manager_coaching', at: 0, target, share: 1, weeks: o.coachPilotManagersWeeks });
    }
  }
  return { name, label: 'Phased pilot', waves: { pilotShare: o.pilotShare, selection: o.selection, waves: o.waves }, interventions };
}

/** Expand a built-in strategy with its options (unknown keys are the caller's to reject). */
export function builtinStrategy(kind: BuiltinStrategyName, options: Record<string, unknown> = {}, name: string = kind): StrategyPlan {
  switch (kind) {
    case 'top_down':
      return topDown(options as Partial<TopDownOptions>, name);
    case 'bottom_up':
      return bottomUp(options as Partial<BottomUpOptions>, name);
    case 'phased_pilot':
      return phasedPilot(options as Partial<PhasedPilotOptions>, name);
  }
}
