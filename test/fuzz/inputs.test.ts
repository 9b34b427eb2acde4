/**
 * Fuzzing as a test (issue 17): scenario files built from the bundled ones by structured mutation
 * (keys deleted and renamed, types swapped, out-of-range and non-finite numbers, huge sizes, deep
 * nesting, unicode, truncation, duplicate keys, aliases in bulk), telemetry files, HR exports and network files.
 * Every input must either load or be rejected with located problems (a ScenarioError), never with
 * any other exception; a scenario that loads runs 3 rollouts of every strategy without a crash.
 * FUZZ_RUNS sets the cases per property (default 1,000, so 2,000 scenario files over the two scenario properties;
 * `FUZZ_RUNS=10000 npx vitest run test/fuzz` for a long run, README "Development"). Seeds are fixed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Simulation } from '../../src/model/index.ts';
import { parseTelemetry } from '../../src/forecast/telemetry.ts';
import { parseHrExport } from '../../src/org/hr.ts';
import { parseNetworkFile } from '../../src/org/network-file.ts';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import { sampleParams, type Experiment } from '../../src/scenarios/experiment.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import type { HrGroupNames } from '../../src/scenarios/source.ts';
import { structureOf } from '../../src/org/structure.ts';
import { estimateRun } from '../../src/runner/estimate.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const dir = new URL('../../scenarios/', import.meta.url);
const bundled = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => ({ name: f, text: readFileSync(new URL(f, dir), 'utf8') }));
const parsed = bundled.map((b) => parse(b.text) as Record<string, unknown>);
// The bundled HR scenario names its file's departments and offices: its mutants are checked against them, as the commands check it.
const hrStructure = structureOf(parseHrExport(readFileSync(new URL('../../examples/hr/firm-600.csv', import.meta.url), 'utf8'), 'firm-600.csv'));
const HR_GROUPS: HrGroupNames = { departments: hrStructure.departmentNames, locations: hrStructure.locations!.names, levels: hrStructure.levels!.names };
const groupsFor = (file: number): HrGroupNames | undefined => (/\n\s+from: /.test(bundled[file]!.text) ? HR_GROUPS : undefined);

/** Runs 3 rollouts of every strategy of a loaded experiment, when it is small enough to be quick. */
function runsThreeRollouts(e: Experiment): boolean {
  if (e.params.organisation.employees * e.params.weeks > 400_000) return false; // huge sizes load; running them is the bench's job
  // A file that validates can still be huge (hundreds of strategies): its estimate says so before anything
  // runs, as `uptake run` would (and refuse it when it would not fit).
  const estimate = estimateRun(e, 1, 3);
  expect(estimate.agentSteps).toBeGreaterThan(0);
  expect(Number.isFinite(estimate.peakBytes)).toBe(true);
  if (estimate.agentSteps > 50e6 || estimate.peakBytes > 1e9) return false;
  for (let r = 0; r < 3; r++) {
    const params = sampleParams(e, r);
    for (const plan of e.strategies) {
      const sim = new Simulation(params, plan, { organisation: 100 + r, dynamics: 200 + r });
      sim.run();
      expect(sim.week).toBe(params.weeks);
    }
  }
  return true;
}

/** How many fuzzed scenarios loaded and ran, so the tests can show both branches were exercised. */
const outcomes = { loaded: 0, ran: 0, rejected: 0 };

/** The loader's contract: an experiment, or a ScenarioError whose every problem has a place and words. */
function loadsOrExplains(text: string, run = false, hrGroups?: HrGroupNames): void {
  let e: Experiment;
  try {
    e = loadScenarioText(text, '/fuzz/fuzz.yaml', hrGroups ? { hrGroups } : {});
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    outcomes.rejected++;
    expect(err.diagnostics.length).toBeGreaterThan(0);
    for (const d of err.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(0);
      expect(d.message.length).toBeGreaterThan(0);
      expect(err.lines().join('\n')).not.toMatch(/\n\s+at /);
    }
    return;
  }
  expect(e.strategies.length).toBeGreaterThan(0);
  outcomes.loaded++;
  if (run && runsThreeRollouts(e)) outcomes.ran++;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a parsed document. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], f: (old: Json, parent: Json, key: string | number) => void): void {
  if (path.length === 0) return;
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  f(node[path[path.length - 1]!]!, node as Json, path[path.length - 1]!);
}

const WEIRD: Json[] = [null, true, -1, 0, 1e308, -1e308, 1e-320, 2 ** 53 + 1, 1.5, 'NaN', '.inf', '', 'ünïcødé ✓ 名前', '\u0000', '🙂'.repeat(50), [], {}, [1, 2, 3], { uniform: [1, 0] }, 'x'.repeat(5000)];

const mutation = fc.record({
  file: fc.nat({ max: parsed.length - 1 }),
  edits: fc.array(fc.record({
    kind: fc.constantFrom('delete', 'rename', 'swap', 'number', 'huge', 'nest', 'duplicate'),
    pick: fc.nat(),
    weird: fc.constantFrom(...WEIRD),
    number: fc.oneof(fc.double(), fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0)),
    name: fc.oneof(fc.constantFrom('employees', 'type', 'strategies', 'when', 'uniform', 'rollouts', 'horizon', 'interventions'), fc.string({ maxLength: 8 })),
  }), { minLength: 1, maxLength: 3 }),
});

/** A bundled scenario with structured edits applied, as YAML text (non-finite numbers written as YAML allows). */
function mutated(file: number, edits: { kind: string; pick: number; weird: Json; number: number; name: string }[]): string {
  const doc = structuredClone(parsed[file]) as Json;
  for (const e of edits) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const path = all[e.pick % all.length]!;
    setAt(doc, path, (old, parent, key) => {
      const p = parent as Record<string | number, Json>;
      switch (e.kind) {
        case 'delete': if (Array.isArray(parent)) (parent as Json[]).splice(key as number, 1); else delete p[key]; break;
        case 'rename': if (!Array.isArray(parent)) { p[e.name] = old; delete p[key]; } break;
        case 'swap': p[key] = e.weird; break;
        case 'number': p[key] = e.number; break;
        case 'huge': p[key] = typeof old === 'number' ? old * 1e6 : Array.from({ length: 200 }, () => old); break;
        case 'nest': { let v: Json = old; for (let i = 0; i < 60; i++) v = { [e.name || 'x']: v }; p[key] = v; break; }
        case 'duplicate': if (Array.isArray(parent)) (parent as Json[]).splice(key as number, 0, structuredClone(old)); break;
      }
    });
  }
  return stringify(doc, { aliasDuplicateObjects: false });
}

describe('fuzzing the inputs (fixed seeds)', () => {
  it(`scenario files by structured mutation of the bundled ones (${RUNS} cases): located problems or a run of 3 rollouts, never a crash`, () => {
    Object.assign(outcomes, { loaded: 0, ran: 0, rejected: 0 });
    fc.assert(fc.property(mutation, ({ file, edits }) => loadsOrExplains(mutated(file, edits), true, groupsFor(file))), { numRuns: RUNS, seed: 17 });
    // Both branches were exercised: mutations that still validate (and ran) and ones that were rejected.
    expect(outcomes.ran, JSON.stringify(outcomes)).toBeGreaterThan(RUNS / 20);
    expect(outcomes.rejected, JSON.stringify(outcomes)).toBeGreaterThan(RUNS / 20);
  }, 600_000);

  it(`scenario text truncated, with duplicate keys, unicode and aliases in bulk (${RUNS} cases)`, () => {
    const edit = fc.record({ file: fc.nat({ max: bundled.length - 1 }), at: fc.nat(), kind: fc.constantFrom('truncate', 'duplicateKey', 'unicode', 'aliases', 'anchorBomb') });
    fc.assert(fc.property(edit, ({ file, at, kind }) => {
      const text = bundled[file]!.text;
      const cut = at % (text.length + 1);
      const lines = text.split('\n');
      const line = at % lines.length;
      const out = kind === 'truncate' ? text.slice(0, cut)
        : kind === 'duplicateKey' ? [...lines.slice(0, line + 1), lines[line]!, ...lines.slice(line + 1)].join('\n')
        : kind === 'unicode' ? text.slice(0, cut) + 'é名🙂\u202e\ufeff' + text.slice(cut)
        : kind === 'aliases' ? `${text}\nx: &a [1, 2, 3]\ny: [*a, *a, *a, *a, *a, *a, *a, *a]\n`
        : `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n${text}`;
      loadsOrExplains(out, false, groupsFor(file));
    }), { numRuns: RUNS, seed: 23 });
  }, 600_000);

  it(`telemetry files (${Math.ceil(RUNS / 2)} cases): read, or every problem located`, () => {
    const context = { horizon: 104, population: 2000, groups: new Map([['pilot', 300], ['wave1', 600]]) };
    const cell = fc.oneof(fc.integer({ min: -5, max: 3000 }).map(String), fc.constantFrom('', 'x', '1.5', '1e3', 'NaN', '-0', '٣', '  7 ', '"4"', 'pilot', 'wave9'));
    const file = fc.record({
      header: fc.shuffledSubarray(['week', 'with_access', 'active', 'posters', 'posts', 'group', 'WAU', 'extra'], { minLength: 0 }),
      rows: fc.array(fc.array(cell, { minLength: 0, maxLength: 8 }), { maxLength: 20 }),
    });
    fc.assert(fc.property(file, ({ header, rows }) => {
      const text = [header.join(','), ...rows.map((r) => r.join(','))].join('\n');
      try {
        const { telemetry } = parseTelemetry(text, 'fuzz.csv', context);
        for (const r of telemetry.rows) expect(r.active).toBeLessThanOrEqual(r.withAccess);
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw err;
        for (const d of err.diagnostics) expect(d.file).toBe('fuzz.csv');
      }
    }), { numRuns: Math.ceil(RUNS / 2), seed: 31 });
  }, 600_000);

  it(`HR exports (${Math.ceil(RUNS / 2)} cases): read, or every problem located, and no id in any message`, () => {
    const id = fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com', 'C@x.com', ' a@x.com', '', 'd@x.com');
    const file = fc.array(fc.record({ id, manager: id, department: fc.constantFrom('Tax', 'Legal', '', 'Ops') }), { maxLength: 12 });
    fc.assert(fc.property(file, (people) => {
      const text = ['PersonId,ManagerId,Organization', ...people.map((p) => `${p.id},${p.manager},${p.department}`)].join('\n');
      try {
        parseHrExport(text, 'hr.csv');
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw err;
        const lines = err.lines().join('\n');
        expect(lines).not.toMatch(/[a-d]@x\.com/i);
      }
    }), { numRuns: Math.ceil(RUNS / 2), seed: 37 });
  }, 600_000);

  it(`network files (${Math.ceil(RUNS / 2)} cases): read, or every problem located at its line, and no id in any message`, () => {
    const hr = parseHrExport(['PersonId,ManagerId,Organization', 'a@x.com,,Tax', 'b@x.com,a@x.com,Tax', 'c@x.com,a@x.com,Legal'].join('\n'), 'hr.csv');
    const id = fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com', 'C@x.com', ' a@x.com', '', 'd@x.com');
    const weight = fc.oneof(fc.constantFrom('', '-1', 'x', '1e400', 'NaN', '0'), fc.double({ min: 0, max: 1e6, noNaN: true }).map(String));
    const file = fc.array(fc.record({ source: id, target: id, weight, extra: fc.boolean() }), { maxLength: 12 });
    fc.assert(fc.property(file, (rows) => {
      const text = ['source,target,weight', ...rows.map((r) => `${r.source},${r.target},${r.weight}${r.extra ? ',more' : ''}`)].join('\n');
      try {
        const net = parseNetworkFile(text, 'net.csv', hr);
        expect(net.source.length).toBe(rows.length);
      } catch (err) {
        if (!(err instanceof ScenarioError)) throw err;
        for (const d of err.diagnostics) {
          expect(d.file).toBe('net.csv');
          expect(d.line).toBeGreaterThanOrEqual(rows.length === 0 ? 0 : 1);
          expect(d.line).toBeLessThanOrEqual(rows.length + 1);
        }
        expect(err.lines().join('\n')).not.toMatch(/[a-d]@x\.com/i);
      }
    }), { numRuns: Math.ceil(RUNS / 2), seed: 43 });
  }, 600_000);
});
