/**
 * Strategies as plain, serialisable data. A StrategyPlan is what a worker
 * receives: interventions with their timing (a week or a condition), the
 * pilot waves and the starting conditions. Built-in strategies (top-down,
 * bottom-up, phased pilot) expand into plans in strategies.ts.
 *
 * Conditions are small expression trees (Expr), not functions, so plans
 * cross worker threads; the scenario layer compiles mathjs formulas into
 * them, and the model evaluates them once a week, never per agent.
 */

/** A numeric value per week: a constant, or a table indexed by week (the last entry holds after). */
export type Schedule = number | number[];

export type Expr =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string }
  | { k: 'op'; op: BinaryOp; a: Expr; b: Expr }
  | { k: 'not'; a: Expr }
  | { k: 'neg'; a: Expr }
  | { k: 'fn'; name: FunctionName; args: Expr[] };

export type BinaryOp = '+' | '-' | '*' | '/' | '^' | '<' | '<=' | '>' | '>=' | '==' | '!=' | 'and' | 'or';
export type FunctionName = 'min' | 'max' | 'abs' | 'sqrt' | 'floor' | 'ceil' | 'round' | 'exp' | 'log';
export const CONDITION_FUNCTIONS: readonly FunctionName[] = ['min', 'max', 'abs', 'sqrt', 'floor', 'ceil', 'round', 'exp', 'log'];

/** Applies a binary operator of a condition or schedule; booleans are 1 and 0. */
export function applyOperator(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '^': return a ** b;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case 'and': return a !== 0 && b !== 0 ? 1 : 0;
    case 'or': return a !== 0 || b !== 0 ? 1 : 0;
  }
}

/** Applies one of the whitelisted functions. */
export function applyFunction(name: FunctionName, args: number[]): number {
  switch (name) {
    case 'min': return Math.min(...args);
    case 'max': return Math.max(...args);
    case 'abs': return Math.abs(args[0]!);
    case 'sqrt': return Math.sqrt(args[0]!);
    case 'floor': return Math.floor(args[0]!);
    case 'ceil': return Math.ceil(args[0]!);
    case 'round': return Math.round(args[0]!);
    case 'exp': return Math.exp(args[0]!);
    case 'log': return Math.log(args[0]!);
  }
}

/** Who an intervention reaches. Waves index 0 is the pilot. */
export type Target =
  | { kind: 'all' }
  | GroupTarget
  | { kind: 'wave'; wave: number }
  /** A random share of everyone, drawn from the rollout's organisation seed. */
  | { kind: 'share'; share: number }
  /** The most innovative share of employees (enthusiasts, often younger). */
  | { kind: 'enthusiasts'; share: number };

/** Named groups of an organisation: departments (whole teams), or an HR file's locations or levels (person by person). */
export type GroupTarget =
  | { kind: 'departments'; departments: number[] }
  | { kind: 'locations'; locations: number[] }
  | { kind: 'levels'; levels: number[] };

export type InterventionType =
  | 'access'
  | 'announcement'
  | 'training'
  | 'reverse_mentoring'
  | 'manager_coaching'
  | 'community_managers'
  | 'job_description'
  | 'reward_change'
  | 'showcase'
  | 'licences'
  | 'governance'
  | 'seed_users';

export const INTERVENTION_TYPES: readonly InterventionType[] = [
  'access', 'announcement', 'training', 'reverse_mentoring', 'manager_coaching', 'community_managers',
  'job_description', 'reward_change', 'showcase', 'licences', 'governance', 'seed_users',
];

export type GovernanceDecision = 'pay' | 'restrict' | 'shutdown';

/**
 * The fields each intervention type takes, besides when it starts and whom it reaches (the types
 * of INTERVENTION_SPECS' fields in intervention-types.ts, which hold their defaults and meaning).
 */
export interface InterventionFields {
  /** free: free tier (no licence cost), as in a viral bottom-up network. */
  access: { free?: boolean };
  /** strength: push strength 0..1. */
  announcement: { strength?: number };
  /** capacity: people trained per week (a schedule); or share: a share of its group per week. */
  training: { capacity?: Schedule; share?: number; weeks?: number };
  /** count: pairs. */
  reverse_mentoring: { count?: number; weeks?: number };
  /** share: share of managers coached (0..1). */
  manager_coaching: { share?: number; weeks?: number };
  /** count: community managers. */
  community_managers: { count?: number; weeks?: number };
  /** relief: share of the time cost removed (0..1). */
  job_description: { relief?: number };
  /** competition: new rewardCompetition level (0..1). */
  reward_change: { competition?: number };
  /** strength: showcase strength 0..1. */
  showcase: { strength?: number };
  licences: Record<never, never>;
  /** decision: pay, restrict or shut down. */
  governance: { decision?: GovernanceDecision };
  seed_users: Record<never, never>;
}

/**
 * When an intervention starts and whom it reaches. `at` fixes the week it starts; `when` starts it
 * at the first week the condition holds (checked at the start of each week, after `at` if both are
 * given), and `deadline`, a second condition, starts it anyway at the first week that one holds (a
 * wait limit: a wave opens after so many weeks even if its gate was not met). It fires once, then
 * acts for `weeks` weeks where that applies (training, coaching, community managers, reverse
 * mentoring). A wave's opening records whether its deadline forced it.
 */
export interface InterventionTiming {
  at?: number;
  when?: Expr;
  /** Source text of `when`, kept for reports. */
  whenText?: string;
  /** Starts it even though `when` does not hold (only with `when`). */
  deadline?: Expr;
  deadlineText?: string;
  target?: Target;
}

/** One intervention of type T. */
export type InterventionOf<T extends InterventionType> = InterventionTiming & { type: T } & InterventionFields[T];

/** One intervention: a union discriminated on `type`. */
export type Intervention = { [T in InterventionType]: InterventionOf<T> }[InterventionType];

/** The name of a field some intervention type takes. */
export type InterventionFieldName = { [T in InterventionType]: keyof InterventionFields[T] & string }[InterventionType];

/** Weeks an intervention acts for once fired (0: until the horizon; types that act once: 0). */
export function actsForWeeks(item: Intervention): number {
  return 'weeks' in item ? (item.weeks ?? 0) : 0;
}

export type PilotSelection = 'volunteers' | 'catalyst_managers' | 'random' | 'department' | 'cross_section';
export const PILOT_SELECTIONS: readonly PilotSelection[] = ['volunteers', 'catalyst_managers', 'random', 'department', 'cross_section'];

/** Teams assigned to waves before week 0: wave 0 is the pilot, the rest split evenly. */
export interface WavePlan {
  pilotShare: number;
  selection: PilotSelection;
  /** Waves after the pilot. */
  waves: number;
  /**
   * Waves by named groups instead of a share and a rule: the pilot is `pilot`'s people; wave k (1..) is the
   * k-th entry of `waves`'s, those not already in an earlier wave. Everyone left joins the last wave; with no
   * `waves` listed they are dealt into `waves` waves by team, as without names. The executive team joins the pilot.
   */
  named?: { pilot: GroupTarget; waves: GroupTarget[] };
}

export interface StrategyPlan {
  name: string;
  label?: string;
  waves?: WavePlan;
  interventions: Intervention[];
}

/** Waves of a plan, the pilot included (0 for a plan without waves). */
export function waveCountOf(plan: Pick<StrategyPlan, 'waves'>): number {
  return plan.waves ? plan.waves.waves + 1 : 0;
}

/** Variables a condition may read; `waveK_*` exist for K below the number of waves. */
export const CONDITION_VARIABLES = [
  'week', 'aware_share', 'trying_share', 'active_share', 'lapsed_share', 'producers_share', 'content',
  'communities_alive', 'catalyst_share', 'access_share', 'cost', 'cross_flow',
] as const;
export const WAVE_VARIABLES = ['active_share', 'access_share', 'weeks_open', 'open'] as const;

/** Names a condition may use for a plan with `waveCount` waves (pilot included). */
export function conditionVariableNames(waveCount: number): string[] {
  const names: string[] = [...CONDITION_VARIABLES];
  for (const v of WAVE_VARIABLES) {
    if (waveCount > 0) names.push(`pilot.${v}`);
    for (let k = 0; k < waveCount; k++) names.push(`wave${k}.${v}`);
  }
  return names;
}

export function scheduleAt(schedule: Schedule | undefined, week: number, fallback: number): number {
  if (schedule === undefined) return fallback;
  if (typeof schedule === 'number') return schedule;
  if (schedule.length === 0) return fallback;
  return schedule[Math.min(week, schedule.length - 1)]!;
}
