/**
 * `uptake test` as CI meets it: spawned through bin/uptake.js, exit codes,
 * tables, JSON and JUnit XML. The bundled scenarios are tested once, at their
 * test-time rollouts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { all, parseXml } from '../assumptions/xml.ts';

const root = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'uptake-test-command-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const small = readFileSync(join(root, 'test/assumptions/fixtures/small.yaml'), 'utf8');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function uptake(...args: string[]): Promise<Result> {
  return uptakeWith({}, ...args);
}

function uptakeWith(env: Record<string, string>, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/uptake.js', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', UPTAKE_DEBUG: '', ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function scenario(name: string, claims: Record<string, string>): string {
  const body = Object.entries(claims).map(([id, claim]) => `    ${id}:\n      description: ${id} in words\n      claim: "${claim}"`).join('\n');
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, small.replace('name: small_assumptions_test', `name: ${name}`).replace(/\n  claims:\n[\s\S]*$/, `\n  claims:\n${body}\n`));
  return file;
}


/** stderr is not a terminal here, so progress comes as plain lines: everything else must be empty. */
function withoutProgress(stderr: string): string {
  return stderr.replace(/^progress: .*\n/gm, '');
}

describe('uptake test', () => {
  it('exits 0 when every assumption passes, with a table, JSON and JUnit XML that parses with the right counts', async () => {
    const junit = join(tmp, 'pass.xml');
    const r = await uptake('test', 'test/assumptions/fixtures/small.yaml', '--no-cache', '--workers', '1', '--junit', junit);
    expect(r.code).toBe(0);
    expect(withoutProgress(r.stderr)).toBe('');
    expect(r.stdout).toMatch(/^cost_is_at_least_itself\s+P\(top_down\.cost >= top_down\.cost\) >= 0\.8\s+1\s+\[0\.832, 1\]\s+pass\s+20$/m);
    expect(r.stdout).toContain('3 assumptions in 1 scenario: 3 pass, 0 fail, 0 inconclusive.');
    const xml = parseXml(readFileSync(junit, 'utf8'));
    expect(xml.name).toBe('testsuites');
    expect(xml.attributes).toMatchObject({ tests: '3', failures: '0', errors: '0', skipped: '0' });
    expect(all(xml, 'testsuite').map((s) => s.attributes.name)).toEqual(['small_assumptions_test']);
    expect(all(xml, 'testcase').map((c) => c.attributes.name)).toEqual(['cost_is_at_least_itself', 'launch_beats_no_access', 'no_access_never_reaches_critical_mass']);

    const json = await uptake('test', 'test/assumptions/fixtures/small.yaml', '--no-cache', '--workers', '1', '--json', '--rollouts', '30', '--budget', '30');
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data.summary).toEqual({ pass: 3, fail: 0, inconclusive: 0, drifted: 0 });
    expect(data.scenarios[0]).toMatchObject({ name: 'small_assumptions_test', rollouts: 30, plan: { start: 30, budget: 30, looks: [30] } });
    expect(data.scenarios[0].assumptions[0]).toMatchObject({ id: 'cost_is_at_least_itself', verdict: 'pass', method: 'binomial', estimate: 1, rollouts: 30, confidence: 0.95, alphaPerLook: expect.closeTo(0.05, 12) });
  }, 120_000);

  it('exits 1 for a failing or inconclusive assumption, and reports both in JUnit; --allow-inconclusive relaxes only inconclusive', async () => {
    const file = scenario('mixed', {
      holds: 'P(top_down.cost >= top_down.cost) >= 0.8',
      false_belief: 'P(no_access.active_share@30 > top_down.active_share@30) >= 0.3',
      undecidable: 'P(top_down.cost >= top_down.cost) >= 1',
    });
    const junit = join(tmp, 'mixed.xml');
    const r = await uptake('test', file, '--no-cache', '--workers', '1', '--junit', junit);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 assumptions in 1 scenario: 1 pass, 1 fail, 1 inconclusive.');
    expect(r.stdout).toContain('FAIL false_belief: false_belief in words');
    expect(r.stdout).toMatch(/inconclusive undecidable: .*\n.*\n.*inconclusive after 40 rollouts \(look 2 of 2\)/);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    expect(xml.attributes).toMatchObject({ tests: '3', failures: '2', skipped: '0' });
    expect(all(xml, 'failure').map((f) => f.attributes.type)).toEqual(['fail', 'inconclusive']);

    const relaxed = await uptake('test', file, '--no-cache', '--workers', '1', '--allow-inconclusive', '--junit', junit);
    expect(relaxed.code).toBe(1);
    expect(parseXml(readFileSync(junit, 'utf8')).attributes).toMatchObject({ tests: '3', failures: '1', skipped: '1' });

    const onlyUndecided = scenario('undecided', { undecidable: 'P(top_down.cost >= top_down.cost) >= 1' });
    expect((await uptake('test', onlyUndecided, '--no-cache', '--workers', '1', '--rollouts', '10', '--budget', '10')).code).toBe(1);
    expect((await uptake('test', onlyUndecided, '--no-cache', '--workers', '1', '--rollouts', '10', '--budget', '10', '--allow-inconclusive')).code).toBe(0);
  }, 180_000);

  it('exits 2 for a bad claim, naming file:line:col before any rollout runs, and for bad flags', async () => {
    const file = scenario('bad_claim', { typo: 'P(top_dwn.cost >= top_down.cost) >= 0.8' });
    const r = await uptake('test', file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^\S+bad_claim\.yaml:\d+:\d+ assumptions\.claims\.typo\.claim: unknown strategy top_dwn at character 3 — did you mean top_down\?\n$/);
    expect((await uptake('test', file, '--rollouts', '0')).stderr).toBe('error: --rollouts: expected a whole number of at least 2, got "0" — e.g. --rollouts 200\n');
    const confidence = await uptake('test', 'test/assumptions/fixtures/small.yaml', '--confidence', '95');
    expect(confidence.code).toBe(2);
    expect(confidence.stderr).toContain('--confidence: expected a number between 0 and 1, got "95"');
    const missing = await uptake('test', join(tmp, 'nowhere'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file or folder');
  }, 60_000);

  it('exits 3 when a rollout throws, naming it and the command that reproduces it', async () => {
    const r = await uptakeWith({ UPTAKE_INJECT_FAILURE: 'top_down:3' }, 'test', 'test/assumptions/fixtures/small.yaml', '--no-cache', '--workers', '1');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rollout 3 of strategy top_down');
    expect(r.stderr).toContain('reproduce it alone: uptake run test/assumptions/fixtures/small.yaml --rollout 3 --seed 7');
  }, 60_000);

  it('passes on every bundled scenario at its test-time rollouts', async () => {
    const junit = join(tmp, 'bundled.xml');
    const r = await uptake('test', 'scenarios/', '--no-cache', '--junit', junit);
    expect(withoutProgress(r.stderr)).toBe('');
    expect(r.code).toBe(0);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    const suites = all(xml, 'testsuite');
    expect(suites.map((s) => s.attributes.name).sort()).toEqual(['hr_firm', 'hr_network', 'law_firm', 'manufacturer', 'pilot_in_progress', 'professional_services', 'retail_bank', 'startup']);
    for (const s of suites) expect(all(s, 'testcase').filter((c) => c.attributes.name !== 'baseline drift').length).toBeGreaterThanOrEqual(4);
    expect(xml.attributes.failures).toBe('0');
    expect(r.stdout).toMatch(/\d+ assumptions in 8 scenarios: \d+ pass, 0 fail, 0 inconclusive/);
    // The pilot's claims on its forecast: calibrated on the telemetry, marked in the table and the JUnit details.
    expect(r.stdout).toMatch(/claims marked forecast: read the forecast from week 15, calibrated on weeks 1–14 of scenarios\/pilot-telemetry\.csv/);
    expect(r.stdout).toMatch(/^continuing_reaches_the_target\s+forecast: P\(continue\.active_share@104 >= 0\.4\) >= 0\.8\s.*pass/m);
    expect(readFileSync(junit, 'utf8')).toContain('on the forecast from week 15');
  }, 600_000);
});
