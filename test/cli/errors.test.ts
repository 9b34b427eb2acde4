import { describe, expect, it } from 'vitest';
import { EXIT, InternalError, UsageError, handleError } from '../../src/cli/errors.ts';
import { ParameterError } from '../../src/model/params.ts';
import { ScenarioError } from '../../src/scenarios/errors.ts';

function handled(err: unknown, env: Record<string, string | undefined> = {}): { code: number; text: string } {
  const saved = process.env.UPTAKE_DEBUG;
  if ('UPTAKE_DEBUG' in env) process.env.UPTAKE_DEBUG = env.UPTAKE_DEBUG;
  else delete process.env.UPTAKE_DEBUG;
  let text = '';
  try {
    const code = handleError(err, { write: (s: string) => (text += s) });
    return { code, text };
  } finally {
    if (saved === undefined) delete process.env.UPTAKE_DEBUG;
    else process.env.UPTAKE_DEBUG = saved;
  }
}

describe('handleError', () => {
  it('uses the documented exit codes', () => {
    expect(EXIT).toEqual({ OK: 0, ASSUMPTIONS_FAILED: 1, BAD_INPUT: 2, INTERNAL: 3 });
  });

  it('prints every diagnostic of a ScenarioError on its own line and returns 2', () => {
    const err = new ScenarioError([
      { file: 'b.yaml', line: 4, col: 3, path: 'organisation.x', message: 'unknown field x', hint: 'did you mean y?' },
      { file: 'b.yaml', line: 2, col: 1, path: 'name', message: 'missing required field name' },
    ]);
    expect(handled(err)).toEqual({
      code: 2,
      text: 'b.yaml:2:1 name: missing required field name\nb.yaml:4:3 organisation.x: unknown field x — did you mean y?\n2 problems found.\n',
    });
  });

  it('prints a usage error with its hint and returns 2', () => {
    expect(handled(new UsageError('--rollouts must be at least 1', 'e.g. --rollouts 100'))).toEqual({ code: 2, text: 'error: --rollouts must be at least 1 — e.g. --rollouts 100\n' });
  });

  it('treats a model parameter error and a missing file as bad input', () => {
    expect(handled(new ParameterError('organisation.employees', 'expected a number')).code).toBe(2);
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'x.csv'"), { code: 'ENOENT', path: 'x.csv' });
    expect(handled(missing)).toEqual({ code: 2, text: 'error: x.csv: no such file or directory\n' });
  });

  it('honours an exitCode carried by other modules\' errors', () => {
    expect(handled(Object.assign(new Error('2 assumption checks failed'), { exitCode: 1 }))).toEqual({ code: 1, text: 'error: 2 assumption checks failed\n' });
  });

  it('prints a short message without a stack for an internal error, and the stack with UPTAKE_DEBUG=1', () => {
    const quiet = handled(new InternalError('worker lost'));
    expect(quiet.code).toBe(3);
    expect(quiet.text).toBe('internal error: worker lost\nThis is a bug in uptake. Run again with UPTAKE_DEBUG=1 for the stack trace, and report it.\n');
    const debug = handled(new TypeError('x is undefined'), { UPTAKE_DEBUG: '1' });
    expect(debug.code).toBe(3);
    expect(debug.text).toMatch(/^internal error: x is undefined\nTypeError: x is undefined\n\s+at /);
  });

  it('copes with things thrown that are not errors', () => {
    expect(handled('boom')).toEqual({ code: 3, text: 'internal error: boom\nThis is a bug in uptake. Run again with UPTAKE_DEBUG=1 for the stack trace, and report it.\n' });
  });
});
