/** PRIM: a planted box is found with stable restrictions, peeling keeps its books, pasting only raises density, covering finds two regions, noise gives no box, results are seeded, and boxes read in plain words. */
import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  chooseBox,
  describeBox,
  inBox,
  paste,
  peel,
  prim,
  type PrimBox,
  trajectoryTable,
  type TrajectoryStep,
} from '../../src/explore/prim.ts';
import { createRandom } from '../../src/model/rng.ts';

const NAMES = ['x0', 'x1', 'x2', 'x3', 'x4'];

/** n uniform points in [0,1]^k; y = 1 with probability pIn inside `region`, pOut outside. */
function planted(seed: number, n: number, k: number, region: (row: Float64Array) => boolean, pIn: number, pOut: number) {
  const random = createRandom(seed);
  const x = new Float64Array(n * k);
  const y = new Uint8Array(n);
  const inside = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) x[i * k + j] = random();
    inside[i] = region(x.subarray(i * k, i * k + k)) ? 1 : 0;
    y[i] = random() < (inside[i] ? pIn : pOut) ? 1 : 0;
  }
  return { x, y, inside };
}

const boxA = (r: Float64Array): boolean => r[0]! < 0.3 && r[2]! > 0.6;

function bounds(box: PrimBox): Record<string, [number, number]> {
  return Object.fromEntries(box.restrictions.map((r) => [r.name, [r.lower, r.upper]]));
}

describe('PRIM on a planted box', () => {
  // 2,000 points in [0,1]^5; y ~ 0.9 inside x0 < 0.3 and x2 > 0.6 (12% of the space), 0.1 outside.
  const { x, y, inside } = planted(2, 2000, 5, boxA, 0.9, 0.1);
  const result = prim(x, NAMES, y, { seed: 7, maxBoxes: 1 });
  const box = result.boxes[0]!;

  it('restricts exactly x0 from above near 0.3 and x2 from below near 0.6', () => {
    expect(result.boxes).toHaveLength(1);
    expect(box.restrictions.map((r) => r.name)).toEqual(['x0', 'x2']);
    const b = bounds(box);
    // Near the edge the box holds ~260 rows; one 5% peel (13 rows) moves a bound by
    // about 0.3 · 13/260 = 0.015 in x0 (0.4 · 13/260 = 0.02 in x2): 0.05 is under three peels.
    expect(b.x0![0]).toBe(-Infinity);
    expect(Math.abs(b.x0![1] - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(b.x2![0] - 0.6)).toBeLessThan(0.05);
    expect(b.x2![1]).toBe(Infinity);
  });

  it('has density near 0.9 and coverage near the planted share of the cases', () => {
    // Density: ±3 binomial SEs at 0.9 over ~250 rows is ±0.057.
    expect(Math.abs(box.density - 0.9)).toBeLessThan(0.06);
    let cases = 0;
    let plantedCases = 0;
    for (let i = 0; i < y.length; i++) {
      cases += y[i]!;
      plantedCases += y[i]! & inside[i]!;
    }
    // Coverage: a bound off by up to three peels moves ~3 · 12 cases of ~390: ±0.1.
    expect(Math.abs(box.coverage - plantedCases / cases)).toBeLessThan(0.1);
    expect(box.beatsBaseRate).toBe(true);
    expect(box.pValue).toBeCloseTo(0.05, 10);
    for (const r of box.restrictions) expect(r.quasiP).toBeLessThan(1e-20);
  });

  it('finds x0 and x2 in nearly every bootstrap box and the other inputs rarely', () => {
    const s = Object.fromEntries(box.stability.map((t) => [t.name, t]));
    for (const r of box.restrictions) expect(r.stability).toBeGreaterThanOrEqual(0.9);
    expect(s.x0!.upper).toBeGreaterThanOrEqual(0.9);
    expect(s.x2!.lower).toBeGreaterThanOrEqual(0.9);
    for (const name of ['x1', 'x3', 'x4']) expect(s[name]!.any).toBeLessThanOrEqual(0.2);
    // The bootstrap interval of each bound holds the planted edge.
    const r0 = box.restrictions.find((r) => r.name === 'x0')!;
    const r2 = box.restrictions.find((r) => r.name === 'x2')!;
    expect(r0.upperInterval![0]).toBeLessThan(0.3);
    expect(r0.upperInterval![1]).toBeGreaterThan(0.28);
    expect(r2.lowerInterval![0]).toBeLessThan(0.62);
    expect(r2.lowerInterval![1]).toBeGreaterThan(0.6);
  });
});

describe('pruning by quasi-p-value', () => {
  it('drops the noise restrictions of a box taken deep inside the region, and keeps the real ones', () => {
    const { x, y } = planted(2, 2000, 5, boxA, 0.9, 0.1);
    const rule = { kind: 'index', index: 52 } as const;
    const all = prim(x, NAMES, y, { seed: 7, maxBoxes: 1, bootstrap: 0, rule, pruneAbove: 1 }).boxes[0]!;
    const pruned = prim(x, NAMES, y, { seed: 7, maxBoxes: 1, bootstrap: 0, rule }).boxes[0]!;
    expect(all.restrictions.some((r) => r.quasiP > 0.05)).toBe(true);
    expect(pruned.restrictions.length).toBeLessThan(all.restrictions.length);
    expect(pruned.restrictions.every((r) => r.quasiP <= 0.05)).toBe(true);
    expect(pruned.restrictions.map((r) => r.name)).toEqual(expect.arrayContaining(['x0', 'x2']));
  });
});

describe('input checks', () => {
  it('refuses non-finite inputs, non-0/1 cases and mismatched shapes', () => {
    const y = new Uint8Array([0, 1]);
    expect(() => prim(new Float64Array([0, Number.NaN]), ['a'], y)).toThrow(/finite/);
    expect(() => prim(new Float64Array([0, Infinity]), ['a'], y)).toThrow(/finite/);
    expect(() => prim(new Float64Array([0, 1]), ['a'], new Uint8Array([0, 2]))).toThrow(/0 or 1/);
    expect(() => prim(new Float64Array([0, 1, 2]), ['a'], y)).toThrow(/rows/);
  });
});

describe('peeling trajectory', () => {
  const { x, y } = planted(3, 1500, 5, boxA, 0.8, 0.15);
  const n = 1500;
  const alpha = 0.05;
  const minMass = 0.05;
  const t = peel(x, 5, y, { alpha, minMass });

  it('shrinks by at least α each step, never gains coverage, and stops at minMass', () => {
    expect(t.length).toBeGreaterThan(20);
    expect(t[0]!.rows).toBe(n);
    expect(t[0]!.restricted).toBe(0);
    const minRows = Math.ceil(minMass * n);
    for (let s = 1; s < t.length; s++) {
      expect(t[s]!.rows).toBeLessThanOrEqual(t[s - 1]!.rows - Math.ceil(alpha * t[s - 1]!.rows));
      expect(t[s]!.mass).toBeLessThan(t[s - 1]!.mass);
      expect(t[s]!.coverage).toBeLessThanOrEqual(t[s - 1]!.coverage);
      expect(t[s]!.rows).toBeGreaterThanOrEqual(minRows);
    }
    // Continuous inputs: the next peel would drop exactly ceil(α · rows) and go below minMass.
    const last = t[t.length - 1]!;
    expect(last.rows - Math.ceil(alpha * last.rows)).toBeLessThan(minRows);
  });

  it('reports rows, cases, coverage, density and restrictions that brute force confirms', () => {
    let total = 0;
    for (let i = 0; i < n; i++) total += y[i]!;
    for (const s of t) {
      let rows = 0;
      let cases = 0;
      for (let i = 0; i < n; i++) {
        if (inBox(x, 5, i, s.lower, s.upper)) {
          rows++;
          cases += y[i]!;
        }
      }
      expect(s.rows).toBe(rows);
      expect(s.cases).toBe(cases);
      expect(s.mass).toBe(rows / n);
      expect(s.coverage).toBe(cases / total);
      expect(s.density).toBe(cases / rows);
      let restricted = 0;
      for (let j = 0; j < 5; j++) if (s.lower[j] !== -Infinity || s.upper[j] !== Infinity) restricted++;
      expect(s.restricted).toBe(restricted);
    }
  });

  it('takes each step as the peel with the highest density left (checked against every candidate)', () => {
    for (let s = 1; s < Math.min(t.length, 8); s++) {
      const prev = t[s - 1]!;
      const need = Math.ceil(alpha * prev.rows);
      let best = -1;
      for (let j = 0; j < 5; j++) {
        const values: number[] = [];
        for (let i = 0; i < n; i++) if (inBox(x, 5, i, prev.lower, prev.upper)) values.push(x[i * 5 + j]!);
        values.sort((a, b) => a - b);
        for (const [lo, hi] of [
          [values[need]!, Infinity],
          [-Infinity, values[values.length - 1 - need]!],
        ] as const) {
          let rows = 0;
          let cases = 0;
          for (let i = 0; i < n; i++) {
            const v = x[i * 5 + j]!;
            if (inBox(x, 5, i, prev.lower, prev.upper) && v >= lo && v <= hi) {
              rows++;
              cases += y[i]!;
            }
          }
          best = Math.max(best, cases / rows);
        }
      }
      expect(t[s]!.density).toBe(best);
    }
  });
});

describe('choosing a box', () => {
  const step = (coverage: number, density: number, rows: number): TrajectoryStep => ({
    step: 0,
    lower: new Float64Array(1),
    upper: new Float64Array(1),
    rows,
    cases: Math.round(density * rows),
    mass: rows / 1000,
    coverage,
    density,
    restricted: 1,
  });
  // Density climbs steeply to step 3, then slowly while coverage falls away.
  const t = [step(1, 0.2, 1000), step(0.95, 0.35, 540), step(0.9, 0.55, 330), step(0.85, 0.8, 210), step(0.6, 0.82, 150), step(0.35, 0.84, 85), step(0.2, 0.86, 46)];

  it('takes the knee by default', () => {
    expect(chooseBox(t)).toBe(3);
  });

  it('honours the other rules', () => {
    expect(chooseBox(t, { kind: 'coverage', minCoverage: 0.5, oneStandardError: false })).toBe(4);
    // SE at step 4: sqrt(0.82 · 0.18 / 150) = 0.031, so step 3 (0.80) is within it.
    expect(chooseBox(t, { kind: 'coverage', minCoverage: 0.5 })).toBe(3);
    expect(chooseBox(t, { kind: 'density', minDensity: 0.5 })).toBe(2);
    expect(chooseBox(t, { kind: 'density', minDensity: 0.99 })).toBe(6);
    expect(chooseBox(t, { kind: 'index', index: 99 })).toBe(6);
    expect(chooseBox(t, { kind: 'balanced' })).toBe(3);
  });
});

describe('pasting', () => {
  it('never lowers density, from any box of a trajectory', () => {
    const { x, y } = planted(4, 1200, 5, boxA, 0.85, 0.1);
    const t = peel(x, 5, y);
    let widened = 0;
    for (const s of t) {
      const p = paste(x, 5, y, s, 0.05);
      expect(p.density).toBeGreaterThanOrEqual(s.density);
      if (p.rows > s.rows) widened++;
    }
    // Peeling is greedy, so some boxes on the way can be widened with profit.
    expect(widened).toBeGreaterThan(0);
  });

  it('widens a bound while the rows beyond it are cases, and stops at the first non-cases', () => {
    // x0 = i/100; y = 1 on rows 0..39 except rows 0, 5, …, 25 (24 of the first 30); x1 is noise.
    const n = 100;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    const random = createRandom(11);
    for (let i = 0; i < n; i++) {
      x[i * 2] = i / 100;
      x[i * 2 + 1] = random();
      y[i] = i < 40 && !(i < 30 && i % 5 === 0) ? 1 : 0;
    }
    const box = { lower: new Float64Array([-Infinity, -Infinity]), upper: new Float64Array([0.295, Infinity]) };
    const p = paste(x, 2, y, box, 0.05);
    // Each paste takes ceil(0.05 · rows) = 2 rows: 30 → 32 → … → 40, all cases; rows 40, 41 are not.
    expect(p.rows).toBe(40);
    expect(p.cases).toBe(34);
    expect(p.upper[0]).toBeCloseTo(0.395, 12);
    expect(p.lower[0]).toBe(-Infinity);
    expect(p.upper[1]).toBe(Infinity);
  });
});

describe('covering', () => {
  it('finds two planted regions as box 1 and box 2, each with its coverage of the original cases', () => {
    const region2 = (r: Float64Array): boolean => r[0]! > 0.7 && r[1]! > 0.7;
    const { x, y } = planted(2, 3000, 5, (r) => boxA(r) || region2(r), 0.9, 0.05);
    const result = prim(x, NAMES, y, { seed: 3, maxBoxes: 3, bootstrap: 10 });
    expect(result.boxes).toHaveLength(2);
    expect(result.stopReason).toBe('noSignal');
    const [b1, b2] = result.boxes as [PrimBox, PrimBox];
    expect(Object.keys(bounds(b1))).toEqual(['x0', 'x2']);
    expect(bounds(b1).x0![1]).toBeCloseTo(0.3, 1);
    expect(bounds(b1).x2![0]).toBeCloseTo(0.6, 1);
    expect(Object.keys(bounds(b2))).toEqual(['x0', 'x1']);
    expect(bounds(b2).x0![0]).toBeCloseTo(0.7, 1);
    expect(bounds(b2).x1![0]).toBeCloseTo(0.7, 1);
    // Brute force: box 2's coverage counts its own rows outside box 1, over ALL cases.
    let total = 0;
    let cases2 = 0;
    for (let i = 0; i < y.length; i++) {
      total += y[i]!;
      if (!inBox(x, 5, i, b1.lower, b1.upper) && inBox(x, 5, i, b2.lower, b2.upper)) cases2 += y[i]!;
    }
    expect(b2.coverage).toBe(cases2 / total);
    // Each region holds ~0.081 / 0.2 of the cases: 40% ± sampling and edge error.
    for (const b of [b1, b2]) {
      expect(b.coverage).toBeGreaterThan(0.3);
      expect(b.coverage).toBeLessThan(0.5);
      expect(b.density).toBeGreaterThan(0.83);
    }
    expect(b1.coverage + b2.coverage).toBeLessThanOrEqual(1);
    expect(result.rejected).toBeDefined();
  });
});

describe('no signal', () => {
  it('says that no box beats the base rate when y does not depend on x', () => {
    // Each data set passes the permutation test by chance with probability 1/20.
    for (const seed of [21, 22, 23]) {
      const random = createRandom(seed);
      const n = 2000;
      const x = new Float64Array(n * 5);
      const y = new Uint8Array(n);
      for (let i = 0; i < n * 5; i++) x[i] = random();
      for (let i = 0; i < n; i++) y[i] = random() < 0.3 ? 1 : 0;
      const result = prim(x, NAMES, y, { seed, bootstrap: 0 });
      expect(result.boxes).toHaveLength(0);
      expect(result.stopReason).toBe('noSignal');
      const r = result.rejected!;
      expect(r.beatsBaseRate).toBe(false);
      expect(r.pValue).toBeGreaterThan(0.05);
      // Whatever box the search settled on, its density is within 4 binomial SEs of the base rate.
      const se = Math.sqrt((result.baseRate * (1 - result.baseRate)) / Math.max(1, r.rows));
      expect(Math.abs(r.density - result.baseRate)).toBeLessThan(4 * se);
    }
  });
});

describe('determinism and discrete inputs', () => {
  it('refuses a permutation count that could never reach the significance level', () => {
    const { x, y } = planted(5, 200, 5, boxA, 0.9, 0.1);
    expect(() => prim(x, NAMES, y, { permutations: 9 })).toThrow(/never/);
  });

  it('gives identical output for the same seed', () => {
    const { x, y } = planted(5, 800, 5, boxA, 0.9, 0.1);
    const a = prim(x, NAMES, y, { seed: 9, bootstrap: 10 });
    const b = prim(x, NAMES, y, { seed: 9, bootstrap: 10 });
    expect(a.boxes.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    const c = prim(x, NAMES, y, { seed: 10, bootstrap: 10 });
    // The bootstrap bounds (and so their intervals) do depend on the seed.
    expect(c.boxes[0]!.restrictions.map((r) => [r.lowerInterval, r.upperInterval])).not.toEqual(a.boxes[0]!.restrictions.map((r) => [r.lowerInterval, r.upperInterval]));
    // Another seed changes the bootstrap, not the box found on the data.
    expect(c.boxes[0]!.lower).toEqual(a.boxes[0]!.lower);
    expect(c.boxes[0]!.upper).toEqual(a.boxes[0]!.upper);
  });

  it('peels a 0/1 input a whole level at a time', () => {
    const random = createRandom(13);
    const n = 1000;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = random() < 0.5 ? 1 : 0;
      x[i * 2 + 1] = random();
      y[i] = random() < (x[i * 2] === 1 ? 0.6 : 0.15) ? 1 : 0;
    }
    const t = peel(x, 2, y);
    let levelStep = -1;
    for (let s = 0; s < t.length; s++) {
      expect([-Infinity, 0.5]).toContain(t[s]!.lower[0]);
      expect([Infinity, 0.5]).toContain(t[s]!.upper[0]);
      if (levelStep < 0 && t[s]!.lower[0] === 0.5) levelStep = s;
    }
    expect(levelStep).toBeGreaterThan(0);
    // That step dropped every row with x0 = 0 still in the box: far more than 5% of it.
    const prev = t[levelStep - 1]!;
    let ones = 0;
    for (let i = 0; i < n; i++) if (inBox(x, 2, i, prev.lower, prev.upper) && x[i * 2] === 1) ones++;
    expect(t[levelStep]!.rows).toBe(ones);
    expect(prev.rows - ones).toBeGreaterThan(0.3 * prev.rows);
    const result = prim(x, ['pilot', 'x1'], y, { seed: 1, bootstrap: 5, maxBoxes: 1 });
    expect(result.boxes[0]!.restrictions[0]!.levels).toEqual([1]);
    expect(describeBox(result.boxes[0]!, { caseWords: 'failures' })).toMatch(/^mainly when pilot is 1[ :,]/);
  });
});

describe('describeBox', () => {
  const restriction = (name: string, lower: number, upper: number) => ({ input: 0, name, lower, upper, stability: 1, quasiP: 0 });

  it('says a box in plain words', () => {
    const box = {
      restrictions: [restriction('adoption.imitation', -Infinity, 0.18341), restriction('organisation.silo_strength', 0.65123, Infinity)],
      coverage: 0.7812,
      density: 0.7094,
    };
    expect(describeBox(box, { caseWords: 'failures' })).toBe(
      'mainly when adoption.imitation is below 0.18 and organisation.silo_strength is above 0.65: 78% of the failures, and 71% of the rollouts in that region are failures',
    );
    expect(describeBox(box, { caseWords: 'cases', inputLabel: (n) => n.split('.')[1]!.replace('_', ' '), rowWords: 'runs' })).toBe(
      'mainly when imitation is below 0.18 and silo strength is above 0.65: 78% of the cases, and 71% of the runs in that region are cases',
    );
  });

  it('writes two-sided restrictions as between, with enough digits to tell the ends apart, and lists of three', () => {
    const box = {
      restrictions: [restriction('a', 0.20123, 0.20491), restriction('b', 12.34, 56.78), { ...restriction('c', 1.5, 3.5), levels: [2, 3] }],
      coverage: 0.004,
      density: 0.9996,
    };
    expect(describeBox(box, { caseWords: 'cases' })).toBe(
      'mainly when a is between 0.201 and 0.205, b is between 12 and 57 and c is 2 or 3: <1% of the cases, and >99% of the rollouts in that region are cases',
    );
    expect(describeBox({ restrictions: [], coverage: 1, density: 0.3 }, { caseWords: 'cases' })).toBe(
      'with no input restricted: 100% of the cases, and 30% of the rollouts in that region are cases',
    );
  });
});

describe('trajectoryTable', () => {
  it('lists each step with coverage, density, mass and restricted inputs, marking the chosen one', () => {
    const { x, y } = planted(3, 400, 3, (r) => r[0]! < 0.4, 0.8, 0.2);
    const t = peel(x, 3, y);
    const lines = trajectoryTable(t, 2).split('\n');
    expect(lines).toHaveLength(t.length + 1);
    expect(lines[0]).toMatch(/^step\s+coverage\s+density\s+mass\s+restricted$/);
    expect(lines[1]).toMatch(/^0\s+100\.0%\s+\d+\.\d%\s+100\.0%\s+0$/);
    expect(lines[3]).toMatch(/^2 \*/);
    expect(lines[3]).toContain(`${(t[2]!.density * 100).toFixed(1)}%`);
  });
});

describe('binomialUpperTail', () => {
  it('matches exact sums', () => {
    // P(X ≥ 3), X ~ Bin(5, 0.4) = 10·0.064·0.36 + 5·0.0256·0.6 + 0.01024 = 0.31744.
    expect(binomialUpperTail(3, 5, 0.4)).toBeCloseTo(0.31744, 12);
    expect(binomialUpperTail(0, 5, 0.4)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.4)).toBe(0);
    // Symmetric: P(X ≥ 501 | 1000, 0.5) = (1 − P(X = 500)) / 2.
    const p500 = Math.exp(lnChoose(1000, 500) + 1000 * Math.log(0.5));
    expect(binomialUpperTail(501, 1000, 0.5)).toBeCloseTo((1 - p500) / 2, 10);
  });
});

function lnChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}
