/**
 * Limiting cases with known answers: the Bass (1969) curve in a fully mixed
 * population, its network variant, and Granovetter's (1978) threshold cascade.
 */
import { describe, expect, it } from 'vitest';
import { OBS, Simulation, buildOrganisation, runRollout } from '../../src/model/index.ts';
import { accessForAll, mean, onlyMechanisms, params, seriesAt, standardError } from './helpers.ts';

const p = 0.01;
const q = 0.4;
const weeks = 40;

/** F(t+1) = F(t) + (p + q F(t)) (1 - F(t)), F(0) = 0. */
function bassCurve(): number[] {
  const f = [0];
  for (let t = 0; t < weeks; t++) f.push(f[t]! + (p + q * f[t]!) * (1 - f[t]!));
  return f;
}

function bassParams(network: 'complete' | 'organisation', employees: number) {
  return params({
    network,
    weeks,
    organisation: { employees },
    adoption: { externalInfluence: p, imitation: q },
    mechanisms: onlyMechanisms('externalInfluence', 'imitation'),
  });
}

describe('the Bass limit', () => {
  it('follows the discrete Bass recurrence within Monte Carlo error in a fully mixed population of 10,000', () => {
    const rollouts = 24;
    const bp = bassParams('complete', 10_000);
    const org = buildOrganisation(bp, 1);
    const curves = Array.from({ length: rollouts }, (_, r) => runRollout(bp, accessForAll, { organisation: 1, dynamics: r }, org).series);
    const expected = bassCurve();
    for (let t = 1; t <= weeks; t++) {
      const values = curves.map((s) => seriesAt(s, t, OBS.active_share));
      const m = mean(values);
      // Four standard errors of the mean, plus the O(1/N) gap between a finite population's mean and the recurrence.
      const tolerance = 4 * standardError(values) + 2 / 10_000;
      expect(Math.abs(m - expected[t]!), `week ${t}: mean ${m} vs Bass ${expected[t]}`).toBeLessThanOrEqual(tolerance);
    }
    // The curve really is S-shaped over the horizon: it is no trivial match.
    expect(expected[10]!).toBeLessThan(0.5);
    expect(expected[weeks]!).toBeGreaterThan(0.99);
  });

  it('on the organisation network is bounded below by pure outside influence, above by the mixed curve, and completes', () => {
    const rollouts = 12;
    const bp = { ...bassParams('organisation', 2000), weeks: 120 };
    const expected = bassCurve();
    const curves = Array.from({ length: rollouts }, (_, r) => runRollout(bp, accessForAll, { organisation: r, dynamics: r }).series);
    for (let t = 1; t <= weeks; t++) {
      const values = curves.map((s) => seriesAt(s, t, OBS.active_share));
      const m = mean(values);
      const tolerance = 4 * standardError(values) + 1 / 2000;
      // Imitation only adds to the outside influence p.
      expect(m).toBeGreaterThanOrEqual(1 - (1 - p) ** t - tolerance);
      // Clustered teams and silos slow imitation compared with everyone meeting everyone.
      expect(m).toBeLessThanOrEqual(expected[t]! + tolerance);
    }
    const mid = mean(curves.map((s) => seriesAt(s, 12, OBS.active_share)));
    expect(mid).toBeLessThan(expected[12]! - 0.05);
    for (const s of curves) expect(seriesAt(s, 120, OBS.active_share)).toBeGreaterThan(0.99);
  });
});

describe('outside influence alone', () => {
  it('makes people aware at the constant weekly rate p: the aware share follows 1 - (1 - p)^t', () => {
    const rate = 0.05;
    const ap = params({
      network: 'complete', weeks: 30, organisation: { employees: 5000 },
      adoption: { externalInfluence: rate }, mechanisms: onlyMechanisms('awareness', 'externalInfluence'),
    });
    const org = buildOrganisation(ap, 3);
    const noAccess = { name: 'nothing', interventions: [] };
    const curves = Array.from({ length: 16 }, (_, r) => runRollout(ap, noAccess, { organisation: 3, dynamics: r }, org).series);
    for (let t = 1; t <= 30; t++) {
      const values = curves.map((s) => seriesAt(s, t, OBS.aware_share));
      const expected = 1 - (1 - rate) ** t;
      expect(Math.abs(mean(values) - expected), `week ${t}`).toBeLessThanOrEqual(4 * standardError(values) + 1e-4);
    }
  });
});

describe('lapsing alone', () => {
  it('removes active users at the constant weekly rate baseLapse: the active share follows (1 - b)^t', () => {
    const b = 0.04;
    const lp = params({
      network: 'complete', weeks: 40, organisation: { employees: 5000 },
      adoption: { baseLapse: b }, mechanisms: onlyMechanisms('lapsing'),
    });
    const org = buildOrganisation(lp, 5);
    const everyone = { name: 'everyone', interventions: [{ type: 'seed_users' as const, at: 0, target: { kind: 'all' as const } }] };
    const curves = Array.from({ length: 16 }, (_, r) => runRollout(lp, everyone, { organisation: 5, dynamics: r }, org).series);
    for (let t = 1; t <= 40; t++) {
      const values = curves.map((s) => seriesAt(s, t, OBS.active_share));
      // Seeded in week 1, users first face the lapse in week 2.
      const expected = (1 - b) ** (t - 1);
      expect(Math.abs(mean(values) - expected), `week ${t}`).toBeLessThanOrEqual(4 * standardError(values) + 1e-4);
    }
  });
});

describe('the Granovetter threshold cascade', () => {
  function cascade(thresholds: number[]): number {
    const gp = params({
      network: 'complete',
      weeks: 120,
      organisation: { employees: thresholds.length, departments: 1 },
      adoption: { thresholdAdoptRate: 1 },
      mechanisms: onlyMechanisms('complexContagion'),
    });
    const org = buildOrganisation(gp, 7);
    org.requiredActive.set(thresholds);
    const sim = new Simulation(gp, accessForAll, { organisation: 7, dynamics: 7 }, org).run();
    return seriesAt(sim.series, 120, OBS.active_share) * thresholds.length;
  }

  it('with thresholds 0, 1, …, 99 everyone adopts', () => {
    expect(cascade(Array.from({ length: 100 }, (_, i) => i))).toBe(100);
  });

  it('moving the person with threshold 1 to threshold 2 leaves exactly one adopter', () => {
    const thresholds = Array.from({ length: 100 }, (_, i) => i);
    thresholds[1] = 2;
    expect(cascade(thresholds)).toBe(1);
  });
});

describe('announcements alone', () => {
  it('make people aware at the fading push\'s weekly chance: the unaware share follows the product of (1 − s·d^(t−1))', () => {
    // On the organisation network, where an unaware employee with nothing to draw is skipped until a push
    // reaches them, and each employee's move comes from one uniform (inversion of the survival function).
    const strength = 0.5;
    const decay = 0.7;
    const ap = params({
      weeks: 30, organisation: { employees: 3000, executiveSponsorship: 1 },
      adoption: { externalInfluence: 0, announcementDecay: decay }, mechanisms: onlyMechanisms('awareness', 'externalInfluence'),
    });
    const org = buildOrganisation(ap, 4);
    const announce = { name: 'announce', interventions: [{ type: 'announcement' as const, at: 3, target: { kind: 'all' as const }, strength }] };
    const curves = Array.from({ length: 16 }, (_, r) => runRollout(ap, announce, { organisation: 4, dynamics: r }, org).series);
    let expected = 1;
    for (let t = 1; t <= 30; t++) {
      // Nothing before the announcement in week 3; then its push, fading by `decay` a week.
      if (t >= 3) expected *= 1 - strength * decay ** (t - 3);
      const values = curves.map((s) => seriesAt(s, t, OBS.unaware_share));
      expect(Math.abs(mean(values) - expected), `week ${t}: ${mean(values)} vs ${expected}`).toBeLessThanOrEqual(4 * standardError(values) + 2e-4);
    }
    expect(expected).toBeLessThan(0.2);
  });
});

describe('trial alone', () => {
  it('ends each week with chance trialConversion × stay (converting) plus emptyRoomLapse × (1 − stay) (lapsing)', () => {
    // Value and cost fixed per person (no value from others, no manager effects): stay is a constant of
    // each person, so each person's weekly chances are known exactly.
    const tp = params({
      weeks: 20, organisation: { employees: 2000 },
      adoption: { valueWeight: 0, baseLapse: 0, decisionNoise: 1 }, mechanisms: onlyMechanisms('criticalMass', 'lapsing', 'timeCost'),
    });
    const a = tp.adoption;
    let converted = 0;
    let expectConverted = 0;
    let varConverted = 0;
    const weekly = [1, 3].map(() => ({ left: 0, expect: 0, variance: 0, active: 0, expectActive: 0, varActive: 0 }));
    const stayedActive = { count: 0, expect: 0, variance: 0 };
    for (let seed = 0; seed < 4; seed++) {
      const sim = new Simulation(tp, { name: 'nothing', interventions: [] }, { organisation: seed, dynamics: seed });
      const { innovativeness, team } = sim.org;
      const n = sim.org.employees;
      const stay = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const value = a.innovatorValue * innovativeness[i]! ** 2;
        const cost = sim.personalCost[i]! * sim.teamCostFactor[team[i]!]!;
        stay[i] = Math.min(1, Math.max(0, 0.5 + (value - cost) / (2 * a.decisionNoise)));
        sim.setAccess(i, 2);
        sim.setState(i, 2); // trying
      }
      for (let k = 0; k < 2; k++) {
        const weeks = [1, 3][k]!;
        while (sim.week < weeks) {
          const activeBefore = sim.week === 1 ? Uint8Array.from(sim.state, (x) => (x === 3 ? 1 : 0)) : null;
          sim.step();
          // A second move, in another group, has its own chance: users who converted in week 1 lapse in
          // week 2 with chance emptyRoomLapse × (1 − stay).
          if (activeBefore) {
            for (let i = 0; i < n; i++) {
              if (!activeBefore[i]) continue;
              const lapse = a.emptyRoomLapse * (1 - stay[i]!);
              stayedActive.expect += 1 - lapse;
              stayedActive.variance += lapse * (1 - lapse);
              stayedActive.count += sim.state[i] === 3 ? 1 : 0;
            }
          }
        }
        const w = weekly[k]!;
        for (let i = 0; i < n; i++) {
          const exit = a.trialConversion * stay[i]! + a.emptyRoomLapse * (1 - stay[i]!);
          const left = 1 - (1 - exit) ** weeks;
          w.expect += left;
          w.variance += left * (1 - left);
          if (weeks === 1) {
            const convert = a.trialConversion * stay[i]!;
            w.expectActive += convert;
            w.varActive += convert * (1 - convert);
          }
        }
        w.left += n - sim.stateCount[2]!;
        if (weeks === 1) w.active += sim.stateCount[3]!;
      }
      sim.run();
      for (let i = 0; i < n; i++) {
        const c = a.trialConversion * stay[i]!;
        const l = a.emptyRoomLapse * (1 - stay[i]!);
        const pc = c / (c + l);
        expectConverted += pc;
        varConverted += pc * (1 - pc);
        converted += sim.everActive[i]!;
      }
    }
    for (const [k, w] of weekly.entries()) {
      expect(Math.abs(w.left - w.expect), `left trial by week ${[1, 3][k]}`).toBeLessThanOrEqual(4 * Math.sqrt(w.variance));
    }
    expect(Math.abs(weekly[0]!.active - weekly[0]!.expectActive), 'converted in week 1').toBeLessThanOrEqual(4 * Math.sqrt(weekly[0]!.varActive));
    expect(Math.abs(converted - expectConverted), 'ever converted').toBeLessThanOrEqual(4 * Math.sqrt(varConverted));
    expect(Math.abs(stayedActive.count - stayedActive.expect), 'converted in week 1, still active in week 2').toBeLessThanOrEqual(4 * Math.sqrt(stayedActive.variance));
    expect(stayedActive.expect).toBeGreaterThan(500);
    // Stay really varies between people, so the split is no trivial 0 or 1.
    expect(expectConverted / (4 * 2000)).toBeGreaterThan(0.15);
    expect(expectConverted / (4 * 2000)).toBeLessThan(0.85);
  });
});
