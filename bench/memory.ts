/**
 * The run's memory figures, called by bench/run.ts (`npm run bench`):
 *
 * - rss_2k_mb, rss_50k_mb: peak resident memory of `uptake run` (a child process, as a user runs it,
 *   one worker so the figure does not depend on the cores) of a small organisation (200 employees,
 *   1 strategy, 20 weeks) with 2,000 and with 50,000 rollouts;
 * - rss_ratio_50k_vs_2k: the second over the first (issue 17: under 1.10, memory flat in rollouts);
 * - estimate_ratio_2k: the run's estimate (src/runner/estimate.ts) over the measured peak at 2,000.
 *
 * Run alone: `npx tsx bench/memory.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estimateRun } from '../src/runner/estimate.ts';
import { applyOverrides, loadScenario } from '../src/scenarios/load.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const SCENARIO = 'name: memory_bench\nhorizon: 20\nrollouts: 100\nseed: 1\norganisation:\n  employees: 200\n  departments: 4\n  team_size: 6\n  silo_strength: {uniform: [0.3, 0.7]}\n  communities: 6\nstrategies:\n  top_down: {type: top_down}\n';

function peakMb(file: string, rollouts: number, dir: string): number {
  const preload = join(REPO, 'scripts', 'peak-memory.mjs');
  const child = spawnSync(process.execPath, ['--import', preload, 'bin/uptake.js', 'run', file, '-n', String(rollouts), '-w', '1', '-q', '--no-report', '--out', join(dir, `out-${rollouts}`)], { cwd: REPO, encoding: 'utf8' });
  const kb = /maxrss_kb=(\d+)/.exec(child.stderr)?.[1];
  if (child.status !== 0 || !kb) throw new Error(`memory bench run failed: ${child.stderr}`);
  return (Number(kb) * 1024) / 1e6;
}

export async function memoryBench(log: (line: string) => void = () => {}): Promise<{ rss_2k_mb: number; rss_50k_mb: number; rss_ratio_50k_vs_2k: number; estimate_ratio_2k: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-bench-memory-'));
  try {
    const file = join(dir, 'memory.yaml');
    writeFileSync(file, SCENARIO);
    const small = peakMb(file, 2000, dir);
    const large = peakMb(file, 50_000, dir);
    const estimate = estimateRun(applyOverrides(await loadScenario(file), { rollouts: 2000 }), 1).peakBytes / 1e6;
    log(`memory: 200 employees × 1 strategy × 20 weeks, peak ${small.toFixed(0)} MB at 2,000 rollouts, ${large.toFixed(0)} MB at 50,000 (×${(large / small).toFixed(3)}); estimate ${estimate.toFixed(0)} MB at 2,000`);
    return {
      rss_2k_mb: Math.round(small),
      rss_50k_mb: Math.round(large),
      rss_ratio_50k_vs_2k: Number((large / small).toFixed(3)),
      estimate_ratio_2k: Number((estimate / small).toFixed(3)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await memoryBench((line) => console.error(line))));
}
