import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/runner/summary.ts';
import { recommendation } from '../../src/report/recommend.ts';
import { money, withCurrency } from '../../src/report/format.ts';

type Row = { sustained: number; cost: number; weeks: number | 'never'; never: number };

/** The parts of summary.json the recommendation reads: medians of three results per strategy. */
function summaryOf(rows: Record<string, Row>, currency?: string): RunSummary {
  const dist = (p50: number | 'never', neverShare = 0) => ({ n: 100, never: neverShare * 100, neverShare, mean: null, p05: p50, p25: p50, p50, p75: p50, p95: p50, min: null, max: null });
  return {
    experiment: { name: 'x', label: 'X', source: 'x.yaml', hash: '', seed: 1, rollouts: 100, weeks: 104, employees: 2000, ...(currency ? { currency } : {}) },
    outcomes: { criticalMassShare: 0.2, targetShare: 0.4, sustainedWeeks: 12 },
    strategies: Object.keys(rows).map((name) => ({ name, label: name.replace('_', ' '), waves: 0 })),
    distributions: Object.fromEntries(Object.entries(rows).map(([name, r]) => [name, { sustained_share: dist(r.sustained), cost: dist(r.cost), weeks_to_target: dist(r.weeks, r.never) }])),
  } as unknown as RunSummary;
}

describe('the recommendation', () => {
  it('names the strategy that sustains most among those reaching the target, with its trade-off against the next best', () => {
    const r = recommendation(summaryOf({
      top_down: { sustained: 0.57, cost: 423_000, weeks: 33, never: 0.02 },
      phased_pilot: { sustained: 0.69, cost: 538_000, weeks: 42, never: 0 },
      bottom_up: { sustained: 0.04, cost: 0, weeks: 'never', never: 1 },
    }, 'EUR'));
    expect(r.strategy).toBe('phased_pilot');
    // +12 points; 538k − 423k = 115k, 27% more; 9 weeks later; 538,000 / (0.69 × 2,000) = 390 per sustained user.
    expect(r.text).toBe('Recommendation: phased pilot: +12 points of sustained use over top down for +115k EUR (+27%), reaching 40% about 9 weeks later; 390 EUR per sustained user.');
  });

  it('does not recommend a strategy that sustains more but misses the target in most rollouts', () => {
    const r = recommendation(summaryOf({
      viral: { sustained: 0.45, cost: 10_000, weeks: 'never', never: 0.6 },
      steady: { sustained: 0.41, cost: 20_000, weeks: 50, never: 0.1 },
    }));
    expect(r.strategy).toBe('steady');
    expect(r.text).toContain('−4 points of sustained use over viral');
    expect(r.text).toContain('reaching 40% where viral mostly does not');
  });

  it('says plainly that no strategy meets the target when none reaches it in any rollout', () => {
    const r = recommendation(summaryOf({
      top_down: { sustained: 0.1, cost: 4.7e6, weeks: 'never', never: 1 },
      coach: { sustained: 0.22, cost: 5.8e6, weeks: 'never', never: 1 },
    }));
    expect(r.strategy).toBeUndefined();
    expect(r.anyReachesTarget).toBe(false);
    expect(r.text).toMatch(/^No strategy reaches 40% active use within 104 weeks in any rollout/);
    expect(r.text).not.toMatch(/^Recommendation/);
  });

  it('says so when some rollouts reach the target but no strategy does in most', () => {
    const r = recommendation(summaryOf({
      a: { sustained: 0.3, cost: 1, weeks: 'never', never: 0.7 },
      b: { sustained: 0.2, cost: 1, weeks: 'never', never: 0.9 },
    }));
    expect(r.strategy).toBeUndefined();
    expect(r.anyReachesTarget).toBe(true);
    expect(r.text).toContain('a comes closest, reaching it in 30% of rollouts');
  });
});

describe('costs with the scenario\'s currency', () => {
  it('put a symbol before the amount and a code after it, and nothing without a currency', () => {
    expect(money(115_000, '€')).toBe('€115k');
    expect(money(-115_000, '£')).toBe('-£115k');
    expect(money(115_000, 'EUR')).toBe('115k EUR');
    expect(money(4_700_000, 'kr', true)).toBe('4.7M kr');
    expect(money(115_000)).toBe('115k');
    expect(withCurrency('390', 'USD')).toBe('390 USD');
  });
});
