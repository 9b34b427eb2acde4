/** The week's events are written down three times; this keeps them the same: step() itself, its header, docs/model.md §3. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const code = readFileSync(new URL('../../src/model/simulation.ts', import.meta.url), 'utf8');
const docs = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');

describe('the schedule of a week', () => {
  it('is the same list of events in step(), in its header comment and in docs/model.md §3', () => {
    const body = /\n {2}step\(\): void \{\n([\s\S]*?)\n {2}\}/.exec(code)![1]!;
    const steps = [...body.matchAll(/this\.(\w+)\(\);/g)].map((m) => m[1]);
    const header = code.slice(0, code.indexOf('*/'));
    const listed = [...header.matchAll(/^ \* +\d+\. (\w+)/gm)].map((m) => m[1]);
    const section = docs.slice(docs.indexOf('## 3. Process overview'), docs.indexOf('## 4.'));
    const documented = [...section.matchAll(/^\d+\. \*\*(\w+)\*\*/gm)].map((m) => m[1]);
    expect(steps.length).toBeGreaterThan(5);
    expect(listed).toEqual(steps);
    expect(documented).toEqual(steps);
  });
});
