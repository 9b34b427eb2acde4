/**
 * A rollout can be forked at any week into an independent simulation that goes
 * on under the same plan or another: with the original's random stream it gives the same
 * bytes as the uninterrupted run; with its own seed it diverges; stepping the
 * fork never touches the original. Under another plan, a fork at week 0 is a fresh
 * rollout of that plan, and a later one keeps the past and starts the plan next week.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVE, OBS, OBSERVABLE_COUNT, Simulation, builtinStrategy, withDefaults, type StrategyPlan } from '../../src/model/index.ts';

const params = withDefaults({ weeks: 60, organisation: { employees: 400 } });
const plan = builtinStrategy('phased_pilot');
const seeds = { organisation: 11, dynamics: 12 };

function bytes(sim: Simulation): number[] {
  return [...sim.series, ...sim.results(), ...sim.waveOpenWeek, ...sim.waveForced];
}

function stepTo(sim: Simulation, week: number): Simulation {
  while (sim.week < week) sim.step();
  return sim;
}

describe('forking a rollout', () => {
  const whole = bytes(new Simulation(params, plan, seeds).run());

  it.each([0, 1, 17, 59])('at week %i, with the original stream, gives the bytes of the uninterrupted run', (week) => {
    const original = stepTo(new Simulation(params, plan, seeds), week);
    const fork = original.fork();
    expect(bytes(fork.run())).toEqual(whole);
    // The original is untouched by the fork's weeks and ends the same way.
    expect(original.week).toBe(week);
    expect(bytes(original.run())).toEqual(whole);
  });

  it('with a seed of its own, diverges from the original after the fork and agrees before it', () => {
    const week = 20;
    const original = stepTo(new Simulation(params, plan, seeds), week);
    const other = bytes(original.fork(999).run());
    expect(other).not.toEqual(whole);
    const rows = (week + 1) * (whole.length - original.results().length) / (params.weeks + 1);
    expect(other.slice(0, rows)).toEqual(whole.slice(0, rows));
  });

  it('costs the state bytes of one rollout, and shares the organisation', () => {
    const original = stepTo(new Simulation(params, plan, seeds), 10);
    const fork = original.fork();
    expect(fork.stateBytes()).toBe(original.stateBytes());
    expect(fork.org).toBe(original.org);
    expect(fork.state).not.toBe(original.state);
  });

  describe('under another plan', () => {
    const strategies: [string, string][] = [['phased_pilot', 'top_down'], ['top_down', 'phased_pilot'], ['bottom_up', 'phased_pilot'], ['phased_pilot', 'bottom_up']];

    it.each(strategies)('forked at week 0 from %s to %s, gives the bytes of a fresh rollout of the new plan', (from, to) => {
      const other = builtinStrategy(to as 'top_down');
      const fresh = bytes(new Simulation(params, other, seeds).run());
      const fork = new Simulation(params, builtinStrategy(from as 'top_down'), seeds).fork(undefined, other);
      expect(bytes(fork.run())).toEqual(fresh);
    });

    it('keeps the weeks before the fork, starts the new plan the week after, and leaves the original alone', () => {
      const week = 20;
      const original = stepTo(new Simulation(params, plan, seeds), week);
      const before = original.access.slice();
      const fork = original.fork(7, builtinStrategy('top_down'));
      const rows = (week + 1) * OBSERVABLE_COUNT;
      fork.run();
      expect([...fork.series.slice(0, rows)]).toEqual([...original.series.slice(0, rows)]);
      // Top-down gives everyone access in its week 1, which is week 21 here, and not before.
      expect(fork.series[week * OBSERVABLE_COUNT + OBS.access_share]!).toBeLessThan(1);
      expect(fork.series[(week + 1) * OBSERVABLE_COUNT + OBS.access_share]!).toBe(1);
      expect(fork.waveCount).toBe(0);
      expect(original.week).toBe(week);
      expect([...original.access]).toEqual([...before]);
      expect(bytes(original.run())).toEqual(whole);
    });

    it('redraws the waves and counts them from the employees as they stand, and keeps them true as it goes on', () => {
      const start: StrategyPlan = builtinStrategy('bottom_up');
      const original = stepTo(new Simulation(params, start, seeds), 15);
      const fork = original.fork(3, plan);
      const recount = (sim: Simulation) => {
        const active = new Array(sim.waveCount).fill(0);
        const access = new Array(sim.waveCount).fill(0);
        const size = new Array(sim.waveCount).fill(0);
        for (let i = 0; i < sim.org.employees; i++) {
          const w = sim.wave[i]!;
          if (w < 0) continue;
          size[w] += 1;
          if (sim.state[i] === ACTIVE) active[w] += 1;
          if (sim.access[i] !== 0) access[w] += 1;
        }
        return { active, access, size };
      };
      expect(fork.waveCount).toBe(plan.waves!.waves + 1);
      for (const sim of [fork, stepTo(fork, 30), fork.run()]) {
        const counts = recount(sim);
        expect([...sim.waveActive]).toEqual(counts.active);
        expect([...sim.waveAccess]).toEqual(counts.access);
        expect([...sim.waveSize]).toEqual(counts.size);
      }
      // Bottom-up gave everyone free access at week 1, so every wave is open to its members already:
      // the pilot's week 1 is week 16, and it opens then.
      expect(fork.waveOpenWeek[0]).toBe(16);
    });

    it('is the same bytes from the same seed, so alternatives forked from one state share their random numbers', () => {
      const original = stepTo(new Simulation(params, plan, seeds), 25);
      const a = bytes(original.fork(42, builtinStrategy('top_down')).run());
      const b = bytes(original.fork(42, builtinStrategy('top_down')).run());
      expect(a).toEqual(b);
      expect(a).not.toEqual(bytes(original.fork(43, builtinStrategy('top_down')).run()));
    });
  });
});
