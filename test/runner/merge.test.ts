/**
 * What `uptake merge` says when a shard is missing (a job array's task failed, say): which shard,
 * its rollouts and seed, where its run stopped, and the command that completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOverrides, loadScenario } from '../../src/scenarios/load.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';
import { RunInterrupted, runExperiment } from '../../src/runner/execute.ts';
import { guessShardFolder, MergeError, mergeShards } from '../../src/runner/merge.ts';
import type { RunManifest } from '../../src/runner/summary.ts';

const FIXTURE = new URL('./fixtures/small.yaml', import.meta.url).pathname;

let experiment: Experiment;
let root: string;

beforeAll(async () => {
  // 16 rollouts in 4 shards of 4, in batches of 2: an interrupted shard can keep half its rollouts.
  experiment = applyOverrides(await loadScenario(FIXTURE), { rollouts: 16 });
  root = mkdtempSync(join(tmpdir(), 'uptake-merge-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function mergeError(dirs: string[]): Promise<MergeError> {
  const err = await mergeShards({ dirs, out: join(root, 'merged') }).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(MergeError);
  expect(existsSync(join(root, 'merged'))).toBe(false);
  return err as MergeError;
}

describe('merge with a shard missing', () => {
  it('names the shard, its rollouts and seed, the rollouts its interrupted run kept, and the command to resume it', async () => {
    // Named like a Slurm array's tasks (shard-$SLURM_ARRAY_TASK_ID, from 0): shard K is in shard-(K-1).
    for (const k of [1, 2, 4]) await runExperiment({ experiment, out: join(root, `shard-${k - 1}`), workers: 1, runner: 'sequential', shard: { index: k, count: 4 } });
    const controller = new AbortController();
    const stopped = await runExperiment({
      experiment, out: join(root, 'shard-2'), workers: 1, runner: 'sequential', shard: { index: 3, count: 4 }, signal: controller.signal,
      onProgress: (done) => {
        if (done >= 2) controller.abort();
      },
    }).then(() => null, (e: unknown) => e);
    expect(stopped).toBeInstanceOf(RunInterrupted);
    const { workDir, completedRollouts } = stopped as RunInterrupted;
    expect(completedRollouts).toBe(2);

    const err = await mergeError(['shard-0', 'shard-1', 'shard-3'].map((d) => join(root, d)));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('missing shard 3/4 (scenario small_runner_test, seed 42, 16 rollouts)');
    expect(err.hint.split('\n')).toEqual([
      'run it as below (--resume continues from what a stopped run kept), then merge all 4 shards:',
      `  shard 3/4, rollouts 8–11: did not finish; 2 of 4 rollouts kept in ${workDir}`,
      `    uptake run ${FIXTURE} --rollouts 16 --seed 42 --shard 3/4 --resume --out ${join(root, 'shard-2')}`,
    ]);

    // That command (here in-process) completes the shard from its checkpoint, and the merge then succeeds.
    const resumed = await runExperiment({ experiment, out: join(root, 'shard-2'), workers: 1, runner: 'sequential', shard: { index: 3, count: 4 }, resume: true });
    expect(resumed.resumedRollouts).toBe(2);
    const merged = await mergeShards({ dirs: [0, 1, 2, 3].map((i) => join(root, `shard-${i}`)), out: join(root, 'complete') });
    expect(merged.summary).not.toBeNull();
  });

  it('lists every missing shard: written but not given, never written, or named but not written', async () => {
    const dirs = [join(root, 'shard-0'), join(root, 'shard-3')];
    const err = await mergeError(dirs);
    expect(err.message).toBe('missing shards 2/4, 3/4 (scenario small_runner_test, seed 42, 16 rollouts)');
    const lines = err.hint.split('\n');
    expect(lines[0]).toMatch(/^run them as below/);
    // Both were written (by the test above), just not given.
    expect(lines.slice(1)).toEqual([
      `  shard 2/4, rollouts 4–7: written in ${join(root, 'shard-1')}, which was not given: add it to the folders to merge`,
      `  shard 3/4, rollouts 8–11: written in ${join(root, 'shard-2')}, which was not given: add it to the folders to merge`,
    ]);
    rmSync(join(root, 'shard-1'), { recursive: true });
    const never = (await mergeError(dirs)).hint.split('\n');
    expect(never[1]).toBe('  shard 2/4, rollouts 4–7: not among the folders given, and no unfinished run of it beside them');
    expect(never[2]).toBe(`    uptake run ${FIXTURE} --rollouts 16 --seed 42 --shard 2/4 --resume --out ${join(root, 'shard-1')}`);

    // A shard folder named on the command line whose run stopped before writing it.
    const controller = new AbortController();
    await runExperiment({
      experiment, out: join(root, 'late-2'), workers: 1, runner: 'sequential', shard: { index: 2, count: 4 }, signal: controller.signal,
      onProgress: (done) => {
        if (done >= 2) controller.abort();
      },
    }).catch(() => {});
    const named = await mergeError([join(root, 'shard-0'), join(root, 'late-2')]);
    expect(named.message).toMatch(/late-2: not written: the run of this shard did not finish \(its work folder .*\.late-2\.uptake-[0-9a-f]{16} remains\)$/);
    expect(named.hint).toBe('run that shard again with --resume to complete it, then merge');
  });
});

describe('the folder a missing shard would have', () => {
  const given = (entries: [string, number][]): { dir: string; manifest: RunManifest }[] =>
    entries.map(([dir, index]) => ({ dir, manifest: { shard: { index, count: 4 } } as RunManifest }));

  it('follows folders numbered like Slurm array tasks (from 0) or like --shard K/N (from 1)', () => {
    expect(guessShardFolder(given([['r/shard-0', 1], ['r/shard-1', 2], ['r/shard-3', 4]]), 3)).toBe('r/shard-2');
    expect(guessShardFolder(given([['out/bank-1', 1], ['out/bank-2', 2], ['out/bank-4', 4]]), 3)).toBe('out/bank-3');
    expect(guessShardFolder(given([['r/task10', 2], ['r/task12', 4]]), 3)).toBe('r/task11');
  });

  it('guesses nothing when the names do not follow the shards', () => {
    expect(guessShardFolder(given([['r/shard-0', 1], ['r/other-1', 2]]), 3)).toBeUndefined();
    expect(guessShardFolder(given([['a/shard-0', 1], ['b/shard-1', 2]]), 3)).toBeUndefined();
    expect(guessShardFolder(given([['r/shard-0', 1], ['r/shard-5', 2]]), 3)).toBeUndefined();
    expect(guessShardFolder(given([['r/first', 1]]), 2)).toBeUndefined();
  });
});
