import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OBSERVABLES, RESULTS } from '../../src/model/index.ts';
import { loadScenario } from '../../src/scenarios/load.ts';
import type { Experiment } from '../../src/scenarios/experiment.ts';
import { RolloutFailed, RunInterrupted, runExperiment, shardRange, workDirOf, type RunTimings } from '../../src/runner/execute.ts';
import { WORK_CLOCK_FIELDS, batchSizeFor, planBatches } from '../../src/runner/batch.ts';
import { mergeShards } from '../../src/runner/merge.ts';
import { interruptedText } from '../../src/cli/commands/run.ts';
import { readRollouts, readRunOutputs, readTimeseries, TIMESERIES_COLUMNS } from '../../src/runner/summary.ts';
import { InputError } from '../../src/errors.ts';

const FIXTURE = new URL('./fixtures/small.yaml', import.meta.url).pathname;
const COMPARED = ['summary.json', 'timeseries.csv', 'rollouts.csv'];

let experiment: Experiment;
let root: string;
let reference: string;

function same(dirA: string, dirB: string): void {
  for (const f of COMPARED) expect(readFileSync(join(dirB, f)).equals(readFileSync(join(dirA, f))), f).toBe(true);
}

beforeAll(async () => {
  experiment = await loadScenario(FIXTURE);
  root = mkdtempSync(join(tmpdir(), 'uptake-runner-'));
  reference = join(root, 'reference');
  await runExperiment({ experiment, out: reference, workers: 1, runner: 'sequential' });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the run plan', () => {
  it('cuts the rollouts into contiguous batches that cover each rollout once', () => {
    const tasks = planBatches(5, 103, 16);
    expect(tasks[0]).toEqual({ start: 5, end: 21 });
    expect(tasks.at(-1)).toEqual({ start: 101, end: 103 });
    expect(tasks.reduce((s, t) => s + t.end - t.start, 0)).toBe(98);
    expect(batchSizeFor(100_000)).toBe(16);
    expect(batchSizeFor(1000)).toBe(5);
    expect(batchSizeFor(10)).toBe(2);
  });

  it('splits rollouts into shards that tile the run in order', () => {
    const ranges = [1, 2, 3].map((index) => shardRange(10, { index, count: 3 }));
    expect(ranges).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(shardRange(2, { index: 1, count: 3 })).toEqual([0, 0]);
  });
});

describe('a run', () => {
  it('writes the five files, with the columns docs/outputs.md documents', async () => {
    expect(readdirSync(reference).sort()).toEqual(['experiment.json', 'manifest.json', 'rollouts.csv', 'summary.json', 'timeseries.csv']);
    const ts = readFileSync(join(reference, 'timeseries.csv'), 'utf8').split('\n');
    expect(ts[0]).toBe('strategy,week,metric,mean,p05,p25,p50,p75,p95');
    expect(ts[0]).toBe(TIMESERIES_COLUMNS.join(','));
    expect(ts.filter((l) => l).length).toBe(1 + 3 * (30 + 1) * OBSERVABLES.length);
    const rows = readFileSync(join(reference, 'rollouts.csv'), 'utf8').trimEnd().split('\n');
    const waveColumns = ['pilot_open_week', 'wave1_open_week', 'wave2_open_week', 'pilot_forced', 'wave1_forced', 'wave2_forced'];
    expect(rows[0]).toBe(['strategy', 'rollout', 'seed', ...RESULTS.map((r) => r.name), ...waveColumns, 'organisation.silo_strength'].join(','));
    expect(rows.length).toBe(1 + 3 * 12);
    // Rollout by rollout, strategies in scenario order; rollout r has one seed under every strategy.
    expect(rows.slice(1, 4).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['top_down,0', 'bottom_up,0', 'phased_pilot,0']);
    expect(new Set(rows.slice(1, 4).map((r) => r.split(',')[2])).size).toBe(1);
    // Only the phased pilot has waves.
    const topDown = rows[1]!.split(',');
    expect(topDown.slice(3 + RESULTS.length, 3 + RESULTS.length + 6)).toEqual(['', '', '', '', '', '']);
    const { summary, manifest } = readRunOutputs(reference);
    expect(summary.strategies.map((s) => s.name)).toEqual(['top_down', 'bottom_up', 'phased_pilot']);
    expect(summary.waveOpenWeeks.phased_pilot!.map((w) => w.label)).toEqual(['pilot', 'wave 1', 'wave 2']);
    expect(summary.comparisons.length).toBe(3 * RESULTS.length);
    expect(summary.timeseries.top_down!.active_share!.p50.length).toBe(31);
    expect(manifest).toMatchObject({ rollouts: 12, seed: 42, weeks: 30 });
    expect(manifest.nodeVersion).toBe(process.version);
    expect(readTimeseries(reference).length).toBe(3 * 31 * OBSERVABLES.length);
    let count = 0;
    for await (const row of readRollouts(reference)) {
      if (count === 0) expect(row).toMatchObject({ strategy: 'top_down', rollout: 0 });
      count++;
    }
    expect(count).toBe(36);
  });

  it('writes exactly the columns docs/outputs.md lists, in its order', () => {
    const doc = readFileSync(new URL('../../docs/outputs.md', import.meta.url), 'utf8');
    /** First-column entries of the table under a heading, e.g. `strategy`, `p05`, `p25`. */
    const documented = (heading: string): string[] => {
      const section = doc.split(heading)[1]!.split('\n## ')[0]!;
      const table = section.split('| Column |')[1]!.split('\n\n')[0]!;
      return table.split('\n').slice(2).flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    };
    const tsHeader = readFileSync(join(reference, 'timeseries.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(tsHeader).toEqual(documented('## `timeseries.csv`'));
    const metrics = doc.split('## `timeseries.csv`')[1]!.split('| metric | unit |')[1]!.split('\n\n')[0]!;
    expect([...metrics.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1])).toEqual(OBSERVABLES.map((o) => o.name));
    const rowHeader = readFileSync(join(reference, 'rollouts.csv'), 'utf8').split('\n')[0]!.split(',');
    const listed = documented('## `rollouts.csv`');
    // Fixed columns as listed; then the wave columns and one column per uncertain parameter (documented generically).
    const fixed = listed.slice(0, 3 + RESULTS.length);
    expect(rowHeader.slice(0, fixed.length)).toEqual(fixed);
    expect(listed.slice(fixed.length, fixed.length + 4)).toEqual(['pilot_open_week', 'wave1_open_week', 'pilot_forced', 'wave1_forced']);
    expect(rowHeader.slice(fixed.length)).toEqual(['pilot_open_week', 'wave1_open_week', 'wave2_open_week', 'pilot_forced', 'wave1_forced', 'wave2_forced', 'organisation.silo_strength']);
  });

  it('records, per rollout and in the summary, the waves forced open by the maximum wait', () => {
    const rows = readFileSync(join(reference, 'rollouts.csv'), 'utf8').trimEnd().split('\n');
    const header = rows[0]!.split(',');
    const col = (name: string) => header.indexOf(name);
    const phased = rows.slice(1).map((r) => r.split(',')).filter((r) => r[0] === 'phased_pilot');
    const { summary } = readRunOutputs(reference);
    for (const [w, prefix] of ['pilot', 'wave1', 'wave2'].entries()) {
      let forced = 0;
      for (const row of phased) {
        const open = row[col(`${prefix}_open_week`)]!;
        const flag = row[col(`${prefix}_forced`)]!;
        if (open === 'never') expect(flag).toBe('');
        else expect(['0', '1']).toContain(flag);
        if (flag === '1') {
          forced++;
          // Forced open exactly at the maximum wait (gate_max_weeks: 8 in the fixture) after the wave before.
          const before = w === 1 ? 'pilot' : `wave${w - 1}`;
          expect(Number(open) - Number(row[col(`${before}_open_week`)])).toBe(8);
        }
      }
      expect(summary.waveOpenWeeks.phased_pilot![w]!.forced).toBe(forced);
    }
    expect(summary.waveOpenWeeks.phased_pilot![0]!.forced).toBe(0);
    // The fixture's short maximum wait forces some waves open: the check above is not vacuous.
    expect(summary.waveOpenWeeks.phased_pilot![2]!.forced).toBeGreaterThan(0);
  });

  it('gives byte-identical outputs on 1 and 2 workers', async () => {
    const out = join(root, 'two-workers');
    const result = await runExperiment({ experiment, out, workers: 2, runner: 'pool' });
    expect(result.manifest.workers).toBe(2);
    same(reference, out);
  });

  it('gives the same bytes when the workers hand over their summaries after every batch (a collect per checkpoint)', async () => {
    const out = join(root, 'collect-often');
    // Checkpoints every 0 s: each batch is followed by a collect from both workers and a checkpoint.
    await runExperiment({ experiment, out, workers: 2, runner: 'pool', checkpointSeconds: 0, batchSize: 2 });
    same(reference, out);
  });

  it('says where the time went when asked (the benchmark), thread by thread, with the same bytes', async () => {
    for (const runner of ['pool', 'sequential'] as const) {
      const out = join(root, `timed-${runner}`);
      const timings: RunTimings = { phases: {}, threads: [] };
      const t0 = performance.now();
      await runExperiment({ experiment, out, workers: 2, runner, timings });
      const wall = performance.now() - t0;
      same(reference, out);
      expect(timings.threads.length, runner).toBe(runner === 'pool' ? 2 : 1);
      for (const thread of timings.threads) {
        expect(Object.keys(thread)).toEqual([...WORK_CLOCK_FIELDS]);
        for (const field of WORK_CLOCK_FIELDS) expect(thread[field], field).toBeGreaterThan(0);
      }
      // Every thread's parts fit inside the run, and the main thread's phases add up to it.
      for (const thread of timings.threads) expect(Object.values(thread).reduce((a, b) => a + b, 0)).toBeLessThan(wall);
      const phases = Object.values(timings.phases).reduce((a, b) => a + b, 0);
      expect(phases).toBeLessThanOrEqual(wall);
      expect(phases).toBeGreaterThan(0.5 * wall);
      expect(Object.keys(timings.phases)).toEqual(expect.arrayContaining(['run batches', 'write rows', 'collect', 'summary']));
    }
  });

  it('merges shards 1/3, 2/3 and 3/3 into the same bytes as the unsharded run', async () => {
    const dirs: string[] = [];
    for (const index of [3, 1, 2]) {
      const out = join(root, `shard-${index}`);
      const result = await runExperiment({ experiment, out, workers: 1, shard: { index, count: 3 } });
      expect(result.summary).toBeNull();
      expect(result.manifest.shard).toMatchObject({ index, count: 3 });
      dirs.push(out);
    }
    const merged = join(root, 'merged');
    const result = await mergeShards({ dirs, out: merged });
    same(reference, merged);
    expect(result.manifest.mergedFrom!.map((m) => m.shard)).toEqual(['1/3', '2/3', '3/3']);
  });

  it('refuses to merge an incomplete or mixed set of shards', async () => {
    const a = join(root, 'lonely-shard');
    await runExperiment({ experiment, out: a, workers: 1, shard: { index: 1, count: 2 } });
    await expect(mergeShards({ dirs: [a], out: join(root, 'never') })).rejects.toThrow(/missing shard 2\/2/);
    const other = join(root, 'other-seed');
    await runExperiment({ experiment: { ...experiment, seed: 7 }, out: other, workers: 1, shard: { index: 2, count: 2 } });
    await expect(mergeShards({ dirs: [a, other], out: join(root, 'never') })).rejects.toThrow(/different experiment/);
    // A shard written by an uptake whose partial results had another format.
    const old = join(root, 'old-shard');
    await runExperiment({ experiment, out: old, workers: 1, shard: { index: 2, count: 2 } });
    const partial = JSON.parse(readFileSync(join(old, 'partial.json'), 'utf8')) as { aggregate: { format: string } };
    partial.aggregate.format = 'uptake-partial/1';
    writeFileSync(join(old, 'partial.json'), JSON.stringify(partial));
    await expect(mergeShards({ dirs: [a, old], out: join(root, 'never') })).rejects.toThrow(/old-shard: partial.json has format uptake-partial\/1, this uptake .* reads uptake-partial\/3/);
    expect(existsSync(join(root, 'never'))).toBe(false);
  });

  it('when interrupted, writes no output folder, keeps finished batches, and resumes to the same bytes', async () => {
    const out = join(root, 'interrupted');
    const controller = new AbortController();
    const run = runExperiment({
      experiment, out, workers: 1, runner: 'sequential', signal: controller.signal,
      onProgress: (done) => {
        if (done >= 4) controller.abort();
      },
    });
    const err = await run.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(RunInterrupted);
    const interrupted = err as RunInterrupted;
    expect(interrupted.completedRollouts).toBeGreaterThanOrEqual(4);
    expect(interrupted.completedRollouts).toBeLessThan(12);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(interrupted.workDir, 'checkpoint.json'))).toBe(true);
    const resumed = await runExperiment({ experiment, out, workers: 2, resume: true });
    expect(resumed.resumedRollouts).toBe(interrupted.completedRollouts);
    expect(resumed.manifest.resumed).toBe(true);
    same(reference, out);
    expect(existsSync(interrupted.workDir)).toBe(false);
  });

  it('--resume on a work folder of an older uptake says so in one line (exit 2) instead of starting afresh', async () => {
    const out = join(root, 'old-work');
    const oldDir = join(root, '.old-work.uptake-0123456789abcdef');
    mkdirSync(oldDir, { recursive: true });
    writeFileSync(join(oldDir, 'checkpoint.json'), JSON.stringify({ completed: [0], aggregate: { format: 'uptake-partial/2' } }));
    const err = await runExperiment({ experiment, out, workers: 1, runner: 'sequential', resume: true }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(/^cannot resume: .*old-work\.uptake-0123456789abcdef was written by an older uptake \(format uptake-partial\/2, .* reads uptake-partial\/3\)$/);
    expect(existsSync(out)).toBe(false);
  });

  it('when interrupted before any rollout finished, keeps no work folder, so nothing suggests --resume', async () => {
    const out = join(root, 'stopped-at-once');
    const controller = new AbortController();
    controller.abort();
    const err = await runExperiment({ experiment, out, workers: 1, runner: 'sequential', signal: controller.signal }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(RunInterrupted);
    expect((err as RunInterrupted).completedRollouts).toBe(0);
    expect(existsSync((err as RunInterrupted).workDir)).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(interruptedText(err as RunInterrupted)).toBe(
      'Interrupted: discarded 0 rollouts in progress; no output folder was written.\nNo rollout had finished, so there is nothing to resume: run the same command again to start over.\n',
    );
    expect(interruptedText({ discardedRollouts: 2, completedRollouts: 8, totalRollouts: 40, workDir: '/tmp/.x.uptake-1' })).toContain('8 of 40 rollouts are finished and kept in /tmp/.x.uptake-1: run the same command with --resume');
  });

  it('when no checkpoint can be written any more (a full disk), keeps the last one and resumes from it to the same bytes', async () => {
    const out = join(root, 'disk-full');
    const workDir = (): string | undefined => readdirSync(root).filter((n) => n.startsWith('.disk-full.uptake-')).map((n) => join(root, n))[0];
    // Checkpoints after every batch; once one stands, a directory where the next is written makes every later write fail.
    let blocked = '';
    const run = runExperiment({
      experiment, out, workers: 1, runner: 'sequential', checkpointSeconds: 0, batchSize: 2,
      onProgress: (done) => {
        const dir = workDir();
        if (!blocked && done >= 4 && dir && existsSync(join(dir, 'checkpoint.json'))) {
          blocked = join(dir, 'checkpoint.json.tmp');
          mkdirSync(blocked);
        }
      },
    });
    const err = await run.then(() => null, (e: unknown) => e);
    expect(blocked).not.toBe('');
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/the rollouts of the last checkpoint are kept in .*disk-full.*--resume/);
    expect(existsSync(out)).toBe(false);
    const kept = JSON.parse(readFileSync(join(workDir()!, 'checkpoint.json'), 'utf8')) as { completed: number[] };
    expect(kept.completed.length).toBeGreaterThan(0);
    expect(kept.completed.length).toBeLessThan(6);
    rmSync(blocked, { recursive: true });
    const resumed = await runExperiment({ experiment, out, workers: 1, runner: 'sequential', batchSize: 2, resume: true });
    expect(resumed.resumedRollouts).toBe(2 * kept.completed.length);
    same(reference, out);
    expect(workDir()).toBeUndefined();
  });

  it('stops on a failing rollout, naming strategy, rollout and seed, and leaves no folder behind', async () => {
    const out = join(root, 'failing');
    process.env.UPTAKE_INJECT_FAILURE = 'bottom_up:5';
    try {
      const err = await runExperiment({ experiment, out, workers: 1, runner: 'sequential' }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(RolloutFailed);
      const rows = readFileSync(join(reference, 'rollouts.csv'), 'utf8').split('\n');
      const seed = Number(rows.find((r) => r.startsWith('bottom_up,5,'))!.split(',')[2]);
      expect((err as RolloutFailed).info).toMatchObject({ strategy: 'bottom_up', rollout: 5, seed });
    } finally {
      delete process.env.UPTAKE_INJECT_FAILURE;
    }
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith('.failing.'))).toEqual([]);
  });

  it('replaces an earlier output folder but never a folder it did not write', async () => {
    const mine = join(root, 'again');
    await runExperiment({ experiment: { ...experiment, rollouts: 2 }, out: mine, workers: 1 });
    await runExperiment({ experiment: { ...experiment, rollouts: 3 }, out: mine, workers: 1 });
    expect(readRunOutputs(mine).summary.experiment.rollouts).toBe(3);
    const theirs = join(root, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'notes.txt'), 'keep me');
    await expect(runExperiment({ experiment, out: theirs, workers: 1 })).rejects.toThrow(/not an uptake output folder/);
    expect(readFileSync(join(theirs, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(workDirOf(theirs, 'x'))).toBe(false);
  });

  it("refuses a folder holding another scenario's results, naming that scenario, and replaces it with force", async () => {
    const other = join(root, 'other');
    await runExperiment({ experiment: { ...experiment, rollouts: 2 }, out: other, workers: 1 });
    const before = readFileSync(join(other, 'summary.json'));
    const renamed = { ...experiment, name: 'another_client', rollouts: 2 };
    await expect(runExperiment({ experiment: renamed, out: other, workers: 1 })).rejects.toThrow(
      new RegExp(`holds the results of another scenario, ${experiment.name} \\(2 rollouts, .*\\); this run is another_client`),
    );
    expect(readFileSync(join(other, 'summary.json')).equals(before)).toBe(true);
    await runExperiment({ experiment: renamed, out: other, workers: 1, force: true });
    expect(readRunOutputs(other).manifest.scenario.name).toBe('another_client');
  });

  it("merges shards into a folder of another scenario only with force", async () => {
    const small = { ...experiment, rollouts: 4 };
    const dirs = [1, 2].map((index) => join(root, `guard-shard-${index}`));
    for (const [i, out] of dirs.entries()) await runExperiment({ experiment: small, out, workers: 1, shard: { index: i + 1, count: 2 } });
    const other = join(root, 'merge-other');
    await runExperiment({ experiment: { ...experiment, name: 'another_client', rollouts: 2 }, out: other, workers: 1 });
    await expect(mergeShards({ dirs, out: other })).rejects.toThrow(/holds the results of another scenario, another_client/);
    expect(readRunOutputs(other).manifest.scenario.name).toBe('another_client');
    await mergeShards({ dirs, out: other, force: true });
    expect(readRunOutputs(other).manifest.scenario.name).toBe(experiment.name);
  });

  it('says a file is in the way of the output folder before running anything', async () => {
    const file = join(root, 'notes.md');
    writeFileSync(file, 'mine');
    await expect(runExperiment({ experiment, out: file, workers: 1 })).rejects.toThrow(/notes\.md: is a file, not a folder/);
    await expect(runExperiment({ experiment, out: join(file, 'run'), workers: 1 })).rejects.toThrow(/notes\.md is a file, not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});
