/** `uptake compare` end to end: two small runs, paired (same seed) and independent (another seed), JSON, and bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO, uptake } from './spawn.ts';

const FIXTURE = relative(REPO, fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url)));
let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'uptake-compare-'));
  // B changes an assumption (wider silos) and keeps the seed; C keeps the assumptions and changes the seed.
  const changed = join(root, 'changed.yaml');
  writeFileSync(changed, readFileSync(join(REPO, FIXTURE), 'utf8').replace('silo_strength: {uniform: [0.3, 0.7]}', 'silo_strength: {uniform: [0.6, 0.9]}'));
  const runs = await Promise.all([
    uptake(['run', FIXTURE, '--rollouts', '24', '--out', join(root, 'a'), '--quiet', '--no-report']),
    uptake(['run', changed, '--rollouts', '24', '--out', join(root, 'b'), '--quiet', '--no-report']),
    uptake(['run', FIXTURE, '--rollouts', '24', '--seed', '99', '--out', join(root, 'c'), '--quiet', '--no-report']),
  ]);
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake compare', () => {
  it('compares runs with the same seeds rollout by rollout, and writes compare.csv and its chart', async () => {
    const out = join(root, 'ab');
    const r = await uptake(['compare', join(root, 'a'), join(root, 'b'), '--out', out, '--no-png']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Paired: both runs used the same seeds');
    const lines = readFileSync(join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('strategy,outcome,median_a,median_b,difference,low,high,paired,n_a,n_b');
    expect(lines.slice(1).every((l) => l.split(',')[7] === 'true')).toBe(true);
    expect(existsSync(join(out, 'compare.vl.json')) && existsSync(join(out, 'compare.svg'))).toBe(true);
  }, 60_000);

  it('compares runs with different seeds as independent samples, and prints JSON with --json', async () => {
    const r = await uptake(['compare', join(root, 'a'), join(root, 'c'), '--out', join(root, 'ac'), '--json', '--no-png']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { rows: { strategy: string; outcome: string; median_a: number | string | null; median_b: number | string | null; difference: number | null; low: number | string | null; high: number | string | null; paired: boolean }[] };
    expect(json.rows.length).toBeGreaterThan(10);
    for (const row of json.rows) {
      expect(row.paired).toBe(false);
      if (typeof row.difference === 'number') {
        // Six significant digits in the output.
        const a = row.median_a as number;
        const b = row.median_b as number;
        expect(Math.abs(row.difference - (b - a))).toBeLessThan(1e-5 * Math.max(1, Math.abs(a) + Math.abs(b)));
        // An end of the interval can be "never" when enough resamples never get there.
        if (typeof row.low === 'number') expect(row.low).toBeLessThanOrEqual(row.difference + 1e-9);
        if (typeof row.high === 'number') expect(row.high).toBeGreaterThanOrEqual(row.difference - 1e-9);
      }
    }
  }, 60_000);

  it('names every bad folder at once with a hint, exits 2, and writes nothing', async () => {
    const out = join(root, 'bad');
    const r = await uptake(['compare', join(root, 'missing-a'), join(root, 'missing-b'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing-a: no such folder');
    expect(r.stderr).toContain('missing-b: no such folder');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
