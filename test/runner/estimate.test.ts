import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OBSERVABLE_COUNT, RESULT_COUNT } from '../../src/model/index.ts';
import { applyOverrides, loadScenario } from '../../src/scenarios/load.ts';
import { MEMORY_MODEL, RETAINED_BATCH_BYTES, availableMemory, estimateRun, sketchFill } from '../../src/runner/estimate.ts';
import { uptake } from '../cli/spawn.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SMALL = fixture('small.yaml');
const TINY = fixture('memory-tiny.yaml');
const PRELOAD = fileURLToPath(new URL('../../scripts/peak-memory.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'uptake-estimate-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Peak resident memory (bytes) of `uptake run` in a child process, as the preload reports it at exit. */
async function peakOfRun(file: string, rollouts: number, workers: number): Promise<number> {
  const out = join(root, `run-${rollouts}-${workers}-${Math.random().toString(36).slice(2)}`);
  const child = await uptake(['run', file, '-n', String(rollouts), '-w', String(workers), '-q', '--no-report', '--out', out], { NODE_OPTIONS: `--import ${PRELOAD}` });
  expect(child.code, child.stderr).toBe(0);
  return 1024 * Number(/maxrss_kb=(\d+)/.exec(child.stderr)![1]);
}

describe('the estimate of a run', () => {
  it('counts the work: employees × weeks × strategies × rollouts, one organisation per rollout', async () => {
    const e = applyOverrides(await loadScenario(SMALL), { rollouts: 100 });
    const est = estimateRun(e, 2);
    // 200 employees, 30 weeks, 3 strategies (the fixture draws no size or horizon).
    expect(est.agentSteps).toBe(200 * 30 * 3 * 100);
    expect(est.organisations).toBe(100);
    expect(est.pairs).toBe(3);
    expect(est.series).toBe(3 * 31 * OBSERVABLE_COUNT);
    // Waves: the phased pilot's pilot and 2 waves.
    expect(est.sketches).toBe(est.series + 3 * RESULT_COUNT + 3 + 3 * RESULT_COUNT);
    expect(est.workers).toBe(2);
    expect(est.peakBytes).toBe(est.mainBytes + 2 * est.workerBytes);
  });

  it('runs on the main thread alone with one worker or one batch, as the runner does', async () => {
    const e = await loadScenario(SMALL);
    expect(estimateRun(e, 1, 100).workers).toBe(0);
    expect(estimateRun(e, 1, 100).workerBytes).toBe(0);
    expect(estimateRun(e, 8, 2).workers).toBe(0); // 2 rollouts make one batch
    expect(estimateRun(e, 8, 100).workers).toBe(8);
  });

  it('grows with the square of the strategies (their pairs), and with the rollouts only by their exact results once the sketches are full', async () => {
    const e = await loadScenario(SMALL);
    const many = { ...e, strategies: Array.from({ length: 300 }, (_, i) => ({ ...e.strategies[i % 3]!, name: `s${i}` })) };
    expect(estimateRun(many, 1, 5).pairs).toBe((300 * 299) / 2);
    expect(estimateRun(many, 1, 5).peakBytes).toBeGreaterThan(20 * estimateRun(e, 1, 5).peakBytes);
    expect(sketchFill(200)).toBe(1);
    expect(sketchFill(50_000)).toBe(1);
    // Past 200 rollouts only the columns of exact per-rollout results read back at the end grow (summary.json
    // quotes them; one column at a time: 3 strategies' results, the fixture's 1 draw and 4 buffers).
    const growth = estimateRun(e, 1, 50_000).peakBytes - estimateRun(e, 1, 2000).peakBytes;
    // (and the finished batches kept for an interrupt, up to their cap).
    expect(e.uncertainties.length).toBe(1);
    expect(growth).toBeGreaterThanOrEqual(48_000 * (3 + 1 + 4) * MEMORY_MODEL.perRolloutValue);
    expect(growth).toBeLessThanOrEqual(48_000 * (3 + 1 + 4) * MEMORY_MODEL.perRolloutValue + RETAINED_BATCH_BYTES);
  });

  it('reads the memory available from the machine, or from UPTAKE_AVAILABLE_MEMORY', () => {
    const here = availableMemory();
    expect(here.bytes).toBeGreaterThan(0);
    process.env.UPTAKE_AVAILABLE_MEMORY = '12345';
    try {
      expect(availableMemory()).toEqual({ bytes: 12345, source: 'UPTAKE_AVAILABLE_MEMORY' });
    } finally {
      delete process.env.UPTAKE_AVAILABLE_MEMORY;
    }
  });

  // Measured peaks of real runs (child processes): the estimate is within a factor of 2 of each, either
  // way (the calibration, docs/benchmarks.md, measured 0.84–1.5 on these shapes; memory measures move by
  // a few percent from run to run, far inside the factor).
  it.each([
    ['one strategy, main thread', TINY, 400, 1],
    ['three strategies with a phased pilot, 2 workers', SMALL, 60, 2],
  ])('is within a factor of 2 of the measured peak: %s', async (_, file, rollouts, workers) => {
    const e = applyOverrides(await loadScenario(file), { rollouts });
    const est = estimateRun(e, workers).peakBytes;
    const measured = await peakOfRun(file, rollouts, workers);
    expect(est / measured, `estimate ${est}, measured ${measured}`).toBeGreaterThan(0.5);
    expect(est / measured, `estimate ${est}, measured ${measured}`).toBeLessThan(2);
  }, 120_000);

  it('is within a factor of 2 of the measured peak of 40 strategies (780 pairs) on 2 workers', async () => {
    const e = await loadScenario(SMALL);
    const file = join(root, 'forty.yaml');
    const { writeFileSync } = await import('node:fs');
    const types = ['top_down', 'bottom_up', 'phased_pilot'];
    writeFileSync(file, `name: forty\nhorizon: 20\nrollouts: 20\nseed: 1\norganisation:\n  employees: 200\n  departments: 4\n  team_size: 6\n  silo_strength: {uniform: [0.3, 0.7]}\n  communities: 6\nstrategies:\n${Array.from({ length: 40 }, (_, i) => `  s${i}: {type: ${types[i % 3]}}\n`).join('')}`);
    const forty = await loadScenario(file);
    expect(forty.strategies.length).toBe(40);
    expect(e.strategies.length).toBe(3);
    const est = estimateRun(forty, 2).peakBytes;
    const measured = await peakOfRun(file, 20, 2);
    expect(est / measured, `estimate ${est}, measured ${measured}`).toBeGreaterThan(0.5);
    expect(est / measured, `estimate ${est}, measured ${measured}`).toBeLessThan(2);
  }, 120_000);
});
