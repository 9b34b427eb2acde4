/** Strategies and interventions: timing, conditions, pilot waves and their gates. */
import { describe, expect, it } from 'vitest';
import { mostInnovative } from '../../src/model/simulation.ts';
import {
  MECHANISM_NAMES, OBS, Simulation, builtinStrategy, createRandom, withDefaults, type MechanismSwitches, type StrategyPlan,
} from '../../src/model/index.ts';
import { seriesAt } from './helpers.ts';

const p = withDefaults({ weeks: 80, organisation: { employees: 1000 } });

describe('strategies', () => {
  it('top-down gives everyone access in week 1', () => {
    const sim = new Simulation(p, builtinStrategy('top_down'), { organisation: 1, dynamics: 1 }).run();
    expect(seriesAt(sim.series, 0, OBS.access_share)).toBe(0);
    expect(seriesAt(sim.series, 1, OBS.access_share)).toBe(1);
  });

  it('bottom-up starts with a few enthusiasts on a free network: no licence cost until governance decides to pay', () => {
    const plan = builtinStrategy('bottom_up', { enthusiastShare: 0.02 });
    const free = withDefaults({ ...p, mechanisms: { governance: false } });
    const sim = new Simulation(free, plan, { organisation: 1, dynamics: 1 }).run();
    expect(seriesAt(sim.series, 1, OBS.active_share)).toBeGreaterThan(0.015);
    expect(seriesAt(sim.series, 80, OBS.cost)).toBe(0);
  });

  it('a phased pilot opens the pilot first, then each wave only once the previous wave passed its gate or waited its maximum', () => {
    const options = { pilotShare: 0.15, waves: 3, gateActiveShare: 0.25, gateMinWeeks: 6, gateMaxWeeks: 20 };
    for (let seed = 1; seed <= 5; seed++) {
      const sim = new Simulation(p, builtinStrategy('phased_pilot', options), { organisation: seed, dynamics: seed }).run();
      const open = Array.from(sim.waveOpenWeek);
      expect(open[0]).toBe(1);
      for (let k = 1; k < open.length; k++) {
        if (Number.isNaN(open[k]!)) continue;
        const waited = open[k]! - open[k - 1]!;
        expect(waited).toBeGreaterThan(options.gateMinWeeks - 1);
        expect(waited).toBeLessThanOrEqual(options.gateMaxWeeks + 1);
      }
      const pilotShare = sim.waveSize[0]! / p.organisation.employees;
      expect(pilotShare).toBeGreaterThan(0.12);
      expect(pilotShare).toBeLessThan(0.2);
    }
  });

  it('records whether each wave opened at its gate or was forced open by the maximum wait', () => {
    const waves = (options: Record<string, number>) => {
      const sim = new Simulation(p, builtinStrategy('phased_pilot', { waves: 3, ...options }), { organisation: 3, dynamics: 3 }).run();
      return { open: Array.from(sim.waveOpenWeek), forced: Array.from(sim.waveForced) };
    };
    // A gate nobody can pass: every wave waits exactly its maximum after the one before.
    expect(waves({ gateActiveShare: 1.01, gateMinWeeks: 4, gateMaxWeeks: 10 })).toEqual({ open: [1, 11, 21, 31], forced: [0, 1, 1, 1] });
    // A gate passed as soon as it can be, on the week the maximum wait also ends: the gate opened it.
    expect(waves({ gateActiveShare: 0, gateMinWeeks: 4, gateMaxWeeks: 4 })).toEqual({ open: [1, 5, 9, 13], forced: [0, 0, 0, 0] });
    // Never opened: neither.
    const closed = waves({ gateActiveShare: 1.01, gateMaxWeeks: 0 });
    expect(closed.forced[0]).toBe(0);
    expect(closed.forced.slice(1).every(Number.isNaN)).toBe(true);
  });

  it('holds a wave closed when its gate is never met and there is no maximum wait', () => {
    const plan = builtinStrategy('phased_pilot', { gateActiveShare: 1.01, gateMaxWeeks: 0 });
    const sim = new Simulation(p, plan, { organisation: 2, dynamics: 2 }).run();
    expect(sim.waveOpenWeek[0]).toBe(1);
    expect(Number.isNaN(sim.waveOpenWeek[1]!)).toBe(true);
  });

  it('fires an intervention at its week, and a conditional one at the first week its condition holds', () => {
    const plan: StrategyPlan = {
      name: 'custom',
      interventions: [
        { type: 'access', at: 5, target: { kind: 'all' } },
        { type: 'announcement', at: 5, target: { kind: 'all' }, strength: 1 },
        {
          type: 'reward_change', competition: 0,
          when: { k: 'op', op: '>=', a: { k: 'var', name: 'active_share' }, b: { k: 'num', v: 0.05 } },
        },
      ],
    };
    const sim = new Simulation(p, plan, { organisation: 3, dynamics: 3 });
    const competitionByWeek: number[] = [];
    for (let w = 1; w <= 80; w++) {
      sim.step();
      competitionByWeek.push(sim.rewardCompetition);
      if (w < 5) expect(seriesAt(sim.series, w, OBS.access_share)).toBe(0);
    }
    expect(seriesAt(sim.series, 5, OBS.access_share)).toBe(1);
    const firstWeek = competitionByWeek.findIndex((c) => c === 0) + 1;
    expect(firstWeek).toBeGreaterThan(5);
    // The condition reads the previous week's observables.
    expect(seriesAt(sim.series, firstWeek - 1, OBS.active_share)).toBeGreaterThanOrEqual(0.05);
    expect(seriesAt(sim.series, firstWeek - 2, OBS.active_share)).toBeLessThan(0.05);
  });

  it('training reaches at most its weekly capacity and costs per person trained', () => {
    const plan: StrategyPlan = { name: 'train', interventions: [{ type: 'training', at: 0, capacity: 25, weeks: 4 }] };
    const sim = new Simulation(p, plan, { organisation: 4, dynamics: 4 });
    for (let w = 1; w <= 10; w++) sim.step();
    expect(sim.trained.reduce((s, x) => s + x, 0)).toBe(100);
    expect(seriesAt(sim.series, 10, OBS.cost)).toBe(100 * p.costs.trainingPerPerson);
  });
});

describe('interventions without a duration', () => {
  it('act until the horizon: coaching and community managers are paid every week to the end', () => {
    const plan: StrategyPlan = {
      name: 'open_ended',
      interventions: [
        { type: 'manager_coaching', at: 0, share: 1 },
        { type: 'community_managers', at: 0, count: 2 },
      ],
    };
    const sim = new Simulation(p, plan, { organisation: 6, dynamics: 6 }).run();
    const weekly = sim.org.teams * p.costs.coachingPerManagerWeek + 2 * p.costs.communityManagerWeek;
    expect(seriesAt(sim.series, 80, OBS.cost)).toBeCloseTo(80 * weekly, 6);
    expect(Array.from(sim.coachedUntil).every((w) => w > 80)).toBe(true);
  });
});

describe('announcement pushes over a long horizon', () => {
  it('still move people in year 20: fading pushes survive 1,000 weeks of a fast decay', () => {
    // Only pushes make anyone try; 2 people trained (pushed) a week for 1,000 weeks; pushes keep 20% a week,
    // so their shared fading scale passes 1e-308 near week 440 and must be rescaled, not underflow.
    const mechanisms = {} as MechanismSwitches;
    for (const m of MECHANISM_NAMES) mechanisms[m] = m === 'externalInfluence';
    const params = withDefaults({
      weeks: 1040, organisation: { employees: 2000 }, adoption: { externalInfluence: 0, announcementDecay: 0.2 }, mechanisms,
    });
    const plan: StrategyPlan = {
      name: 'long training',
      interventions: [{ type: 'access', at: 0 }, { type: 'training', at: 0, capacity: 2, weeks: 1000 }],
    };
    const sim = new Simulation(params, plan, { organisation: 1, dynamics: 1 });
    const trainedWeek = new Int32Array(2000).fill(-1);
    for (let week = 1; week <= params.weeks; week++) {
      sim.step();
      for (let i = 0; i < 2000; i++) if (sim.trained[i] && trainedWeek[i] < 0) trainedWeek[i] = week;
    }
    const triedShare = (from: number, to: number): number => {
      let cohort = 0;
      let tried = 0;
      for (let i = 0; i < 2000; i++) {
        if (trainedWeek[i] < from || trainedWeek[i] > to) continue;
        cohort++;
        if (sim.everActive[i]) tried++;
      }
      return tried / cohort;
    };
    const early = triedShare(1, 300);
    const late = triedShare(600, 1000);
    // Cohorts of 600 and 800 with a share near 0.3: 0.12 is about four standard errors of the difference.
    expect(early).toBeGreaterThan(0.1);
    expect(Math.abs(late - early)).toBeLessThan(0.12);
  });
});

describe('the most innovative employees (the enthusiasts target)', () => {
  it('are the top k by innovativeness, ties at the cut to the lower indices, in index order: as a full sort would give', () => {
    const random = createRandom('ties');
    for (const [n, levels] of [[50, 5], [1000, 20], [1000, 1000], [7, 1]] as const) {
      // Few distinct values, so many ties at the cut.
      const innovativeness = Float32Array.from({ length: n }, () => Math.floor(random() * levels) / levels);
      for (const k of [1, 2, Math.floor(n / 3), n - 1, n]) {
        const reference = Array.from({ length: n }, (_, i) => i)
          .sort((a, b) => innovativeness[b]! - innovativeness[a]! || a - b)
          .slice(0, k)
          .sort((a, b) => a - b);
        expect(Array.from(mostInnovative(innovativeness, k)), `n ${n}, ${levels} values, k ${k}`).toEqual(reference);
      }
    }
  });
});
