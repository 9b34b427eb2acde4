/**
 * Sequential testing: start with a few rollouts, and while any claim is
 * inconclusive add rollouts in batches, up to a budget.
 *
 * The looks are planned before anything runs: n0, n0 + batch, ..., budget
 * (K looks). Each look decides with error probability alpha / K each way
 * (Bonferroni over the planned looks), and a claim is settled at the first
 * look where it passes or fails. By the union bound, over the whole sequence
 * a true claim fails with probability at most alpha = 1 - confidence, and a
 * false claim passes with probability at most alpha, however the looks turn
 * out (exact for P and quantile claims; as good as the bootstrap otherwise).
 */
import { deriveSeed } from '../model/rng.ts';
import type { CompiledClaim } from '../scenarios/claim.ts';
import { decide, type Decision, type Sample } from './decide.ts';

export interface LookPlan {
  /** Rollouts at each look, increasing; the last is the budget. */
  looks: number[];
}

/** Looks at start, start + batch, ... up to budget (inclusive). */
export function planLooks(start: number, batch: number, budget: number): LookPlan {
  const looks: number[] = [];
  const b = Math.max(1, batch);
  for (let n = start; n < budget; n += b) looks.push(n);
  looks.push(Math.max(start, budget));
  return { looks: [...new Set(looks)] };
}

export interface ClaimToTest {
  id: string;
  compiled: CompiledClaim;
  confidence: number;
}

export interface ClaimOutcome extends Decision {
  id: string;
  confidence: number;
  /** Looks taken before the claim was settled (or all of them). */
  looks: number;
  plannedLooks: number;
}

/** Gives a sample of exactly n rollouts (the first n: the same rollouts every time). */
export type SampleSource = (n: number) => Promise<Sample>;

/**
 * Decide every claim, adding rollouts while any is inconclusive. `seed` fixes
 * the bootstrap; `onLook` is told after each look.
 */
export async function testSequentially(
  claims: readonly ClaimToTest[],
  source: SampleSource,
  plan: LookPlan,
  seed: number,
  onLook?: (look: number, rollouts: number, open: number) => void,
): Promise<ClaimOutcome[]> {
  const outcomes = new Map<string, ClaimOutcome>();
  const K = plan.looks.length;
  for (let look = 0; look < K; look++) {
    const open = claims.filter((c) => (outcomes.get(c.id)?.verdict ?? 'inconclusive') === 'inconclusive');
    if (open.length === 0) break;
    const sample = await source(plan.looks[look]!);
    for (const c of open) {
      const alpha = (1 - c.confidence) / K;
      const d = decide(c.compiled, sample, alpha, deriveSeed(seed, c.id, sample.n));
      outcomes.set(c.id, { ...d, id: c.id, confidence: c.confidence, looks: look + 1, plannedLooks: K });
    }
    onLook?.(look + 1, sample.n, claims.filter((c) => outcomes.get(c.id)!.verdict === 'inconclusive').length);
  }
  return claims.map((c) => outcomes.get(c.id)!);
}
