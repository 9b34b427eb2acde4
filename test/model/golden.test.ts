/**
 * The golden bytes: a hash of the series and results of a fixed set of
 * rollouts, for every built-in strategy and a custom plan that uses every
 * intervention type and a deadline, in two organisation sizes. Refactors of
 * the model must leave it unchanged. A commit that changes results must change
 * GOLDEN in the same commit and say why in its message.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INTERVENTION_TYPES, runRollout } from '../../src/model/index.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';

const GOLDEN = 'a25c848767b479c0c141b2f36b4bef411a403af1159e357e0a4d2022450571fe';

function scenario(employees: number): string {
  return `name: golden
horizon: 60
organisation: {employees: ${employees}, departments: 4, communities: 6}
strategies:
  top_down: {type: top_down}
  bottom_up: {type: bottom_up}
  phased_pilot: {type: phased_pilot, options: {pilot_share: 0.15, waves: 2}}
  everything:
    type: custom
    waves: {pilot_share: 0.2, waves: 1}
    interventions:
      - {type: seed_users, at: 0, target: {enthusiasts: 0.02}}
      - {type: access, at: 0, target: pilot, free: true}
      - {type: announcement, at: 0, target: pilot, strength: 0.6}
      - {type: training, at: 1, target: pilot, share: 0.1, weeks: 10}
      - {type: manager_coaching, at: 0, target: pilot, share: 1, weeks: 12}
      - {type: reverse_mentoring, at: 2, count: 5, weeks: 20}
      - {type: community_managers, at: 4, count: 2, weeks: 30}
      - {type: job_description, at: 6, relief: 0.4}
      - {type: reward_change, at: 6, competition: 0.2}
      - {type: showcase, when: "pilot.active_share >= 0.3", strength: 0.7}
      - type: access
        when: "pilot.weeks_open >= 8 and pilot.active_share >= 0.25"
        deadline: "pilot.weeks_open >= 14"
        target: {wave: 1}
      - {type: training, when: "wave1.open >= 1", target: {wave: 1}, capacity: "min(30, 3 * week)", weeks: 20}
      - {type: licences, at: 30}
      - {type: governance, at: 40, decision: restrict}
`;
}

/** SHA-256 over every rollout's raw bytes: series, results, wave openings and forced flags. */
function goldenHash(): { hash: string; rollouts: number; types: Set<string> } {
  const hash = createHash('sha256');
  let rollouts = 0;
  const types = new Set<string>();
  for (const employees of [300, 2000]) {
    const experiment = loadScenarioText(scenario(employees), 'golden.yaml');
    for (const plan of experiment.strategies) {
      for (const i of plan.interventions) types.add(i.type);
      for (const seed of [1, 2, 3]) {
        const out = runRollout(experiment.params, plan, { organisation: 1000 + seed, dynamics: 2000 + seed });
        for (const array of [out.series, Float64Array.from(out.results), out.waveOpenWeeks, out.waveForced]) {
          hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
        }
        rollouts++;
      }
    }
  }
  return { hash: hash.digest('hex'), rollouts, types };
}

describe('the golden bytes of the model', () => {
  it('are unchanged: 24 rollouts of every built-in strategy and a plan with every intervention type, in two sizes', () => {
    const { hash, rollouts, types } = goldenHash();
    expect(rollouts).toBe(24);
    expect([...INTERVENTION_TYPES].filter((t) => !types.has(t))).toEqual([]);
    expect(hash).toBe(GOLDEN);
  });
});
