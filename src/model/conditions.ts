/**
 * What the plan's conditions read: last week's observables and the waves' state, into one context array.
 */
import { conditionVariableNames, CONDITION_VARIABLES } from './plan.ts';
import { OBS, OBSERVABLE_COUNT } from './observe.ts';
import { Pushes } from './pushes.ts';

/** What the plan's conditions read: last week's observables and the waves' state, into one context array. */
export abstract class Conditions extends Pushes {
  /** Condition variables from last week's observables and the waves. */
  protected fillContext(): void {
    const row = (this.week - 1) * OBSERVABLE_COUNT;
    const s = this.series;
    const c = this.context;
    c[0] = this.week - this.planStart; // the plan's own week
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
}
