import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A new process that loads render.ts (and so resvg): the purge delay resvg's
 * mimalloc took when it loaded (MIMALLOC_VERBOSE makes it print its options)
 * and MIMALLOC_PURGE_DELAY as the process's environment holds it afterwards.
 */
function afterLoad(purgeDelay: string | undefined): { taken: string | undefined; env: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, MIMALLOC_VERBOSE: '1' };
  if (purgeDelay === undefined) delete env.MIMALLOC_PURGE_DELAY;
  else env.MIMALLOC_PURGE_DELAY = purgeDelay;
  const script = "await import('./src/report/render.ts'); process.stdout.write(String(process.env.MIMALLOC_PURGE_DELAY));";
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' });
  expect(child.status, child.stderr).toBe(0);
  return { taken: /option 'purge_delay': (-?\d+)/.exec(child.stderr)?.[1], env: child.stdout };
}

describe('resvg keeping its freed memory for the next chart', () => {
  it('is what resvg loads with, and is gone from the environment afterwards, so child processes do not inherit it', () => {
    expect(afterLoad(undefined)).toEqual({ taken: '-1', env: 'undefined' });
  });

  it('leaves a value the user set alone', () => {
    expect(afterLoad('25')).toEqual({ taken: '25', env: '25' });
  });
});
