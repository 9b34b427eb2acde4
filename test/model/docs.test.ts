/** docs/model.md stays true to the code: its generated tables match params.ts, and it names every mechanism. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODEL_DOC, renderModelDoc } from '../../scripts/model-docs.ts';
import { MECHANISM_NAMES, PARAMETER_SPECS, INTERVENTION_TYPES } from '../../src/model/index.ts';

describe('docs/model.md', () => {
  const doc = readFileSync(MODEL_DOC, 'utf8');

  it('has parameter tables generated from the current parameters (run `npm run docs:model` if this fails)', () => {
    expect(renderModelDoc(doc)).toBe(doc);
  });

  it('lists every parameter, mechanism and intervention', () => {
    for (const spec of PARAMETER_SPECS) expect(doc).toContain(`\`${spec.path}\``);
    for (const name of MECHANISM_NAMES) expect(doc).toContain(`\`mechanisms.${name}\``);
    for (const type of INTERVENTION_TYPES) expect(doc).toContain(`\`${type}\``);
  });
});
