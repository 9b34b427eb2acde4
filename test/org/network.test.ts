/** Network files: recognised headers, every problem at its row and column without an id, merging, weights to strengths. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOrganisation } from '../../src/model/organisation.ts';
import { defaultParams } from '../../src/model/params.ts';
import { generateHrExport } from '../../src/org/generate.ts';
import { generateNetworkExport, NETWORK_FAULTS, NETWORK_STYLES } from '../../src/org/generate-network.ts';
import { parseHrExport } from '../../src/org/hr.ts';
import { parseNetworkFile } from '../../src/org/network-file.ts';
import { layoutOf, paramsWithStructure, structureOf } from '../../src/org/structure.ts';
import { givenTiesOf, mergeTies, strengthsOf, summariseNetwork } from '../../src/org/ties.ts';
import { ScenarioError } from '../../src/scenarios/errors.ts';

const HR = ['ID,Boss ID,Department', 'E1,,Tax', 'E2,E1,Tax', 'E3,E1,Tax', 'E4,E2,Legal', 'E5,E2,Legal', 'E6,E3,Tax'].join('\n');
const hr = parseHrExport(HR, 'hr.csv');

function problemsOf(text: string, columns = {}): ScenarioError {
  try {
    parseNetworkFile(text, 'net.csv', hr, { columns });
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected problems');
}

describe('a network file', () => {
  it('is recognised by its headers: Viva Insights, the older Viva network query, Worklytics, plain edge lists, case and spacing aside', () => {
    const cases: [string, string, string, string | null][] = [
      ['PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate,Strong_tie_score', 'E1,E2,2026-11-01,0.5', 'Viva Insights', 'Strong_tie_score'],
      ['TimeInvestor_PersonId,Collaborator_PersonId,Collaboration_hours', 'E1,E2,2', 'Viva Insights', 'Collaboration_hours'],
      ['week,employeeIdSource,employeeIdTarget,weeklyCollaborationTimeSeconds,weeklyCollaborationTimeMinutes', '2026-10-19,E1,E2,120,2', 'Worklytics', 'weeklyCollaborationTimeMinutes'],
      ['Source,Target,Weight', 'E1,E2,2', 'edge list', 'Weight'],
      ['from,to', 'E1,E2', 'edge list', null],
      ['Person ID,Collaborator ID,count', 'E1,E2,2', 'edge list', 'count'],
      ['SOURCE , TARGET , WEIGHT', 'E1,E2,2', 'edge list', 'WEIGHT'],
    ];
    for (const [header, row, convention, weight] of cases) {
      const net = parseNetworkFile(`${header}\n${row}\n`, 'net.csv', hr);
      expect(net.convention, header).toBe(convention);
      expect(net.columns.weight, header).toBe(weight);
      expect([net.source[0], net.target[0]]).toEqual(['E1', 'E2'].map((id) => hr.people.findIndex((p) => p.key === hr.pseudonym(id))));
    }
  });

  it('takes a columns mapping, field by field, when the headers are something else', () => {
    const net = parseNetworkFile('Giver,Taker,Minutes Together\nE1,E2,30\n', 'net.csv', hr, { columns: { source: 'Giver', target: 'Taker', weight: 'minutes together' } });
    expect(net.convention).toBe('mapping');
    expect(net.columns).toEqual({ source: 'Giver', target: 'Taker', weight: 'Minutes Together' });
    expect(Array.from(net.weight)).toEqual([30]);
  });

  it('without a recognised column says which mapping fixes it, naming the file\'s columns', () => {
    const err = problemsOf('Giver,Taker\nE1,E2\n');
    expect(err.diagnostics.map((d) => d.path)).toEqual(['source', 'target']);
    expect(err.diagnostics[0]!.hint).toContain('network: {columns: {source: ');
    expect(err.diagnostics[0]!.hint).toContain("(the file's columns: Giver, Taker)");
  });

  it('reports an empty file, and a header with no ties', () => {
    expect(problemsOf('').diagnostics[0]!.message).toBe('the file is empty');
    expect(problemsOf('source,target\n').diagnostics.map((d) => d.message)).toEqual(['no ties after the header']);
  });

  it('reports every problem at once, each at its row and column, never printing an id', () => {
    const text = ['source,target,weight', 'E1,E2,1', 'E1,Q77,1', ',E3,1', 'E4,E4,1', 'E2,E3,lots', 'E2,E5,-2', 'E5,E6', 'ZZ9,E6,1'].join('\n');
    const err = problemsOf(text);
    const found = err.diagnostics.map((d) => [d.line, d.col, d.path, d.message]);
    expect(found).toEqual([
      [3, 4, 'target', 'the target id is not the id of anyone in the HR file (hr.csv)'],
      [4, 1, 'source', 'the source id is blank'],
      [5, 4, 'target', 'the tie goes from a person to themselves'],
      [6, 7, 'weight', 'the weight is not a number'],
      [7, 7, 'weight', 'the weight is negative'],
      [8, 1, '', 'this line has 2 fields but the header has 3 columns'],
      [9, 1, 'source', 'the source id is not the id of anyone in the HR file (hr.csv)'],
    ]);
    expect(err.lines().join('\n')).not.toMatch(/Q77|ZZ9/);
  });

  it('whose ids are all unknown says so first: the two files must name people alike', () => {
    const err = problemsOf('source,target\ne1,e2\ne2,e3\n');
    expect(err.diagnostics[0]!.message).toBe('none of the ids in this file is an id of the HR file (hr.csv)');
    expect(err.diagnostics[0]!.line).toBe(1);
  });

  it('lists the first 20 problems of a kind and counts the rest in one line', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `E1,X${i}`);
    const err = problemsOf(['source,target', 'E1,E2', ...rows].join('\n'));
    expect(err.diagnostics).toHaveLength(21);
    expect(err.diagnostics[20]!.message).toBe('and 30 more lines with an id the HR file does not have');
  });

  it('reports every planted fault of a generated file at its row and column, in every convention', () => {
    const people = generateHrExport({ people: 300, depth: 4, departments: ['Tax', 'Audit', 'Legal'], seed: 3, style: 'email' });
    const company = parseHrExport(people.text, 'hr.csv');
    for (const style of NETWORK_STYLES) {
      const net = generateNetworkExport({ hr: people.text, seed: 4, style, faults: Object.fromEntries(NETWORK_FAULTS.map((f) => [f, 2])) });
      let err: ScenarioError | undefined;
      try {
        parseNetworkFile(net.text, 'net.csv', company);
      } catch (e) {
        err = e as ScenarioError;
      }
      expect(err, style).toBeInstanceOf(ScenarioError);
      const at = new Set(err!.diagnostics.map((d) => `${d.line} ${d.path}`));
      for (const f of net.faults) expect(at.has(`${f.line} ${f.column}`), `${style} ${f.kind} at line ${f.line}`).toBe(true);
      expect(err!.diagnostics).toHaveLength(net.faults.length);
      const text = err!.lines().join('\n');
      for (const id of people.ids.slice(0, 50)) expect(text).not.toContain(id);
    }
  });
});

describe('ties from a network file', () => {
  const { structure, employee } = layoutOf(hr);

  it('are placed where the model puts each person: managers first in their teams', () => {
    const org = buildOrganisation(paramsWithStructure(defaultParams(), structure), 1);
    expect(structure).toEqual(structureOf(hr));
    hr.people.forEach((p, i) => {
      const e = employee[i]!;
      const t = org.team[e]!;
      // A manager leads their team (its first member); anyone else is in their manager's team.
      if (structure.teamSizes.length > 0 && org.teamStart[t] === e) expect(hr.people.some((q) => q.manager === i) || p.manager < 0).toBe(true);
      else expect(org.teamStart[org.team[employee[p.manager]!]!]).toBe(employee[p.manager]!);
    });
    expect(new Set(employee).size).toBe(hr.people.length);
  });

  it('merge both directions and repeated rows of a pair into one tie, summing the weights', () => {
    const net = parseNetworkFile('source,target,weight\nE1,E2,2\nE2,E1,3\nE1,E2,1\nE4,E5,1\n', 'net.csv', hr);
    const merged = mergeTies(6, employee, net);
    expect(merged.a.length).toBe(2);
    expect(merged.repeats).toBe(2);
    const k = Array.from(merged.a).findIndex((a, j) => new Set([a, merged.b[j]]).has(employee[0]!));
    expect(merged.weight[k]).toBe(6);
    for (let j = 0; j < merged.a.length; j++) expect(merged.a[j]!).toBeLessThan(merged.b[j]!);
  });

  it('get strength round(weight / median weight), at least 1 and at most max_strength', () => {
    expect(Array.from(strengthsOf(Float64Array.of(1, 2, 2, 4, 9, 0.4, 0), 3))).toEqual([1, 1, 1, 2, 3, 1, 1]);
    expect(Array.from(strengthsOf(Float64Array.of(10, 10, 30, 50), 10))).toEqual([1, 1, 2, 3]);
  });

  it('all of equal weight, or without weights, are the unweighted network: strength 1 everywhere', () => {
    expect(Array.from(strengthsOf(Float64Array.of(5, 5, 5, 5)))).toEqual([1, 1, 1, 1]);
    expect(Array.from(strengthsOf(Float64Array.of(0, 0)))).toEqual([1, 1]);
    const net = parseNetworkFile('from,to\nE1,E2\nE2,E1\nE3,E6\nE6,E3\n', 'net.csv', hr);
    expect(Array.from(givenTiesOf(mergeTies(6, employee, net)).strength)).toEqual([1, 1]);
  });

  it('are summarised in counts: ties, contacts, components, within and across teams and departments', () => {
    const net = parseNetworkFile('source,target,weight\nE1,E2,2\nE2,E1,2\nE4,E5,4\nE2,E4,1\n', 'net.csv', hr);
    const s = summariseNetwork(mergeTies(6, employee, net), net.source.length, structure, true);
    expect(s).toMatchObject({ rows: 4, ties: 3, repeats: 1, people: 6, without_ties: 2, components: 1, largest_component: 4, contacts: { mean: 1, median: 1, max: 2 } });
    // E1-E2: E2 leads a team and reports to E1, so they are in different teams of Tax; E4-E5 share E2's team... in Legal.
    expect(s.within_team + s.within_department + s.across_departments).toBe(3);
    expect(s.strengths.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('of the bundled example link every row to the bundled HR export', () => {
    const company = parseHrExport(readFileSync('examples/hr/firm-600.csv', 'utf8'), 'firm-600.csv');
    const net = parseNetworkFile(readFileSync('examples/hr/firm-600-network.csv', 'utf8'), 'firm-600-network.csv', company);
    const l = layoutOf(company);
    const s = summariseNetwork(mergeTies(600, l.employee, net), net.source.length, l.structure, true);
    expect(s.ties).toBeGreaterThan(3000);
    expect(s.repeats).toBe(s.ties);
    expect(s.without_ties).toBe(0);
  });

  it('are the same bytes for any order of the rows and either direction of each (a property)', () => {
    const rows = fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0, max: 100, noNaN: true })), { minLength: 1, maxLength: 30 })
      .map((list) => list.filter(([a, b]) => a !== b))
      .filter((list) => list.length > 0);
    fc.assert(fc.property(rows, fc.infiniteStream(fc.boolean()), fc.nat(), (list, flips, shift) => {
      const csv = (l: [number, number, number][]) => ['source,target,weight', ...l.map(([a, b, w]) => `E${a},E${b},${w}`)].join('\n');
      const flipped = list.map(([a, b, w]): [number, number, number] => (flips.next().value ? [b, a, w] : [a, b, w]));
      const rotated = [...flipped.slice(shift % flipped.length), ...flipped.slice(0, shift % flipped.length)].reverse();
      const one = givenTiesOf(mergeTies(6, employee, parseNetworkFile(csv(list), 'a.csv', hr)));
      const two = givenTiesOf(mergeTies(6, employee, parseNetworkFile(csv(rotated), 'b.csv', hr)));
      expect(Buffer.from(two.from.buffer)).toEqual(Buffer.from(one.from.buffer));
      expect(Buffer.from(two.to.buffer)).toEqual(Buffer.from(one.to.buffer));
      expect(Buffer.from(two.strength.buffer)).toEqual(Buffer.from(one.strength.buffer));
    }), { numRuns: 200, seed: 41 });
  });
});
