/** Conservation, incremental counts and determinism: the bookkeeping the hot loop relies on. */
import { describe, expect, it } from 'vitest';
import { ACTIVE, BufferPool, OBS, OBSERVABLE_COUNT, Simulation, builtinStrategy, createRandom, runRollout, withDefaults, type StrategyPlan } from '../../src/model/index.ts';
import { GROUP_COUNT, decisionGroup } from '../../src/model/simulation.ts';

const small = withDefaults({ weeks: 60, organisation: { employees: 600 } });

describe('conservation', () => {
  for (const name of ['top_down', 'bottom_up', 'phased_pilot'] as const) {
    it(`every week each employee is in exactly one state under ${name}, and the counts sum to N`, () => {
      const sim = new Simulation(small, builtinStrategy(name), { organisation: 3, dynamics: 4 });
      const n = small.organisation.employees;
      for (let week = 0; week <= small.weeks; week++) {
        if (week > 0) sim.step();
        const counts = [0, 0, 0, 0, 0];
        for (let i = 0; i < n; i++) counts[sim.state[i]!]! += 1;
        expect(counts.reduce((s, c) => s + c, 0)).toBe(n);
        expect(Array.from(sim.stateCount)).toEqual(counts);
        const row = week * OBSERVABLE_COUNT;
        const shares = ['unaware_share', 'aware_share', 'trying_share', 'active_share', 'lapsed_share'] as const;
        const total = shares.reduce((s, k) => s + sim.series[row + OBS[k]]!, 0);
        expect(total).toBeCloseTo(1, 12);
        // The decision loop's groups hold everyone exactly once, each in the group of their state and access.
        const seen = new Uint8Array(n);
        for (let g = 0; g < GROUP_COUNT; g++) {
          for (const i of sim.groupMembersOf(g)) {
            expect(decisionGroup(sim.state[i]!, sim.access[i]!)).toBe(g);
            seen[i]! += 1;
          }
        }
        expect(seen.every((c) => c === 1)).toBe(true);
      }
    });
  }

  it('keeps the decision groups exact through their re-sorting (over 4,096 moves in a 6,000-person launch)', () => {
    const params = withDefaults({ weeks: 20, organisation: { employees: 6000 } });
    const sim = new Simulation(params, builtinStrategy('top_down'), { organisation: 2, dynamics: 2 });
    let sortedWeeks = 0;
    for (let week = 1; week <= params.weeks; week++) {
      sim.step();
      const seen = new Uint8Array(6000);
      for (let g = 0; g < GROUP_COUNT; g++) {
        const members = sim.groupMembersOf(g);
        let ascending = true;
        for (let k = 0; k < members.length; k++) {
          const i = members[k]!;
          expect(decisionGroup(sim.state[i]!, sim.access[i]!)).toBe(g);
          seen[i]! += 1;
          if (k > 0 && members[k - 1]! > i) ascending = false;
        }
        if (ascending && g === 1 && members.length > 1000) sortedWeeks++;
      }
      expect(seen.every((c) => c === 1)).toBe(true);
    }
    // Aware people with access, after thousands of moves, were put back in index order at least once.
    expect(sortedWeeks).toBeGreaterThan(0);
  });

  it('keeps every incrementally updated count equal to a recount from scratch', () => {
    const sim = new Simulation(small, builtinStrategy('phased_pilot'), { organisation: 5, dynamics: 6 }).run();
    const { org } = sim;
    const { offsets, neighbours } = org.network;
    for (let i = 0; i < org.employees; i++) {
      let active = 0;
      let cross = 0;
      let content = 0;
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
        const j = neighbours[e]!;
        if (sim.state[j] !== ACTIVE) continue;
        active++;
        content += org.production[j]!;
        if (org.department[j] !== org.department[i]) cross++;
      }
      expect(sim.activeContacts[i]).toBe(active);
      expect(sim.crossActiveContacts[i]).toBe(cross);
      expect(sim.contactContent[i]).toBeCloseTo(content, 6);
    }
    for (let t = 0; t < org.teams; t++) {
      let active = 0;
      for (let i = org.teamStart[t]!; i < org.teamStart[t + 1]!; i++) if (sim.state[i] === ACTIVE) active++;
      expect(sim.teamActive[t]).toBe(active);
    }
    for (let c = 0; c < org.communities; c++) {
      let content = 0;
      for (let k = org.communityStart[c]!; k < org.communityStart[c + 1]!; k++) {
        const i = org.communityMembers[k]!;
        if (sim.state[i] === ACTIVE) content += org.production[i]!;
      }
      expect(sim.communityContent[c]).toBeCloseTo(content, 6);
    }
  });

  it('never loses or double-counts anyone in the network: ties are symmetric and unique', () => {
    const sim = new Simulation(small, builtinStrategy('top_down'), { organisation: 9, dynamics: 9 });
    const { offsets, neighbours, crossStart } = sim.org.network;
    const { department } = sim.org;
    const seen = new Set<string>();
    let crossTies = 0;
    for (let i = 0; i < sim.org.employees; i++) {
      for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
        const j = neighbours[e]!;
        expect(j).not.toBe(i);
        // Contacts in i's department first, then those in other departments (setState relies on it).
        expect(department[j] !== department[i]).toBe(e >= crossStart[i]!);
        if (e >= crossStart[i]!) crossTies++;
        const key = `${i}-${j}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    for (const key of seen) {
      const [i, j] = key.split('-');
      expect(seen.has(`${j}-${i}`)).toBe(true);
    }
    expect(crossTies).toBeGreaterThan(0);
  });
});

describe('determinism', () => {
  it('gives identical observables, byte for byte, for the same seeds', () => {
    const a = runRollout(small, builtinStrategy('bottom_up'), { organisation: 11, dynamics: 12 });
    const b = runRollout(small, builtinStrategy('bottom_up'), { organisation: 11, dynamics: 12 });
    expect(Buffer.from(a.series.buffer).equals(Buffer.from(b.series.buffer))).toBe(true);
    expect(Buffer.from(a.results.buffer).equals(Buffer.from(b.results.buffer))).toBe(true);
  });

  it('gives the same bytes when quiet unaware employees and active users certain to stay are skipped as when everyone is checked every week', () => {
    // Manager relapse (the time cost's rise), showcases, community deaths and lapsing contacts all
    // bound or cancel a skip; custom plans and the manufacturer's job-description relief add more.
    const params = withDefaults({ weeks: 80, organisation: { employees: 1500 }, managers: { relapseRate: 0.08 } });
    // A custom plan moves people whose checks are skipped from outside the decision loop: training makes
    // quiet unaware people aware, seed users make them active, governance takes access from active users.
    const custom: StrategyPlan = {
      name: 'custom',
      interventions: [
        { type: 'access', at: 0, target: { kind: 'share', share: 0.6 } },
        { type: 'reverse_mentoring', at: 4, count: 30, weeks: 20 },
        { type: 'training', at: 12, capacity: 25, weeks: 30 },
        { type: 'seed_users', at: 25, target: { kind: 'share', share: 0.05 } },
        { type: 'governance', at: 50, decision: 'restrict' },
      ],
    };
    let skipped = 0;
    for (const name of ['top_down', 'bottom_up', 'phased_pilot', 'custom'] as const) {
      for (const seed of [1, 2, 3]) {
        const plan = name === 'custom' ? custom : builtinStrategy(name);
        const fast = new Simulation(params, plan, { organisation: seed, dynamics: seed }).run();
        const checked = new Simulation(params, plan, { organisation: seed, dynamics: seed }, undefined, { checkEveryWeek: true }).run();
        expect(Buffer.from(fast.series.buffer).equals(Buffer.from(checked.series.buffer)), `${name} seed ${seed}`).toBe(true);
        expect(Buffer.from(fast.results().buffer).equals(Buffer.from(checked.results().buffer))).toBe(true);
        expect(checked.checksSkipped).toBe(0);
        skipped += fast.checksSkipped;
      }
    }
    // The skip is used: many thousands of weekly checks saved.
    expect(skipped).toBeGreaterThan(10_000);
  });

  it('gives the same bytes skipping as checking everyone every week over random parameters and plans', () => {
    // A differential check of every skip and sleep: each parameter below is drawn from 0.2–2.2 × its default
    // half the time, and four plans, including every intervention, run both ways.
    const varied = [
      'managers.relapseRate', 'managers.pressureRate', 'managers.evidenceRate', 'managers.coachingRate', 'managers.reverseMentoringRate',
      'managers.gatekeeperCost', 'managers.catalystBoost', 'managers.styleMean', 'adoption.externalInfluence', 'adoption.imitation',
      'adoption.awarenessWordOfMouth', 'adoption.thresholdAdoptRate', 'adoption.trialConversion', 'adoption.baseLapse', 'adoption.emptyRoomLapse',
      'adoption.retrial', 'adoption.announcementDecay', 'adoption.valueWeight', 'adoption.valueHalfSaturation', 'adoption.communityValue',
      'adoption.trainingValue', 'adoption.showcaseValue', 'adoption.timeCost', 'adoption.decisionNoise', 'adoption.innovatorValue',
      'communities.aliveThreshold', 'organisation.siloStrength', 'governance.triggerShare',
    ];
    const everything: StrategyPlan = {
      name: 'everything',
      interventions: [
        { type: 'access', at: 0, target: { kind: 'share', share: 0.6 } },
        { type: 'announcement', at: 3, strength: 0.9 },
        { type: 'reverse_mentoring', at: 4, count: 30, weeks: 20 },
        { type: 'manager_coaching', at: 6, share: 0.5, weeks: 15 },
        { type: 'community_managers', at: 8, count: 3, weeks: 30 },
        { type: 'training', at: 12, capacity: 25, weeks: 30 },
        { type: 'showcase', at: 15, strength: 1 },
        { type: 'job_description', at: 20, relief: 0.5 },
        { type: 'seed_users', at: 25, target: { kind: 'share', share: 0.05 } },
        { type: 'governance', at: 50, decision: 'restrict' },
      ],
    };
    const plans = [builtinStrategy('top_down'), builtinStrategy('bottom_up'), builtinStrategy('phased_pilot', { gateMaxWeeks: 10 }), everything];
    const defaults = withDefaults({}) as unknown as Record<string, Record<string, number>>;
    const random = createRandom('skips');
    let compared = 0;
    for (let c = 0; c < 16; c++) {
      const overrides: Record<string, Record<string, number>> = { organisation: { employees: 200 + Math.floor(random() * 400) } };
      for (const path of varied) {
        if (random() < 0.5) continue;
        const [group, name] = path.split('.') as [string, string];
        (overrides[group] ??= {})[name] = Math.min(0.95, defaults[group]![name]! * (0.2 + 2 * random()));
      }
      const params = withDefaults({ ...overrides, weeks: 40 + Math.floor(random() * 60) });
      for (const plan of plans) {
        const seeds = { organisation: c + 1, dynamics: c + 101 };
        const fast = new Simulation(params, plan, seeds).run();
        const checked = new Simulation(params, plan, seeds, undefined, { checkEveryWeek: true }).run();
        expect(Buffer.from(fast.series.buffer).equals(Buffer.from(checked.series.buffer)), `${plan.name}, case ${c}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(64);
  });

  it('gives different observables for different dynamics seeds and different organisation seeds', () => {
    const base = runRollout(small, builtinStrategy('top_down'), { organisation: 11, dynamics: 12 });
    const otherDynamics = runRollout(small, builtinStrategy('top_down'), { organisation: 11, dynamics: 13 });
    const otherOrganisation = runRollout(small, builtinStrategy('top_down'), { organisation: 14, dynamics: 12 });
    expect(Buffer.from(base.series.buffer).equals(Buffer.from(otherDynamics.series.buffer))).toBe(false);
    expect(Buffer.from(base.series.buffer).equals(Buffer.from(otherOrganisation.series.buffer))).toBe(false);
  });
});

describe('state arrays reused from rollout to rollout (BufferPool)', () => {
  it('give the same bytes as fresh arrays, rollout after rollout, and the pool lends only zeroed arrays', () => {
    const pool = new BufferPool();
    for (const name of ['top_down', 'bottom_up', 'phased_pilot'] as const) {
      for (const seed of [1, 2, 3]) {
        const fresh = runRollout(small, builtinStrategy(name), { organisation: seed, dynamics: seed });
        const pooled = new Simulation(small, builtinStrategy(name), { organisation: seed, dynamics: seed }, undefined, { buffers: pool }).run();
        expect(Buffer.from(pooled.series.buffer).equals(Buffer.from(fresh.series.buffer)), `${name} seed ${seed}`).toBe(true);
        expect(Array.from(pooled.results())).toEqual(Array.from(fresh.results));
        pooled.release();
      }
    }
    // Reused: the second take of a given-back array is the same array, zeroed.
    const a = pool.take(Float64Array, 7);
    a.fill(3);
    pool.give(a);
    const b = pool.take(Float64Array, 7);
    expect(b).toBe(a);
    expect(Array.from(b)).toEqual(new Array(7).fill(0));
    // Arrays it did not lend are not taken in.
    const foreign = new Float64Array(7).fill(5);
    pool.give(foreign);
    expect(pool.take(Float64Array, 7)).not.toBe(foreign);
  });
});
