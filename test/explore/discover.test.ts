/** Scenario discovery on a finished run: a condition in the claim language, its cases, PRIM's boxes and the files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../../src/explore/discover.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { InputError } from '../../src/errors.ts';
import { BASE } from '../scenarios/helpers.ts';
import { uptake } from '../cli/spawn.ts';
import { writeFileSync } from 'node:fs';
import { compile, type TopLevelSpec } from 'vega-lite';
import { exploreCharts, discoverySentences } from '../../src/report/explore-charts.ts';

const root = mkdtempSync(join(tmpdir(), 'uptake-discover-'));
const run = join(root, 'run');
let threshold = 0;

beforeAll(async () => {
  const text = `${BASE.replace('rollouts: 5', 'rollouts: 200')}uncertainties:
  adoption.empty_room_lapse: {uniform: [0.05, 0.6]}
  costs.training_per_person: {uniform: [50, 500]}
`;
  const experiment = loadScenarioText(text, join(root, 'discover.yaml'));
  await runExperiment({ experiment, out: run, workers: 2 });
  // The median of top-down's sustained use: half the rollouts are cases.
  const rows = readFileSync(join(run, 'rollouts.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const col = rows[0]!.indexOf('sustained_share');
  const values = rows.slice(1).filter((r) => r[0] === 'top_down').map((r) => Number(r[col])).sort((a, b) => a - b);
  threshold = values[Math.floor(values.length / 2)]!;
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake explore --discover', () => {
  it('finds that top-down falls short when people leave empty rooms readily, not because of the training price, and writes the files', () => {
    const d = discover(run, `top_down.sustained_share < ${threshold}`);
    expect(d.rollouts).toBe(200);
    expect(d.cases).toBeGreaterThan(80);
    expect(d.cases).toBeLessThan(120);
    const box = d.result.boxes[0]!;
    const lapse = box.restrictions.find((r) => r.name === 'adoption.empty_room_lapse');
    expect(lapse, d.sentences[0]).toBeDefined();
    expect(Number.isFinite(lapse!.lower)).toBe(true); // restricted from below: a high lapse
    expect(box.restrictions.some((r) => r.name === 'costs.training_per_person')).toBe(false);
    expect(box.density).toBeGreaterThan(d.result.baseRate);
    expect(d.sentences[0]).toMatch(/^mainly when adoption\.empty_room_lapse is (above|between) /);
    const boxes = readFileSync(join(d.dir, 'boxes.csv'), 'utf8').split('\n');
    expect(boxes[0]).toBe('box,input,lower,upper,stability,quasi_p,coverage,density,mass,p_value');
    expect(boxes[1]).toMatch(/^1,adoption\.empty_room_lapse,/);
    const trajectory = readFileSync(join(d.dir, 'trajectory.csv'), 'utf8').trim().split('\n');
    expect(trajectory[0]).toBe('box,step,coverage,density,mass,restricted,chosen');
    expect(trajectory.filter((l) => l.endsWith(',1') && l.startsWith('1,')).length).toBe(1);
    const json = JSON.parse(readFileSync(join(d.dir, 'discover.json'), 'utf8')) as { condition: string; cases: number };
    expect(json).toMatchObject({ condition: `top_down.sustained_share < ${threshold}`, cases: d.cases });
  });

  it('gives the same boxes for the same run, and refuses what it cannot decide with a hint', () => {
    const a = discover(run, `top_down.sustained_share < ${threshold}`);
    const b = discover(run, `top_down.sustained_share < ${threshold}`);
    expect(a.sentences).toEqual(b.sentences);
    const bad = (condition: string, dir = run) => { try { discover(dir, condition); } catch (e) { return e; } return null; };
    expect(bad('sideways.sustained_share < 0.4')).toBeInstanceOf(InputError);
    expect(String(bad('sideways.sustained_share < 0.4'))).toMatch(/--discover: /);
    expect(String(bad('top_down.sustained_share < -1'))).toMatch(/holds in no rollout/);
    expect(String(bad('top_down.active_share@10 < 0.4'))).toMatch(/rollouts\.csv does not hold/);
    expect(String(bad('top_down.sustained_share < 0.5', root))).toMatch(/not the output folder of a finished uptake run/);
  });

  it('draws the trajectory from trajectory.csv and the Sobol tornado from indices.csv, and the report says the box in words', () => {
    const d = discover(run, `top_down.sustained_share < ${threshold}`);
    writeFileSync(join(d.dir, 'indices.csv'), [
      'method,outcome,strategy,input,index,estimate,low,high,n',
      'sobol,sustained_share,top_down,a,first_order,0.1,0,0.2,8', 'sobol,sustained_share,top_down,a,total,0.2,0.1,0.3,8',
      'sobol,sustained_share,top_down,a,first_order,0.12,0.05,0.2,16', 'sobol,sustained_share,top_down,a,total,0.25,0.15,0.35,16',
      'sobol,sustained_share,top_down,b,first_order,0.5,0.4,0.6,16', 'sobol,sustained_share,top_down,b,total,0.6,0.5,0.7,16',
      'sobol,cost,top_down,b,total,0.9,0.8,1,16',
    ].join('\n') + '\n');
    const charts = exploreCharts(d.dir);
    expect(charts.map((c) => c.name)).toEqual(['explore-sobol', 'explore-prim']);
    const sobol = charts[0]!.spec as { data: { values: { input: string; total: number; first: number }[] }; spec: { layer: { encoding: { y: { sort: string[] } } }[] } };
    expect(sobol.data.values).toEqual([expect.objectContaining({ input: 'a', total: 0.25, first: 0.12 }), expect.objectContaining({ input: 'b', total: 0.6, first: 0.5 })]);
    expect(sobol.spec.layer[0]!.encoding.y.sort).toEqual(['b', 'a']);
    const prim = charts[1]!.spec as { data: { values: unknown[] } };
    expect(prim.data.values).toHaveLength(readFileSync(join(d.dir, 'trajectory.csv'), 'utf8').trim().split('\n').length - 1);
    for (const c of charts) expect(() => compile(c.spec as unknown as TopLevelSpec)).not.toThrow();
    expect(discoverySentences(d.dir)[0]).toBe(`"top_down.sustained_share < ${threshold}" holds ${d.sentences[0]}.`);
  });

  it('on the command line: exit 2 with one line for a bad condition or --from without --discover, nothing written', async () => {
    const r = await uptake(['explore', 'scenarios/default.yaml', '--discover', 'nobody.cost > 1', '--from', run]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --discover: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const f = await uptake(['explore', 'scenarios/default.yaml', '--from', run]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--from names the run that --discover reads/);
    expect(existsSync(join(root, 'out'))).toBe(false);
  }, 60_000);
});
