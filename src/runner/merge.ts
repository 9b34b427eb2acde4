/**
 * `uptake merge`: shards' partial results (partial.json + rollouts.csv) into
 * one output folder, byte-identical (summary.json, timeseries.csv,
 * rollouts.csv) to the same run done on one machine. Summaries add up in any
 * order; rows are concatenated in shard order, which is rollout order.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Experiment } from '../scenarios/experiment.ts';
import { Aggregate, PARTIAL_FORMAT, type AggregateJSON } from './aggregate.ts';
import { layoutOf } from './batch.ts';
import { experimentKey, findUnfinishedShard, interruptedRuns, manifestOf, shardRange, type RunResult } from './execute.ts';
import { withExactColumns } from './exact.ts';
import { buildSummary, timeseriesCsv } from './finalise.ts';
import { checkOutputFolder, concatenate, installFolder, rolloutsHeader, RunInputError, writeFileDurably, writeJson } from './outputs.ts';
import type { RunManifest } from './summary.ts';
import { uptakeVersion } from '../version.ts';

export class MergeError extends RunInputError {}

interface Partial {
  dir: string;
  manifest: RunManifest;
  experiment: Experiment;
  aggregate: AggregateJSON;
}

function readPartial(dir: string): Partial {
  const partialFile = join(dir, 'partial.json');
  const manifestFile = join(dir, 'manifest.json');
  if (!existsSync(dir) && interruptedRuns(dir).length > 0) {
    throw new MergeError(`${dir}: not written: the run of this shard did not finish (its work folder ${interruptedRuns(dir)[0]} remains)`, 'run that shard again with --resume to complete it, then merge');
  }
  if (!existsSync(partialFile) || !existsSync(manifestFile) || !existsSync(join(dir, 'rollouts.csv'))) {
    throw new MergeError(`${dir}: not a shard's output folder (needs partial.json, manifest.json and rollouts.csv)`, 'pass the folders written by `uptake run --shard K/N`');
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as RunManifest;
  const { experiment, aggregate } = JSON.parse(readFileSync(partialFile, 'utf8')) as { experiment: Experiment; aggregate: AggregateJSON };
  if (!manifest.shard) throw new MergeError(`${dir}: manifest.json has no shard information`, 'pass the folders written by `uptake run --shard K/N`');
  if (aggregate?.format !== PARTIAL_FORMAT) {
    throw new MergeError(`${dir}: partial.json has format ${String(aggregate?.format)}, this uptake (${uptakeVersion()}) reads ${PARTIAL_FORMAT}`, 'run that shard again with this version of uptake');
  }
  return { dir, manifest, experiment, aggregate };
}

export interface MergeOptions {
  dirs: string[];
  out: string;
  command?: string;
  /** Replace an output folder that holds another scenario's results. */
  force?: boolean;
}

export async function mergeShards(options: MergeOptions): Promise<RunResult> {
  const t0 = performance.now();
  const started = new Date();
  if (options.dirs.length === 0) throw new MergeError('no shard folders given', 'e.g. uptake merge out/shard-* --out out/merged');
  const partials = options.dirs.map(readPartial);
  const first = partials[0]!;
  const key = experimentKey(first.experiment);
  const count = first.manifest.shard!.count;
  for (const p of partials) {
    if (experimentKey(p.experiment) !== key || p.aggregate.experimentKey !== key) {
      throw new MergeError(`${p.dir}: comes from a different experiment than ${first.dir} (scenario, seed, rollouts or strategies differ)`, 'merge only shards of one run');
    }
    if (p.manifest.shard!.count !== count) throw new MergeError(`${p.dir}: is shard ${p.manifest.shard!.index}/${p.manifest.shard!.count}, others are of ${count}`, 'merge shards of the same --shard K/N split');
  }
  partials.sort((a, b) => a.manifest.shard!.index - b.manifest.shard!.index);
  const seen = new Map<number, string>();
  for (const p of partials) {
    const k = p.manifest.shard!.index;
    if (seen.has(k)) throw new MergeError(`${p.dir}: shard ${k}/${count} given twice (also ${seen.get(k)})`, 'pass each shard once');
    seen.set(k, p.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  const experiment = first.experiment;
  if (missing.length) throw missingShards(partials, missing, count, experiment, first.manifest.batchSize);
  for (const p of partials) {
    const [start, end] = shardRange(experiment.rollouts, p.manifest.shard!);
    if (p.aggregate.rollouts !== end - start) throw new MergeError(`${p.dir}: holds ${p.aggregate.rollouts} rollouts, shard ${p.manifest.shard!.index}/${count} should hold ${end - start}`, 'rerun that shard');
  }

  const aggregate = new Aggregate(experiment, key);
  for (const p of partials) aggregate.merge(p.aggregate);

  const out = resolve(options.out);
  checkOutputFolder(options.out, experiment.name, options.force === true);
  mkdirSync(dirname(out), { recursive: true });
  const ready = `${out}.merging-${process.pid}`;
  rmSync(ready, { recursive: true, force: true });
  mkdirSync(ready);
  try {
    const layout = layoutOf(experiment);
    concatenate(join(ready, 'rollouts.csv'), rolloutsHeader(experiment, layout), partials.map((p) => join(p.dir, 'rollouts.csv')), true);
    // The scratch file beside the folder being written, not in it.
    const summary = withExactColumns(join(ready, 'rollouts.csv'), experiment, `${ready}.exact-columns`, (exact) => buildSummary(experiment, aggregate, exact));
    writeFileDurably(join(ready, 'timeseries.csv'), timeseriesCsv(experiment, aggregate));
    writeJson(join(ready, 'summary.json'), summary);
    const manifest = manifestOf(experiment, {
      workers: partials.reduce((s, p) => s + p.manifest.workers, 0),
      batchSize: first.manifest.batchSize,
      started,
      t0,
      command: options.command,
      extra: { mergedFrom: partials.map((p) => ({ dir: p.dir, shard: `${p.manifest.shard!.index}/${count}`, seconds: p.manifest.seconds, workers: p.manifest.workers })) },
    });
    writeJson(join(ready, 'manifest.json'), manifest);
    writeJson(join(ready, 'experiment.json'), experiment);
    installFolder(ready, out);
    return { out, summary, manifest, resumedRollouts: 0 };
  } finally {
    rmSync(ready, { recursive: true, force: true });
  }
}

/**
 * What merge says of the shards it was not given (a job array's failed task, say): for each, its
 * rollouts, where its run stopped if its work folder lies beside the shards given, and the command
 * that completes it (the experiment's seed and rollouts spelled out, so it runs the same experiment).
 */
function missingShards(partials: Partial[], missing: number[], count: number, experiment: Experiment, batchSize: number): MergeError {
  const parents = [...new Set(partials.map((p) => dirname(p.dir)))];
  const lines = missing.map((k) => {
    const shard = { index: k, count };
    const [start, end] = shardRange(experiment.rollouts, shard);
    const unfinished = parents.map((parent) => findUnfinishedShard(parent, experiment, shard, batchSize)).find((u) => u !== undefined);
    const out = unfinished?.out ?? guessShardFolder(partials, k);
    if (!unfinished && out && isShardOf(out, experiment, shard)) return `  shard ${k}/${count}, ${rolloutsText(start, end)}: written in ${out}, which was not given: add it to the folders to merge`;
    const state = unfinished
      ? `did not finish; ${unfinished.keptRollouts} of ${end - start} rollouts kept in ${unfinished.workDir}`
      : `not among the folders given, and no unfinished run of it beside them${out ? '' : ' (choose its --out folder)'}`;
    const command = ['uptake', 'run', experiment.source, '--rollouts', String(experiment.rollouts), '--seed', String(experiment.seed), '--shard', `${k}/${count}`, '--resume', '--out'].map(shellWord).join(' ');
    return `  shard ${k}/${count}, ${rolloutsText(start, end)}: ${state}\n    ${command} ${out ? shellWord(out) : 'DIR'}`;
  });
  const them = missing.length > 1 ? 'them' : 'it';
  return new MergeError(
    `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} (scenario ${experiment.name}, seed ${experiment.seed}, ${experiment.rollouts} rollouts)`,
    `run ${them} as below (--resume continues from what a stopped run kept), then merge all ${count} shards:\n${lines.join('\n')}`,
  );
}

/** Whether `dir` holds shard `shard` of this experiment, finished. */
function isShardOf(dir: string, experiment: Experiment, shard: { index: number; count: number }): boolean {
  try {
    const p = readPartial(dir);
    return experimentKey(p.experiment) === experimentKey(experiment) && p.manifest.shard!.index === shard.index && p.manifest.shard!.count === shard.count;
  } catch {
    return false;
  }
}

function rolloutsText(start: number, end: number): string {
  if (end - start === 0) return 'no rollouts';
  return end - start === 1 ? `rollout ${start}` : `rollouts ${start}–${end - 1}`;
}

/**
 * The folder shard k would have, when the folders given are named alike with a number that follows
 * the shard's (shard-0, shard-1, … from a Slurm array's task ids, or bank-1, bank-2, … from --shard K/N).
 */
export function guessShardFolder(partials: readonly { dir: string; manifest: RunManifest }[], k: number): string | undefined {
  const named = partials.map((p) => ({ parent: dirname(p.dir), match: /^(.*?)(0|[1-9]\d*)$/.exec(basename(p.dir)), index: p.manifest.shard!.index }));
  const first = named[0];
  if (!first?.match) return undefined;
  const offset = Number(first.match[2]) - first.index;
  const alike = named.every((n) => n.match !== null && n.parent === first.parent && n.match[1] === first.match![1] && Number(n.match[2]) - n.index === offset);
  return alike && k + offset >= 0 ? join(first.parent, `${first.match[1]}${k + offset}`) : undefined;
}

/** A word for a POSIX shell: as it is when safe, otherwise in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
