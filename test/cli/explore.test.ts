/** `uptake explore` as a user runs it: JSON on request, and bad input that exits 2 with nothing written. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uptake } from './spawn.ts';

const FIXTURE = 'test/explore/fixtures/small.yaml';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-explore-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake explore', () => {
  it('runs the small scenario, prints JSON with --json, and an uptake run into the same folder keeps explore/', async () => {
    const out = join(root, 'small');
    const r = await uptake(['explore', FIXTURE, '--samples', '8', '--rollouts', '2', '--workers', '2', '--out', out, '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { dir: string; samples: number; indices: { n: number }[]; noise_share: unknown[] };
    expect(json.dir).toBe(join(out, 'explore'));
    expect(json.samples).toBe(8);
    expect(new Set(json.indices.map((i) => i.n))).toEqual(new Set([4, 8]));
    const indices = readFileSync(join(out, 'explore', 'indices.csv'), 'utf8');
    const run = await uptake(['run', FIXTURE, '--rollouts', '2', '--out', out, '--quiet', '--no-report']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'explore', 'indices.csv'), 'utf8')).toBe(indices);
  }, 120_000);

  it('prints tables with the indices at N/2 and N side by side and a note for about-zero ones', async () => {
    const r = await uptake(['explore', FIXTURE, '--samples', '8', '--workers', '1', '--out', join(root, 'text')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/first order, N=4 +first order, N=8 +total, N=4 +total, N=8 +noise/);
    expect(r.stdout).toMatch(/≈ 0: the 95% bootstrap interval covers zero/);
    expect(r.stderr).toMatch(/Wrote .*explore: 40 design points × 2 rollouts × 2 strategies/);
  }, 120_000);

  it('--method morris prints mu* and sigma at r/2 and r trajectories (any whole number of them)', async () => {
    const out = join(root, 'morris');
    const r = await uptake(['explore', FIXTURE, '--method', 'morris', '--samples', '12', '--workers', '2', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/μ\*, trajectories=6 +μ\*, trajectories=12 +σ, trajectories=6 +σ, trajectories=12 +noise/);
    const lines = readFileSync(join(out, 'explore', 'indices.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('method,outcome,strategy,input,index,estimate,low,high,n');
    expect(new Set(lines.slice(1).map((l) => `${l.split(',')[0]} ${l.split(',')[4]}`))).toEqual(new Set(['morris mu_star', 'morris sigma']));
  }, 120_000);

  it('a rollout that throws exits 3 naming its design point, replicate and seed, and writes nothing', async () => {
    const out = join(root, 'failing');
    const r = await uptake(['explore', FIXTURE, '--samples', '8', '--workers', '1', '--out', out], { UPTAKE_INJECT_FAILURE: 'phased_pilot:5' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/design point 2, replicate 1, strategy phased_pilot \(seed \d+\) failed: injected failure/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('on Ctrl-C exits 130 with nothing written but the finished batches, and --resume gives the bytes of an uninterrupted run', async () => {
    const args = ['explore', 'scenarios/default.yaml', '--samples', '16', '--workers', '2', '--quiet'];
    const whole = await uptake([...args, '--out', join(root, 'whole')]);
    expect(whole.code).toBe(0);
    const out = join(root, 'stopped');
    const workDirs = (): string[] => (existsSync(out) ? readdirSync(out).filter((n) => n.startsWith('.explore.uptake-')) : []);
    const onStart = (child: ChildProcess): void => {
      const timer = setInterval(() => {
        const dir = workDirs()[0];
        const batches = dir ? join(out, dir, 'batches') : '';
        if (dir && existsSync(batches) && readdirSync(batches).length >= 2) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('close', () => clearInterval(timer));
    };
    const stopped = await uptake([...args, '--out', out], {}, onStart);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/Interrupted: nothing was written; \d+ of 192 rollouts are finished and kept in .*--resume/);
    expect(existsSync(join(out, 'explore'))).toBe(false);
    expect(workDirs()).toHaveLength(1);
    const resumed = await uptake([...args, '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    for (const file of ['design.csv', 'indices.csv', 'indices-by-week.csv', 'summary.json']) {
      expect(readFileSync(join(out, 'explore', file), 'utf8'), file).toBe(readFileSync(join(root, 'whole', 'explore', file), 'utf8'));
    }
    expect(workDirs()).toEqual([]);
  }, 180_000);

  it('a bad explore: block exits 2 with every problem at file:line and a hint, and writes nothing', async () => {
    const file = join(root, 'bad.yaml');
    const text = readFileSync(FIXTURE, 'utf8').replace('adoption.imitation: [0.1, 0.5]', 'adoption.imitaton: [0.1, 0.5]').replace('samples: 16', 'samples: 20');
    writeFileSync(file, text);
    const lines = text.split('\n');
    const lineOf = (s: string): number => lines.findIndex((l) => l.includes(s)) + 1;
    const out = join(root, 'bad-out');
    const r = await uptake(['explore', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf('adoption.imitaton')}:`);
    expect(r.stderr).toMatch(/did you mean adoption\.imitation/);
    expect(r.stderr).toContain(`${file}:${lineOf('samples: 20')}:`);
    expect(r.stderr).toMatch(/use 16 or 32/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('--samples that is not a power of two, an unknown --method and --rollouts 1 exit 2 with a hint and write nothing', async () => {
    const out = join(root, 'flags-out');
    const samples = await uptake(['explore', FIXTURE, '--samples', '12', '--out', out]);
    expect(samples.code).toBe(2);
    expect(samples.stderr).toMatch(/--samples must be a power of two.*got 12/);
    expect(samples.stderr).toMatch(/--samples 8/);
    const method = await uptake(['explore', FIXTURE, '--method', 'fast', '--out', out]);
    expect(method.code).toBe(2);
    expect(method.stderr).toMatch(/--method must be sobol or morris, got "fast"/);
    const one = await uptake(['explore', FIXTURE, '--rollouts', '1', '--out', out]);
    expect(one.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
