/**
 * The explore's benchmark figure, called by bench/run.ts (`npm run bench`):
 *
 * - explore_seconds: `uptake explore scenarios/default.yaml --samples 256` as the command runs it on
 *   every core: a Sobol' design over the default scenario's uncertainties (4 inputs: 256 × 6 = 1,536
 *   design points), the default rollouts per point (2), the 3 strategies, then the indices at N/2
 *   and N for every result, strategy and pair, the indices by week, and the files of
 *   <out>/explore/ (process start-up excluded).
 *
 * Run alone: `npx tsx bench/explore.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenarios/load.ts';
import { exploreSettings } from '../src/explore/design.ts';
import { runExplore } from '../src/explore/run.ts';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));

export async function exploreBench(log: (line: string) => void = () => {}): Promise<{ explore_seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-bench-explore-'));
  try {
    const workers = availableParallelism();
    const t0 = performance.now();
    const experiment = await loadScenario(DEFAULT_SCENARIO);
    const settings = exploreSettings(experiment, { samples: 256 });
    const result = await runExplore({ experiment, settings, out: join(dir, 'default'), workers });
    const seconds = (performance.now() - t0) / 1000;
    log(`explore: default scenario, N = 256, ${settings.inputs.length} inputs, ${result.design.points} design points × ${settings.rollouts} rollouts × ${result.strategies.length} strategies: ${seconds.toFixed(1)} s end to end on ${workers} workers`);
    return { explore_seconds: Number(seconds.toFixed(2)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await exploreBench((line) => console.error(line))));
}
