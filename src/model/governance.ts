/**
 * The governance shock: a free network that grows meets management's decision.
 */
import * as shared from './state.ts';
import { Communities } from './communities.ts';
// Module-local copies: an imported binding is live, so V8 reloads it through a cell at every use in a
// hot loop, while a module's own const is folded (docs/benchmarks.md, "Imported constants").
const { ACTIVE, FREE_ACCESS, GOVERNANCE_NONE, GOVERNANCE_PAID, GOVERNANCE_RESTRICTED, GOVERNANCE_SHUT_DOWN, LICENSED_ACCESS, NO_ACCESS } = shared;

/** The governance shock: a free network that grows meets management's decision. */
export abstract class Governance extends Communities {
  protected governance(): void {
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
}
