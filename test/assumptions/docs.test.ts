import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OBSERVABLES, RESULTS } from '../../src/model/index.ts';
import { compileClaim } from '../../src/scenarios/claim.ts';

const docs = readFileSync(new URL('../../docs/assumptions.md', import.meta.url), 'utf8');

describe('docs/assumptions.md', () => {
  it('lists every per-rollout result and per-week observable a claim can read', () => {
    for (const { name } of [...RESULTS, ...OBSERVABLES]) expect(docs, `add ${name} to docs/assumptions.md`).toContain(`\`${name}\``);
  });

  it('has claims that all compile, in its examples and its YAML', () => {
    const examples = docs.slice(docs.indexOf('A claim compares two sides')).split('```')[1]!.trim().split('\n');
    const inYaml = [...docs.matchAll(/claim: "([^"]+)"/g)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    expect(inYaml.length).toBeGreaterThanOrEqual(3);
    // With a forecast, for the section on claims about one.
    const context = { strategies: ['phased_pilot', 'top_down', 'bottom_up'], weeks: 104, forecast: { alternatives: ['continue', 'top_down'], inProgress: 'phased_pilot' } };
    for (const claim of [...examples, ...inYaml]) expect(() => compileClaim(claim, context), claim).not.toThrow();
  });
});
