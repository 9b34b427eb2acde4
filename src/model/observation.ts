/**
 * What a rollout reports: running costs, this week's observables, and the per-rollout results.
 */
import { OBS, OBSERVABLE_COUNT, RES, RESULT_COUNT } from './observe.ts';
import * as shared from './state.ts';
import { Adoption } from './adoption.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { ACTIVE, AWARE, LAPSED, TRYING, UNAWARE } = shared;

/** What a rollout reports: running costs, this week's observables, and the per-rollout results. */
export abstract class Observation extends Adoption {
  protected payRunningCosts(): void {
    const c = this.params.costs;
    let cost = this.licensed * c.licencePerUserWeek + this.supportCost;
    for (let k = 0; k < this.org.communities; k++) if (this.communityManagedUntil[k]! > this.week) cost += c.communityManagerWeek;
    this.cumulativeCost += cost;
  }

  protected observe(): void {
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
}
