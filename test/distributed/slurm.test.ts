/**
 * A real Slurm job array: the sbatch script of docs/distributed.md, read from the page, submitted to
 * a one-node cluster on this machine (scripts/slurm/cluster.sh; .ci/run starts it, and this file
 * starts it itself when it is not running, and then stops it again). Needs root and Debian's
 * slurm-wlm and munge, which `npm test` installs (scripts/ensure-test-deps.mjs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO, uptake, type Outcome } from '../cli/spawn.ts';

/** Small and quick: 12 rollouts of 200 people, 3 rollouts per task. */
const SCENARIO = 'test/runner/fixtures/small.yaml';
const COMPARED = ['summary.json', 'timeseries.csv', 'rollouts.csv'];
const MARKER = '<!-- test/distributed/slurm.test.ts submits this script as it stands here. -->';
/** The test machine has 2 cores: one per task, so two tasks run at a time. The command line overrides the #SBATCH lines. */
const RESOURCES = ['--cpus-per-task=1', '--mem=1G'];
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED']);

let root: string;
let slurmConf: string;
let startedHere = false;
let oneMachine: Promise<Outcome>;
const submitted: string[] = [];

function cluster(command: 'start' | 'stop' | 'status'): SpawnSyncReturns<string> {
  return spawnSync('bash', [join(REPO, 'scripts/slurm/cluster.sh'), command], { encoding: 'utf8' });
}

beforeAll(() => {
  let status = cluster('status');
  if (status.status !== 0) {
    status = cluster('start');
    if (status.status !== 0) throw new Error(`the Slurm test cluster did not start (scripts/slurm/cluster.sh start, as root):\n${status.stderr}`);
    startedHere = true;
  }
  slurmConf = /^SLURM_CONF=(.+)$/m.exec(status.stdout)![1]!;
  root = mkdtempSync(join(tmpdir(), 'uptake-slurm-'));
  mkdirSync(join(root, 'logs'));
  // The one-machine run the merged shards must equal, byte for byte (same scenario path, as the jobs give it).
  oneMachine = uptake(['run', SCENARIO, '--out', join(root, 'one-machine'), '--workers', '1', '--quiet', '--no-report']);
});

afterAll(() => {
  // Jobs of a test that failed half-way must not stay queued on a cluster this file did not start.
  if (submitted.length) spawnSync('scancel', submitted, { env: jobEnv({}) });
  if (startedHere) cluster('stop');
  rmSync(root, { recursive: true, force: true });
});

/** The job's whole environment (sbatch hands its own on to the job): no state of the test process leaks in. */
function jobEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: process.env.HOME ?? '/root', SLURM_CONF: slurmConf, NO_COLOR: '1', ...extra };
}

function slurm(tool: string, args: string[], env: Record<string, string> = jobEnv({})): string {
  const run = spawnSync(tool, args, { cwd: REPO, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Submits from the checkout, as the page says (the script changes to $SLURM_SUBMIT_DIR); returns the job id. */
function sbatch(args: string[], env: Record<string, string>): string {
  const id = slurm('sbatch', ['--parsable', ...args], env).trim().split(';')[0]!;
  submitted.push(id);
  return id;
}

interface Task {
  task: string;
  state: string;
  reason: string;
  exitCode: string;
}

/** Every task of a job (one line each from `scontrol -o show job`). */
function tasksOf(jobId: string): Task[] {
  return slurm('scontrol', ['-o', 'show', 'job', jobId]).trim().split('\n').map((line) => {
    const field = (name: string): string => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1] ?? '';
    return { task: field('ArrayTaskId') || field('JobId'), state: field('JobState'), reason: field('Reason'), exitCode: field('ExitCode') };
  }).sort((a, b) => Number(a.task) - Number(b.task));
}

async function until<T>(what: string, probe: () => T | undefined, seconds = 120): Promise<T> {
  for (let i = 0; i < seconds * 4; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}; slurmctld log:\n${readFileSync(join(dirname(slurmConf), 'slurmctld.log'), 'utf8').slice(-3000)}`);
}

function finished(jobId: string): Promise<Task[]> {
  return until(`job ${jobId} to finish`, () => {
    const tasks = tasksOf(jobId);
    return tasks.every((t) => FINISHED.has(t.state)) ? tasks : undefined;
  });
}

/** The sbatch script of docs/distributed.md: the fenced block right after the marker. */
function docScript(): string {
  const text = readFileSync(join(REPO, 'docs/distributed.md'), 'utf8');
  const after = text.slice(text.indexOf(MARKER) + MARKER.length);
  expect(text.includes(MARKER), 'the marker before the sbatch script in docs/distributed.md').toBe(true);
  expect(after.startsWith('\n```bash\n#!/bin/bash\n')).toBe(true);
  return after.slice('\n```bash\n'.length, after.indexOf('\n```\n') + 1);
}

/** The shard folders a shell's `results/shard-*` would give (not the hidden work folders). */
function shardFolders(results: string): string[] {
  return readdirSync(results).filter((name) => /^shard-\d+$/.test(name)).sort().map((name) => join(results, name));
}

async function expectOneMachineBytes(merged: string): Promise<void> {
  const reference = await oneMachine;
  expect(reference.code, reference.stderr).toBe(0);
  for (const f of COMPARED) expect(readFileSync(join(merged, f)).equals(readFileSync(join(root, 'one-machine', f))), f).toBe(true);
}

describe('a Slurm job array (docs/distributed.md)', () => {
  it('runs the page script as 4 array tasks with --shard auto, and a merge job after them gives the bytes of a one-machine run', async () => {
    const script = join(root, 'uptake.sbatch');
    writeFileSync(script, docScript());
    const results = join(root, 'ok');
    const env = jobEnv({ UPTAKE_SCENARIO: SCENARIO, UPTAKE_RESULTS: results });
    const array = sbatch(['--array=0-3', ...RESOURCES, `--output=${root}/logs/ok-%A_%a.out`, script], env);
    const merge = sbatch([`--dependency=afterok:${array}`, '--job-name=uptake-merge', ...RESOURCES, `--output=${root}/logs/ok-merge.out`,
      '--wrap', `node bin/uptake.js merge ${results}/shard-* --out ${results}/merged --quiet --no-report`], env);

    const tasks = await finished(array);
    expect(tasks.map((t) => [t.task, t.state, t.exitCode])).toEqual(['0', '1', '2', '3'].map((t) => [t, 'COMPLETED', '0:0']));
    // Each task found its shard in the array's environment: task i wrote shard i+1 of 4.
    for (const [i, dir] of shardFolders(results).entries()) {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { shard: { index: number; count: number }; command: string };
      expect(manifest.shard).toMatchObject({ index: i + 1, count: 4 });
      expect(manifest.command).toContain('--shard auto');
    }
    const [mergeJob] = await finished(merge);
    expect([mergeJob!.state, mergeJob!.exitCode], readFileSync(join(root, 'logs/ok-merge.out'), 'utf8')).toEqual(['COMPLETED', '0:0']);
    await expectOneMachineBytes(join(results, 'merged'));
  });

  it("with one task crashed: Slurm shows it FAILED, the merge job never runs, uptake merge names the shard, its seed and the command that completes it", async () => {
    // The crash, injected into this test's copy of the page script only: task 2 dies before writing its shard.
    const page = docScript();
    const crash = [
      '# Injected by test/distributed/slurm.test.ts: one task dies before writing its shard, as if its node were lost.',
      'if [ "$SLURM_ARRAY_TASK_ID" = "$UPTAKE_TEST_CRASH_TASK" ]; then echo "injected crash of task $SLURM_ARRAY_TASK_ID" >&2; kill -KILL $$; fi',
    ].join('\n');
    expect(page.split('\nset -euo pipefail\n')).toHaveLength(2);
    const script = join(root, 'crash.sbatch');
    // A function, not a string, as the replacement: a string would turn the script's $$ into $.
    writeFileSync(script, page.replace('\nset -euo pipefail\n', () => `\nset -euo pipefail\n${crash}\n`));
    const results = join(root, 'crash');
    const env = jobEnv({ UPTAKE_SCENARIO: SCENARIO, UPTAKE_RESULTS: results, UPTAKE_TEST_CRASH_TASK: '2' });
    const array = sbatch(['--array=0-3', ...RESOURCES, `--output=${root}/logs/crash-%A_%a.out`, script], env);
    const merge = sbatch([`--dependency=afterok:${array}`, '--job-name=uptake-merge', ...RESOURCES, `--output=${root}/logs/crash-merge.out`,
      '--wrap', `node bin/uptake.js merge ${results}/shard-* --out ${results}/merged --quiet --no-report`], env);

    // What Slurm shows: task 2 FAILED (killed by signal 9), its log says why; the merge job waits for ever.
    const tasks = await finished(array);
    expect(tasks.map((t) => [t.task, t.state])).toEqual([['0', 'COMPLETED'], ['1', 'COMPLETED'], ['2', 'FAILED'], ['3', 'COMPLETED']]);
    expect(tasks[2]!.exitCode, JSON.stringify(tasks)).toBe('0:9');
    expect(readFileSync(join(root, `logs/crash-${array}_2.out`), 'utf8')).toContain('injected crash of task 2');
    const waiting = await until('the merge job to be refused its dependency', () => {
      const [job] = tasksOf(merge);
      return job!.reason === 'DependencyNeverSatisfied' ? job : undefined;
    });
    expect(waiting.state).toBe('PENDING');
    slurm('scancel', [merge]);

    // What uptake merge says of the shards that exist: which one is missing, its rollouts and seed, and the command.
    const incomplete = await uptake(['merge', ...shardFolders(results), '--out', join(results, 'merged'), '--no-report']);
    expect(incomplete.code).toBe(2);
    const lines = incomplete.stderr.split('\n');
    expect(lines[0]).toMatch(/^error: missing shard 3\/4 \(scenario small_runner_test, seed 42, 12 rollouts\) — run it as below/);
    expect(lines[1]).toBe('  shard 3/4, rollouts 6–8: not among the folders given, and no unfinished run of it beside them');
    expect(lines[2]).toBe(`    uptake run ${SCENARIO} --rollouts 12 --seed 42 --shard 3/4 --resume --out ${results}/shard-2`);

    // That command, run as a job (`uptake` is `node bin/uptake.js` in a checkout), completes the shard.
    const rerun = sbatch(['--job-name=uptake-shard-3', ...RESOURCES, `--output=${root}/logs/crash-rerun.out`,
      '--wrap', lines[2]!.trim().replace(/^uptake /, 'node bin/uptake.js ') + ' --quiet --no-report'], env);
    const [rerunJob] = await finished(rerun);
    expect([rerunJob!.state, rerunJob!.exitCode], readFileSync(join(root, 'logs/crash-rerun.out'), 'utf8')).toEqual(['COMPLETED', '0:0']);
    const complete = await uptake(['merge', ...shardFolders(results), '--out', join(results, 'merged'), '--quiet', '--no-report']);
    expect(complete.code, complete.stderr).toBe(0);
    await expectOneMachineBytes(join(results, 'merged'));
  });
});
