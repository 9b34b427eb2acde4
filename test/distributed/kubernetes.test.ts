/**
 * The Kubernetes Indexed Job of docs/distributed.md, read from the page: validated offline against
 * the Kubernetes API's OpenAPI schema (kubernetes-models), and its pods' command run here as each
 * pod would run it (no cluster: the paths of the image and the volume are mapped to folders here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { REPO, uptake } from '../cli/spawn.ts';

const MARKER = '<!-- test/distributed/kubernetes.test.ts validates this Job and runs its command. -->';
const SMALL = join(REPO, 'test/runner/fixtures/small.yaml');

interface Manifest {
  spec: {
    completions: number;
    template: { spec: { containers: { env: { name: string; value: string }[]; command: string[]; args: string[] }[] } };
  };
}

/** The Job manifest of docs/distributed.md: the fenced block right after the marker. */
function docManifest(): Manifest {
  const text = readFileSync(join(REPO, 'docs/distributed.md'), 'utf8');
  expect(text.includes(MARKER), 'the marker before the Job in docs/distributed.md').toBe(true);
  const after = text.slice(text.indexOf(MARKER) + MARKER.length);
  expect(after.startsWith('\n```yaml\n')).toBe(true);
  return parse(after.slice('\n```yaml\n'.length, after.indexOf('\n```\n'))) as Manifest;
}

function validationError(manifest: unknown): string {
  try {
    new Job(manifest as ConstructorParameters<typeof Job>[0]).validate();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'uptake-k8s-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the Kubernetes Indexed Job (docs/distributed.md)', () => {
  it('is a valid batch/v1 Job by the Kubernetes OpenAPI schema, which also catches a wrong type, value or missing field', () => {
    const job = docManifest();
    expect(validationError(job)).toBe('');
    const broken = (change: (m: Manifest) => void): string => {
      const copy = structuredClone(job);
      change(copy);
      return validationError(copy);
    };
    expect(broken((m) => (m.spec.completions = 'eight' as unknown as number))).toMatch(/spec\/completions must be integer/);
    expect(broken((m) => ((m.spec as Record<string, unknown>).completionMode = 'indexed'))).toMatch(/spec\/completionMode must be equal to one of the allowed values/);
    expect(broken((m) => (m.spec.template.spec.containers[0]!.env[0]!.value = 8 as unknown as string))).toMatch(/env\/0\/value must be string/);
    expect(broken((m) => delete (m.spec.template.spec.containers[0] as Record<string, unknown>).name)).toMatch(/must have required property name/);
  });

  it('does not catch a misspelt field: the schema allows unknown ones (so the page says so)', () => {
    const job = structuredClone(docManifest()) as Manifest & { spec: Record<string, unknown> };
    job.spec.completion = 8;
    expect(validationError(job)).toBe('');
  });

  it("runs its pods' command for every completion index, and the page's merge command gives the bytes of a one-machine run", async () => {
    const job = docManifest();
    const container = job.spec.template.spec.containers[0]!;
    expect(container.command).toEqual(['sh', '-c']);
    // The image holds the checkout at /opt/uptake and the volume is mounted at /results: here, the repository
    // and a temporary folder; a small scenario stands in for the bank.
    const local = (text: string): string =>
      text.replaceAll('/opt/uptake/scenarios/bank.yaml', SMALL).replaceAll('/opt/uptake/', `${REPO}`).replaceAll('/results/', `${root}/`);
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    const sh = (script: string, extra: Record<string, string>): Promise<number | null> =>
      new Promise((resolve, reject) => {
        const child = spawn('sh', ['-c', script], { cwd: REPO, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...extra }, stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', reject);
        child.on('close', resolve);
      });
    for (let index = 0; index < job.spec.completions; index += 2) {
      const pods = [index, index + 1].filter((i) => i < job.spec.completions).map((i) => sh(local(container.args[0]!), { ...env, JOB_COMPLETION_INDEX: String(i) }));
      expect(await Promise.all(pods)).toEqual(pods.map(() => 0));
    }
    const text = readFileSync(join(REPO, 'docs/distributed.md'), 'utf8');
    const merge = /^node bin\/uptake\.js merge \/results\/\S+ --out \/results\/\S+$/m.exec(text)![0];
    expect(await sh(`${local(merge)} --quiet --no-report`, {})).toBe(0);

    const one = await uptake(['run', SMALL, '--out', join(root, 'one-machine'), '--workers', '2', '--quiet', '--no-report']);
    expect(one.code, one.stderr).toBe(0);
    for (const f of ['summary.json', 'timeseries.csv', 'rollouts.csv']) {
      expect(readFileSync(join(root, 'bank/merged', f)).equals(readFileSync(join(root, 'one-machine', f))), f).toBe(true);
    }
  });
});
