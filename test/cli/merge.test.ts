import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario, applyOverrides } from '../../src/scenarios/load.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { REPO, uptake } from './spawn.ts';

const FIXTURE_PATH = fileURLToPath(new URL('../runner/fixtures/small.yaml', import.meta.url));
const FIXTURE = relative(REPO, FIXTURE_PATH);

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-cli-merge-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('uptake merge', () => {
  it('combines shards run with --shard K/N and --shard auto into the bytes of an unsharded run', async () => {
    const [first, second] = await Promise.all([
      uptake(['run', FIXTURE, '--rollouts', '7', '--shard', '1/2', '--out', join(root, 's1'), '--quiet']),
      // The second shard as a Kubernetes Indexed Job pod would run it.
      uptake(['run', FIXTURE, '--rollouts', '7', '--shard', 'auto', '--out', join(root, 's2'), '--quiet'], { JOB_COMPLETION_INDEX: '1', UPTAKE_SHARD_COUNT: '2' }),
    ]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(existsSync(join(root, 's2', 'partial.json'))).toBe(true);
    expect(existsSync(join(root, 's2', 'summary.json'))).toBe(false);

    const merged = await uptake(['merge', join(root, 's2'), join(root, 's1'), '--out', join(root, 'merged'), '--no-report']);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toContain('P(A beats B)');

    const experiment = applyOverrides(await loadScenario(FIXTURE_PATH), { rollouts: 7 });
    // The CLI records the scenario path as given on its command line.
    experiment.source = FIXTURE;
    const reference = join(root, 'reference');
    await runExperiment({ experiment, out: reference, workers: 1 });
    for (const f of ['summary.json', 'timeseries.csv', 'rollouts.csv']) {
      expect(readFileSync(join(root, 'merged', f)).equals(readFileSync(join(reference, f))), f).toBe(true);
    }
  });

  it('says which shard is missing, with exit 2', async () => {
    const run = await uptake(['merge', join(root, 's1'), '--out', join(root, 'incomplete')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: missing shard 2\/2 — /);
    expect(existsSync(join(root, 'incomplete'))).toBe(false);
  });
});
