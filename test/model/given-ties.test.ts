/**
 * Ties from a network file (params.organisation.ties): they replace the generated weak ties, a tie of strength s
 * counts as s contacts, and strength 1 everywhere is the unweighted network.
 */
import { describe, expect, it } from 'vitest';
import {
  ACTIVE, ParameterError, Simulation, buildOrganisation, validateParams, type GivenTies, type ModelParams, type OrganisationStructure,
} from '../../src/model/index.ts';
import { fingerprint, typedArraysAsDigests } from '../../src/fingerprint.ts';
import { accessForAll, onlyMechanisms, params } from './helpers.ts';
import { builtinStrategy } from '../../src/model/index.ts';
import { GROUP_COUNT, decisionGroup } from '../../src/model/simulation.ts';
import { readFileSync } from 'node:fs';
import { parseHrExport } from '../../src/org/hr.ts';
import { parseNetworkFile } from '../../src/org/network-file.ts';
import { layoutOf } from '../../src/org/structure.ts';
import { givenTiesOf, mergeTies } from '../../src/org/ties.ts';

/** n people, each alone in a team with no manager above: no tie but the given ones. */
function loners(n: number): OrganisationStructure {
  return { teamSizes: new Array(n).fill(1), teamDepartments: new Array(n).fill(0), parentTeams: new Array(n).fill(-1), executiveTeam: false, departmentNames: ['All'] };
}

function ties(list: [number, number, number][]): GivenTies {
  const sorted = [...list].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { from: Int32Array.from(sorted, (t) => t[0]), to: Int32Array.from(sorted, (t) => t[1]), strength: Uint8Array.from(sorted, (t) => t[2]) };
}

function on(structure: OrganisationStructure, given: GivenTies, extra: Parameters<typeof params>[0] = {}): ModelParams {
  const p = params(extra);
  const employees = structure.teamSizes.reduce((a, b) => a + b, 0);
  return { ...p, organisation: { ...p.organisation, structure, ties: given, employees, departments: structure.departmentNames.length } };
}

/** Employee i's contacts with how often each is listed. */
function contacts(org: ReturnType<typeof buildOrganisation>, i: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let e = org.network.offsets[i]!; e < org.network.offsets[i + 1]!; e++) out.set(org.network.neighbours[e]!, (out.get(org.network.neighbours[e]!) ?? 0) + 1);
  return out;
}

describe('ties from a network file', () => {
  it('replace the generated weak ties: the only ties are the given ones when nobody shares a team or a manager', () => {
    const org = buildOrganisation(on(loners(6), ties([[0, 1, 1], [1, 2, 1], [3, 5, 1]])), 1);
    expect([...contacts(org, 1)]).toEqual([[0, 1], [2, 1]]);
    expect([...contacts(org, 4)]).toEqual([]);
    expect(org.network.ties()).toBe(3);
  });

  it('keep the team ties and the management line of the HR file', () => {
    // Team 0: employees 0 (manager), 1, 2; team 1: employees 3 (manager), 4, whose manager reports to 0.
    const structure: OrganisationStructure = { teamSizes: [3, 2], teamDepartments: [0, 0], parentTeams: [-1, 0], executiveTeam: false, departmentNames: ['All'] };
    const org = buildOrganisation(on(structure, ties([[2, 4, 1]])), 1);
    expect(new Set(contacts(org, 0).keys())).toEqual(new Set([1, 2, 3]));
    expect(new Set(contacts(org, 2).keys())).toEqual(new Set([0, 1, 4]));
    expect(new Set(contacts(org, 4).keys())).toEqual(new Set([3, 2]));
    expect(org.network.ties()).toBe(3 + 1 + 1 + 1);
  });

  it('list a tie of strength 3 three times at each end, so it counts as three contacts', () => {
    const org = buildOrganisation(on(loners(3), ties([[0, 1, 3], [0, 2, 1]])), 1);
    expect(contacts(org, 0)).toEqual(new Map([[1, 3], [2, 1]]));
    expect(contacts(org, 1)).toEqual(new Map([[0, 3]]));
    expect(org.network.degree(0)).toBe(4);
    expect(org.network.ties()).toBe(2);
  });

  it('make a file tie between teammates as strong as the file says, never weaker than the team tie', () => {
    const structure: OrganisationStructure = { teamSizes: [3], teamDepartments: [0], parentTeams: [-1], executiveTeam: false, departmentNames: ['All'] };
    const org = buildOrganisation(on(structure, ties([[0, 1, 2], [1, 2, 1]])), 1);
    expect(contacts(org, 1)).toEqual(new Map([[0, 2], [2, 1]]));
  });

  it('of strength 1 everywhere give the network of the same ties without strengths', () => {
    const list: [number, number, number][] = [];
    for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) if ((i * 7 + j * 3) % 5 === 0) list.push([i, j, 1]);
    const org = buildOrganisation(on(loners(40), ties(list)), 3);
    for (let i = 0; i < 40; i++) {
      const expected = list.filter(([a, b]) => a === i || b === i).map(([a, b]) => (a === i ? b : a));
      expect([...contacts(org, i).entries()].sort((x, y) => x[0] - y[0])).toEqual(expected.sort((x, y) => x - y).map((j) => [j, 1]));
    }
  });

  it('twice as strong everywhere give the same rollout as strength 1 under imitation (shares of contacts do not change)', () => {
    // A ring of 300 with chords: i is tied to i + 1, i + 2 and i + 7 (mod 300).
    const unique: [number, number, number][] = [];
    for (let i = 0; i < 300; i++) for (const d of [1, 2, 7]) unique.push([Math.min(i, (i + d) % 300), Math.max(i, (i + d) % 300), 1]);
    const doubled = unique.map(([a, b]): [number, number, number] => [a, b, 2]);
    const extra = { weeks: 30, adoption: { externalInfluence: 0.01, imitation: 0.4 }, mechanisms: onlyMechanisms('externalInfluence', 'imitation') };
    const once = new Simulation(on(loners(300), ties(unique), extra), accessForAll, { organisation: 5, dynamics: 5 }).run();
    const twice = new Simulation(on(loners(300), ties(doubled), extra), accessForAll, { organisation: 5, dynamics: 5 }).run();
    expect(once.series.some((x) => x > 0.5)).toBe(true);
    expect(Array.from(twice.series)).toEqual(Array.from(once.series));
  });

  it('transmit more when heavier: a contact on a tie of strength s among s + 1 gives the chance q × s / (s + 1) of trying', () => {
    // Units of three: T is tied to X (strength s) and Y (strength 1); X is active, so T tries with chance q × s/(s + 1).
    const units = 3000;
    const q = 0.4;
    const tried = (s: number): number => {
      const list: [number, number, number][] = [];
      for (let u = 0; u < units; u++) list.push([3 * u, 3 * u + 1, s], [3 * u, 3 * u + 2, 1]);
      const p = on(loners(3 * units), ties(list), { weeks: 5, adoption: { imitation: q }, mechanisms: onlyMechanisms('imitation') });
      const sim = new Simulation(p, { name: 'nothing', interventions: [] }, { organisation: 9, dynamics: 9 });
      for (let i = 0; i < 3 * units; i++) sim.setAccess(i, 2);
      for (let u = 0; u < units; u++) sim.setState(3 * u + 1, ACTIVE);
      sim.step();
      let count = 0;
      for (let u = 0; u < units; u++) if (sim.state[3 * u] === ACTIVE) count++;
      return count / units;
    };
    const light = tried(1);
    const heavy = tried(3);
    for (const [share, s] of [[light, 1], [heavy, 3]] as const) {
      const expected = (q * s) / (s + 1);
      // Four binomial standard errors.
      expect(Math.abs(share - expected)).toBeLessThanOrEqual(4 * Math.sqrt((expected * (1 - expected)) / units));
    }
    expect(heavy).toBeGreaterThan(light);
  });

  it('of strength up to 3 keep the decision groups exact with every mechanism on (a contact listed three times is woken once)', () => {
    // The bundled example: 600 people, a third of their ties of strength 2 or 3. A contact woken twice once broke the week's wake list.
    const hr = parseHrExport(readFileSync('examples/hr/firm-600.csv', 'utf8'), 'hr.csv');
    const { structure, employee } = layoutOf(hr);
    const given = givenTiesOf(mergeTies(600, employee, parseNetworkFile(readFileSync('examples/hr/firm-600-network.csv', 'utf8'), 'net.csv', hr)));
    expect(given.strength.some((x) => x === 3)).toBe(true);
    const p = on(structure, given, { weeks: 104 });
    for (let seed = 0; seed < 6; seed++) {
      for (const name of ['top_down', 'bottom_up', 'phased_pilot'] as const) {
        const sim = new Simulation(p, builtinStrategy(name), { organisation: seed, dynamics: seed });
        for (let week = 1; week <= p.weeks; week++) {
          sim.step();
          if (week % 26 !== 0) continue;
          const seen = new Uint8Array(600);
          for (let g = 0; g < GROUP_COUNT; g++) {
            for (const i of sim.groupMembersOf(g)) {
              expect(decisionGroup(sim.state[i]!, sim.access[i]!)).toBe(g);
              seen[i]! += 1;
            }
          }
          expect(seen.every((c) => c === 1), `${name} seed ${seed} week ${week}`).toBe(true);
        }
      }
    }
  }, 120_000);

  it('are checked: ends inside the organisation, in order, each pair once, strengths of at least 1', () => {
    const bad: GivenTies[] = [
      ties([[0, 9, 1]]),
      { from: Int32Array.of(1), to: Int32Array.of(0), strength: Uint8Array.of(1) },
      { from: Int32Array.of(0, 0), to: Int32Array.of(1, 1), strength: Uint8Array.of(1, 1) },
      ties([[0, 1, 0]]),
      { from: Int32Array.of(0), to: Int32Array.of(1, 2), strength: Uint8Array.of(1) },
    ];
    for (const t of bad) expect(() => validateParams(on(loners(3), t))).toThrow(ParameterError);
    const p = params({});
    expect(() => validateParams({ ...p, organisation: { ...p.organisation, ties: ties([[0, 1, 1]]) } })).toThrow(/structure/);
  });

  it('enter the fingerprint by their bytes: one strength changed changes it, and a copy has the same', () => {
    const a = on(loners(3), ties([[0, 1, 1], [1, 2, 1]]));
    const b = on(loners(3), ties([[0, 1, 1], [1, 2, 2]]));
    expect(fingerprint(a)).not.toBe(fingerprint(b));
    expect(fingerprint(structuredClone(a))).toBe(fingerprint(a));
    // The JSON of an experiment (experiment.json) fingerprints as the experiment itself.
    expect(fingerprint(JSON.parse(JSON.stringify(a, typedArraysAsDigests)))).toBe(fingerprint(a));
  });
});
