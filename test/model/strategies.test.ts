/** Strategies and interventions: timing, conditions, pilot waves and their gates. */
import { describe, expect, it } from 'vitest';
import { OBS, Simulation, builtinStrategy, withDefaults, type StrategyPlan } from '../../src/model/index.ts';
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
