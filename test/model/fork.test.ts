/**
 * A rollout can be forked at any week into an independent simulation that goes
 * on under the same plan: with the original's random stream it gives the same
 * bytes as the uninterrupted run; with its own seed it diverges; stepping the
 * fork never touches the original.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, builtinStrategy, withDefaults } from '../../src/model/index.ts';

const params = withDefaults({ weeks: 60, organisation: { employees: 400 } });
const plan = builtinStrategy('phased_pilot');
const seeds = { organisation: 11, dynamics: 12 };

function bytes(sim: Simulation): number[] {
  return [...sim.series, ...sim.results()];
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
});
