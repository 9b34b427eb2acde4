/**
 * Moves taking effect: state and access changes, and the counts they push to contacts, teams, waves, departments and communities.
 */
import { PRODUCER } from './organisation.ts';
import * as shared from './state.ts';
import { DecisionGroups } from './groups.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { ACTIVE, FREE_ACCESS, G_ACTIVE_ASLEEP, G_UNAWARE_ASLEEP, LAPSED, LICENSED_ACCESS, NEVER_WEEK, NO_ACCESS, TRYING } = shared;

/** Moves taking effect: state and access changes, and the counts they push to contacts, teams, waves, departments and communities. */
export abstract class Transitions extends DecisionGroups {
  protected applyTransitions(): void {
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
      // A contact on a tie of strength s (a network file) is listed s times: woken once.
      for (let k = 0; k < waking; k++) if (groupOf[toWake[k]!] === G_ACTIVE_ASLEEP) this.wake(toWake[k]!);
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

  protected revokeAccess(i: number): void {
    this.setAccess(i, NO_ACCESS);
    const s = this.state[i];
    if (s === ACTIVE || s === TRYING) this.setState(i, LAPSED);
  }
}
