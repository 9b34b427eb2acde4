/**
 * Scenario discovery (`uptake explore --discover "CONDITION"`): which regions of the uncertainties
 * make a condition on a rollout true, e.g. `phased_pilot.sustained_share < 0.4`. The condition is
 * written in the claim language; each rollout of a run is a case when it holds, its draws of the
 * uncertainties are the inputs, and PRIM (prim.ts) finds the boxes. It reads a run's output folder
 * only (rollouts.csv and experiment.json), so it never simulates again (docs/explore.md).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, copyFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { RESULTS } from '../model/index.ts';
import { readExactResults } from '../runner/exact.ts';
import { EXPLORE_FOLDER, installFolder, writeFileDurably, writeJson } from '../runner/outputs.ts';
import { compileClaim, parseColumn } from '../scenarios/claim.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { claimContextOf } from '../scenarios/expand.ts';
import { evaluateExpr, FormulaError } from '../scenarios/formula.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { uptakeVersion } from '../version.ts';
import { describeBox, prim, type PrimOptions, type PrimResult } from './prim.ts';

export const DISCOVER_FORMAT = 'uptake-discover/1';
const WEEK_RESULTS: ReadonlySet<string> = new Set(RESULTS.filter((r) => r.unit === 'weeks').map((r) => r.name));

export interface Discovery {
  condition: string;
  /** Where the rollouts came from. */
  run: string;
  rollouts: number;
  cases: number;
  inputs: string[];
  result: PrimResult;
  /** Each box in plain words. */
  sentences: string[];
}

/** The cases of `condition` over the rollouts of a run (`experiment` as it ran, `rolloutsFile` its rollouts.csv). */
export function casesOf(condition: string, experiment: Experiment, rolloutsFile: string): { y: Uint8Array; x: Float64Array; inputs: string[] } {
  let claim;
  try {
    claim = compileClaim(`P(${condition}) >= 0`, claimContextOf(experiment.strategies, experiment.params.weeks, undefined));
  } catch (err) {
    if (!(err instanceof FormulaError)) throw err;
    // Positions count from the condition as typed, not from the `P(` it was wrapped in.
    const message = err.message.replace(/at character (\d+)/, (_, c: string) => `at character ${Math.max(1, Number(c) - 2)}`);
    throw new InputError(`--discover: ${message}`, err.hint ?? 'write a condition on one rollout in the claim language, e.g. "phased_pilot.sustained_share < 0.4" (docs/assumptions.md)');
  }
  const expr = claim.aggregates[0]!.expr;
  for (const column of claim.columns) {
    if (parseColumn(column).week !== undefined) {
      throw new InputError(`--discover: ${column} reads a week's observable, which rollouts.csv does not hold`, 'use a per-rollout result such as sustained_share or weeks_to_target');
    }
  }
  const inputs = experiment.uncertainties.map((u) => fileParamPath(u.path));
  if (inputs.length === 0) throw new InputError(`${experiment.source}: has no uncertainties, so no rollout differs from another in its assumptions`, 'add uncertainties: to the scenario and run it again');
  const exact = readExactResults(rolloutsFile, experiment);
  const first = exact.get(experiment.strategies[0]!.name)!;
  const n = first.get(inputs[0]!)?.length ?? 0;
  const x = new Float64Array(n * inputs.length);
  inputs.forEach((name, j) => {
    const draws = first.get(name);
    if (!draws || draws.length !== n) throw new InputError(`${rolloutsFile}: no column ${name}`, 'run the scenario again with this version of uptake');
    for (let r = 0; r < n; r++) x[r * inputs.length + j] = draws[r]!;
  });
  const y = new Uint8Array(n);
  const vars: Record<string, number> = {};
  for (let r = 0; r < n; r++) {
    for (const column of claim.columns) {
      const { strategy, name } = parseColumn(column);
      const v = exact.get(strategy)?.get(name)?.[r];
      if (v === undefined) throw new InputError(`${rolloutsFile}: no ${name} for ${strategy}`, 'name a strategy and result of this run');
      // A week never reached is later than any week, as in claims.
      vars[column] = Number.isNaN(v) && WEEK_RESULTS.has(name) ? Infinity : v;
    }
    y[r] = evaluateExpr(expr, vars) !== 0 ? 1 : 0;
  }
  return { y, x, inputs };
}

/** Discover on a finished run's folder and write boxes.csv, trajectory.csv and discover.json into its explore/ folder. */
export function discover(runDir: string, condition: string, options: PrimOptions & { command?: string } = {}): Discovery & { dir: string } {
  const dir = resolve(runDir);
  const experimentFile = join(dir, 'experiment.json');
  const rolloutsFile = join(dir, 'rollouts.csv');
  if (!existsSync(experimentFile) || !existsSync(rolloutsFile)) {
    throw new InputError(`${runDir}: not the output folder of a finished uptake run (it needs rollouts.csv and experiment.json)`, 'give --from the folder uptake run wrote, e.g. out/professional_services');
  }
  const experiment = JSON.parse(readFileSync(experimentFile, 'utf8')) as Experiment;
  const { x, y, inputs } = casesOf(condition, experiment, rolloutsFile);
  const cases = y.reduce((s, v) => s + v, 0);
  if (cases === 0 || cases === y.length) {
    throw new InputError(`--discover: "${condition}" holds in ${cases === 0 ? 'no' : 'every'} rollout of ${runDir} (${y.length} rollouts): there is nothing to tell apart`, 'choose a threshold that some rollouts meet and others do not, e.g. the median of that result');
  }
  const result = prim(x, inputs, y, { seed: experiment.seed, ...options });
  const sentences = result.boxes.map((b) => describeBox(b, { caseWords: 'cases', rowWords: 'rollouts' }));
  const discovery: Discovery = { condition, run: dir, rollouts: y.length, cases, inputs, result, sentences };
  writeDiscovery(join(dir, EXPLORE_FOLDER), discovery, options.command ?? '');
  return { ...discovery, dir: join(dir, EXPLORE_FOLDER) };
}

const num = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '');

/** boxes.csv: one row per box and input it restricts. */
export function boxesCsv(d: Discovery): string {
  const lines = ['box,input,lower,upper,stability,quasi_p,coverage,density,mass,p_value'];
  for (const b of d.result.boxes) {
    for (const r of b.restrictions) lines.push([b.index + 1, r.name, num(r.lower), num(r.upper), num(r.stability), num(r.quasiP), num(b.coverage), num(b.density), num(b.mass), num(b.pValue)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** trajectory.csv: each box's peeling trajectory, and which step was chosen. */
export function trajectoryCsv(d: Discovery): string {
  const lines = ['box,step,coverage,density,mass,restricted,chosen'];
  for (const b of d.result.boxes) {
    for (const s of b.trajectory) lines.push([b.index + 1, s.step, num(s.coverage), num(s.density), num(s.mass), s.restricted, s.step === b.chosenStep ? 1 : 0].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the discovery into explore/, keeping an earlier explore's other files (design.csv, indices.csv, …). */
function writeDiscovery(exploreDir: string, d: Discovery, command: string): void {
  const ready = `${exploreDir}.writing-${process.pid}`;
  rmSync(ready, { recursive: true, force: true });
  mkdirSync(ready, { recursive: true });
  if (existsSync(exploreDir)) {
    for (const name of readdirSync(exploreDir, { withFileTypes: true })) if (name.isFile()) copyFileSync(join(exploreDir, name.name), join(ready, name.name));
  }
  writeFileDurably(join(ready, 'boxes.csv'), boxesCsv(d));
  writeFileDurably(join(ready, 'trajectory.csv'), trajectoryCsv(d));
  writeJson(join(ready, 'discover.json'), {
    format: DISCOVER_FORMAT, uptakeVersion: uptakeVersion(), condition: d.condition, rollouts: d.rollouts, cases: d.cases, baseRate: d.result.baseRate,
    inputs: d.inputs, stopReason: d.result.stopReason, command,
    boxes: d.result.boxes.map((b, i) => ({
      box: b.index + 1, sentence: d.sentences[i], coverage: b.coverage, density: b.density, mass: b.mass, pValue: b.pValue,
      restrictions: b.restrictions.map((r) => ({ input: r.name, lower: Number.isFinite(r.lower) ? r.lower : null, upper: Number.isFinite(r.upper) ? r.upper : null, stability: r.stability, quasiP: r.quasiP })),
    })),
  });
  if (!existsSync(join(ready, 'manifest.json'))) writeJson(join(ready, 'manifest.json'), { format: 'uptake-manifest/1', kind: 'discover', uptakeVersion: uptakeVersion(), command });
  installFolder(ready, exploreDir);
}
