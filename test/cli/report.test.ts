import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_SCENARIO, tempDir } from '../report/fixture.ts';
import { writeSyntheticOutputs } from '../report/synthetic.ts';
import { uptake } from './spawn.ts';

let root: string;
let saved: string;

beforeAll(() => {
  root = tempDir('cli');
  saved = writeSyntheticOutputs(join(root, 'saved'), { rollouts: 10, weeks: 26 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake report', () => {
  it('re-draws charts and report.html from a saved output folder without touching the results', async () => {
    const before = statSync(join(saved, 'summary.json')).mtimeMs;
    const result = await uptake(['report', saved]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${join(saved, 'report.html')}\n`);
    expect(result.stdout).toMatch(/charts\/ \(18 charts\)\n$/);
    expect(existsSync(join(saved, 'report.html'))).toBe(true);
    const files = readdirSync(join(saved, 'charts'));
    expect(files.filter((f) => f.endsWith('.png'))).toHaveLength(18);
    expect(statSync(join(saved, 'summary.json')).mtimeMs).toBe(before);
  });

  it('keeps the PNGs drawn before when re-drawn with --no-png', async () => {
    const pngs = (): string[] => (existsSync(join(saved, 'charts')) ? readdirSync(join(saved, 'charts')) : []).filter((f) => f.endsWith('.png')).sort();
    if (pngs().length === 0) expect((await uptake(['report', saved, '--quiet'])).code).toBe(0);
    const before = pngs();
    expect(before).toHaveLength(18);
    const bytes = readFileSync(join(saved, 'charts', before[0]!));
    const result = await uptake(['report', saved, '--no-png', '--quiet']);
    expect(result.code).toBe(0);
    expect(pngs()).toEqual(before);
    expect(readFileSync(join(saved, 'charts', before[0]!)).equals(bytes)).toBe(true);
  });

  it('says in one line, with exit code 2, that a folder does not exist', async () => {
    const result = await uptake(['report', join(root, 'missing')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`error: ${join(root, 'missing')}: no such folder — give the output folder of \`uptake run\` (e.g. out/default)\n`);
  });

  it('names the damaged file, with exit code 2 and no stack trace', async () => {
    const broken = join(root, 'broken');
    cpSync(saved, broken, { recursive: true });
    writeFileSync(join(broken, 'manifest.json'), '{"format": "uptake-manifest/1", ');
    const result = await uptake(['report', broken]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: .*broken\/manifest\.json: not valid JSON \(/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('is drawn by uptake run by default, and skipped with --no-report', async () => {
    const drawn = join(root, 'run-default');
    const run = await uptake(['run', TINY_SCENARIO, '--rollouts', '6', '--workers', '1', '--out', drawn, '--quiet']);
    expect(run.code).toBe(0);
    expect(existsSync(join(drawn, 'report.html'))).toBe(true);
    expect(readdirSync(join(drawn, 'charts')).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(17);
    const skipped = join(root, 'run-no-report');
    expect((await uptake(['run', TINY_SCENARIO, '--rollouts', '6', '--workers', '1', '--out', skipped, '--quiet', '--no-report'])).code).toBe(0);
    expect(existsSync(join(skipped, 'summary.json'))).toBe(true);
    expect(existsSync(join(skipped, 'report.html'))).toBe(false);
    expect(existsSync(join(skipped, 'charts'))).toBe(false);
  });

  it('is listed in uptake --help', async () => {
    const result = await uptake(['--help']);
    expect(result.stdout).toMatch(/report \[options\] <folder>\s+re-draw charts\/ and report\.html/);
  });
});
