/** `uptake forecast` as a user runs it: the bundled example, and bad input that gets every problem at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uptake } from './spawn.ts';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-forecast-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake forecast', () => {
  it('forecasts the bundled example, prints JSON on request, and an uptake run into the same folder keeps the forecast', async () => {
    const out = join(root, 'pilot');
    const r = await uptake(['forecast', 'scenarios/pilot.yaml', '--particles', '20', '--budget', '120', '--workers', '2', '--out', out, '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { dir: string; last_observed_week: number; calibrated_weeks: number; stop_reason: string; simulations: number; generations: unknown[]; parameters: { parameter: string }[] };
    expect(json.dir).toBe(join(out, 'forecast'));
    expect(json.last_observed_week).toBe(14);
    expect(json.calibrated_weeks).toBe(14);
    expect(json.simulations).toBeLessThanOrEqual(120);
    expect(json.parameters.map((p) => p.parameter).sort()).toEqual(['adoption.empty_room_lapse', 'adoption.imitation', 'adoption.trial_conversion']);
    const posterior = readFileSync(join(out, 'forecast', 'posterior.csv'), 'utf8');
    const run = await uptake(['run', 'scenarios/pilot.yaml', '--rollouts', '4', '--out', out, '--quiet', '--no-report']);
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'forecast', 'posterior.csv'), 'utf8')).toBe(posterior);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  }, 120_000);

  it('on Ctrl-C keeps the finished generations beside the output folder, exit 130, and --resume gives the bytes of an uninterrupted run', async () => {
    const args = ['forecast', 'scenarios/pilot.yaml', '--particles', '30', '--budget', '900', '--workers', '2'];
    const whole = await uptake([...args, '--out', join(root, 'whole'), '--quiet']);
    expect(whole.code).toBe(0);
    const out = join(root, 'stopped');
    const workDirs = (): string[] => readdirSync(root).filter((n) => n.startsWith('.stopped.uptake-forecast-'));
    // Signal once generation 0 is checkpointed.
    const onStart = (child: ChildProcess): void => {
      const timer = setInterval(() => {
        const dir = workDirs()[0];
        if (dir && existsSync(join(root, dir, 'checkpoint.json'))) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 10);
      child.on('close', () => clearInterval(timer));
    };
    const stopped = await uptake([...args, '--out', out], {}, onStart);
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted: \d+ finished generations? (is|are) kept in .*\.stopped\.uptake-forecast-[0-9a-f]+; run the same command with --resume to continue/);
    expect(existsSync(out)).toBe(false);
    const resumed = await uptake([...args, '--out', out, '--resume', '--quiet']);
    expect(resumed.code).toBe(0);
    for (const f of ['posterior.csv', 'rollouts.csv', 'timeseries.csv', 'summary.json']) {
      expect(readFileSync(join(out, 'forecast', f), 'utf8'), f).toBe(readFileSync(join(root, 'whole', 'forecast', f), 'utf8'));
    }
    expect(workDirs()).toEqual([]);
  }, 120_000);

  it('rejects a bad telemetry file with every problem at once, file:line and column, exit 2, nothing written', async () => {
    const bad = join(root, 'bad.csv');
    writeFileSync(bad, 'week,with_access,active,posters\n1,300,10,0\n2,300,-4,0\n2,300,40,50\n4,300,400,2\n');
    const out = join(root, 'never');
    const r = await uptake(['forecast', 'scenarios/pilot.yaml', '--telemetry', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${bad}:`));
    expect(lines).toHaveLength(5);
    expect(r.stderr).toContain('bad.csv:3:7 active: active is negative (-4) — ');
    expect(r.stderr).toContain('bad.csv:4:1 week: week 2 is repeated (first on line 3) — ');
    expect(r.stderr).toContain('bad.csv:4:10 posters: posters 50 is above active 40 — ');
    expect(r.stderr).toContain('bad.csv:5:1 week: week 3 is missing — ');
    expect(r.stderr).toContain('bad.csv:5:7 active: active 400 is above with_access 300 — ');
    expect(r.stderr).toContain('5 problems found.');
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('says plainly when the scenario has no forecast: section, or a flag is wrong (exit 2)', async () => {
    const none = await uptake(['forecast', 'scenarios/default.yaml', '--out', join(root, 'none')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/has no forecast: section/);
    expect(none.stderr).toMatch(/docs\/forecast\.md/);
    const flag = await uptake(['forecast', 'scenarios/pilot.yaml', '--particles', '3']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--particles: expected a whole number of at least 20, got "3"/);
    const idle = await uptake(['forecast', 'scenarios/pilot.yaml', '--self-test', '--out', join(root, 'idle'), '--resume']);
    expect(idle.code).toBe(2);
    expect(idle.stderr).toBe('error: --out, --resume do nothing with --self-test — the self-test prints its result and writes no folder: leave them out\n');
    const pilots = await uptake(['forecast', 'scenarios/pilot.yaml', '--pilots', '3']);
    expect(pilots.code).toBe(2);
    expect(pilots.stderr).toMatch(/^error: --pilots is the number of synthetic pilots of --self-test/);
    const holdout = await uptake(['forecast', 'scenarios/pilot.yaml', '--holdout', '14', '--out', join(root, 'holdout')]);
    expect(holdout.code).toBe(2);
    expect(holdout.stderr).toMatch(/--holdout 14: the telemetry has 14 weeks/);
    expect(existsSync(join(root, 'none'))).toBe(false);
    expect(existsSync(join(root, 'holdout'))).toBe(false);
  }, 60_000);
});
