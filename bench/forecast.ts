/**
 * The forecast's benchmark figures, called by bench/run.ts (`npm run bench`):
 *
 * - forecast_seconds: the bundled example (scenarios/pilot.yaml) end to end as `uptake forecast`
 *   runs it, with its own particles and budget: read the telemetry, calibrate, forecast every
 *   alternative, write <out>/forecast/ (charts and report excluded; process start-up excluded).
 * - abc_simulations_per_s: calibration simulations per second on every core, from the end of
 *   generation 0 (pool started, JIT warm) to the end of the last generation.
 *
 * Target on the 2-core reference machine: forecast_seconds < 30. Run alone: `npx tsx bench/forecast.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenarios/load.ts';
import { runForecast } from '../src/forecast/forecast.ts';

const PILOT_SCENARIO = fileURLToPath(new URL('../scenarios/pilot.yaml', import.meta.url));

export async function forecastBench(log: (line: string) => void = () => {}): Promise<{ forecast_seconds: number; abc_simulations_per_s: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-bench-forecast-'));
  try {
    const workers = availableParallelism();
    const marks: { t: number; simulations: number }[] = [];
    const t0 = performance.now();
    const experiment = await loadScenario(PILOT_SCENARIO);
    const result = await runForecast({ experiment, out: join(dir, 'pilot'), workers, onGeneration: (_g, simulations) => marks.push({ t: performance.now(), simulations }) });
    const seconds = (performance.now() - t0) / 1000;
    const first = marks[0]!;
    const last = marks[marks.length - 1]!;
    const rate = last.t > first.t ? ((last.simulations - first.simulations) * 1000) / (last.t - first.t) : Number.NaN;
    log(`forecast: bundled pilot, ${result.calibration.simulations} simulations in ${result.calibration.generations.length} generations, ${result.summary.experiment.rollouts} rollouts × ${experiment.forecast!.alternatives.length} alternatives: ${seconds.toFixed(1)} s end to end on ${workers} workers; calibration ${rate.toFixed(0)} simulations/s`);
    return { forecast_seconds: Number(seconds.toFixed(2)), abc_simulations_per_s: Number(rate.toFixed(1)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await forecastBench((line) => console.error(line))));
}
