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

  it("says which shard is missing, its seed and the command that completes it (exit 2), and that command completes the merge", async () => {
    const parts = [1, 3].map((k) => uptake(['run', FIXTURE, '--rollouts', '7', '--shard', `${k}/3`, '--out', join(root, `part-${k}`), '--quiet']));
    for (const part of await Promise.all(parts)) expect(part.code).toBe(0);
    const incomplete = await uptake(['merge', join(root, 'part-1'), join(root, 'part-3'), '--out', join(root, 'incomplete')]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/^error: missing shard 2\/3 \(scenario small_runner_test, seed 42, 7 rollouts\) — run it as below/);
    expect(incomplete.stderr).toContain('  shard 2/3, rollouts 2–3: not among the folders given, and no unfinished run of it beside them\n');
    expect(existsSync(join(root, 'incomplete'))).toBe(false);

    const command = incomplete.stderr.split('\n').map((line) => line.trim()).find((line) => line.startsWith('uptake run '));
    expect(command).toBe(`uptake run ${FIXTURE} --rollouts 7 --seed 42 --shard 2/3 --resume --out ${join(root, 'part-2')}`);
    const missing = await uptake([...command!.split(' ').slice(1), '--quiet']);
    expect(missing.code).toBe(0);
    const merged = await uptake(['merge', ...[1, 2, 3].map((k) => join(root, `part-${k}`)), '--out', join(root, 'complete'), '--quiet', '--no-report']);
    expect(merged.code).toBe(0);
    for (const f of ['summary.json', 'timeseries.csv', 'rollouts.csv']) {
      expect(readFileSync(join(root, 'complete', f)).equals(readFileSync(join(root, 'reference', f))), f).toBe(true);
    }
  });
});
