import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, uptake } from './spawn.ts';

const TINY = relative(REPO, fileURLToPath(new URL('../runner/fixtures/memory-tiny.yaml', import.meta.url)));
let root: string;
let many: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-estimate-'));
  // It validates; its 4.5 million pairs of strategies would need hundreds of gigabytes.
  const types = ['top_down', 'bottom_up', 'phased_pilot'];
  many = join(root, 'many.yaml');
  writeFileSync(many, `name: many_strategies\nhorizon: 10\nrollouts: 5\nseed: 3\norganisation:\n  employees: 100\n  departments: 2\n  team_size: 5\nstrategies:\n${Array.from({ length: 3000 }, (_, i) => `  s${i}: {type: ${types[i % 3]}}\n`).join('')}`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the estimate before a run', () => {
  it('uptake validate prints the work and the peak memory, and --json holds the numbers', async () => {
    const text = await uptake(['validate', TINY]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/estimate: 1 strategy × 100 rollouts: 24,000 agent-steps, 100 organisations built, \d[\d,]* summaries kept \([\d,]+ of them weekly series\); peak memory about [\d.]+ [MG]B on /);
    const json = await uptake(['validate', '--json', TINY]);
    const estimate = JSON.parse(json.stdout).files[0].estimate;
    expect(estimate.agentSteps).toBe(30 * 8 * 100);
    expect(estimate.availableBytes).toBeGreaterThan(0);
    expect(estimate.peakBytes).toBeGreaterThan(estimate.mainBytes - 1);
  });

  it('uptake validate says when a file that validates would not fit in memory', async () => {
    const out = await uptake(['validate', many]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/4,498,500 pairs of strategies\); peak memory about [\d.]+ (GB|TB) .* available here: `uptake run` refuses it without --force/);
  }, 60_000);

  it('uptake run refuses a run that would not fit, before anything runs, with exit 2, the estimate and a hint, writing nothing', async () => {
    const out = join(root, 'many-out');
    const run = await uptake(['run', many, '--out', out, '--no-report']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Estimate: 3,000 strategies × 5 rollouts: /m);
    expect(run.stderr).toMatch(/error: this run would need about [\d.]+ (GB|TB) of memory \(3,000 strategies × 5 rollouts, 100 employees\) and [\d.]+ [MGT]B is available/);
    expect(run.stderr).toMatch(/— try fewer strategies \(3,000 make 4,498,500 pairs, each summarised for every result\), a smaller organisation, .*--force to run anyway/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(root).filter((e) => e.includes('uptake-'))).toEqual([]);
  }, 60_000);

  it('uptake run with less memory available than the estimate refuses, and runs with --force', async () => {
    const env = { UPTAKE_AVAILABLE_MEMORY: '1000000' };
    const out = join(root, 'tiny-out');
    const refused = await uptake(['run', TINY, '-n', '20', '-w', '1', '--out', out, '--no-report', '--quiet'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/and 1 MB is available \(UPTAKE_AVAILABLE_MEMORY\) — try /);
    expect(refused.stderr).not.toMatch(/--workers 1/); // already on one
    expect(existsSync(out)).toBe(false);
    const forced = await uptake(['run', TINY, '-n', '20', '-w', '1', '--out', out, '--no-report', '--quiet', '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  }, 60_000);
});
