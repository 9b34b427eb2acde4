/**
 * Groups by name from an HR export: each employee's location and level reach the model in its employee order, and
 * pilots, waves and targets by department, location or level reach exactly the people they name.
 */
import { describe, expect, it } from 'vitest';
import { buildOrganisation, type Organisation } from '../../src/model/organisation.ts';
import { defaultParams } from '../../src/model/params.ts';
import type { GroupTarget, WavePlan } from '../../src/model/plan.ts';
import { createRandom } from '../../src/model/rng.ts';
import { groupMembers } from '../../src/model/select.ts';
import { assignWaves } from '../../src/model/waves.ts';
import { generateHrExport } from '../../src/org/generate.ts';
import { parseHrExport } from '../../src/org/hr.ts';
import { paramsWithStructure, structureOf } from '../../src/org/structure.ts';

const generated = generateHrExport({ people: 400, depth: 4, departments: ['Tax', 'Legal', 'Audit', 'Advisory'], seed: 12, style: 'viva' });
const hr = parseHrExport(generated.text, 'hr.csv');
const structure = structureOf(hr);
const org = buildOrganisation(paramsWithStructure(defaultParams(), structure), 7);
const locations = structure.locations!.names;
const levels = structure.levels!.names;
const departments = structure.departmentNames;

/** Employees (model indices) for whom `test` holds. */
function where(test: (i: number) => boolean): number[] {
  return Array.from({ length: org.employees }, (_, i) => i).filter(test);
}

const dept = (name: string) => departments.indexOf(name);
const loc = (name: string) => locations.indexOf(name);
const executive = (o: Organisation, i: number) => o.teamIsExecutive[o.team[i]!] === 1;

describe('locations and levels from an HR export', () => {
  it('every employee carries the location and level of a person of the file: the counts by department and location, and by level, are the file\'s', () => {
    expect(org.location).toBeDefined();
    expect(org.level).toBeDefined();
    // The model's department of a person who leads no team is their manager's (the team's), as structureOf lays it out.
    const leads = new Set(hr.people.map((p) => p.manager).filter((m) => m >= 0));
    leads.add(hr.people.findIndex((p) => p.manager < 0));
    const fileCounts = new Map<string, number>();
    const fileLevels = new Map<string, number>();
    hr.people.forEach((p, i) => {
      const d = leads.has(i) ? p.department : hr.people[p.manager]!.department;
      const key = `${d}|${p.location}`;
      fileCounts.set(key, (fileCounts.get(key) ?? 0) + 1);
      fileLevels.set(p.level!, (fileLevels.get(p.level!) ?? 0) + 1);
    });
    const modelCounts = new Map<string, number>();
    const modelLevels = new Map<string, number>();
    for (let i = 0; i < org.employees; i++) {
      const key = `${departments[org.department[i]!]}|${locations[org.location![i]!]}`;
      modelCounts.set(key, (modelCounts.get(key) ?? 0) + 1);
      modelLevels.set(levels[org.level![i]!]!, (modelLevels.get(levels[org.level![i]!]!) ?? 0) + 1);
    }
    expect(modelCounts).toEqual(fileCounts);
    expect(modelLevels).toEqual(fileLevels);
    // Run-length coding keeps it small: far fewer numbers than people.
    expect(structure.locations!.runs.length).toBeLessThan(2 * org.employees);
    expect(structure.locations!.runs.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0)).toBe(org.employees);
  });

  it('each team\'s manager is the person of the file who leads it: the team\'s first employee has the level of a manager', () => {
    // Every person who leads a team is at a level above the bottom one in the generator; reports may be at any.
    const bottom = levels.indexOf('Senior');
    for (let t = 0; t < org.teams; t++) {
      if (org.teamStart[t + 1]! - org.teamStart[t]! > 1) expect(org.level![org.teamStart[t]!]).not.toBe(bottom);
    }
  });

  it('a target by location or level reaches exactly the people there, and an organisation without them reaches nobody', () => {
    const dublin = loc('Dublin');
    expect([...groupMembers(org, { kind: 'locations', locations: [dublin] })]).toEqual(where((i) => org.location![i] === dublin));
    const two = [0, levels.length - 1];
    expect([...groupMembers(org, { kind: 'levels', levels: two })]).toEqual(where((i) => two.includes(org.level![i]!)));
    expect([...groupMembers(org, { kind: 'departments', departments: [dept('Tax')] })]).toEqual(where((i) => org.department[i] === dept('Tax')));
    const generatedOrg = buildOrganisation(defaultParams(), 1);
    expect(groupMembers(generatedOrg, { kind: 'locations', locations: [0] })).toHaveLength(0);
  });
});

describe('waves by name', () => {
  const plan = (named: { pilot: GroupTarget; waves: GroupTarget[] }, waves = named.waves.length): WavePlan => ({ pilotShare: 0.1, selection: 'volunteers', waves, named });

  it('the pilot is its departments and the executive team; each later person joins the first wave naming them; the rest join the last', () => {
    const pilot: GroupTarget = { kind: 'departments', departments: [dept('Tax'), dept('Legal')] };
    const later: GroupTarget[] = [{ kind: 'departments', departments: [dept('Audit')] }, { kind: 'locations', locations: [loc('Dublin')] }];
    const wave = assignWaves(org, plan({ pilot, waves: later }), createRandom(3));
    for (let i = 0; i < org.employees; i++) {
      const d = org.department[i]!;
      const expected = executive(org, i) || d === dept('Tax') || d === dept('Legal') ? 0 : d === dept('Audit') ? 1 : 2;
      expect(wave[i]).toBe(expected);
    }
    // Dublin people of Advisory are in wave 2 like everyone left; those of the pilot stay in the pilot.
    expect(where((i) => org.location![i] === loc('Dublin') && wave[i] === 0).length).toBeGreaterThan(0);
    // Names, not draws: the same waves whatever the seed.
    expect([...assignWaves(org, plan({ pilot, waves: later }), createRandom(99))]).toEqual([...wave]);
  });

  it('a pilot named alone: its people and the executive team; the teams it leaves untouched are dealt whole into the waves', () => {
    const pilot: GroupTarget = { kind: 'locations', locations: [loc('London')] };
    const wave = assignWaves(org, plan({ pilot, waves: [] }, 2), createRandom(5));
    for (let i = 0; i < org.employees; i++) {
      const inPilot = executive(org, i) || org.location![i] === loc('London');
      expect(wave[i] === 0).toBe(inPilot);
      expect(wave[i]).toBeGreaterThanOrEqual(0);
      expect(wave[i]).toBeLessThanOrEqual(2);
    }
    // A team with nobody in London moves as a whole, into wave 1 or 2.
    let wholeTeams = 0;
    for (let t = 0; t < org.teams; t++) {
      const members = where((i) => org.team[i] === t);
      if (members.some((i) => wave[i] === 0)) continue;
      expect(new Set(members.map((i) => wave[i])).size).toBe(1);
      wholeTeams++;
    }
    expect(wholeTeams).toBeGreaterThan(0);
    expect(where((i) => wave[i] === 1).length).toBeGreaterThan(0);
    expect(where((i) => wave[i] === 2).length).toBeGreaterThan(0);
  });
});
