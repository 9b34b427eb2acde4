/**
 * Managers: styles that move toward catalyst or back, and the team time cost, trial rate and output that follow.
 */
import { Conditions } from './conditions.ts';

/** Managers: styles that move toward catalyst or back, and the team time cost, trial rate and output that follow. */
export abstract class Managers extends Conditions {
  protected updateManagers(): void {
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
}
