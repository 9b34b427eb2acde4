/**
 * The installed command runs compiled JavaScript (dist/, built by `prepare`
 * when `npm ci` runs), the tests and `npm run uptake` the TypeScript sources
 * through tsx. Both must give the same bytes, the compiled workers included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO } from './spawn.ts';

const FIXTURE = relative(REPO, fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url)));
const STAMP = join(REPO, 'dist', '.built');

function newestSource(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-compiled-'));
  // `npm test` builds first (pretest); a bare `vitest run` after an edit may not have.
  if (!existsSync(STAMP) || statSync(STAMP).mtimeMs < newestSource(join(REPO, 'src'))) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(entry: string[], out: string) {
  return spawnSync(process.execPath, [...entry, 'run', FIXTURE, '--rollouts', '12', '--workers', '2', '--out', out, '--quiet', '--no-report', '--json'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('the compiled command', () => {
  it('gives the same bytes as the TypeScript sources under tsx, with two worker threads', () => {
    expect(existsSync(join(REPO, 'dist', 'runner', 'worker.js'))).toBe(true);
    const compiled = run(['dist/cli/main.js'], join(root, 'compiled'));
    const sources = run(['--import', 'tsx', 'src/cli/main.ts'], join(root, 'sources'));
    expect(compiled.status).toBe(0);
    expect(sources.status).toBe(0);
    for (const file of ['rollouts.csv', 'timeseries.csv']) {
      expect(readFileSync(join(root, 'compiled', file), 'utf8')).toBe(readFileSync(join(root, 'sources', file), 'utf8'));
    }
    const summary = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'summary.json'), 'utf8')).strategies;
    expect(summary('compiled')).toEqual(summary('sources'));
  }, 120_000);
});
