/**
 * The bottom of the model: the states and access levels, the decision groups,
 * shared constants and types, and SimulationState, the struct of typed arrays
 * one rollout is, with its construction. The behaviour is layered on it one
 * concept per file (groups → transitions → pushes → conditions → managers →
 * communities → governance → interventions → adoption → observation), and
 * src/model/simulation.ts ends the chain with the week's step.
 */
import { type ModelParams, validateParams } from './params.ts';
import { type BinaryOp, type FunctionName, type Intervention, type StrategyPlan, type Target, conditionVariableNames, waveCountOf } from './plan.ts';
import { buildOrganisation, type Organisation } from './organisation.ts';
import { withInterventionDefaults } from './intervention-types.ts';
import { Xor4096, createRandom, deriveSeed, type Random } from './rng.ts';
import { OBSERVABLE_COUNT, RESULT_COUNT } from './observe.ts';
import { assignWaves } from './waves.ts';
import type { BufferPool } from './buffers.ts';
import { compile, type CompiledExpr } from './expr.ts';


export const UNAWARE = 0;
export const AWARE = 1;
export const TRYING = 2;
export const ACTIVE = 3;
export const LAPSED = 4;
export const STATE_NAMES = ['unaware', 'aware', 'trying', 'active', 'lapsed'] as const;

export const NO_ACCESS = 0;
export const FREE_ACCESS = 1;
export const LICENSED_ACCESS = 2;

// Decision groups, from (state, access level): see decideTransitions.
export const G_UNAWARE = 0;
export const G_AWARE = 1;
export const G_LAPSED = 2;
export const G_TRYING = 3;
export const G_ACTIVE = 4;
export const G_LOST_ACCESS = 5;
export const G_IDLE = 6; // aware or lapsed without access: nothing to decide
export const GROUP_COUNT = 7;
/** Group of state × 3 + access level (none, free, licensed). */
export const GROUP_OF = Uint8Array.from([
  G_UNAWARE, G_UNAWARE, G_UNAWARE, // unaware
  G_IDLE, G_AWARE, G_AWARE, // aware
  G_LOST_ACCESS, G_TRYING, G_TRYING, // trying
  G_LOST_ACCESS, G_ACTIVE, G_ACTIVE, // active
  G_IDLE, G_LAPSED, G_LAPSED, // lapsed
]);

/** Longest an active user's value check is skipped at once (weeks): keeps week arithmetic in Int32 range. */
export const SAFE_WEEKS_MAX = 100_000;

/**
 * An active user safe for fewer weeks than this stays in the walk and is skipped there: putting them to sleep
 * and waking them (see Simulation.awake) costs more than a few cheap looks.
 */
export const MIN_SLEEP_WEEKS = 4;

/** Moves between decision groups before they are put back in index order, at least (see decideTransitions). */
export const RESORT_MOVES = 4096;

/** Bitmaps of who is walked (see Simulation.awake): one for the unaware, one for active users. */
export const UNAWARE_BITMAP = 0;
export const ACTIVE_BITMAP = 1;
export const BITMAPS = 2;
/** The bitmap of each decision group, -1 for groups whose members are all walked. */
export const BITMAP_OF = Int8Array.from([UNAWARE_BITMAP, -1, -1, -1, ACTIVE_BITMAP, -1, -1]);
/** Added to an employee's group (groupOf) while they are asleep, so that one read tells both. */
export const ASLEEP = 8;
export const G_UNAWARE_ASLEEP = G_UNAWARE | ASLEEP;
export const G_ACTIVE_ASLEEP = G_ACTIVE | ASLEEP;

/** The decision group of an employee in `state` with `access` (0 none, 1 free, 2 licensed). */
export function decisionGroup(state: number, access: number): number {
  return GROUP_OF[state * 3 + access]!;
}

/** A week past any horizon that still fits the Int32Arrays holding weeks ("until the horizon", "never"). */
export const NEVER_WEEK = 2 ** 31 - 1;

export const GOVERNANCE_NONE = 0;
export const GOVERNANCE_PAID = 1;
export const GOVERNANCE_RESTRICTED = 2;
export const GOVERNANCE_SHUT_DOWN = 3;

export interface SimulationOptions {
  /**
   * Check every employee every week instead of skipping those whose outcome is known (quietUntil,
   * valueSafeUntil). The results are the same bit for bit; tests use it to show that.
   */
  checkEveryWeek?: boolean;
  /**
   * Take the per-employee state arrays from this pool; release() gives them back when the rollout's
   * outputs have been read (a worker running rollout after rollout then allocates almost nothing).
   */
  buffers?: BufferPool;
}

export interface RolloutSeeds {
  organisation: number;
  dynamics: number;
}

export interface RolloutOutput {
  /** (weeks + 1) rows × OBSERVABLE_COUNT columns, row-major; row 0 is the state before week 1. */
  series: Float64Array;
  /** RESULT_COUNT per-rollout results (see RESULTS); weeks never reached are NaN. */
  results: Float64Array;
  /** Week each wave opened (index 0: pilot); NaN if never; empty for plans without waves. */
  waveOpenWeeks: Float64Array;
  /** Per wave: 1 if its deadline opened it (its gate was not met), 0 if its week or its gate did; NaN if never. */
  waveForced: Float64Array;
}

/** An intervention prepared at construction: targets resolved, condition compiled. */
export interface Prepared {
  spec: Intervention;
  members: Int32Array | null; // null: everyone
  when: CompiledExpr | null;
  deadline: CompiledExpr | null;
  fired: boolean;
  /** Fired by its deadline, `when` not holding. */
  forced: boolean;
  firedWeek: number;
  until: number;
  cursor: number; // training: next member to train
}


/**
 * The state of one rollout: a struct of typed arrays (one array per attribute of employees, teams,
 * communities, departments and waves), built in the constructor, and the scalars of the week.
 * The behaviour sits in subclasses, one concept per file, chained in the order of src/model/simulation.ts;
 * the methods declared abstract here are those an earlier link calls.
 */
export abstract class SimulationState {
  readonly params: ModelParams;
  readonly org: Organisation;
  /** The plan in force; a fork may switch it (Simulation.fork), hence the plan-derived fields are not readonly. */
  plan: StrategyPlan;
  readonly weeks: number;
  week = 0;
  /** The week the plan in force took over: 0, or the week of the fork that switched to it. Its weeks count from here. */
  planStart = 0;
  /** The seed the plan's own draws (wave assignment, target samples) derive from. */
  protected planSeed: number;

  // Per employee.
  readonly state: Uint8Array;
  readonly access: Uint8Array;
  readonly trained: Uint8Array;
  readonly everActive: Uint8Array;
  wave!: Int8Array;
  readonly activeContacts: Int32Array;
  readonly crossActiveContacts: Int32Array;
  readonly contactContent: Float64Array;
  /**
   * Announcement push and showcase value, stored divided by `pushScale`: every push fades by the same
   * factor a week, so fading is one multiplication of the scale, not a pass over everyone.
   */
  protected readonly pushBase: Float64Array;
  protected readonly showcaseBase: Float64Array;
  readonly invDegree: Float32Array;
  /** Time cost before team effects: (1 - slack) × (1 + producing premium for producers and contributors). */
  readonly personalCost: Float32Array;
  /** Living communities each employee belongs to, updated when a community is born or dies. */
  readonly aliveCommunities: Uint8Array;
  /**
   * Week at which an unaware employee hears of the platform from outside
   * influence alone (geometric with parameter p, drawn once): an unaware
   * employee with no other exposure then costs no random draw a week.
   */
  readonly spontaneousAwareness: Int32Array;
  /** Week at which an active user lapses for no reason (base lapse, geometric, drawn on becoming active). */
  readonly baseLapseWeek: Int32Array;
  /**
   * Week before which an active user certainly finds enough value to stay (no empty-room chance), as long
   * as their contacts' content stays at or above contentFloor, so the decision loop skips their value
   * computation; 0 when unknown. Set when a user's margin over the threshold is enough: part of it covers
   * the time cost's rise (all the rise still possible, or half the margin spent at the fastest weekly rise,
   * which bounds the weeks), the rest contacts lapsing (contentFloor). Reset to 0 by a community dying and
   * on becoming active.
   */
  protected readonly valueSafeUntil: Int32Array;
  /** The least content of active contacts (contactContent) with which an active user is still safe (valueSafeUntil). */
  protected readonly contentFloor: Float64Array;
  /**
   * Week before which an unaware employee certainly stays unaware except through outside influence: no
   * active contact and no push (nothing to draw), until their scheduled spontaneousAwareness; 0 when
   * unknown. Reset by a contact becoming active and by a push.
   */
  protected readonly quietUntil: Int32Array;
  /**
   * How far each employee is from their next move (1 / U, times each week's chance of staying; they move
   * when it falls below 1): one random number per move, not per week. Why that is exact: docs/benchmarks.md,
   * "Implementation notes".
   */
  protected readonly survival: Float64Array;
  // Per team.
  readonly style: Float64Array;
  readonly coachedUntil: Int32Array;
  readonly mentoredUntil: Int32Array;
  readonly teamActive: Int32Array;
  readonly teamActiveContent: Float64Array;
  readonly teamCrossContent: Float64Array;
  readonly teamTrial: Float64Array;
  readonly teamOutput: Float64Array;
  readonly teamRelief: Float64Array;
  /** Time cost of a member with no slack: timeCost × manager effect × (1 - job-description relief). */
  readonly teamCostFactor: Float64Array;
  /** 1 / team size, so the weekly manager update multiplies instead of dividing. */
  protected readonly teamInvSize: Float64Array;
  // Per community: 0 not yet born, 1 alive, 2 dead.
  readonly communityStatus: Uint8Array;
  readonly communityContent: Float64Array;
  readonly communityBelow: Int32Array;
  readonly communityManagedUntil: Int32Array;
  // Per department (fully mixed network only).
  readonly departmentActive: Int32Array;
  readonly departmentContent: Float64Array;
  // Per wave.
  waveCount!: number;
  waveSize!: Int32Array;
  waveActive!: Int32Array;
  waveAccess!: Int32Array;
  waveOpenWeek!: Float64Array;
  /** 1 if the wave's opening was forced by a deadline, 0 if not, NaN until it opens (see RolloutOutput). */
  waveForced!: Float64Array;

  // Counters kept up to date by setState / setAccess.
  readonly stateCount = new Int32Array(5);
  activeProducers = 0;
  activeContent = 0;
  withAccess = 0;
  licensed = 0;
  freeUsers = 0;
  everActiveCount = 0;

  // Organisation-wide levers.
  rewardCompetition: number;
  trust = 1;
  governanceOutcome = GOVERNANCE_NONE;
  governanceWeek = Number.NaN;
  cumulativeCost = 0;
  crossFlowTotal = 0;
  // Manager figures of the week, from updateManagers.
  protected catalysts = 0;
  protected styleSum = 0;
  protected supportCost = 0;

  readonly series: Float64Array;
  protected readonly rng: Xor4096;
  protected readonly changed: Int32Array;
  protected readonly changedTo: Uint8Array;
  protected changes = 0;
  protected interventions: Prepared[];
  protected context: Float64Array;
  protected readonly mechanisms: ModelParams['mechanisms'];
  protected pushLive = false;
  protected pushScale = 1;
  /** Largest pushBase or showcaseBase set since the pushes were last cleared. */
  protected pushPeak = 0;
  /**
   * Decision groups (see decideTransitions), kept up to date as states and access change: group g's
   * members are groupMembers[g × employees, g × employees + groupSize[g]), employee i sits at groupPos[i].
   */
  protected readonly groupMembers: Int32Array;
  protected readonly groupSize = new Int32Array(GROUP_COUNT);
  protected readonly groupOf: Uint8Array;
  protected readonly groupPos: Int32Array;
  /** Moves between groups since the groups were last put back in index order. */
  protected groupMoves = 0;
  /**
   * Asleep: quiet unaware employees and active users sure to stay, left out of their group's walk until
   * their skip can end. Bit k of a group's bitmap (`awake`: unaware, active) is set while the member at
   * position k is to be visited; wakeWeek is the week an asleep employee must be seen again, 0 while awake.
   * What wakes them early, and why the results stay the same bit for bit: docs/benchmarks.md, "Implementation notes".
   */
  protected readonly awake: Int32Array;
  protected readonly bitmapWords: number;
  protected readonly wakeWeek: Int32Array;
  /** Asleep employees due in week w form a doubly linked list from wakeHead[w] (-1: none). */
  protected readonly wakeHead: Int32Array;
  protected readonly wakeNext: Int32Array;
  protected readonly wakePrev: Int32Array;
  /** Contacts to wake once a change has been pushed to all of them (see setState). */
  protected readonly toWake: Int32Array;
  /** Asleep employees per bitmap (unaware, active): each is a weekly check skipped. */
  protected readonly asleep = new Int32Array(BITMAPS);
  protected managerFactorsStale = true;
  /** log(1 - baseLapse), or 0 when active users never lapse for no reason. */
  protected readonly logKeep: number;

  /** Weekly checks skipped because their outcome was known: quiet unaware employees, active users sure to stay. */
  checksSkipped = 0;
  protected readonly checkEveryWeek: boolean;
  protected readonly buffers: BufferPool | null;

  constructor(params: ModelParams, plan: StrategyPlan, seeds: RolloutSeeds, organisation?: Organisation, options: SimulationOptions = {}) {
    this.checkEveryWeek = options.checkEveryWeek ?? false;
    validateParams(params);
    this.params = params;
    this.plan = plan;
    this.planSeed = seeds.dynamics;
    this.mechanisms = params.mechanisms;
    this.org = organisation ?? buildOrganisation(params, seeds.organisation);
    if (this.org.employees !== params.organisation.employees) {
      throw new RangeError(`organisation has ${this.org.employees} employees but parameters say ${params.organisation.employees}`);
    }
    const n = this.org.employees;
    const teams = this.org.teams;
    this.weeks = params.weeks;
    this.rng = new Xor4096(seeds.dynamics);
    this.rewardCompetition = params.flow.rewardCompetition;

    const pool = options.buffers;
    this.buffers = pool ?? null;
    const take = <T extends Float64Array | Float32Array | Int32Array | Uint8Array>(kind: new (length: number) => T, length: number): T =>
      pool ? pool.take(kind, length) : new kind(length);
    this.state = take(Uint8Array, n);
    this.access = take(Uint8Array, n);
    this.trained = take(Uint8Array, n);
    this.everActive = take(Uint8Array, n);
    this.activeContacts = take(Int32Array, n);
    this.crossActiveContacts = take(Int32Array, n);
    this.contactContent = take(Float64Array, n);
    this.pushBase = take(Float64Array, n);
    this.showcaseBase = take(Float64Array, n);
    this.groupMembers = take(Int32Array, GROUP_COUNT * n);
    this.groupOf = take(Uint8Array, n).fill(G_UNAWARE);
    this.groupPos = take(Int32Array, n);
    this.bitmapWords = (n + 31) >> 5;
    this.awake = take(Int32Array, BITMAPS * this.bitmapWords);
    this.wakeWeek = take(Int32Array, n);
    this.wakeNext = take(Int32Array, n);
    this.wakePrev = take(Int32Array, n);
    // One entry per listed contact: more than n only when ties of a network file count several times (strength > 1).
    let listed = n;
    for (let i = 0; i < n; i++) listed = Math.max(listed, this.org.network.degree(i));
    this.toWake = take(Int32Array, listed);
    this.wakeHead = new Int32Array(params.weeks + 1).fill(-1);
    this.invDegree = take(Float32Array, n);
    this.aliveCommunities = take(Uint8Array, n);
    this.personalCost = take(Float32Array, n);
    this.spontaneousAwareness = take(Int32Array, n);
    this.baseLapseWeek = take(Int32Array, n);
    this.valueSafeUntil = take(Int32Array, n);
    this.contentFloor = take(Float64Array, n);
    this.quietUntil = take(Int32Array, n);
    this.survival = take(Float64Array, n);
    this.logKeep = this.mechanisms.lapsing && params.adoption.baseLapse > 0 ? Math.log1p(-Math.min(params.adoption.baseLapse, 1 - 1e-12)) : 0;
    for (let i = 0; i < n; i++) {
      this.personalCost[i] = (1 - this.org.timeSlack[i]!) * (1 + (params.adoption.producerTimeCost * this.org.role[i]!) / 2);
    }
    for (let i = 0; i < n; i++) {
      const d = this.org.network.degree(i);
      this.invDegree[i] = d > 0 ? 1 / d : 0;
    }
    this.style = Float64Array.from(this.org.initialStyle);
    this.coachedUntil = new Int32Array(teams).fill(-1);
    this.mentoredUntil = new Int32Array(teams).fill(-1);
    this.teamActive = new Int32Array(teams);
    this.teamActiveContent = new Float64Array(teams);
    this.teamCrossContent = new Float64Array(teams);
    this.teamTrial = new Float64Array(teams).fill(1);
    this.teamOutput = new Float64Array(teams).fill(1);
    this.teamRelief = new Float64Array(teams);
    this.teamCostFactor = new Float64Array(teams);
    this.teamInvSize = new Float64Array(teams);
    for (let t = 0; t < teams; t++) this.teamInvSize[t] = 1 / (this.org.teamStart[t + 1]! - this.org.teamStart[t]!);
    const c = this.org.communities;
    this.communityStatus = new Uint8Array(c);
    this.communityContent = new Float64Array(c);
    this.communityBelow = new Int32Array(c);
    this.communityManagedUntil = new Int32Array(c).fill(-1);
    this.departmentActive = new Int32Array(this.org.departments);
    this.departmentContent = new Float64Array(this.org.departments);

    // Waves: teams assigned before week 0 from a seed of their own, so every strategy's draws stay aligned.
    const planRandom = createRandom(deriveSeed(this.planSeed, 'plan', plan.name));
    this.layWaves(plan, planRandom);

    this.changed = take(Int32Array, n);
    this.changedTo = take(Uint8Array, n);
    this.series = take(Float64Array, (this.weeks + 1) * OBSERVABLE_COUNT);

    this.context = new Float64Array(conditionVariableNames(this.waveCount).length);
    this.interventions = this.prepareInterventions(plan, planRandom);

    const p = this.mechanisms.externalInfluence ? params.adoption.externalInfluence : 0;
    const logStay = Math.log1p(-Math.min(p, 1 - 1e-12));
    for (let i = 0; i < n; i++) {
      const weeks = p > 0 ? 1 + Math.floor(Math.log(1 - this.rng.next()) / logStay) : Number.POSITIVE_INFINITY;
      this.spontaneousAwareness[i] = Math.min(weeks, NEVER_WEEK);
    }
    for (let i = 0; i < n; i++) this.survival[i] = 1 / (1 - this.rng.next());
    // Only now that every field exists: a method called on a half-built object sees another hidden class,
    // and its optimised code would be thrown away at every construction.
    this.sortGroups();
    this.stateCount[UNAWARE] = n;
    if (!this.mechanisms.awareness) for (let i = 0; i < n; i++) this.setState(i, AWARE);
    this.updateManagers();
    this.observe();
  }

  /** The plan's interventions, ready to fire: defaults filled in, targets resolved, conditions compiled. */
  /**
   * Assign the plan's waves from `planRandom` (before week 0, or at a fork that switches plans) and
   * count each wave's employees, active employees and employees with access as they stand now.
   */
  protected layWaves(plan: StrategyPlan, planRandom: Random): void {
    const n = this.org.employees;
    this.wave = plan.waves ? assignWaves(this.org, plan.waves, planRandom) : new Int8Array(n).fill(-1);
    this.waveCount = waveCountOf(plan);
    this.waveSize = new Int32Array(this.waveCount);
    this.waveActive = new Int32Array(this.waveCount);
    this.waveAccess = new Int32Array(this.waveCount);
    this.waveOpenWeek = new Float64Array(this.waveCount).fill(Number.NaN);
    this.waveForced = new Float64Array(this.waveCount).fill(Number.NaN);
    for (let i = 0; i < n; i++) {
      const wave = this.wave[i]!;
      if (wave < 0) continue;
      this.waveSize[wave]! += 1;
      if (this.state[i] === ACTIVE) this.waveActive[wave]! += 1;
      if (this.access[i] !== NO_ACCESS) this.waveAccess[wave]! += 1;
    }
  }

  protected prepareInterventions(plan: StrategyPlan, planRandom: Random): Prepared[] {
    const names = conditionVariableNames(this.waveCount);
    const resolved = new Map<string, Int32Array | null>();
    // Every field a type defaults is filled in from INTERVENTION_SPECS: no default is written below.
    return plan.interventions.map(withInterventionDefaults).map((spec) => ({
      spec,
      members: this.resolveTarget(spec.target, spec.type === 'training', planRandom, resolved),
      when: spec.when ? compile(spec.when, names) : null,
      deadline: spec.when && spec.deadline ? compile(spec.deadline, names) : null,
      fired: false,
      forced: false,
      firedWeek: -1,
      until: -1,
      cursor: 0,
    }));
  }

  protected abstract resolveTarget(target: Target | undefined, needList: boolean, random: Random, resolved: Map<string, Int32Array | null>): Int32Array | null;
  protected abstract updateManagers(): void;
  protected abstract sortGroups(): void;
  public abstract setState(i: number, next: number): void;
  protected abstract observe(): void;
}
