/** The organisation builder: structure, participation inequality, silos, determinism, and parameter errors. */
import { describe, expect, it } from 'vitest';
import {
  PRODUCER, ParameterError, buildOrganisation, organisationBytes, validateParams, withDefaults, defaultParams, PARAMETER_SPECS,
} from '../../src/model/index.ts';

/** Gini coefficient of non-negative values. */
function gini(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const n = sorted.length;
  let weighted = 0;
  let total = 0;
  sorted.forEach((x, i) => {
    weighted += (i + 1) * x;
    total += x;
  });
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

describe('the organisation', () => {
  const params = withDefaults({});
  const org = buildOrganisation(params, 42);

  it('puts every employee in exactly one team of one department, each team led by its first member', () => {
    expect(org.teamStart[org.teams]).toBe(org.employees);
    let managers = 0;
    for (let t = 0; t < org.teams; t++) {
      expect(org.isManager[org.teamStart[t]!]).toBe(1);
      for (let i = org.teamStart[t]!; i < org.teamStart[t + 1]!; i++) expect(org.team[i]).toBe(t);
      managers++;
    }
    expect(org.isManager.reduce((s, x) => s + x, 0)).toBe(managers);
    expect(Array.from(org.departmentSize).reduce((s, x) => s + x, 0)).toBe(org.employees);
    const meanTeam = org.employees / org.teams;
    expect(meanTeam).toBeGreaterThan(params.organisation.teamSize * 0.75);
    expect(meanTeam).toBeLessThan(params.organisation.teamSize * 1.25);
  });

  it('has heterogeneous degrees: the best-connected tenth has well above the median degree', () => {
    const degrees = Array.from({ length: org.employees }, (_, i) => org.network.degree(i)).sort((a, b) => a - b);
    const median = degrees[Math.floor(degrees.length / 2)]!;
    const p90 = degrees[Math.floor(degrees.length * 0.9)]!;
    expect(p90).toBeGreaterThan(median * 1.3);
  });

  it('has about 10% producers by default, and content concentrated in a few (Gini above 0.8)', () => {
    const producers = org.role.reduce((s, r) => s + (r === PRODUCER ? 1 : 0), 0);
    expect(producers).toBe(Math.round(0.1 * org.employees));
    const g = gini(org.production);
    const sorted = Array.from(org.production).sort((a, b) => b - a);
    const total = sorted.reduce((s, x) => s + x, 0);
    const topTenth = sorted.slice(0, org.employees / 10).reduce((s, x) => s + x, 0) / total;
    const topHundredth = sorted.slice(0, org.employees / 100).reduce((s, x) => s + x, 0) / total;
    // The figures the ODD description quotes (docs/model.md, "Participation inequality").
    console.info(`content concentration: Gini ${g.toFixed(2)}, top 10% produce ${(100 * topTenth).toFixed(0)}%, top 1% produce ${(100 * topHundredth).toFixed(0)}%`);
    expect(g).toBeGreaterThan(0.8);
    expect(topTenth).toBeGreaterThan(0.75);
    expect(topHundredth).toBeGreaterThan(0.15);
  });

  it('shows that 10% is very few people in a small organisation: 30 employees have 3 producers', () => {
    const tiny = buildOrganisation(withDefaults({ organisation: { employees: 30, departments: 2, teamSize: 5 } }), 1);
    expect(tiny.role.reduce((s, r) => s + (r === PRODUCER ? 1 : 0), 0)).toBe(3);
  });

  it('sends fewer weak ties across departments as silos strengthen', () => {
    const crossShare = (silo: number) => {
      const o = buildOrganisation(withDefaults({ organisation: { siloStrength: silo } }), 42);
      let cross = 0;
      for (let i = 0; i < o.employees; i++) {
        for (let e = o.network.offsets[i]!; e < o.network.offsets[i + 1]!; e++) if (o.department[o.network.neighbours[e]!] !== o.department[i]) cross++;
      }
      return cross / o.network.neighbours.length;
    };
    const open = crossShare(0);
    const mid = crossShare(0.5);
    const closed = crossShare(1);
    expect(open).toBeGreaterThan(mid);
    expect(mid).toBeGreaterThan(closed);
    // With full silos only the management line (team managers to department heads of department 0's chief) crosses.
    expect(closed).toBeLessThan(0.02);
  });

  it('builds communities whose members cut across departments', () => {
    expect(org.communities).toBe(params.organisation.communities);
    let mixed = 0;
    for (let c = 0; c < org.communities; c++) if (org.communityMixing[c]! > 0.5) mixed++;
    expect(mixed).toBeGreaterThan(org.communities / 2);
  });

  it('is deterministic from its seed', () => {
    const again = buildOrganisation(params, 42);
    expect(Buffer.from(again.network.neighbours.buffer).equals(Buffer.from(org.network.neighbours.buffer))).toBe(true);
    expect(Buffer.from(again.production.buffer).equals(Buffer.from(org.production.buffer))).toBe(true);
    const other = buildOrganisation(params, 43);
    expect(Buffer.from(other.network.neighbours.buffer).equals(Buffer.from(org.network.neighbours.buffer))).toBe(false);
  });

  it('keeps a 100,000-employee organisation well under 100 MB of state', () => {
    const big = buildOrganisation(withDefaults({ organisation: { employees: 100_000, departments: 20 } }), 1);
    expect(organisationBytes(big)).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('parameter validation', () => {
  it('accepts the defaults', () => {
    expect(() => validateParams(defaultParams())).not.toThrow();
  });

  it('names the parameter and the allowed range', () => {
    const bad = withDefaults({ organisation: { siloStrength: 1.4 } });
    expect(() => validateParams(bad)).toThrow(ParameterError);
    expect(() => validateParams(bad)).toThrow('organisation.siloStrength: expected a number between 0 and 1, got 1.4');
  });

  it('rejects fractional counts and impossible combinations', () => {
    expect(() => validateParams(withDefaults({ organisation: { employees: 100.5 } }))).toThrow(/organisation\.employees: expected a whole number/);
    expect(() => validateParams(withDefaults({ population: { producerShare: 0.6, contributorShare: 0.6 } }))).toThrow(/producerShare \+ contributorShare/);
    expect(() => validateParams(withDefaults({ organisation: { employees: 10, departments: 8 } }))).toThrow(/organisation\.departments/);
  });

  it('gives every parameter a description, a source and a default inside its range', () => {
    for (const spec of PARAMETER_SPECS) {
      expect(spec.description.length, spec.path).toBeGreaterThan(10);
      expect(spec.source.length, spec.path).toBeGreaterThan(2);
      expect(spec.default).toBeGreaterThanOrEqual(spec.min);
      expect(spec.default).toBeLessThanOrEqual(spec.max);
    }
  });
});

describe('the alias table behind weak ties', () => {
  it('draws each index in proportion to its weight, over everyone or a subset', async () => {
    const { AliasTable } = await import('../../src/model/network.ts');
    const { Xor4096 } = await import('../../src/model/index.ts');
    const weight = Float64Array.from([1, 2, 3, 4, 0, 10]);
    const rng = new Xor4096(3);
    const draws = 200_000;
    for (const subset of [null, [5, 0, 2]]) {
      const table = new AliasTable(weight, subset);
      const size = subset ? subset.length : weight.length;
      const counts = new Array(size).fill(0);
      for (let k = 0; k < draws; k++) counts[table.sample(rng.next())]++;
      const total = (subset ?? Array.from(weight.keys())).reduce((s, i) => s + weight[i]!, 0);
      counts.forEach((c, k) => {
        const p = weight[subset ? subset[k]! : k]! / total;
        // Four binomial standard deviations.
        expect(Math.abs(c / draws - p)).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / draws) + 1e-12);
      });
    }
  });
});
