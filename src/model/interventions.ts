/**
 * How the plan's interventions act: who they reach, when they fire, and what each type does.
 */
import { type GroupTarget, type InterventionOf, type StrategyPlan, type Target, actsForWeeks, conditionVariableNames, scheduleAt } from './plan.ts';
import { createRandom, deriveSeed, indices, shuffle, type Random } from './rng.ts';
import { type Prepared } from './state.ts';
import * as shared from './state.ts';
import { Governance } from './governance.ts';
import { evaluate } from './expr.ts';
import { groupMembers, membersWhere, mostInnovative } from './select.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { ACTIVE, AWARE, FREE_ACCESS, LAPSED, LICENSED_ACCESS, NEVER_WEEK, NO_ACCESS, TRYING, UNAWARE } = shared;

/** How the plan's interventions act: who they reach, when they fire, and what each type does. */
export abstract class Interventions extends Governance {
  protected fireInterventions(): void {
    this.fillContext();
    for (const item of this.interventions) {
      if (item.fired) continue;
      const { spec } = item;
      if (spec.at !== undefined && this.week - this.planStart < Math.max(1, spec.at)) continue;
      if (item.when && evaluate(item.when, this.context) === 0) {
        if (!item.deadline || evaluate(item.deadline, this.context) === 0) continue;
        item.forced = true;
      }
      item.fired = true;
      item.firedWeek = this.week;
      const weeks = actsForWeeks(spec);
      item.until = weeks > 0 ? this.week + weeks : NEVER_WEEK;
      this.fire(item);
    }
    // Programs that act every week while they last.
    for (const item of this.interventions) {
      if (item.fired && item.spec.type === 'training' && this.week < item.until) this.train(item);
    }
  }

  /**
   * From this week on, `plan` is in force instead (a fork that goes on under another plan): what has
   * happened stays (access, states, coaching and programmes already running in the teams), the old
   * plan's interventions not yet fired never fire, and the new plan's weeks count from now (its week 1
   * is next week; its conditions' `week` too). Its waves are drawn afresh from `planSeed` and
   * their counts taken from the employees as they stand.
   */
  protected switchPlan(plan: StrategyPlan, planSeed: number): void {
    const planRandom = createRandom(deriveSeed(planSeed, 'plan', plan.name));
    this.plan = plan;
    this.planStart = this.week;
    this.planSeed = planSeed;
    this.layWaves(plan, planRandom);
    this.context = new Float64Array(conditionVariableNames(this.waveCount).length);
    this.interventions = this.prepareInterventions(plan, planRandom);
  }

  protected fire(item: Prepared): void {
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
  protected train(item: Prepared): void {
    const members = item.members!;
    const spec = item.spec as InterventionOf<'training'>;
    const capacity = spec.capacity === undefined && spec.share !== undefined
      ? Math.ceil(spec.share * members.length)
      : Math.floor(scheduleAt(spec.capacity, this.week - this.planStart, 0));
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

  protected teamsOf(members: Int32Array | null): number[] {
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
  protected resolveTarget(target: Target | undefined, needList: boolean, random: Random, resolved: Map<string, Int32Array | null>): Int32Array | null {
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

  protected targetMembers(target: Target | undefined, needList: boolean, random: Random): Int32Array | null {
    const n = this.org.employees;
    const kind = target?.kind ?? 'all';
    let members: Int32Array | null = null;
    switch (kind) {
      case 'all':
        members = needList ? indices(n) : null;
        break;
      case 'departments':
      case 'locations':
      case 'levels':
        members = groupMembers(this.org, target as GroupTarget);
        break;
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
}
