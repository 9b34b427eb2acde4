import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunOutputs } from '../../src/runner/summary.ts';
import { REPO, uptake } from './spawn.ts';

const FIXTURE = relative(REPO, fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url)));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-run-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Sends `signal` to the run once its work folder (the first of `workDirs()`) holds `batches` finished batches. */
function signalOnceBatchesWritten(workDirs: () => string[], batches: number, signal: NodeJS.Signals): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      const dir = workDirs()[0];
      const done = dir ? join(root, dir, 'batches') : '';
      if (dir && existsSync(done) && readdirSync(done).length >= batches) {
        clearInterval(timer);
        child.kill(signal);
      }
    }, 20);
    child.on('close', () => clearInterval(timer));
  };
}

describe('uptake run', () => {
  it('writes the output folder, prints JSON with --json, and --rollout N reproduces row N alone', async () => {
    const out = join(root, 'json');
    const run = await uptake(['run', FIXTURE, '--rollouts', '6', '--workers', '2', '--out', out, '--json', '--no-report']);
    expect(run.stderr).toContain('Wrote');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { strategies: { name: string; waves?: unknown[] }[]; comparisons: unknown[] };
    expect(json.strategies.map((s) => s.name)).toEqual(['top_down', 'bottom_up', 'phased_pilot']);
    expect(json.comparisons.length).toBeGreaterThan(0);
    const { summary, manifest } = readRunOutputs(out);
    // Waves only for the phased strategy, as summary.json has them.
    expect(json.strategies.map((s) => s.waves)).toEqual([undefined, undefined, summary.waveOpenWeeks.phased_pilot]);
    expect(manifest).toMatchObject({ rollouts: 6, workers: 2 });

    const alone = await uptake(['run', FIXTURE, '--rollout', '4']);
    expect(alone.code).toBe(0);
    const lines = readFileSync(join(out, 'rollouts.csv'), 'utf8').split('\n');
    const expected = [lines[0], ...lines.filter((l) => /^[a-z_]+,4,/.test(l))].join('\n') + '\n';
    expect(alone.stdout).toBe(expected);
  });

  it('stops with exit 3 on a failing rollout, names its strategy, rollout and seed and how to rerun it, and writes nothing', async () => {
    const out = join(root, 'failing');
    const run = await uptake(['run', FIXTURE, '--rollouts', '8', '--workers', '2', '--out', out], { UPTAKE_INJECT_FAILURE: 'phased_pilot:5' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/rollout 5 of strategy phased_pilot failed \(rollout seed \d+\)/);
    expect(run.stderr).toContain(`uptake run ${FIXTURE} --rollout 5`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith('.failing'))).toEqual([]);
  });

  it('on Ctrl-C stops the workers, says what was discarded, writes no output folder, and --resume finishes the run', async () => {
    const out = join(root, 'interrupted');
    const workDirs = (): string[] => readdirSync(root).filter((n) => n.startsWith('.interrupted.uptake-'));
    const run = await uptake(['run', FIXTURE, '--rollouts', '300', '--workers', '2', '--out', out, '--no-report'], {}, signalOnceBatchesWritten(workDirs, 2, 'SIGINT'));
    expect(run.code).toBe(130);
    expect(run.stderr).toMatch(/Interrupted: discarded \d+ rollouts? in progress; no output folder was written/);
    expect(run.stderr).toContain('--resume');
    expect(existsSync(out)).toBe(false);
    expect(workDirs().length).toBe(1);

    const resumed = await uptake(['run', FIXTURE, '--rollouts', '300', '--workers', '2', '--out', out, '--resume', '--quiet', '--no-report']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe('');
    const { manifest } = readRunOutputs(out);
    expect(manifest.resumed).toBe(true);
    expect(readFileSync(join(out, 'rollouts.csv'), 'utf8').trimEnd().split('\n').length).toBe(1 + 3 * 300);
    expect(workDirs()).toEqual([]);
  });

  it('on SIGTERM stops the same way, with the exit code of a terminated process (143)', async () => {
    const out = join(root, 'terminated');
    const workDirs = (): string[] => readdirSync(root).filter((n) => n.startsWith('.terminated.uptake-'));
    const run = await uptake(['run', FIXTURE, '--rollouts', '300', '--workers', '2', '--out', out, '--no-report'], {}, signalOnceBatchesWritten(workDirs, 1, 'SIGTERM'));
    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/Interrupted: discarded \d+ rollouts? in progress/);
    expect(existsSync(out)).toBe(false);
    expect(workDirs().length).toBe(1);
  });

  it('keeps the finished rollouts when a worker thread is lost, and --resume then gives the bytes of an uninterrupted run', async () => {
    const out = join(root, 'crashed');
    const workDirs = (): string[] => readdirSync(root).filter((n) => n.startsWith('.crashed.uptake-'));
    const run = await uptake(['run', FIXTURE, '--rollouts', '240', '--workers', '2', '--out', out, '--no-report'], { UPTAKE_INJECT_CRASH: '200' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/worker exited .*the \d+ rollouts finished are kept in .*run the same command with --resume to continue/);
    expect(existsSync(out)).toBe(false);
    expect(workDirs().length).toBe(1);

    const resumed = await uptake(['run', FIXTURE, '--rollouts', '240', '--workers', '2', '--out', out, '--resume', '--quiet', '--no-report']);
    expect(resumed.code).toBe(0);
    expect(readRunOutputs(out).manifest.resumed).toBe(true);
    const whole = join(root, 'whole');
    expect((await uptake(['run', FIXTURE, '--rollouts', '240', '--workers', '1', '--out', whole, '--quiet', '--no-report'])).code).toBe(0);
    for (const file of ['summary.json', 'timeseries.csv', 'rollouts.csv']) {
      expect(readFileSync(join(out, file)).equals(readFileSync(join(whole, file))), file).toBe(true);
    }
    expect(workDirs()).toEqual([]);
  });

  it('rejects bad flags with exit 2 and one line naming the flag', async () => {
    const run = await uptake(['run', FIXTURE, '--rollouts', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/^error: --rollouts: expected a whole number of at least 1, got "many" — /);
  });
});
