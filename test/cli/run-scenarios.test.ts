import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioOrganised } from '../../src/cli/scenario.ts';
import { runExperiment } from '../../src/runner/execute.ts';
import { readRunOutputs } from '../../src/runner/summary.ts';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const FILES = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).sort();
/** Big organisations get a short horizon so the smoke run stays quick; the rest run their full horizon. */
const SHORT_HORIZON_ABOVE_EMPLOYEES = 5000;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-smoke-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('every bundled scenario', () => {
  it('is bundled: the default and at least four more', () => {
    expect(FILES).toContain('default.yaml');
    expect(FILES.length).toBeGreaterThanOrEqual(5);
  });

  it.each(FILES)('%s smoke-runs to a complete output folder', async (file) => {
    // As `uptake run` loads it: a scenario on an HR export runs on the file's organisation.
    const experiment = await loadScenarioOrganised(join(SCENARIOS, file));
    experiment.rollouts = 2;
    if (experiment.params.organisation.employees > SHORT_HORIZON_ABOVE_EMPLOYEES) experiment.params.weeks = Math.min(experiment.params.weeks, 6);
    const out = join(root, file.replace('.yaml', ''));
    await runExperiment({ experiment, out, workers: 1, runner: 'sequential' });
    const { summary } = readRunOutputs(out);
    expect(summary.experiment.rollouts).toBe(2);
    expect(summary.strategies.length).toBe(experiment.strategies.length);
    for (const s of summary.strategies) {
      const active = summary.timeseries[s.name]!.active_share!.mean;
      expect(active.length).toBe(experiment.params.weeks + 1);
      expect(active.every((v) => v !== null && v >= 0 && v <= 1)).toBe(true);
    }
  });
});
