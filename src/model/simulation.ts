/**
 * One rollout of one strategy on one organisation, week by week.
 *
 * The week (step) in order, as docs/model.md §3 lists it:
 *   1. fireInterventions  — the plan's interventions due this week or whose condition now holds
 *   2. updateManagers     — styles move; team time cost, trial rate and output follow
 *   3. updateCommunities  — communities are born, kept alive or die from last week's output
 *   4. wakeSleepers       — employees whose next possible move falls this week rejoin the decisions
 *   5. decideTransitions  — every employee's move, from counts kept up to date incrementally
 *   6. fadePushes         — this week's announcement and showcase pushes fade
 *   7. applyTransitions   — moves take effect together (synchronous update) and push counts to contacts
 *   8. governance         — a grown free network meets its governance decision
 *   9. payRunningCosts    — licences and running programmes accrue their cost
 *  10. observe            — this week's observables into the preallocated series
 *
 * State is a struct of typed arrays; a step allocates nothing. Neighbour-dependent
 * decisions read counts (active contacts, their content, cross-department
 * contacts) that only agents who change state push to their contacts.
 */
import { type ModelParams, validateParams } from './params.ts';
import {
  type BinaryOp, type Expr, type FunctionName, type Intervention, type StrategyPlan, type Target, applyFunction, applyOperator,
  conditionVariableNames, CONDITION_VARIABLES, scheduleAt,
} from './plan.ts';
import { buildOrganisation, PRODUCER, type Organisation } from './organisation.ts';
import { withInterventionDefaults } from './intervention-types.ts';
import { Xor4096, createRandom, deriveSeed, indices, shuffle, type Random } from './rng.ts';
import { OBS, OBSERVABLE_COUNT, RES, RESULT_COUNT } from './observe.ts';
import { assignWaves } from './waves.ts';
import type { BufferPool } from './buffers.ts';

export const UNAWARE = 0;
export const AWARE = 1;
export const TRYING = 2;
export const ACTIVE = 3;
export const LAPSED = 4;
export const STATE_NAMES = ['unaware', 'aware', 'trying', 'active', 'lapsed'] as const;

const NO_ACCESS = 0;
const FREE_ACCESS = 1;
const LICENSED_ACCESS = 2;

// Decision groups, from (state, access level): see decideTransitions.
const G_UNAWARE = 0;
const G_AWARE = 1;
const G_LAPSED = 2;
const G_TRYING = 3;
const G_ACTIVE = 4;
const G_LOST_ACCESS = 5;
const G_IDLE = 6; // aware or lapsed without access: nothing to decide
export const GROUP_COUNT = 7;
/** Group of state × 3 + access level (none, free, licensed). */
const GROUP_OF = Uint8Array.from([
  G_UNAWARE, G_UNAWARE, G_UNAWARE, // unaware
  G_IDLE, G_AWARE, G_AWARE, // aware
  G_LOST_ACCESS, G_TRYING, G_TRYING, // trying
  G_LOST_ACCESS, G_ACTIVE, G_ACTIVE, // active
  G_IDLE, G_LAPSED, G_LAPSED, // lapsed
]);

/** Longest an active user's value check is skipped at once (weeks): keeps week arithmetic in Int32 range. */
const SAFE_WEEKS_MAX = 100_000;

/**
 * An active user safe for fewer weeks than this stays in the walk and is skipped there: putting them to sleep
 * and waking them (see Simulation.awake) costs more than a few cheap looks.
 */
const MIN_SLEEP_WEEKS = 4;

/** Moves between decision groups before they are put back in index order, at least (see decideTransitions). */
const RESORT_MOVES = 4096;

/** Bitmaps of who is walked (see Simulation.awake): one for the unaware, one for active users. */
const UNAWARE_BITMAP = 0;
const ACTIVE_BITMAP = 1;
const BITMAPS = 2;
/** The bitmap of each decision group, -1 for groups whose members are all walked. */
const BITMAP_OF = Int8Array.from([UNAWARE_BITMAP, -1, -1, -1, ACTIVE_BITMAP, -1, -1]);
/** Added to an employee's group (groupOf) while they are asleep, so that one read tells both. */
const ASLEEP = 8;
const G_UNAWARE_ASLEEP = G_UNAWARE | ASLEEP;
const G_ACTIVE_ASLEEP = G_ACTIVE | ASLEEP;

/** The decision group of an employee in `state` with `access` (0 none, 1 free, 2 licensed). */
export function decisionGroup(state: number, access: number): number {
  return GROUP_OF[state * 3 + access]!;
}

/** A week past any horizon that still fits the Int32Arrays holding weeks ("until the horizon", "never"). */
const NEVER_WEEK = 2 ** 31 - 1;

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
interface Prepared {
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

type CompiledExpr =
  | { k: 'num'; v: number }
  | { k: 'var'; i: number }
  | { k: 'op'; op: BinaryOp; a: CompiledExpr; b: CompiledExpr }
  | { k: 'not' | 'neg'; a: CompiledExpr }
  | { k: 'fn'; name: FunctionName; args: CompiledExpr[] };

export class Simulation {
  readonly params: ModelParams;
  readonly org: Organisation;
  readonly plan: StrategyPlan;
  readonly weeks: number;
  week = 0;

  // Per employee.
  readonly state: Uint8Array;
  readonly access: Uint8Array;
  readonly trained: Uint8Array;
  readonly everActive: Uint8Array;
  readonly wave: Int8Array;
  readonly activeContacts: Int32Array;
  readonly crossActiveContacts: Int32Array;
  readonly contactContent: Float64Array;
  /**
   * Announcement push and showcase value, stored divided by `pushScale`: every push fades by the same
   * factor a week, so fading is one multiplication of the scale, not a pass over everyone.
   */
  private readonly pushBase: Float64Array;
  private readonly showcaseBase: Float64Array;
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
  private readonly valueSafeUntil: Int32Array;
  /** The least content of active contacts (contactContent) with which an active user is still safe (valueSafeUntil). */
  private readonly contentFloor: Float64Array;
  /**
   * Week before which an unaware employee certainly stays unaware except through outside influence: no
   * active contact and no push (nothing to draw), until their scheduled spontaneousAwareness; 0 when
   * unknown. Reset by a contact becoming active and by a push.
   */
  private readonly quietUntil: Int32Array;
  /**
   * How far each employee is from their next move, by inversion of its survival function: on entering a
   * decision group it is 1 / U for a fresh uniform U in (0, 1]; each week it is multiplied by (1 − the
   * week's chance of moving), and the employee moves in the first week it falls below 1. That week has
   * exactly the chance written, given the weeks before (the survival S so far falls below U with
   * probability (S_prev − S) / S_prev), and a week with no chance leaves it as it is. One random number
   * per move instead of one a week; where a move has two outcomes, the uniform's place inside the last
   * week's step picks one (see decideUsers).
   */
  private readonly survival: Float64Array;
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
  private readonly teamInvSize: Float64Array;
  // Per community: 0 not yet born, 1 alive, 2 dead.
  readonly communityStatus: Uint8Array;
  readonly communityContent: Float64Array;
  readonly communityBelow: Int32Array;
  readonly communityManagedUntil: Int32Array;
  // Per department (fully mixed network only).
  readonly departmentActive: Int32Array;
  readonly departmentContent: Float64Array;
  // Per wave.
  readonly waveCount: number;
  readonly waveSize: Int32Array;
  readonly waveActive: Int32Array;
  readonly waveAccess: Int32Array;
  readonly waveOpenWeek: Float64Array;
  /** 1 if the wave's opening was forced by a deadline, 0 if not, NaN until it opens (see RolloutOutput). */
  readonly waveForced: Float64Array;

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
  private catalysts = 0;
  private styleSum = 0;
  private supportCost = 0;

  readonly series: Float64Array;
  private readonly rng: Xor4096;
  private readonly changed: Int32Array;
  private readonly changedTo: Uint8Array;
  private changes = 0;
  private readonly interventions: Prepared[];
  private readonly context: Float64Array;
  private readonly mechanisms: ModelParams['mechanisms'];
  private pushLive = false;
  private pushScale = 1;
  /** Largest pushBase or showcaseBase set since the pushes were last cleared. */
  private pushPeak = 0;
  /**
   * Decision groups (see decideTransitions), kept up to date as states and access change: group g's
   * members are groupMembers[g × employees, g × employees + groupSize[g]), employee i sits at groupPos[i].
   */
  private readonly groupMembers: Int32Array;
  private readonly groupSize = new Int32Array(GROUP_COUNT);
  private readonly groupOf: Uint8Array;
  private readonly groupPos: Int32Array;
  /** Moves between groups since the groups were last put back in index order. */
  private groupMoves = 0;
  /**
   * Asleep: quiet unaware employees and active users sure to stay are left out of the walk of their group
   * until their skip can end, instead of being looked at and skipped every week. Bit k of a group's bitmap
   * (`awake`, one for unaware, one for active) is set while the member at position k is to be visited;
   * an asleep employee's wakeWeek is the week they must be visited again (their scheduled awareness,
   * or the end of their safe weeks or their base lapse), 0 while awake. The walk order of the rest is
   * unchanged, so the results are the same bit for bit. Events that can end a skip early wake them: a
   * push or a contact's activation (unaware), a contact's lapse taking their content below its floor, or
   * a community's death (active); leaving the group wakes them too.
   */
  private readonly awake: Int32Array;
  private readonly bitmapWords: number;
  private readonly wakeWeek: Int32Array;
  /** Asleep employees due in week w form a doubly linked list from wakeHead[w] (-1: none). */
  private readonly wakeHead: Int32Array;
  private readonly wakeNext: Int32Array;
  private readonly wakePrev: Int32Array;
  /** Contacts to wake once a change has been pushed to all of them (see setState). */
  private readonly toWake: Int32Array;
  /** Asleep employees per bitmap (unaware, active): each is a weekly check skipped. */
  private readonly asleep = new Int32Array(BITMAPS);
  private managerFactorsStale = true;
  /** log(1 - baseLapse), or 0 when active users never lapse for no reason. */
  private readonly logKeep: number;

  /** Weekly checks skipped because their outcome was known: quiet unaware employees, active users sure to stay. */
  checksSkipped = 0;
  private readonly checkEveryWeek: boolean;
  private readonly buffers: BufferPool | null;

  constructor(params: ModelParams, plan: StrategyPlan, seeds: RolloutSeeds, organisation?: Organisation, options: SimulationOptions = {}) {
    this.checkEveryWeek = options.checkEveryWeek ?? false;
    validateParams(params);
    this.params = params;
    this.plan = plan;
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
    this.toWake = take(Int32Array, n);
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
    const planRandom = createRandom(deriveSeed(seeds.dynamics, 'plan', plan.name));
    this.wave = plan.waves ? assignWaves(this.org, plan.waves, planRandom) : new Int8Array(n).fill(-1);
    this.waveCount = plan.waves ? plan.waves.waves + 1 : 0;
    this.waveSize = new Int32Array(this.waveCount);
    this.waveActive = new Int32Array(this.waveCount);
    this.waveAccess = new Int32Array(this.waveCount);
    this.waveOpenWeek = new Float64Array(this.waveCount).fill(Number.NaN);
    this.waveForced = new Float64Array(this.waveCount).fill(Number.NaN);
    for (let i = 0; i < n; i++) if (this.wave[i]! >= 0) this.waveSize[this.wave[i]!]! += 1;

    this.changed = take(Int32Array, n);
    this.changedTo = take(Uint8Array, n);
    this.series = take(Float64Array, (this.weeks + 1) * OBSERVABLE_COUNT);

    const names = conditionVariableNames(this.waveCount);
    this.context = new Float64Array(names.length);
    const resolved = new Map<string, Int32Array | null>();
    // Every field a type defaults is filled in from INTERVENTION_SPECS: no default is written below.
    this.interventions = plan.interventions.map(withInterventionDefaults).map((spec) => ({
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

  /** Runs every remaining week. */
  run(): this {
    while (this.week < this.weeks) this.step();
    return this;
  }

  step(): void {
    this.week += 1;
    this.fireInterventions();
    this.updateManagers();
    this.updateCommunities();
    this.wakeSleepers();
    this.decideTransitions();
    this.fadePushes();
    this.applyTransitions();
    this.governance();
    this.payRunningCosts();
    this.observe();
  }

  // ---- 1. interventions -------------------------------------------------------------------------

  private fireInterventions(): void {
    this.fillContext();
    for (const item of this.interventions) {
      if (item.fired) continue;
      const { spec } = item;
      if (spec.at !== undefined && this.week < Math.max(1, spec.at)) continue;
      if (item.when && evaluate(item.when, this.context) === 0) {
        if (!item.deadline || evaluate(item.deadline, this.context) === 0) continue;
        item.forced = true;
      }
      item.fired = true;
      item.firedWeek = this.week;
      item.until = spec.weeks && spec.weeks > 0 ? this.week + spec.weeks : NEVER_WEEK;
      this.fire(item);
    }
    // Programs that act every week while they last.
    for (const item of this.interventions) {
      if (item.fired && item.spec.type === 'training' && this.week < item.until) this.train(item);
    }
  }

  private fire(item: Prepared): void {
    const { spec, members } = item;
    const p = this.params;
    const n = this.org.employees;
    const count = members ? members.length : n;
    switch (spec.type) {
      case 'access':
      case 'licences': {
        const level = spec.type === 'access' && spec.free ? FREE_ACCESS : LICENSED_ACCESS;
        for (let k = 0; k < count; k++) {
          const i = members ? members[k]! : k;
          if (this.access[i]! < level) this.setAccess(i, level);
        }
        const wave = spec.target?.kind === 'wave' ? spec.target.wave : -1;
        if (wave >= 0 && Number.isNaN(this.waveOpenWeek[wave]!)) {
          this.waveOpenWeek[wave] = this.week;
          this.waveForced[wave] = item.forced ? 1 : 0;
        }
        break;
      }
      case 'announcement': {
        if (!this.mechanisms.externalInfluence) break;
        const strength = spec.strength! * (0.5 + 0.5 * p.organisation.executiveSponsorship);
        for (let k = 0; k < count; k++) this.raisePush(members ? members[k]! : k, strength);
        this.cumulativeCost += p.costs.announcement;
        break;
      }
      case 'showcase': {
        if (!this.mechanisms.externalInfluence) break;
        // Best cases convince in proportion to how well the platform is doing where it is open.
        const evidence = this.withAccess > 0 ? Math.min(1, Math.max(0.25, (2 * this.stateCount[ACTIVE]!) / this.withAccess)) : 0.25;
        const value = spec.strength! * p.adoption.showcaseValue * evidence;
        for (let k = 0; k < count; k++) {
          const i = members ? members[k]! : k;
          this.raiseShowcase(i, value);
          this.raisePush(i, 0.5 * value);
        }
        this.cumulativeCost += p.costs.showcase;
        break;
      }
      case 'seed_users':
        for (let k = 0; k < count; k++) {
          const i = members ? members[k]! : k;
          if (this.access[i] === NO_ACCESS) this.setAccess(i, FREE_ACCESS);
          if (this.state[i] !== ACTIVE) this.setState(i, ACTIVE);
        }
        break;
      case 'manager_coaching':
      case 'reverse_mentoring': {
        if (spec.type === 'reverse_mentoring' && !this.mechanisms.reverseMentoring) break;
        const teams = this.teamsOf(members);
        // Most gatekeeping managers first: that is where coaching and mentoring are aimed.
        teams.sort((a, b) => this.style[a]! - this.style[b]! || a - b);
        const wanted = spec.type === 'reverse_mentoring'
          ? Math.min(teams.length, spec.count!)
          : Math.round(teams.length * spec.share!);
        for (let k = 0; k < wanted; k++) {
          const t = teams[k]!;
          if (spec.type === 'reverse_mentoring') {
            this.mentoredUntil[t] = item.until;
            // The mentor gets the manager started on the tools.
            const manager = this.org.teamStart[t]!;
            if (this.state[manager] === UNAWARE) this.setState(manager, AWARE);
            if (this.access[manager] !== NO_ACCESS && (this.state[manager] === AWARE || this.state[manager] === LAPSED)) this.setState(manager, TRYING);
          } else {
            this.coachedUntil[t] = item.until;
          }
        }
        break;
      }
      case 'community_managers': {
        const c = this.org.communities;
        const order = Array.from({ length: c }, (_, k) => k);
        const size = (k: number) => this.org.communityStart[k + 1]! - this.org.communityStart[k]!;
        order.sort((a, b) => size(b) - size(a) || a - b);
        let assigned = 0;
        for (const k of order) {
          if (assigned >= spec.count!) break;
          if (this.communityManagedUntil[k]! > this.week) continue;
          this.communityManagedUntil[k] = item.until;
          assigned++;
        }
        break;
      }
      case 'job_description': {
        for (const t of this.teamsOf(members)) this.teamRelief[t] = Math.max(this.teamRelief[t]!, spec.relief!);
        this.managerFactorsStale = true;
        this.cumulativeCost += p.costs.jobDescriptionChange;
        break;
      }
      case 'reward_change':
        this.rewardCompetition = spec.competition!;
        this.cumulativeCost += p.costs.rewardChange;
        break;
      case 'governance':
        this.decideGovernance(spec.decision!);
        break;
      case 'training':
        break; // acts weekly, see train()
    }
  }

  /** Trains this week's capacity (people, or a share of the group it serves), skipping people already trained. */
  private train(item: Prepared): void {
    const members = item.members!;
    const capacity = item.spec.capacity === undefined && item.spec.share !== undefined
      ? Math.ceil(item.spec.share * members.length)
      : Math.floor(scheduleAt(item.spec.capacity, this.week, 0));
    let trainedNow = 0;
    while (trainedNow < capacity && item.cursor < members.length) {
      const i = members[item.cursor++]!;
      if (this.trained[i]) continue;
      this.trained[i] = 1;
      trainedNow++;
      if (this.mechanisms.externalInfluence) {
        if (this.state[i] === UNAWARE) this.setState(i, AWARE);
        this.raisePush(i, 0.5);
      }
    }
    this.cumulativeCost += trainedNow * this.params.costs.trainingPerPerson;
  }

  /** Raises employee i's announcement push to at least `strength` (this week's value). */
  private raisePush(i: number, strength: number): void {
    if (this.raiseFading(this.pushBase, i, strength)) {
      this.quietUntil[i] = 0;
      if (this.groupOf[i] === G_UNAWARE_ASLEEP) this.wake(i);
    }
  }

  private raiseShowcase(i: number, value: number): void {
    this.raiseFading(this.showcaseBase, i, value);
  }

  /** Raises a fading value (pushBase or showcaseBase, stored over pushScale) to at least `value`; true if it rose. */
  private raiseFading(bases: Float64Array, i: number, value: number): boolean {
    if (bases[i]! * this.pushScale >= value) return false;
    const base = value / this.pushScale;
    bases[i] = base;
    if (base > this.pushPeak) this.pushPeak = base;
    this.pushLive = true;
    return true;
  }



  private teamsOf(members: Int32Array | null): number[] {
    if (!members) return Array.from({ length: this.org.teams }, (_, t) => t);
    const seen = new Uint8Array(this.org.teams);
    const teams: number[] = [];
    for (const i of members) {
      const t = this.org.team[i]!;
      if (!seen[t]) {
        seen[t] = 1;
        teams.push(t);
      }
    }
    return teams;
  }

  /**
   * Who a target reaches. A phased plan targets each wave with several interventions: the same people are
   * found once (`resolved`, by target), except a random share, which each intervention draws afresh.
   */
  private resolveTarget(target: Target | undefined, needList: boolean, random: Random, resolved: Map<string, Int32Array | null>): Int32Array | null {
    const kind = target?.kind ?? 'all';
    const key = kind === 'share' ? '' : `${JSON.stringify(target ?? null)} ${needList}`;
    let members = key ? resolved.get(key) : undefined;
    if (members === undefined) {
      members = this.targetMembers(target, needList, random);
      if (key) resolved.set(key, members);
    }
    // Training reaches people in a random order, so capacity is shared fairly across teams (a copy: lists are shared).
    return needList && members ? shuffle(random, members.slice()) : members;
  }

  private targetMembers(target: Target | undefined, needList: boolean, random: Random): Int32Array | null {
    const n = this.org.employees;
    const kind = target?.kind ?? 'all';
    let members: Int32Array | null = null;
    switch (kind) {
      case 'all':
        members = needList ? indices(n) : null;
        break;
      case 'departments': {
        const wanted = new Uint8Array(this.org.departments);
        for (const d of (target as { departments: number[] }).departments) if (d >= 0 && d < wanted.length) wanted[d] = 1;
        members = membersWhere(this.org.department, wanted);
        break;
      }
      case 'wave': {
        const wanted = new Uint8Array(this.waveCount);
        const w = (target as { wave: number }).wave;
        if (w >= 0 && w < wanted.length) wanted[w] = 1;
        members = membersWhere(this.wave, wanted);
        break;
      }
      case 'share': {
        const all = shuffle(random, indices(n));
        members = all.slice(0, Math.round((target as { share: number }).share * n)).sort();
        break;
      }
      case 'enthusiasts':
        members = mostInnovative(this.org.innovativeness, Math.min(n, Math.max(1, Math.round((target as { share: number }).share * n))));
        break;
    }
    return members;
  }

  /** Condition variables from last week's observables and the waves. */
  private fillContext(): void {
    const row = (this.week - 1) * OBSERVABLE_COUNT;
    const s = this.series;
    const c = this.context;
    c[0] = this.week;
    c[1] = s[row + OBS.aware_share]!;
    c[2] = s[row + OBS.trying_share]!;
    c[3] = s[row + OBS.active_share]!;
    c[4] = s[row + OBS.lapsed_share]!;
    c[5] = s[row + OBS.producers_share]!;
    c[6] = s[row + OBS.content]!;
    c[7] = s[row + OBS.communities_alive]!;
    c[8] = s[row + OBS.catalyst_share]!;
    c[9] = s[row + OBS.access_share]!;
    c[10] = s[row + OBS.cost]!;
    c[11] = s[row + OBS.cross_flow]!;
    // Per-wave variables follow in the order of conditionVariableNames: for each variable, pilot then waves.
    let k = CONDITION_VARIABLES.length;
    const w = this.waveCount;
    for (let v = 0; v < 4; v++) {
      for (let j = -1; j < w; j++) {
        if (j === -1 && w === 0) continue;
        const wave = j === -1 ? 0 : j;
        const size = this.waveSize[wave]! || 1;
        const open = !Number.isNaN(this.waveOpenWeek[wave]!);
        c[k++] = v === 0 ? this.waveActive[wave]! / size
          : v === 1 ? this.waveAccess[wave]! / size
          : v === 2 ? (open ? this.week - this.waveOpenWeek[wave]! : 0)
          : open ? 1 : 0;
      }
    }
  }

  // ---- 2. managers ------------------------------------------------------------------------------

  private updateManagers(): void {
    // Without manager influence or dynamics the factors change only with job descriptions.
    if (!this.mechanisms.managerInfluence && !this.mechanisms.managerDynamics && !this.managerFactorsStale) return;
    this.managerFactorsStale = false;
    const m = this.params.managers;
    const org = this.org;
    const { initialStyle } = org;
    const { teamInvSize, style, teamActive, coachedUntil, mentoredUntil, teamRelief, teamCostFactor, teamTrial, teamOutput } = this;
    const influence = this.mechanisms.managerInfluence;
    const dynamics = this.mechanisms.managerDynamics && this.week > 0;
    const criticalMass = this.params.outcomes.criticalMassShare;
    const timeCost = this.mechanisms.timeCost ? this.params.adoption.timeCost : 0;
    const week = this.week;
    const { pressureRate, evidenceRate, coachingRate, reverseMentoringRate, relapseRate, gatekeeperCost, catalystBoost, catalystCutoff } = m;
    const boostNorm = 1 / (1 + 0.5 * catalystBoost);
    let catalysts = 0;
    let styleSum = 0;
    let coached = 0;
    let mentored = 0;
    for (let t = 0; t < org.teams; t++) {
      let s = style[t]!;
      const isCoached = coachedUntil[t]! > week;
      const isMentored = mentoredUntil[t]! > week;
      if (isCoached) coached++;
      if (isMentored) mentored++;
      if (dynamics) {
        const activeShare = teamActive[t]! * teamInvSize[t]!;
        let ds = pressureRate * activeShare;
        if (activeShare > criticalMass) ds += evidenceRate * (activeShare - criticalMass);
        if (isCoached) ds += coachingRate;
        if (isMentored) ds += reverseMentoringRate;
        // Without support, managers feel alone and fall back toward their old style (Duperrin, n.d.: docs/sources.md).
        else if (!isCoached && s > initialStyle[t]!) ds -= relapseRate * (s - initialStyle[t]!);
        s += ds;
        s = s < 0 ? 0 : s > 1 ? 1 : s;
        style[t] = s;
      }
      if (s >= catalystCutoff) catalysts++;
      styleSum += s;
      const relief = teamRelief[t]!;
      if (influence) {
        teamCostFactor[t] = timeCost * (1 + gatekeeperCost * (1 - 2 * s)) * (1 - relief);
        const trial = (1 + catalystBoost * s) * boostNorm;
        teamTrial[t] = trial;
        teamOutput[t] = trial * (1 + relief);
      } else {
        teamCostFactor[t] = timeCost * (1 - relief);
        teamOutput[t] = 1 + relief;
      }
    }
    this.catalysts = catalysts;
    this.styleSum = styleSum;
    this.supportCost = coached * this.params.costs.coachingPerManagerWeek + mentored * this.params.costs.reverseMentoringPairWeek;
  }

  // ---- 3. communities ---------------------------------------------------------------------------

  private updateCommunities(): void {
    const cp = this.params.communities;
    for (let c = 0; c < this.org.communities; c++) {
      const managed = this.communityManagedUntil[c]! > this.week;
      const output = this.communityContent[c]! * (managed ? 1 + cp.communityManagerBoost : 1);
      const status = this.communityStatus[c]!;
      // Heterogeneous groups have friction (Enabling value creation, n.d.: docs/sources.md): mixed communities need more output to live.
      if (output >= cp.aliveThreshold * (1 + cp.mixingFriction * this.org.communityMixing[c]!)) {
        // A dead community comes back only when someone is paid to relaunch it.
        if (status === 0 || (status === 2 && managed)) this.setCommunityAlive(c, true);
        this.communityBelow[c] = 0;
      } else if (status === 1) {
        this.communityBelow[c]! += 1;
        if (this.communityBelow[c]! >= cp.graceWeeks) this.setCommunityAlive(c, false);
      }
    }
  }

  private setCommunityAlive(c: number, alive: boolean): void {
    this.communityStatus[c] = alive ? 1 : 2;
    const { communityStart, communityMembers } = this.org;
    for (let k = communityStart[c]!; k < communityStart[c + 1]!; k++) {
      const i = communityMembers[k]!;
      this.aliveCommunities[i]! += alive ? 1 : -1;
      // A community's death lowers its members' value.
      if (!alive) {
        this.valueSafeUntil[i] = 0;
        if (this.groupOf[i] === G_ACTIVE_ASLEEP) this.wake(i);
      }
    }
  }

  // ---- 4–5. sleepers wake; decisions -----------------------------------------------------------------------------

  /**
   * Everyone's move this week, from the state at the start of the week: the hot loop, one group at a
   * time (one hot loop per method, so each is optimised with the type feedback of its own loop). The
   * state branch of a mixed-state loop is mispredicted for most employees and was its largest cost.
   */
  /** The scheduler's chores before the decisions: groups back in index order, this week's sleepers woken. */
  private wakeSleepers(): void {
    // Moves scatter a group's order; index order keeps memory access sequential, which matters once the
    // arrays outgrow the caches (a small organisation is re-sorted rarely).
    const n = this.org.employees;
    if (this.groupMoves > Math.max(n >> 6, RESORT_MOVES)) this.sortGroups();
    if (this.week <= this.weeks) {
      for (let i = this.wakeHead[this.week]!; i >= 0; ) {
        const next = this.wakeNext[i]!;
        this.wake(i);
        i = next;
      }
    }
  }

  private decideTransitions(): void {
    const n = this.org.employees;
    this.changes = 0;
    this.decideUnaware();
    this.decideTrials();
    // Trying or active without access: they lapse.
    for (let k = G_LOST_ACCESS * n, end = G_LOST_ACCESS * n + this.groupSize[G_LOST_ACCESS]!; k < end; k++) {
      this.changed[this.changes] = this.groupMembers[k]!;
      this.changedTo[this.changes++] = LAPSED;
    }
    if (this.mechanisms.criticalMass) this.decideUsers();
    else this.decideUsersWithoutValue();
  }

  /** Skipping checks whose outcome is known (quietUntil, valueSafeUntil): never in a fully mixed network, where anyone's change moves everyone's hazard. */
  private get skipping(): boolean {
    return !this.org.network.complete && !this.checkEveryWeek;
  }

  /**
   * Unaware: outside influence p is scheduled (spontaneousAwareness); the rest of the hazard, r, acts
   * with probability r / (1 - p) (through survival), so that the week's chance is exactly p + r.
   */
  private decideUnaware(): void {
    const n = this.org.employees;
    const members = this.groupMembers;
    const { changed, changedTo, activeContacts, invDegree, pushBase, spontaneousAwareness, quietUntil, survival } = this;
    const a = this.params.adoption;
    const complete = this.org.network.complete;
    const globalShare = complete ? this.stateCount[ACTIVE]! / n : 0;
    const p = this.mechanisms.externalInfluence ? a.externalInfluence : 0;
    const invOneMinusP = 1 / (1 - p);
    const wordOfMouth = this.mechanisms.awareness ? a.awarenessWordOfMouth : 0;
    const { pushLive, pushScale } = this;
    const skipping = this.skipping;
    const week = this.week;
    const awake = this.awake;
    const unawareBitmap = UNAWARE_BITMAP * this.bitmapWords;
    let changes = this.changes;
    // The asleep are skipped without a look; the awake are walked in group order (bit by bit).
    let skipped = this.asleep[UNAWARE_BITMAP]!;
    for (let word = 0, words = (this.groupSize[G_UNAWARE]! + 31) >> 5; word < words; word++) {
      for (let bits = awake[unawareBitmap + word]!; bits !== 0; ) {
        const low = bits & -bits;
        bits ^= low;
        const k = (word << 5) | (31 - Math.clz32(low));
        const i = members[k]!;
        if (week < quietUntil[i]!) {
          skipped++;
          this.sleep(i, UNAWARE_BITMAP, k, quietUntil[i]!);
          continue;
        }
        if (week >= spontaneousAwareness[i]!) {
          changed[changes] = i;
          changedTo[changes++] = AWARE;
          continue;
        }
        let rest = wordOfMouth * (complete ? globalShare : activeContacts[i]! * invDegree[i]!);
        if (pushLive) rest += pushBase[i]! * pushScale;
        if (rest > 0) {
          const left = survival[i]! * (1 - rest * invOneMinusP);
          if (left < 1) {
            changed[changes] = i;
            changedTo[changes++] = AWARE;
          } else {
            survival[i] = left;
          }
        } else if (skipping) {
          quietUntil[i] = spontaneousAwareness[i]!;
          this.sleep(i, UNAWARE_BITMAP, k, quietUntil[i]!);
        }
      }
    }
    this.changes = changes;
    this.checksSkipped += skipped;
  }

  /** Aware or lapsed, with access: try the platform (or adopt at once without critical mass). */
  private decideTrials(): void {
    const org = this.org;
    const n = org.employees;
    const members = this.groupMembers;
    const { changed, changedTo, activeContacts, invDegree, pushBase, teamTrial, survival } = this;
    const { innovativeness, requiredActive: required, team } = org;
    const a = this.params.adoption;
    const mech = this.mechanisms;
    const complete = org.network.complete;
    const globalActive = this.stateCount[ACTIVE]!;
    const globalShare = complete ? globalActive / n : 0;
    const p = mech.externalInfluence ? a.externalInfluence : 0;
    const q = mech.imitation ? a.imitation : 0;
    const thresholdRate = mech.complexContagion ? a.thresholdAdoptRate : 0;
    const managerTrial = mech.managerInfluence;
    const { pushLive, pushScale } = this;
    const tried = mech.criticalMass ? TRYING : ACTIVE;
    let changes = this.changes;
    for (let g = G_AWARE; g <= G_LAPSED; g++) {
      const trust = g === G_AWARE ? this.trust : this.trust * a.retrial;
      for (let k = g * n, end = g * n + this.groupSize[g]!; k < end; k++) {
        const i = members[k]!;
        const contacts = complete ? globalActive : activeContacts[i]!;
        let h = p + q * (complete ? globalShare : contacts * invDegree[i]!);
        if (pushLive) h += pushBase[i]! * pushScale * innovativeness[i]!;
        if (contacts >= required[i]!) h += thresholdRate;
        if (managerTrial) h *= teamTrial[team[i]!]!;
        h *= trust;
        const left = survival[i]! * (1 - h);
        if (left < 1) {
          changed[changes] = i;
          changedTo[changes++] = tried;
        } else {
          survival[i] = left;
        }
      }
    }
    this.changes = changes;
  }

  /** Without the critical-mass mechanism there is no value test: trials convert at once, and users lapse only for no reason (scheduled). */
  private decideUsersWithoutValue(): void {
    const n = this.org.employees;
    const members = this.groupMembers;
    const { changed, changedTo, baseLapseWeek } = this;
    const week = this.week;
    let changes = this.changes;
    for (let k = G_TRYING * n, end = G_TRYING * n + this.groupSize[G_TRYING]!; k < end; k++) {
      changed[changes] = members[k]!;
      changedTo[changes++] = ACTIVE;
    }
    if (this.mechanisms.lapsing) {
      for (let k = G_ACTIVE * n, end = G_ACTIVE * n + this.groupSize[G_ACTIVE]!; k < end; k++) {
        const i = members[k]!;
        if (week >= baseLapseWeek[i]!) {
          changed[changes] = i;
          changedTo[changes++] = LAPSED;
        }
      }
    }
    this.changes = changes;
  }

  /** Trying or active: stay or leave depending on the value found against the time it costs. */
  private decideUsers(): void {
    const org = this.org;
    const n = org.employees;
    const members = this.groupMembers;
    const {
      changed, changedTo, contactContent, trained, personalCost, teamCostFactor, aliveCommunities, baseLapseWeek,
      showcaseBase, valueSafeUntil, contentFloor, survival,
    } = this;
    const { innovativeness, team } = org;
    const a = this.params.adoption;
    const mech = this.mechanisms;
    const complete = org.network.complete;
    const globalContent = complete ? (this.activeContent * (this.params.organisation.weakTies + this.params.organisation.teamSize)) / n : 0;
    const valueWeight = a.valueWeight;
    const half = a.valueHalfSaturation;
    const communityValue = mech.communities ? a.communityValue : 0;
    const trainingValue = a.trainingValue;
    const innovatorValue = a.innovatorValue;
    const conversion = a.trialConversion;
    const invOneMinusBase = 1 / (1 - (mech.lapsing ? a.baseLapse : 0));
    const emptyRoom = mech.lapsing ? a.emptyRoomLapse : 0;
    const noise = a.decisionNoise;
    const invNoise2 = 1 / (2 * noise);
    // A team's time cost rises only as its manager relapses toward their initial style: by at most
    // styleCost × relapseRate a week, and by styleCost × (style − initial style) in all (no manager relapses
    // below their initial style; every other force raises the style). Per unit of personal cost and of
    // (1 − job-description relief).
    const styleCost = mech.managerInfluence && mech.managerDynamics ? (mech.timeCost ? a.timeCost : 0) * this.params.managers.gatekeeperCost * 2 : 0;
    const relapseRate = this.params.managers.relapseRate;
    const { style, teamRelief } = this;
    const initialStyle = org.initialStyle;
    const { pushLive, pushScale } = this;
    const skipping = this.skipping;
    const week = this.week;
    const awake = this.awake;
    const activeBitmap = ACTIVE_BITMAP * this.bitmapWords;
    let changes = this.changes;
    let skipped = this.asleep[ACTIVE_BITMAP]!;
    for (let g = G_TRYING; g <= G_ACTIVE; g++) {
      const size = this.groupSize[g]!;
      const offset = g * n;
      for (let word = 0, words = (size + 31) >> 5; word < words; word++) {
        // Every trying user is visited; active users sure to stay sleep (see awake). Walked in group order.
        let bits = g === G_ACTIVE ? awake[activeBitmap + word]! : word < words - 1 || (size & 31) === 0 ? -1 : (1 << (size & 31)) - 1;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const pos = (word << 5) | (31 - Math.clz32(low));
          const i = members[offset + pos]!;
          if (g === G_ACTIVE && week < valueSafeUntil[i]! && contactContent[i]! >= contentFloor[i]!) {
            skipped++;
            if (week >= baseLapseWeek[i]!) {
              changed[changes] = i;
              changedTo[changes++] = LAPSED;
            } else {
              const until = Math.min(valueSafeUntil[i]!, baseLapseWeek[i]!);
              if (until - week >= MIN_SLEEP_WEEKS) this.sleep(i, ACTIVE_BITMAP, pos, until);
            }
            continue;
          }
          const content = complete ? globalContent : contactContent[i]!;
          const c = content > 0 ? content : 0;
          // What others offer counts more for the receptive (0.5 + innovativeness); novelty only for them.
          const innovative = innovativeness[i]!;
          const saturation = c / (c + half);
          let value = valueWeight * saturation;
          if (pushLive) value += showcaseBase[i]! * pushScale;
          value += trainingValue * trained[i]! + communityValue * Math.min(aliveCommunities[i]!, 2);
          value = value * (0.5 + innovative) + innovatorValue * innovative * innovative;
          const cost = personalCost[i]! * teamCostFactor[team[i]!]!;
          // Linear ramp: leaving is certain well below zero net value, conversion well above.
          let stay = 0.5 + (value - cost) * invNoise2;
          stay = stay < 0 ? 0 : stay > 1 ? 1 : stay;
          if (g === G_TRYING) {
            // Leaving trial this week: converting (conversion × stay) or lapsing (emptyRoom × (1 − stay)).
            const pConvert = conversion * stay;
            const before = survival[i]!;
            const left = before * (1 - pConvert - emptyRoom * (1 - stay));
            if (left < 1) {
              // The uniform sits at (before − 1) / (before − left) of this week's step, uniformly: the first
              // pConvert of the step's length converts.
              changed[changes] = i;
              changedTo[changes++] = before - 1 < before * pConvert ? ACTIVE : LAPSED;
            } else {
              survival[i] = left;
            }
          } else {
            // The base lapse is scheduled (baseLapseWeek); the empty-room part e acts with probability
            // e / (1 - baseLapse), so that the week's chance is exactly baseLapse + e. A user who finds
            // plenty of value (stay = 1) has no such chance.
            const extra = emptyRoom * (1 - stay);
            let lapse = week >= baseLapseWeek[i]!;
            if (!lapse && extra > 0) {
              const left = survival[i]! * (1 - extra * invOneMinusBase);
              lapse = left < 1;
              survival[i] = left;
            }
            if (lapse) {
              changed[changes] = i;
              changedTo[changes++] = LAPSED;
            } else if (skipping && stay === 1) {
              // Enough value to stay for sure (stay = 1 needs value − cost ≥ noise). Without the showcase, which
              // fades, the margin left over (with room for rounding) must cover the cost's rise and contacts
              // lapsing (content falling to contentFloor): the whole rise the manager's relapse allows if that
              // is at most half of it, else half of it spent at the cost's fastest weekly rise; the rest to content.
              const margin = (value - (pushLive ? showcaseBase[i]! * pushScale * (0.5 + innovative) : 0)) - cost - noise - 1e-9 * (1 + value + cost);
              if (margin > 0) {
                const t = team[i]!;
                const perStyle = personalCost[i]! * styleCost * (1 - teamRelief[t]!);
                const above = style[t]! - initialStyle[t]!;
                const totalRise = above > 0 ? perStyle * above : 0;
                let contentMargin = 0.5 * margin;
                let weeks = SAFE_WEEKS_MAX;
                if (totalRise <= contentMargin) {
                  contentMargin = margin - totalRise;
                } else {
                  weeks = Math.min(Math.floor(contentMargin / (perStyle * relapseRate)), SAFE_WEEKS_MAX);
                }
                valueSafeUntil[i] = week + 1 + weeks;
                // The content value may fall by contentMargin: saturation x = C / (C + half) down to xFloor.
                const xFloor = saturation - contentMargin / ((0.5 + innovative) * valueWeight);
                contentFloor[i] = xFloor > 0 ? (half * xFloor) / (1 - xFloor) : Number.NEGATIVE_INFINITY;
                // Safe from next week: asleep until the skip can end, if that is worth a sleep.
                const until = Math.min(valueSafeUntil[i]!, baseLapseWeek[i]!);
                if (until - week >= MIN_SLEEP_WEEKS) this.sleep(i, ACTIVE_BITMAP, pos, until);
              }
            }
          }
        }
      }
    }
    this.changes = changes;
    this.checksSkipped += skipped;
  }

  /** The members of decision group g, in walking order (a copy; for tests and inspection). */
  groupMembersOf(g: number): Int32Array {
    const n = this.org.employees;
    return this.groupMembers.slice(g * n, g * n + this.groupSize[g]!);
  }

  /** Puts every decision group back in index order. */
  private sortGroups(): void {
    const n = this.org.employees;
    const { groupMembers, groupSize, groupOf, groupPos } = this;
    groupSize.fill(0);
    for (let i = 0; i < n; i++) {
      const g = groupOf[i]! & ~ASLEEP;
      const pos = groupSize[g]!++;
      groupMembers[g * n + pos] = i;
      groupPos[i] = pos;
    }
    // The bitmaps, a word at a time (members are now in index order, so groupOf is read in order too).
    const awake = this.awake;
    const words = this.bitmapWords;
    for (let g = 0; g < GROUP_COUNT; g++) {
      const bitmap = BITMAP_OF[g]!;
      if (bitmap < 0) continue;
      const size = groupSize[g]!;
      for (let word = 0; word < words; word++) {
        let bits = 0;
        for (let pos = word << 5, end = Math.min(size, pos + 32); pos < end; pos++) {
          if (groupOf[groupMembers[g * n + pos]!] === g) bits |= 1 << (pos & 31);
        }
        awake[bitmap * words + word] = bits;
      }
    }
    this.groupMoves = 0;
  }

  /** Moves employee i to the decision group of its current state and access. */
  private regroup(i: number): void {
    const to = GROUP_OF[this.state[i]! * 3 + this.access[i]!]!;
    const group = this.groupOf[i]!;
    const from = group & ~ASLEEP;
    if (to === from) return;
    if (group !== from) this.wake(i);
    const n = this.org.employees;
    const { groupMembers, groupSize, groupPos } = this;
    // Swap-remove from the old group, append to the new one (awake); bitmaps follow the positions.
    const lastPos = --groupSize[from]!;
    const last = groupMembers[from * n + lastPos]!;
    const pos = groupPos[i]!;
    groupMembers[from * n + pos] = last;
    groupPos[last] = pos;
    const at = groupSize[to]!++;
    groupMembers[to * n + at] = i;
    groupPos[i] = at;
    if (BITMAP_OF[from]! >= 0 || BITMAP_OF[to]! >= 0) this.moveAwakeBits(from, pos, lastPos, to, at);
    this.groupOf[i] = to;
    this.groupMoves++;
    // A new group, a new waiting time.
    this.survival[i] = 1 / (1 - this.rng.next());
  }

  /** Bitmaps after a move: the member at lastPos of group `from` took position pos; position `at` of `to` is awake. */
  private moveAwakeBits(from: number, pos: number, lastPos: number, to: number, at: number): void {
    const awake = this.awake;
    const words = this.bitmapWords;
    const fromBitmap = BITMAP_OF[from]!;
    if (fromBitmap >= 0) {
      const base = fromBitmap * words;
      if ((awake[base + (lastPos >> 5)]! >>> (lastPos & 31)) & 1) awake[base + (pos >> 5)]! |= 1 << (pos & 31);
      else awake[base + (pos >> 5)]! &= ~(1 << (pos & 31));
      awake[base + (lastPos >> 5)]! &= ~(1 << (lastPos & 31));
    }
    const toBitmap = BITMAP_OF[to]!;
    if (toBitmap >= 0) awake[toBitmap * words + (at >> 5)]! |= 1 << (at & 31);
  }

  /** Leaves employee i (at position pos of bitmap's group) out of the walk until week `until` or an event wakes them. */
  private sleep(i: number, bitmap: number, pos: number, until: number): void {
    this.awake[bitmap * this.bitmapWords + (pos >> 5)]! &= ~(1 << (pos & 31));
    this.groupOf[i]! |= ASLEEP;
    this.wakeWeek[i] = until;
    this.asleep[bitmap]! += 1;
    if (until > this.weeks) return; // only an event wakes them
    const head = this.wakeHead[until]!;
    this.wakeNext[i] = head;
    this.wakePrev[i] = -1;
    if (head >= 0) this.wakePrev[head] = i;
    this.wakeHead[until] = i;
  }

  /** Puts an asleep employee back into the walk of their group. */
  private wake(i: number): void {
    const until = this.wakeWeek[i]!;
    this.wakeWeek[i] = 0;
    if (until <= this.weeks) {
      const next = this.wakeNext[i]!;
      const prev = this.wakePrev[i]!;
      if (prev >= 0) this.wakeNext[prev] = next;
      else this.wakeHead[until] = next;
      if (next >= 0) this.wakePrev[next] = prev;
    }
    const group = this.groupOf[i]! & ~ASLEEP;
    this.groupOf[i] = group;
    const bitmap = BITMAP_OF[group]!;
    const pos = this.groupPos[i]!;
    this.awake[bitmap * this.bitmapWords + (pos >> 5)]! |= 1 << (pos & 31);
    this.asleep[bitmap]! -= 1;
  }

  // ---- 6. pushes fade ---------------------------------------------------------------------------

  /** This week's pushes were used: they fade, and are dropped once the strongest is below 1e-4. */
  private fadePushes(): void {
    if (!this.pushLive) return;
    this.pushScale *= this.params.adoption.announcementDecay;
    if (this.pushPeak * this.pushScale <= 1e-4) {
      this.pushBase.fill(0);
      this.showcaseBase.fill(0);
      this.pushLive = false;
      this.pushScale = 1;
      this.pushPeak = 0;
    } else if (this.pushScale < 1e-150) {
      // Pushes renewed week after week keep them alive for long: fold the scale into the stored values
      // before it underflows (a fast decay passes 1e-308 within a few hundred weeks).
      const scale = this.pushScale;
      for (const bases of [this.pushBase, this.showcaseBase]) for (let i = 0; i < bases.length; i++) bases[i]! *= scale;
      this.pushPeak *= scale;
      this.pushScale = 1;
    }
  }
  // ---- 7. apply ---------------------------------------------------------------------------------

  private applyTransitions(): void {
    for (let k = 0; k < this.changes; k++) this.setState(this.changed[k]!, this.changedTo[k]!);
    this.changes = 0;
  }

  /** Moves employee i to a new state and pushes the change to the counts its contacts read. */
  setState(i: number, next: number): void {
    const prev = this.state[i]!;
    if (prev === next) return;
    this.state[i] = next;
    this.regroup(i);
    this.stateCount[prev]! -= 1;
    this.stateCount[next]! += 1;
    const wasActive = prev === ACTIVE;
    const isActive = next === ACTIVE;
    if (wasActive === isActive) return;
    const d = isActive ? 1 : -1;
    const org = this.org;
    const t = org.team[i]!;
    const w = org.production[i]!;
    const dept = org.department[i]!;
    if (isActive) {
      this.valueSafeUntil[i] = 0;
      const keep = this.logKeep;
      const weeks = keep < 0 ? 1 + Math.floor(Math.log(1 - this.rng.next()) / keep) : Number.POSITIVE_INFINITY;
      this.baseLapseWeek[i] = Math.min(this.week + weeks, NEVER_WEEK);
    }
    if (isActive && !this.everActive[i]) {
      this.everActive[i] = 1;
      this.everActiveCount++;
    }
    if (org.role[i] === PRODUCER) this.activeProducers += d;
    this.activeContent += d * w;
    this.teamActive[t]! += d;
    this.teamActiveContent[t]! += d * w;
    const wave = this.wave[i]!;
    if (wave >= 0) this.waveActive[wave]! += d;
    for (let k = org.memberStart[i]!; k < org.memberStart[i + 1]!; k++) this.communityContent[org.memberCommunities[k]!]! += d * w;
    if (org.network.complete) {
      this.departmentActive[dept]! += d;
      this.departmentContent[dept]! += d * w;
      return;
    }
    // i's own cross-department reach enters or leaves its team's sum.
    this.teamCrossContent[t]! += d * w * this.crossActiveContacts[i]!;
    const { offsets, neighbours, crossStart } = org.network;
    const { activeContacts, contactContent, crossActiveContacts, teamCrossContent, state } = this;
    const dw = d * w;
    const cross = crossStart[i]!;
    const end = offsets[i + 1]!;
    if (isActive) {
      // Contacts gain an active contact: an unaware one is no longer quiet.
      // Those asleep are listed and woken after the loop: a call inside it would make every access reload.
      const { quietUntil, groupOf, toWake } = this;
      let waking = 0;
      for (let e = offsets[i]!; e < end; e++) {
        const j = neighbours[e]!;
        activeContacts[j]! += 1;
        contactContent[j]! += dw;
        // Every asleep unaware employee is quiet (quietUntil > 0): most contacts cost no more than before.
        if (quietUntil[j] !== 0) {
          quietUntil[j] = 0;
          if (groupOf[j] === G_UNAWARE_ASLEEP) toWake[waking++] = j;
        }
      }
      for (let k = 0; k < waking; k++) this.wake(toWake[k]!);
    } else {
      // Contacts lose content: an active one's safe skip lasts while it stays at or above contentFloor.
      const { groupOf, contentFloor, toWake } = this;
      let waking = 0;
      for (let e = offsets[i]!; e < end; e++) {
        const j = neighbours[e]!;
        activeContacts[j]! -= 1;
        contactContent[j]! += dw;
        if (groupOf[j] === G_ACTIVE_ASLEEP && contactContent[j]! < contentFloor[j]!) toWake[waking++] = j;
      }
      for (let k = 0; k < waking; k++) this.wake(toWake[k]!);
    }
    for (let e = cross; e < end; e++) {
      const j = neighbours[e]!;
      crossActiveContacts[j]! += d;
      if (state[j] === ACTIVE) teamCrossContent[org.team[j]!]! += d * org.production[j]!;
    }
  }

  setAccess(i: number, level: number): void {
    const prev = this.access[i]!;
    if (prev === level) return;
    this.access[i] = level;
    this.regroup(i);
    const wave = this.wave[i]!;
    if (prev === NO_ACCESS) {
      this.withAccess++;
      if (wave >= 0) this.waveAccess[wave]! += 1;
    }
    if (level === NO_ACCESS) {
      this.withAccess--;
      if (wave >= 0) this.waveAccess[wave]! -= 1;
    }
    if (prev === LICENSED_ACCESS) this.licensed--;
    if (level === LICENSED_ACCESS) this.licensed++;
    if (prev === FREE_ACCESS) this.freeUsers--;
    if (level === FREE_ACCESS) this.freeUsers++;
  }

  // ---- 8. governance ----------------------------------------------------------------------------

  private governance(): void {
    if (!this.mechanisms.governance || this.governanceOutcome !== GOVERNANCE_NONE || this.freeUsers === 0) return;
    const n = this.org.employees;
    if (this.stateCount[ACTIVE]! / n < this.params.governance.triggerShare) return;
    const g = this.params.governance;
    const total = g.payProbability + g.restrictProbability + g.shutdownProbability;
    const u = this.rng.next() * (total > 0 ? total : 1);
    this.decideGovernance(total === 0 || u < g.payProbability ? 'pay' : u < g.payProbability + g.restrictProbability ? 'restrict' : 'shutdown');
  }

  /** Management pays for the free network, restricts it or shuts it down (Empowering the individual, n.d.: docs/sources.md). */
  decideGovernance(decision: 'pay' | 'restrict' | 'shutdown'): void {
    const n = this.org.employees;
    const g = this.params.governance;
    this.governanceWeek = this.week;
    if (decision === 'pay') {
      this.governanceOutcome = GOVERNANCE_PAID;
      for (let i = 0; i < n; i++) if (this.access[i] === FREE_ACCESS) this.setAccess(i, LICENSED_ACCESS);
      return;
    }
    this.trust = Math.max(0, this.trust * (1 - (decision === 'shutdown' ? g.trustDrop : g.trustDrop / 2)));
    if (decision === 'restrict') {
      this.governanceOutcome = GOVERNANCE_RESTRICTED;
      for (let i = 0; i < n; i++) {
        if (this.access[i] === NO_ACCESS) continue;
        if (this.rng.next() < g.restrictShare) this.revokeAccess(i);
        else this.setAccess(i, LICENSED_ACCESS);
      }
    } else {
      this.governanceOutcome = GOVERNANCE_SHUT_DOWN;
      for (let i = 0; i < n; i++) if (this.access[i] !== NO_ACCESS) this.revokeAccess(i);
    }
  }

  private revokeAccess(i: number): void {
    this.setAccess(i, NO_ACCESS);
    const s = this.state[i];
    if (s === ACTIVE || s === TRYING) this.setState(i, LAPSED);
  }

  // ---- 9–10. costs and observation -----------------------------------------------------------------

  private payRunningCosts(): void {
    const c = this.params.costs;
    let cost = this.licensed * c.licencePerUserWeek + this.supportCost;
    for (let k = 0; k < this.org.communities; k++) if (this.communityManagedUntil[k]! > this.week) cost += c.communityManagerWeek;
    this.cumulativeCost += cost;
  }

  private observe(): void {
    const org = this.org;
    const n = org.employees;
    const row = this.week * OBSERVABLE_COUNT;
    const s = this.series;
    let content = 0;
    let crossContent = 0;
    const { teamActiveContent, teamCrossContent, teamOutput } = this;
    for (let t = 0; t < org.teams; t++) {
      content += teamActiveContent[t]! * teamOutput[t]!;
      crossContent += teamCrossContent[t]! * teamOutput[t]!;
    }
    let alive = 0;
    let communityFlow = 0;
    const cp = this.params.communities;
    for (let c = 0; c < org.communities; c++) {
      if (this.communityStatus[c] !== 1) continue;
      alive++;
      const managed = this.communityManagedUntil[c]! > this.week;
      communityFlow += this.communityContent[c]! * (managed ? 1 + cp.communityManagerBoost : 1) * org.communityMixing[c]!;
    }
    if (org.network.complete) {
      crossContent = 0;
      const active = this.stateCount[ACTIVE]!;
      for (let d = 0; d < org.departments; d++) crossContent += this.departmentContent[d]! * (active - this.departmentActive[d]!);
    }
    const crossFlow = this.mechanisms.crossSiloFlow
      ? Math.max(0, (crossContent + this.params.flow.communityFlow * communityFlow) * (1 - this.rewardCompetition))
      : 0;
    if (this.week > 0) this.crossFlowTotal += crossFlow;

    s[row + OBS.unaware_share] = this.stateCount[UNAWARE]! / n;
    s[row + OBS.aware_share] = this.stateCount[AWARE]! / n;
    s[row + OBS.trying_share] = this.stateCount[TRYING]! / n;
    s[row + OBS.active_share] = this.stateCount[ACTIVE]! / n;
    s[row + OBS.lapsed_share] = this.stateCount[LAPSED]! / n;
    s[row + OBS.producers_share] = this.activeProducers / n;
    s[row + OBS.content] = Math.max(0, content);
    s[row + OBS.cross_flow] = crossFlow;
    s[row + OBS.communities_alive] = alive;
    s[row + OBS.catalyst_share] = org.teams > 0 ? this.catalysts / org.teams : 0;
    s[row + OBS.access_share] = this.withAccess / n;
    s[row + OBS.cost] = this.cumulativeCost;
    s[row + OBS.manager_style] = org.teams > 0 ? this.styleSum / org.teams : 0;
  }

  /** Per-rollout results from the series so far (call after the horizon). */
  results(out: Float64Array = new Float64Array(RESULT_COUNT)): Float64Array {
    const s = this.series;
    const last = this.week;
    const at = (w: number, k: number) => s[w * OBSERVABLE_COUNT + k]!;
    const o = this.params.outcomes;
    let peak = -1;
    let peakWeek = 0;
    let toCritical = Number.NaN;
    let toTarget = Number.NaN;
    for (let w = 0; w <= last; w++) {
      const active = at(w, OBS.active_share);
      if (active > peak) {
        peak = active;
        peakWeek = w;
      }
      if (Number.isNaN(toCritical) && active >= o.criticalMassShare) toCritical = w;
      if (Number.isNaN(toTarget) && active >= o.targetShare) toTarget = w;
    }
    const window = Math.min(o.sustainedWeeks, last + 1);
    let sustained = 0;
    for (let w = last - window + 1; w <= last; w++) sustained += at(w, OBS.active_share);
    let everNotActive = 0;
    for (let i = 0; i < this.org.employees; i++) if (this.everActive[i] && this.state[i] !== ACTIVE) everNotActive++;
    out[RES.active_share] = at(last, OBS.active_share);
    out[RES.sustained_share] = sustained / window;
    out[RES.peak_share] = peak;
    out[RES.peak_week] = peakWeek;
    out[RES.weeks_to_critical_mass] = toCritical;
    out[RES.weeks_to_target] = toTarget;
    out[RES.churn] = this.everActiveCount > 0 ? everNotActive / this.everActiveCount : 0;
    out[RES.producers_share] = at(last, OBS.producers_share);
    out[RES.communities_alive] = at(last, OBS.communities_alive);
    out[RES.cross_flow_total] = this.crossFlowTotal;
    out[RES.catalyst_share] = at(last, OBS.catalyst_share);
    out[RES.cost] = at(last, OBS.cost);
    out[RES.governance] = this.governanceOutcome;
    return out;
  }

  /**
   * Gives the arrays taken from options.buffers back to the pool. The simulation, and every array read from
   * it (series included), must not be used afterwards.
   */
  release(): void {
    const pool = this.buffers;
    if (!pool) return;
    for (const value of Object.values(this)) if (ArrayBuffer.isView(value)) pool.give(value);
  }

  /**
   * An independent copy of this rollout as it stands at its current week, to go on under the
   * same plan: every typed array (the state of each employee, team, community, department and
   * wave, the series so far, the sleep scheduler) is copied; the organisation, parameters and
   * plan are shared, as nothing changes them. With `seed` the copy draws its own random stream
   * from then on; without, it continues this one's, so stepping both gives the same bytes.
   * A fork costs stateBytes() (docs/model.md, "Forking a rollout"); it takes no buffers from a
   * pool. Forecasting continues each calibrated rollout from its own state with this.
   */
  fork(seed?: number): Simulation {
    const copy = Object.create(Simulation.prototype) as Record<string, unknown>;
    // Own fields in declaration order, so the copy has the same shape as the original.
    for (const [key, value] of Object.entries(this)) {
      if (ArrayBuffer.isView(value)) copy[key] = (value as unknown as Float64Array).slice();
      else if (value instanceof Xor4096) copy[key] = seed === undefined ? value.clone() : new Xor4096(seed);
      else if (key === 'interventions') copy[key] = (value as Prepared[]).map((item) => ({ ...item }));
      else if (key === 'buffers') copy[key] = null;
      else copy[key] = value;
    }
    return copy as unknown as Simulation;
  }

  /** Bytes held by this simulation's typed arrays (organisation excluded). */
  stateBytes(): number {
    let bytes = 0;
    for (const value of Object.values(this)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    return bytes;
  }
}

/** Builds (or reuses) the organisation, runs the plan to the horizon, returns series and results. */
export function runRollout(params: ModelParams, plan: StrategyPlan, seeds: RolloutSeeds, organisation?: Organisation): RolloutOutput {
  const sim = new Simulation(params, plan, seeds, organisation).run();
  return { series: sim.series, results: sim.results(), waveOpenWeeks: Float64Array.from(sim.waveOpenWeek), waveForced: Float64Array.from(sim.waveForced) };
}

/** Employees i (in index order) whose label[i] is wanted (wanted[label] = 1; negative labels never are). */
function membersWhere(label: ArrayLike<number>, wanted: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < label.length; i++) if (wanted[label[i]!] === 1) count++;
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < label.length; i++) if (wanted[label[i]!] === 1) out[k++] = i;
  return out;
}

/**
 * The k most innovative employees, in index order; ties at the cut go to the lower indices (as sorting by
 * innovativeness, then index). A native numeric sort finds the cut, with no comparator called per pair.
 */
export function mostInnovative(innovativeness: Float32Array, k: number): Int32Array {
  const n = innovativeness.length;
  const m = Math.min(k, n);
  if (m <= 0) return new Int32Array(0);
  const cut = Float32Array.from(innovativeness).sort()[n - m]!;
  let above = 0;
  for (let i = 0; i < n; i++) if (innovativeness[i]! > cut) above++;
  let atCut = m - above;
  const out = new Int32Array(m);
  for (let i = 0, j = 0; i < n; i++) {
    const x = innovativeness[i]!;
    if (x > cut || (x === cut && atCut-- > 0)) out[j++] = i;
  }
  return out;
}

function compile(expr: Expr, names: string[]): CompiledExpr {
  switch (expr.k) {
    case 'num':
      return expr;
    case 'var': {
      const i = names.indexOf(expr.name);
      if (i < 0) throw new RangeError(`unknown condition variable "${expr.name}"; known: ${names.join(', ')}`);
      return { k: 'var', i };
    }
    case 'op':
      return { k: 'op', op: expr.op, a: compile(expr.a, names), b: compile(expr.b, names) };
    case 'not':
    case 'neg':
      return { k: expr.k, a: compile(expr.a, names) };
    case 'fn':
      return { k: 'fn', name: expr.name, args: expr.args.map((x) => compile(x, names)) };
  }
}

/** Evaluates a compiled condition; booleans are 1 and 0. Once a week per pending intervention. */
export function evaluate(e: CompiledExpr, context: Float64Array): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var':
      return context[e.i]!;
    case 'not':
      return evaluate(e.a, context) === 0 ? 1 : 0;
    case 'neg':
      return -evaluate(e.a, context);
    case 'op': {
      const a = evaluate(e.a, context);
      // Short-circuit, so a condition's later clauses cost nothing once decided.
      if (e.op === 'and' && a === 0) return 0;
      if (e.op === 'or' && a !== 0) return 1;
      return applyOperator(e.op, a, evaluate(e.b, context));
    }
    case 'fn':
      return applyFunction(e.name, e.args.map((arg) => evaluate(arg, context)));
  }
}
