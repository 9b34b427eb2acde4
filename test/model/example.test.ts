/**
 * The library example at the top of src/model/index.ts runs as written: the
 * test takes the code from the comment itself, so the two cannot drift.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as model from '../../src/model/index.ts';

const source = readFileSync(new URL('../../src/model/index.ts', import.meta.url), 'utf8');

/** The indented lines of the header comment: the example's code. */
function exampleCode(): string {
  const header = source.slice(0, source.indexOf('*/'));
  return header.split('\n').filter((l) => /^ \*   \S/.test(l)).map((l) => l.replace(/^ \*   /, '')).join('\n');
}

describe('the example in src/model/index.ts', () => {
  it('builds an organisation, runs a phased pilot and reads the active share at every week', () => {
    const code = exampleCode();
    expect(code).toContain('runRollout(');
    // The example's last line is an expression: return it, for every week of the horizon.
    const lines = code.split('\n');
    const last = lines.pop()!;
    const body = `${lines.join('\n')}\nconst weeks = params.weeks;\nconst values = [];\nfor (let week = 0; week <= weeks; week++) values.push(${last});\nreturn { values, out, plan };`;
    const run = new Function(...Object.keys(model), body) as (...args: unknown[]) => { values: number[]; out: model.RolloutOutput; plan: model.StrategyPlan };
    const { values, out, plan } = run(...Object.values(model));
    // The plan is the built-in phased pilot, named as such (an argument in the wrong place would rename it).
    expect(plan.name).toBe('phased_pilot');
    expect(plan.waves).toBeDefined();
    expect(values).toHaveLength(model.withDefaults({}).weeks + 1);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    // Nobody is active before the first week; a phased pilot gets somewhere in two years.
    expect(values[0]).toBe(0);
    expect(Math.max(...values)).toBeGreaterThan(0.05);
    expect(out.series.length).toBe(values.length * model.OBSERVABLE_COUNT);
  });
});
