import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioForCommand } from '../../src/cli/scenario.ts';
import { loadScenarioTextWithWarnings } from '../../src/scenarios/load.ts';
import { formatDiagnostic } from '../../src/scenarios/errors.ts';
import { starterScenario } from '../../src/scenarios/template.ts';

/** A 500-person organisation with one custom plan of these interventions (YAML flow items, one per line). */
function warningsFor(interventions: string[], waves = '{pilot_share: 0.1, waves: 1}'): string[] {
  const text = `name: t
horizon: 52
organisation: {employees: 500, departments: 4}
strategies:
  plan:
    type: custom
    waves: ${waves}
    interventions:
${interventions.map((i) => `      - ${i}`).join('\n')}
`;
  return loadScenarioTextWithWarnings(text, 't.yaml').warnings.map(formatDiagnostic);
}

describe('warnings about plans that cannot work as written', () => {
  it('stay silent for the starter at any size and for every bundled scenario', async () => {
    for (const employees of [300, 1000, 3500, 10000]) {
      const text = starterScenario('s').replace('employees: 1000', `employees: ${employees}`);
      expect(loadScenarioTextWithWarnings(text, 's.yaml').warnings, `${employees}`).toEqual([]);
    }
    for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.yaml'))) {
      // As the commands load it (a scenario on an HR export names the file's groups).
      expect((await loadScenarioForCommand(`scenarios/${file}`)).warnings, file).toEqual([]);
    }
  });

  it('warn when people get access but nothing tells them about the platform, at the access', () => {
    expect(warningsFor(['{type: access, at: 0, target: pilot}', '{type: announcement, at: 0, target: {wave: 1}}'])).toEqual([
      't.yaml:9:9 strategies.plan.interventions[0]: the pilot get access but nothing tells them about the platform: no announcement, training or showcase reaches them, so they hear of it only by word of mouth — add e.g. {type: announcement, at: 0, target: pilot, strength: 0.6}',
    ]);
    // An announcement that waits for the pilot's own use cannot start it.
    expect(warningsFor(['{type: access, at: 0, target: pilot}', '{type: announcement, when: "pilot.active_share >= 0.3"}'])[0]).toMatch(/the pilot get access but nothing tells them/);
    // A free network spreads by word of mouth by design.
    expect(warningsFor(['{type: access, at: 0, free: true}', '{type: seed_users, at: 0, target: {enthusiasts: 0.05}}'])).toEqual([]);
  });

  it('warn about a gate on a share above 1, and on a group that never gets access', () => {
    const above = warningsFor(['{type: access, at: 0, target: pilot}', '{type: announcement, at: 0}', '{type: access, when: "pilot.active_share >= 30", target: {wave: 1}}']);
    expect(above).toEqual(['t.yaml:11:30 strategies.plan.interventions[2].when: waits for pilot.active_share >= 30, a share above 1 that is never reached — shares run from 0 to 1: did you mean 0.3?']);
    const own = warningsFor(['{type: access, at: 0, target: pilot}', '{type: announcement, at: 0}', '{type: access, when: "wave1.active_share >= 0.2", target: {wave: 1}}']);
    expect(own).toHaveLength(1);
    expect(own[0]).toContain('waits for wave1.active_share >= 0.2, but this intervention is what gives wave 1 access, so its share stays 0 and the gate never opens');
    const never = warningsFor(['{type: access, at: 0, target: pilot}', '{type: announcement, at: 0}', '{type: showcase, when: "wave1.active_share >= 0.2"}']);
    expect(never[0]).toContain('but nothing gives wave 1 access to the platform');
  });

  it('warn about training before access, and training with no access at all', () => {
    const before = warningsFor(['{type: access, at: 8, target: pilot}', '{type: announcement, at: 8, target: pilot}', '{type: training, at: 0, target: pilot, share: 0.1}']);
    expect(before).toEqual(['t.yaml:11:9 strategies.plan.interventions[2]: training of the pilot starts at week 0, before they get access (week 8): most of it is wasted — start it with their access, e.g. the same when: as the access']);
    const none = warningsFor(['{type: access, at: 0, target: pilot}', '{type: announcement, at: 0, target: pilot}', '{type: training, at: 0, target: {wave: 1}, share: 0.1}']);
    expect(none[0]).toContain('trains wave 1, who never get access in this plan');
  });

  it('warn about training too small for the group it serves when nothing else tells them, and not when it is a share of the group', () => {
    // 450 people in wave 1; 5 a week for 20 weeks trains 100.
    const small = warningsFor(['{type: access, at: 0, target: {wave: 1}}', '{type: training, at: 0, target: {wave: 1}, capacity: 5, weeks: 20}']);
    expect(small).toEqual([
      't.yaml:10:9 strategies.plan.interventions[1]: trains at most 100 people while it acts, under half of the about 450 in wave 1 — give its capacity as a share of the group instead, e.g. share: 0.1 (a tenth of them a week), so it keeps pace with the organisation\'s size',
    ]);
    expect(warningsFor(['{type: access, at: 0, target: {wave: 1}}', '{type: training, at: 0, target: {wave: 1}, share: 0.05, weeks: 20}'])).toEqual([]);
  });
});
