import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOrganisation } from '../../src/model/organisation.ts';
import { defaultParams, validateParams } from '../../src/model/params.ts';
import { generateHrExport } from '../../src/org/generate.ts';
import { parseHrExport } from '../../src/org/hr.ts';
import { paramsWithStructure, structureOf } from '../../src/org/structure.ts';

/** A random tree: person i > 0 reports to someone before them; departments and two row orders drawn too. */
const tree = fc
  .integer({ min: 1, max: 120 })
  .chain((n) =>
    fc.record({
      parents: fc.tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: 0, max: Math.max(0, i - 1) }))),
      departments: fc.array(fc.constantFrom('Tax', 'Audit', 'Legal', 'IT'), { minLength: n, maxLength: n }),
      locations: fc.array(fc.constantFrom('Dublin', 'London', ''), { minLength: n, maxLength: n }),
      order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      order2: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
    }),
  );

type Tree = { parents: number[]; departments: string[]; locations?: string[] };

function csv(t: Tree, order: number[], withLocations = false): string {
  const id = (i: number) => `E${String(i * 37 + 1).padStart(5, '0')}`;
  const location = (i: number) => (withLocations ? `,${t.locations![i]}` : '');
  return [`ID,Boss ID,Department${withLocations ? ',Location' : ''}`, ...order.map((i) => `${id(i)},${i === 0 ? '' : id(t.parents[i]!)},${t.departments[i]}${location(i)}`)].join('\n');
}

/** What the mapping should give, worked out from the tree itself rather than from the export. */
function expected(t: Tree) {
  const n = t.parents.length;
  const reports = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) reports[t.parents[i]!]!++;
  const leads = (i: number) => i === 0 || reports[i]! > 0;
  const departmentSizes: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    // A non-manager counts in their manager's department; a manager in their own.
    const d = leads(i) ? t.departments[i]! : t.departments[t.parents[i]!]!;
    departmentSizes[d] = (departmentSizes[d] ?? 0) + 1;
  }
  return { teams: [...Array(n).keys()].filter(leads).length, departmentSizes, topTeamSize: 1 + [...Array(n).keys()].filter((i) => i > 0 && t.parents[i] === 0 && !leads(i)).length };
}

describe('structureOf: the model\'s teams from an HR export', () => {
  it('any tree: one team per manager, every person in exactly one team, the top\'s team last, departments by their managers', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const n = t.parents.length;
        const hr = parseHrExport(csv(t, t.order), 'hr.csv');
        const s = structureOf(hr);
        const want = expected(t);
        expect(s.teamSizes).toHaveLength(want.teams);
        expect(s.teamSizes.length).toBe(Math.max(1, hr.summary.managers));
        expect(s.teamSizes.reduce((a, b) => a + b, 0)).toBe(n);
        expect(s.teamSizes.every((x) => x >= 1)).toBe(true);
        expect(s.executiveTeam).toBe(true);
        expect(s.teamSizes.at(-1)).toBe(want.topTeamSize);
        expect(s.parentTeams.at(-1)).toBe(-1);
        // Every other team reports to a team, and following the line reaches the executive team.
        s.parentTeams.slice(0, -1).forEach((p, t0) => {
          let at = t0;
          for (let k = 0; k < s.teamSizes.length && at !== s.teamSizes.length - 1; k++) at = s.parentTeams[at]!;
          expect(at, `team ${t0} (parent ${p})`).toBe(s.teamSizes.length - 1);
        });
        const sizes: Record<string, number> = {};
        s.teamSizes.forEach((size, k) => (sizes[s.departmentNames[s.teamDepartments[k]!]!] = (sizes[s.departmentNames[s.teamDepartments[k]!]!] ?? 0) + size));
        expect(sizes).toEqual(want.departmentSizes);
        expect(s.departmentNames).toEqual([...s.departmentNames].sort());
      }),
      { numRuns: 150, seed: 16 },
    );
  });

  it('a permutation of the rows gives the same structure', () => {
    fc.assert(
      fc.property(tree, (t) => {
        expect(structureOf(parseHrExport(csv(t, t.order2), 'hr.csv'))).toEqual(structureOf(parseHrExport(csv(t, t.order), 'hr.csv')));
        // With each person's location too: the same run-length codes, covering everyone, in any row order.
        const located = structureOf(parseHrExport(csv(t, t.order, true), 'hr.csv'));
        expect(structureOf(parseHrExport(csv(t, t.order2, true), 'hr.csv'))).toEqual(located);
        expect(located.locations!.runs.filter((_, k) => k % 2 === 1).reduce((a, b) => a + b, 0)).toBe(t.parents.length);
        const blanks = located.locations!.runs.reduce((sum, g, k) => (k % 2 === 0 && g === -1 ? sum + located.locations!.runs[k + 1]! : sum), 0);
        expect(blanks).toBe(t.locations!.filter((l) => l === '').length);
      }),
      { numRuns: 150, seed: 61 },
    );
  });

  it('a small tree by hand: managers lead their own team only', () => {
    // 1 is the top; 2 and 3 manage (Tax, Legal); 4, 5 report to 2; 6 to 3; 7 to the top and manages nobody.
    const text = ['ID,Boss ID,Department', '1,,Board', '2,1,Tax', '3,1,Legal', '4,2,Tax', '5,2,Legal', '6,3,Legal', '7,1,Board'].join('\n');
    const s = structureOf(parseHrExport(text, 'hr.csv'));
    expect(s.departmentNames).toEqual(['Board', 'Legal', 'Tax']);
    // Legal's team (3, 6), Tax's team (2, 4, 5: 5 is counted in Tax, their manager's department), the top's (1, 7).
    expect(s.teamSizes).toEqual([2, 3, 2]);
    expect(s.teamDepartments).toEqual([1, 2, 0]);
    expect(s.parentTeams).toEqual([2, 2, -1]);
  });

  it('the bundled firm-600.csv: 600 people in 140 teams over its 6 departments, and the model builds it', () => {
    const hr = parseHrExport(readFileSync(new URL('../../examples/hr/firm-600.csv', import.meta.url), 'utf8'), 'firm-600.csv');
    const s = structureOf(hr);
    expect(s.teamSizes).toHaveLength(hr.summary.managers);
    expect(s.departmentNames).toEqual(['Advisory', 'Audit', 'Legal', 'Operations', 'Tax', 'Technology']);
    const params = paramsWithStructure(defaultParams(), s);
    expect(params.organisation.employees).toBe(600);
    const org = buildOrganisation(params, 7);
    expect(org.teams).toBe(s.teamSizes.length);
    expect(org.departments).toBe(s.departmentNames.length);
    expect(Array.from(org.teamStart.slice(1)).map((end, t) => end - org.teamStart[t]!)).toEqual(s.teamSizes);
    expect(org.teamIsExecutive[org.teams - 1]).toBe(1);
    expect(org.isManager.reduce((a, b) => a + b, 0)).toBe(s.teamSizes.length);
    // Deterministic from the seed, as a generated organisation is.
    expect(Array.from(buildOrganisation(params, 7).network.neighbours)).toEqual(Array.from(org.network.neighbours));
  });

  it('a generated export of any depth maps onto teams the model accepts', () => {
    for (const depth of [2, 3, 6]) {
      const generated = generateHrExport({ people: 300, depth, departments: ['A', 'B', 'C'], seed: depth });
      const s = structureOf(parseHrExport(generated.text, 'hr.csv'));
      expect(s.teamSizes.length).toBe(generated.expected.managers);
      expect(() => buildOrganisation(paramsWithStructure(defaultParams(), s), 1)).not.toThrow();
    }
  });

  it('a department of one person is the file\'s to have: the 2-people-per-department rule is for generated departments only', () => {
    const hr = parseHrExport('ID,Boss ID,Department\nA,,Tax\nB,A,Legal\nC,B,Legal\n', 'hr.csv');
    const params = paramsWithStructure(defaultParams(), structureOf(hr));
    expect(params.organisation).toMatchObject({ employees: 3, departments: 2 });
    expect(() => validateParams(params)).not.toThrow();
    expect(() => validateParams({ ...params, organisation: { ...params.organisation, structure: undefined } })).toThrow(/each department needs at least 2 people/);
  });
});

