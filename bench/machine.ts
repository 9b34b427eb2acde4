/**
 * The machine's own ceiling for parallel work (bench/runner.ts,
 * `machine_pair_efficiency`): the same model work as a pool's worker does
 * (batches of rollouts of the default scenario, each folded into partial
 * summaries) in independent single-threaded processes, two side by side
 * against one alone. Nothing is shared between the two processes but the
 * machine (its cores, caches, memory bus, and whatever else runs on it), so
 * their loss is the machine's, not uptake's.
 *
 * Each process is started once, warmed up (module loading and the JIT, as the
 * pools are), and then runs work on request: the parent writes a line
 * `start end` on its stdin and it answers the milliseconds it took on its
 * stdout. Run as a child: `node --import tsx bench/machine.ts --child`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenarios/load.ts';
import { Aggregate, PartialSummaries } from '../src/runner/aggregate.ts';
import { planBatches, runBatch } from '../src/runner/batch.ts';
import { experimentKey } from '../src/runner/execute.ts';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** One warmed-up model process, run on request. */
export class ModelProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: ((line: string) => void)[] = [];
  readonly ready: Promise<void>;

  constructor() {
    this.child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), SELF, '--child'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: this.child.stdout });
    lines.on('line', (line) => this.answers.shift()?.(line));
    this.ready = new Promise<void>((resolve, reject) => {
      this.answers.push((line) => (line === 'ready' ? resolve() : reject(new Error(`bench child: ${line}`))));
      this.child.on('exit', (code) => {
        if (code !== 0) reject(new Error(`bench child exited with ${code}: ${stderr}`));
      });
    });
  }

  /** Milliseconds the process took to run rollouts [start, end) in batches of 2, as a pool worker would. */
  run(start: number, end: number): Promise<number> {
    return new Promise((resolve) => {
      this.answers.push((line) => resolve(Number(line)));
      this.child.stdin.write(`${start} ${end}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

async function child(): Promise<void> {
  const experiment = await loadScenario(DEFAULT_SCENARIO);
  const key = experimentKey(experiment);
  const work = (start: number, end: number): void => {
    const partial = new PartialSummaries(experiment, key);
    for (const task of planBatches(start, end, 2)) partial.fold(runBatch(experiment, task));
    const taken = partial.take();
    if (!taken || Aggregate.packedRollouts(taken) !== end - start) throw new Error('bench child folded the wrong number of rollouts');
  };
  // The same warm-up as a pool's worker (bench/runner.ts).
  work(100_000, 100_008);
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const [start, end] = line.split(' ').map(Number) as [number, number];
    const t0 = performance.now();
    work(start, end);
    process.stdout.write(`${performance.now() - t0}\n`);
  }
}

if (process.argv[1] === SELF && process.argv.includes('--child')) await child();
