/**
 * Communities: born, kept alive or dying from their members' output.
 */
import * as shared from './state.ts';
import { Managers } from './managers.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { G_ACTIVE_ASLEEP } = shared;

/** Communities: born, kept alive or dying from their members' output. */
export abstract class Communities extends Managers {
  protected updateCommunities(): void {
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

  protected setCommunityAlive(c: number, alive: boolean): void {
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
}
