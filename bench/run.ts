/**
 * `npm run bench`: the model's single-thread throughput and, when the runner
 * provides it, its parallel figures, the forecast's (bench/forecast.ts), the HR import's (bench/org.ts), the explore's (bench/explore.ts) and the run's memory (bench/memory.ts). `npm run bench -- --json` prints one JSON
 * object (field names are a documented contract: docs/benchmarks.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modelBench } from './model.ts';

const json = process.argv.includes('--json');
const log = json ? () => {} : (line: string) => console.log(line);

const result: Record<string, number | string> = { ...modelBench(log) };
const runnerFile = new URL('./runner.ts', import.meta.url);
if (existsSync(runnerFile) && !process.argv.includes('--model-only')) {
  // The figures of `uptake` as a user runs it (default_cli_seconds, the memory figures) come from
  // bin/uptake.js, which runs dist/ only when it is current and the sources through tsx otherwise
  // (30 MB more and a slower start): build it first, so an edit since the last build cannot skew them.
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: 'ignore' });
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
