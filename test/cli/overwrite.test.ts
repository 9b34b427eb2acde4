import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../../src/scenarios/load.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { REPO, uptake } from './spawn.ts';

const FIXTURE = relative(REPO, fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url)));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-overwrite-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('nothing is overwritten by surprise', () => {
  it("refuses with exit 2 and one line to run into a folder holding another scenario's results", async () => {
    const other = join(root, 'other');
    const experiment = await loadScenario(join(REPO, FIXTURE));
    await runExperiment({ experiment: { ...experiment, name: 'another_client', rollouts: 2 }, out: other, workers: 1 });
    const before = readFileSync(join(other, 'summary.json'));
    const r = await uptake(['run', FIXTURE, '-n', '2', '-w', '1', '--out', other, '--no-report', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*other: holds the results of another scenario, another_client \(2 rollouts, written .* UTC\); this run is small_runner_test — choose another --out, or add --force to replace them\n$/);
    expect(readFileSync(join(other, 'summary.json')).equals(before)).toBe(true);
  });

  it('says that --out names a file, and that --junit would replace a file that is not a JUnit report', async () => {
    const notes = join(root, 'notes.md');
    writeFileSync(notes, 'mine');
    const run = await uptake(['run', FIXTURE, '-n', '2', '--out', notes, '--no-report', '-q']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${notes}: is a file, not a folder — give --out a folder, e.g. --out out/small_runner_test\n`);
    const test = await uptake(['test', FIXTURE, '--junit', notes, '-q']);
    expect(test.code).toBe(2);
    expect(test.stderr).toBe(`error: --junit ${notes}: exists and is not a JUnit XML report — choose another file, or add --force to replace it\n`);
    expect(readFileSync(notes, 'utf8')).toBe('mine');
  });
});
