/**
 * Fuzzing the command line (issue 17): random command lines built from every command's own options
 * (createProgram lists them) and a pool of awkward values. Whatever the line, uptake answers with an
 * exit code of 0, 1 or 2 and plain messages: never an internal error (3), never a stack trace.
 * Runs in a temporary folder on copies of its input files, so anything a valid line writes (or
 * overwrites, as `init FILE --force` does) lands there. FUZZ_RUNS scales it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgram, main } from '../../src/cli/main.ts';

// Two command lines per FUZZ_RUNS (as the scenario files get two properties): 2,000 by default, 20,000 with FUZZ_RUNS=10000.
const RUNS = Math.max(50, 2 * Number(process.env.FUZZ_RUNS ?? 1000));
// Copies in the temporary folder: a line such as `init FILE --force` may overwrite its file.
const root = mkdtempSync(join(tmpdir(), 'uptake-fuzz-flags-'));
const copy = (url: URL, name: string): string => {
  const to = join(root, name);
  copyFileSync(fileURLToPath(url), to);
  return to;
};
const small = copy(new URL('../runner/fixtures/small.yaml', import.meta.url), 'small.yaml');
const bass = copy(new URL('../../examples/bass/rpubs-sales.csv', import.meta.url), 'sales.csv');
const hr = copy(new URL('../../examples/hr/firm-600.csv', import.meta.url), 'hr.csv');

const program = createProgram();
const commands = program.commands.filter((c) => c.name() !== 'help').map((c) => ({
  name: c.name(),
  flags: c.options.map((o) => ({ flag: o.long ?? o.short!, takesValue: o.required || o.optional })),
}));
const VALUES = ['0', '-1', '1', '2', '3', 'abc', '1e9', '', '--', 'NaN', '2/3', '0/0', '1/1', '3.5', '/nonexistent', '🙂', 'sobol', 'morris', 'ols', 'x=y', 'top_down.cost < 1'];
const POSITIONAL = [small, bass, hr, '/nonexistent.yaml', '', 'missing/', '-'];

let cwd: string;
beforeAll(() => {
  cwd = process.cwd();
  process.chdir(root);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

describe('fuzzing the command line (fixed seed)', () => {
  it(`${RUNS} random command lines: exit 0, 1 or 2 with plain messages, never 3 or a stack trace`, async () => {
    const line = fc.record({
      command: fc.nat({ max: commands.length - 1 }),
      positional: fc.array(fc.constantFrom(...POSITIONAL), { maxLength: 2 }),
      flags: fc.array(fc.record({ pick: fc.nat(), value: fc.constantFrom(...VALUES) }), { maxLength: 4 }),
      unknown: fc.boolean(),
    });
    const codes = new Map<number, number>();
    await fc.assert(fc.asyncProperty(line, async ({ command, positional, flags, unknown }) => {
      const c = commands[command]!;
      const argv = [c.name, ...positional];
      for (const f of flags) {
        const o = c.flags[f.pick % c.flags.length];
        if (!o || o.flag === '--help' || o.flag === '--version') continue;
        argv.push(o.flag, ...(o.takesValue ? [f.value] : []));
      }
      if (unknown) argv.push('--no-such-flag');
      // Keep valid lines quick and local: few rollouts, one worker, nothing drawn.
      if (['run', 'test', 'explore', 'forecast'].includes(c.name)) argv.push('--workers', '1');
      if (c.name === 'run') argv.push('--rollouts', '2', '--no-report');
      if (c.name === 'explore') argv.push('--samples', '4');
      const out: string[] = [];
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
      let code: number;
      try {
        code = await main(argv);
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
        process.exitCode = undefined;
      }
      const text = out.join('');
      codes.set(code, (codes.get(code) ?? 0) + 1);
      expect([0, 1, 2], `uptake ${argv.join(' ')}\n${text}`).toContain(code);
      expect(text, `uptake ${argv.join(' ')}`).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    }), { numRuns: RUNS, seed: 41 });
    // Both kinds of line occurred: ones that ran and ones refused as bad usage or input.
    expect(codes.get(0) ?? 0, JSON.stringify([...codes])).toBeGreaterThan(0);
    expect(codes.get(2) ?? 0, JSON.stringify([...codes])).toBeGreaterThan(0);
  }, 600_000);
});
