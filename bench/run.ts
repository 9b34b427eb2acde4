/**
 * `npm run bench`: the model's single-thread throughput and, when the runner
 * provides it, its parallel figures, the forecast's (bench/forecast.ts), the HR import's (bench/org.ts), the explore's (bench/explore.ts) and the run's memory (bench/memory.ts). `npm run bench -- --json` prints one JSON
 * object (field names are a documented contract: docs/benchmarks.md).
 */
import { existsSync } from 'node:fs';
import { modelBench } from './model.ts';

const json = process.argv.includes('--json');
const log = json ? () => {} : (line: string) => console.log(line);

const result: Record<string, number | string> = { ...modelBench(log) };
const runnerFile = new URL('./runner.ts', import.meta.url);
if (existsSync(runnerFile) && !process.argv.includes('--model-only')) {
  const { runnerBench } = (await import(runnerFile.href)) as { runnerBench: (log: (line: string) => void) => Promise<Record<string, number>> };
  Object.assign(result, await runnerBench(log));
  const { forecastBench } = await import('./forecast.ts');
  Object.assign(result, await forecastBench(log));
  const { orgBench } = await import('./org.ts');
  Object.assign(result, await orgBench(log));
  const { exploreBench } = await import('./explore.ts');
  Object.assign(result, await exploreBench(log));
  const { memoryBench } = await import('./memory.ts');
  Object.assign(result, await memoryBench(log));
}
result.node = process.version;
if (json) console.log(JSON.stringify(result));
