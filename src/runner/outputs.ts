/**
 * Writing an output folder: rows of rollouts.csv, JSON files, and putting a
 * finished folder in place in one rename so nobody ever sees half of it.
 */
import { InputError } from '../errors.ts';
import { typedArraysAsDigests } from '../fingerprint.ts';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync, readFileSync, readSync, fsyncSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { RESULTS, waveCountOf } from '../model/index.ts';
import type { Experiment } from '../scenarios/experiment.ts';
import { fileParamPath } from '../scenarios/names.ts';
import { type BatchLayout, strategyOffset, waveForcedAt, waveOpenAt } from './batch.ts';

/** `pilot` for wave 0, `waveK` after: how wave columns are named. */
export function waveColumnPrefix(w: number): string {
  return w === 0 ? 'pilot' : `wave${w}`;
}

/**
 * Header of rollouts.csv: strategy, rollout, seed, every result, then the wave open weeks, whether each wave
 * was forced open by its deadline, and the drawn uncertain parameters, named as in the scenario file
 * (`organisation.silo_strength`).
 */
export function rolloutsHeader(experiment: Experiment, layout: BatchLayout): string {
  const cols = ['strategy', 'rollout', 'seed', ...RESULTS.map((r) => r.name)];
  for (let w = 0; w < layout.waves; w++) cols.push(`${waveColumnPrefix(w)}_open_week`);
  for (let w = 0; w < layout.waves; w++) cols.push(`${waveColumnPrefix(w)}_forced`);
  for (const u of experiment.uncertainties) cols.push(fileParamPath(u.path));
  return cols.join(',') + '\n';
}

/** Full precision, so a row can be checked against `uptake run --rollout N` exactly. */
function value(x: number): string {
  return Number.isNaN(x) ? 'never' : String(x);
}

/** rollouts.csv rows of a packed batch starting at rollout `start`: rollout by rollout, strategies in scenario order. */
export function rolloutRows(experiment: Experiment, layout: BatchLayout, packed: Float64Array, start: number): string {
  const count = packed.length / layout.rolloutSize;
  let text = '';
  for (let i = 0; i < count; i++) {
    const base = i * layout.rolloutSize;
    const seed = packed[base]!;
    let params = '';
    for (let u = 0; u < layout.uncertainties; u++) params += ',' + String(packed[base + 1 + u]);
    for (let s = 0; s < layout.strategies; s++) {
      const plan = experiment.strategies[s]!;
      const o = base + strategyOffset(layout, s);
      let row = `${plan.name},${start + i},${seed}`;
      for (let j = 0; j < RESULTS.length; j++) row += ',' + value(packed[o + j]!);
      const waves = waveCountOf(plan);
      for (let w = 0; w < layout.waves; w++) row += ',' + (w < waves ? value(packed[o + waveOpenAt(w)]!) : '');
      // 1 or 0; empty for a wave that never opened or that this strategy does not have.
      for (let w = 0; w < layout.waves; w++) {
        const forced = packed[o + waveForcedAt(layout, w)]!;
        row += ',' + (w < waves && !Number.isNaN(forced) ? String(forced) : '');
      }
      text += row + params + '\n';
    }
  }
  return text;
}

/**
 * Calls `visit` with every line of a text file (without its newline), reading 64 kB at a time: a file
 * of a million rollouts is never held whole in memory. A chunk's text stays under V8's large-object
 * size (128 kB), so it dies young: a megabyte's text was a large object each, freed only by a full
 * collection, and a long file's chunks piled up (memory flat in rollouts, issue 17).
 */
export function forEachLine(file: string, visit: (line: string, index: number) => void): void {
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 16);
    // Bytes after the last newline seen: decoded only once their line is complete (a character may span chunks).
    let rest: Buffer = Buffer.alloc(0);
    let index = 0;
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const end = chunk.lastIndexOf(10, read - 1);
      if (end < 0) {
        rest = Buffer.concat([rest, chunk.subarray(0, read)]);
        continue;
      }
      const text = rest.length ? Buffer.concat([rest, chunk.subarray(0, end)]).toString('utf8') : chunk.toString('utf8', 0, end);
      for (const line of text.split('\n')) visit(line, index++);
      rest = Buffer.from(chunk.subarray(end + 1, read));
    }
    if (rest.length) visit(rest.toString('utf8'), index);
  } finally {
    closeSync(fd);
  }
}

/** JSON with two-space indentation, arrays of plain values kept on one line. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value, typedArraysAsDigests, 2).replace(/\[\s+([^[\]{}]*?)\s+\]/g, (_, inner: string) => `[${inner.replace(/,\s+/g, ', ')}]`) + '\n';
}

export function writeFileDurably(file: string, text: string): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes header + the given files' contents (each optionally without its first line) into `file`, one at
 * a time, through one buffer: a buffer per file (thousands of batch files) left as many arrays outside
 * the JS heap for V8 to free only when its heap next collects.
 */
export function concatenate(file: string, header: string, parts: string[], skipFirstLine: boolean): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 16);
  try {
    writeSync(fd, header);
    for (const part of parts) {
      const from = openSync(part, 'r');
      try {
        let skipping = skipFirstLine;
        for (;;) {
          const read = readSync(from, chunk, 0, chunk.length, null);
          if (read === 0) break;
          let start = 0;
          if (skipping) {
            const nl = chunk.subarray(0, read).indexOf(10);
            if (nl < 0) continue;
            start = nl + 1;
            skipping = false;
          }
          writeSync(fd, chunk, start, read - start);
        }
      } finally {
        closeSync(from);
      }
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Bad input to the runner (a flag, a folder, a shard): exit code 2 with a hint, reported by the CLI. */
export class RunInputError extends InputError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super(message, hint);
  }
}

export class OutputFolderError extends RunInputError {}

/** The folder `uptake forecast` writes inside an output folder; `uptake run` into the same folder keeps it. */
export const FORECAST_FOLDER = 'forecast';

/** The folder `uptake explore` writes inside an output folder; `uptake run` into the same folder keeps it too. */
export const EXPLORE_FOLDER = 'explore';
/** Folders other commands write inside an output folder, each with its own manifest.json. */
const KEPT_FOLDERS = [FORECAST_FOLDER, EXPLORE_FOLDER];

/** True when `dir` is missing, empty, or was written by uptake (so replacing it loses nothing of the user's). */
export function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  const entries = readdirSync(dir);
  // Besides another command's folder, an interrupted explore's work folder (installFolder keeps both).
  const ours = (e: string): boolean => (KEPT_FOLDERS.includes(e) && existsSync(join(dir, e, 'manifest.json'))) || e.startsWith(`.${EXPLORE_FOLDER}.uptake-`);
  return entries.length === 0 || entries.includes('manifest.json') || entries.every(ours);
}

/** The part of `path` (itself or a folder above it) that exists and is a file, if any: "not a directory" said plainly. */
export function fileInTheWay(path: string): string | undefined {
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      return statSync(p).isDirectory() ? undefined : p;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

/**
 * Refuses, before anything runs, an output folder that cannot or should not be replaced: a file (or a
 * path through a file), a folder uptake did not write, or one holding another scenario's results unless
 * `force`. Rerunning a scenario into its own folder replaces it, as before.
 */
export function checkOutputFolder(out: string, scenario: string, force: boolean, flag = '--out'): void {
  const file = fileInTheWay(out);
  if (file) {
    const shown = relative(process.cwd(), file) || file;
    const what = resolve(file) === resolve(out) ? `${out}: is a file, not a folder` : `${out}: ${shown} is a file, not a folder`;
    throw new OutputFolderError(what, `give ${flag} a folder, e.g. ${flag} out/${scenario}`);
  }
  if (!replaceable(out)) throw new OutputFolderError(`${out}: exists and is not an uptake output folder`, `choose another ${flag} or remove it`);
  // Nothing but an interrupted explore's work folder: no results of any scenario to protect.
  if (force || !existsSync(out) || readdirSync(out).every((e) => e.startsWith(`.${EXPLORE_FOLDER}.uptake-`))) return;
  const held = heldScenario(out);
  if (held.name === scenario) return;
  const what = held.name === undefined ? 'uptake results whose manifest.json cannot be read' : `the results of another scenario, ${held.name}${held.detail}`;
  throw new OutputFolderError(`${out}: holds ${what}; this run is ${scenario}`, `choose another ${flag}, or add --force to replace them`);
}

/** Which scenario an output folder holds, from its manifest.json, with what was run and when. */
function heldScenario(dir: string): { name?: string; detail: string } {
  try {
    const manifests = [`${dir}/manifest.json`, ...KEPT_FOLDERS.map((f) => `${dir}/${f}/manifest.json`)];
    const m = JSON.parse(readFileSync(manifests.find((f) => existsSync(f)) ?? manifests[0]!, 'utf8')) as {
      scenario?: { name?: unknown }; rollouts?: unknown; finishedAt?: unknown; shard?: { index: number; count: number };
    };
    const name = typeof m.scenario?.name === 'string' ? m.scenario.name : undefined;
    const parts = [
      typeof m.rollouts === 'number' ? `${m.rollouts} rollouts` : '',
      m.shard ? `shard ${m.shard.index}/${m.shard.count}` : '',
      typeof m.finishedAt === 'string' ? `written ${m.finishedAt.slice(0, 16).replace('T', ' ')} UTC` : '',
    ].filter(Boolean);
    return { name, detail: parts.length ? ` (${parts.join(', ')})` : '' };
  } catch {
    return { detail: '' };
  }
}

/**
 * Moves the finished folder `ready` to `out` with renames only: an existing
 * uptake output folder is moved aside first and removed after, so `out` is at
 * every moment either the old complete folder, absent, or the new complete one.
 */
export function installFolder(ready: string, out: string): void {
  if (!replaceable(out)) {
    throw new OutputFolderError(`${out}: exists and is not an uptake output folder`, 'choose another --out or remove it');
  }
  if (existsSync(out)) {
    const aside = `${out}.replaced-${process.pid}`;
    rmSync(aside, { recursive: true, force: true });
    renameSync(out, aside);
    renameSync(ready, out);
    // A forecast (or explore) written into the folder by `uptake forecast` (`uptake explore`) is not the run's to drop.
    // Nor is an interrupted explore's work folder (`.explore.uptake-<key>`), which --resume continues.
    const work = readdirSync(aside).filter((e) => e.startsWith(`.${EXPLORE_FOLDER}.uptake-`));
    for (const folder of [...KEPT_FOLDERS, ...work]) {
      const kept = join(aside, folder);
      if (existsSync(kept) && !existsSync(join(out, folder))) renameSync(kept, join(out, folder));
    }
    rmSync(aside, { recursive: true, force: true });
  } else {
    renameSync(ready, out);
  }
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, stringifyJson(value));
}
