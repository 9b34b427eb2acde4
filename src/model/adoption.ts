/**
 * The decisions of the week: the unaware become aware, the aware try, users stay or lapse (the three decision loops, the hot loop).
 */
import * as shared from './state.ts';
import { Interventions } from './interventions.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { ACTIVE, ACTIVE_BITMAP, AWARE, G_ACTIVE, G_AWARE, G_LAPSED, G_LOST_ACCESS, G_TRYING, G_UNAWARE, LAPSED, MIN_SLEEP_WEEKS, SAFE_WEEKS_MAX, TRYING, UNAWARE_BITMAP } = shared;

/** The decisions of the week: the unaware become aware, the aware try, users stay or lapse (the three decision loops, the hot loop). */
export abstract class Adoption extends Interventions {
  protected decideTransitions(): void {
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

  /**
   * Unaware: outside influence p is scheduled (spontaneousAwareness); the rest of the hazard, r, acts
   * with probability r / (1 - p) (through survival), so that the week's chance is exactly p + r.
   */
  protected decideUnaware(): void {
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
  protected decideTrials(): void {
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
  protected decideUsersWithoutValue(): void {
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
  protected decideUsers(): void {
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
}
