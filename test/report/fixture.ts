/** Output folders for the report's tests: a real tiny run (src/runner) and a synthetic one. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../src/runner/execute.ts';
import { loadScenario } from '../../src/scenarios/load.ts';

export const TINY_SCENARIO = new URL('./fixtures/tiny.yaml', import.meta.url).pathname;

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `uptake-report-${prefix}-`));
}

/** Runs tests/report/fixtures/tiny.yaml with the sequential runner into `out` and returns it. */
export async function tinyRun(out: string): Promise<string> {
  const experiment = await loadScenario(TINY_SCENARIO);
  await runExperiment({ experiment, out, workers: 1, runner: 'sequential', command: `uptake run ${TINY_SCENARIO}` });
  return out;
}
