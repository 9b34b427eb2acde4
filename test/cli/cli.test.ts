/**
 * The command line as a user meets it: spawned through bin/uptake.js. Each
 * spawn costs about half a second, so each test checks several things.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Every temporary file of these tests lives here and goes when they end.
const scratch = mkdtempSync(join(tmpdir(), 'uptake-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const root = new URL('../../', import.meta.url).pathname;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function uptake(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/uptake.js', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', UPTAKE_DEBUG: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('uptake', () => {
  it('prints its version with --version and exits 0', async () => {
    const r = await uptake('--version');
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('lists the commands and exit codes with --help', async () => {
    const r = await uptake('--help');
    expect(r.code).toBe(0);
    for (const command of ['validate', 'init', 'schema']) expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 assumption checks failed, 2 bad input or usage, 3 internal error,');
    expect(r.stdout).toContain('130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM');
  });

  it('shows help on stderr and exits 2 without a command, but exits 0 when help is asked for', async () => {
    const r = await uptake();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: uptake');
    const asked = await uptake('help', 'validate');
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('Usage: uptake validate');
  });

  it('answers an unknown command with exit 2, one line and a suggestion', async () => {
    const r = await uptake('vaildate', 'scenarios/default.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'vaildate' — did you mean validate? (see `uptake --help`)\n");
  });

  it('answers an unknown flag with exit 2 and points to the command\'s help', async () => {
    const r = await uptake('init', '--forse');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--forse' — did you mean --force? (see `uptake init --help`)\n");
  });

  it('suggests a flag only when it is genuinely close, and says how colour works when asked for --colour', async () => {
    const [colour, far, typo, workers] = await Promise.all([
      uptake('run', '--colour'),
      uptake('run', '--verbose'),
      uptake('run', '--wrokers', '2'),
      uptake('run', '--workers', '0'),
    ]);
    // Commander alone offered --rollout for --colour.
    expect(colour.stderr).toBe("error: unknown option '--colour' — colour is on for a terminal and off in a pipe; set NO_COLOR=1 to turn it off (see `uptake run --help`)\n");
    expect(far.stderr).toBe("error: unknown option '--verbose' — see `uptake run --help`\n");
    expect(typo.stderr).toBe("error: unknown option '--wrokers' — did you mean --workers? (see `uptake run --help`)\n");
    // The example is this machine's cores, not 100 worker threads.
    expect(workers.stderr).toBe(`error: --workers: expected a whole number of at least 1, got "0" — e.g. --workers ${availableParallelism()} (this machine's cores)\n`);
    for (const r of [colour, far, typo, workers]) expect(r.code).toBe(2);
  });
});

describe('uptake validate', () => {
  it('prints one ok line per valid file and exits 0 for every bundled scenario in a folder', async () => {
    const r = await uptake('validate', 'scenarios/');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines).toContain('ok  scenarios/default.yaml  (professional_services: 3 strategies, 4 uncertainties, 1,000 rollouts × 104 weeks)');
    // Each ok line is followed by the run's estimate (src/runner/estimate.ts).
    lines.forEach((line, i) => expect(line).toMatch(i % 2 === 0 ? /^ok  scenarios\/[\w-]+\.yaml  \(/ : /^ {4}estimate: \d[\d,]* strateg(y|ies) × [\d,]+ rollouts?: .* peak memory about /));
  });

  it('reports every problem as file:line:col field: message — hint, keeps checking other files, and exits 2', async () => {
    const dir = mkdtempSync(join(scratch, 'validate-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\norganisation:\n  employees: 40%\n  silo_strenght: 0.5\nstrategies:\n  a: {type: top-down}\n');
    const r = await uptake('validate', bad, 'scenarios/startup.yaml', join(dir, 'missing.yaml'));
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ok {2}scenarios\/startup\.yaml {2}\(startup: 3 strategies, 2 uncertainties, 500 rollouts × 52 weeks\)\n {4}estimate: 3 strategies × 500 rollouts: 23 million agent-steps, .*\n$/);
    expect(r.stderr.split('\n')).toEqual([
      `${bad}:3:14 organisation.employees: expected a whole number between 2 and 1,000,000, or a distribution, got "40%" — write shares as numbers from 0 to 1: 0.4`,
      `${bad}:4:3 organisation.silo_strenght: unknown field silo_strenght — did you mean silo_strength?`,
      `${bad}:6:13 strategies.a.type: unknown strategy type "top-down" — did you mean top_down?`,
      '3 problems found.',
      `${join(dir, 'missing.yaml')} no such file — bundled scenarios are in scenarios/; \`uptake init\` writes a starter`,
      '2 of 3 files have problems.',
      '',
    ]);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('prints every file\'s diagnostics as JSON with --json, keeping the exit code', async () => {
    const dir = mkdtempSync(join(scratch, 'validate-json-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: bad\nstrategies:\n  a: {type: top_down, label: 3}\n');
    const r = await uptake('validate', '--json', bad, 'scenarios/lawfirm.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const parsed = JSON.parse(r.stdout) as { ok: boolean; files: { file: string; ok: boolean; name?: string; diagnostics: unknown[] }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.files[0]!.diagnostics).toEqual([{ file: bad, line: 3, col: 30, path: 'strategies.a.label', message: 'expected text, got 3' }]);
    expect(parsed.files[1]).toMatchObject({ file: 'scenarios/lawfirm.yaml', ok: true, name: 'law_firm', diagnostics: [] });
  });

  it('has --help with an example', async () => {
    const r = await uptake('validate', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: uptake validate [options] <files...>');
    expect(r.stdout).toContain('Example: uptake validate scenarios/*.yaml');
  });
});

describe('uptake init', () => {
  it('writes a starter scenario that validates, and refuses to overwrite it without --force', async () => {
    const dir = mkdtempSync(join(scratch, 'init-'));
    const file = join(dir, 'acme.yaml');
    const first = await uptake('init', file, '--name', 'acme');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`wrote ${file}`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Question: /);
    expect(text).toContain('name: acme ');
    const again = await uptake('init', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`error: ${file} already exists — pass --force to overwrite it, or name another file\n`);
    const check = await uptake('validate', file);
    expect(check.code).toBe(0);
  });
});

describe('uptake init, regression found by the command-line fuzz', () => {
  it('never writes a file that is not .yaml, even with --force (it overwrote examples/bass/rpubs-sales.csv)', async () => {
    const dir = mkdtempSync(join(scratch, 'init-csv-'));
    const file = join(dir, 'sales.csv');
    writeFileSync(file, 'period,adopters\n1,5\n');
    const r = await uptake('init', file, '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${file} is not a .yaml file: init writes a scenario — name a .yaml file, e.g. uptake init ${join(dir, 'sales')}.yaml\n`);
    expect(readFileSync(file, 'utf8')).toBe('period,adopters\n1,5\n');
  });
});

describe('uptake schema', () => {
  it('prints the JSON Schema, identical to the committed schema/scenario.schema.json', async () => {
    const r = await uptake('schema');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toMatchObject({ title: 'uptake scenario', type: 'object' });
  });
});
