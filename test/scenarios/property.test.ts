/**
 * Whatever text arrives, the loader either returns an experiment or throws a
 * ScenarioError with located diagnostics: never a TypeError, a mathjs error or
 * a zod error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ScenarioError } from '../../src/scenarios/errors.ts';
import { loadScenarioText } from '../../src/scenarios/load.ts';
import { BASE } from './helpers.ts';

const dir = new URL('../../scenarios/', import.meta.url);
const bundled = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(new URL(f, dir), 'utf8'));
const corpus = [BASE, ...bundled];

function loadsOrExplains(text: string): void {
  try {
    const e = loadScenarioText(text, 'fuzz.yaml');
    expect(e.strategies.length).toBeGreaterThan(0);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    expect(err.diagnostics.length).toBeGreaterThan(0);
    for (const d of err.diagnostics) {
      expect(d.file).toBe('fuzz.yaml');
      expect(d.line).toBeGreaterThanOrEqual(0);
      expect(d.message.length).toBeGreaterThan(0);
    }
  }
}

// Tokens that exercise the loader's corners when spliced into a scenario.
const tokens = [
  '', ' ', '\n', '\t', ':', '- ', '{', '}', '[', ']', '"', "'", '#', '&a', '*a', '!!str ', '---', '0', '-1', '1e308', 'NaN', '.inf', 'null',
  'true', '40', '0.5', 'uniform', '{uniform: [1, 0]}', '{normal: [0.5, -1]}', '{beta: [0, 0]}', '{choice: []}', 'week', 'evaluate("1")',
  'f(x)=x', '[1,2]', 'pilot.active_share', 'wave9.open', 'custom', 'top_down', 'type', 'when', 'at', 'target', 'departments', '~',
];

describe('the loader under random input', () => {
  it('never throws anything but ScenarioError for arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => loadsOrExplains(text)), { numRuns: 200, seed: 42 });
  });

  it('never throws anything but ScenarioError for arbitrary YAML data', () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 12 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('name', 'strategies', 'type', 'organisation', 'employees', 'interventions', 'when', 'uniform', 'x'), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(value, (data) => loadsOrExplains(stringify(data))), { numRuns: 200, seed: 7 });
  });

  it('never throws anything but ScenarioError for mutated bundled scenarios', () => {
    const mutation = fc.record({
      file: fc.nat({ max: corpus.length - 1 }),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom('insert', 'delete', 'replace', 'dropLine', 'duplicateLine'),
          at: fc.nat(),
          length: fc.nat({ max: 12 }),
          token: fc.constantFrom(...tokens),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ file, edits }) => {
        let text = corpus[file]!;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          if (e.kind === 'insert') text = text.slice(0, at) + e.token + text.slice(at);
          else if (e.kind === 'delete') text = text.slice(0, at) + text.slice(at + e.length);
          else if (e.kind === 'replace') text = text.slice(0, at) + e.token + text.slice(at + e.length);
          else {
            const lines = text.split('\n');
            const i = at % lines.length;
            if (e.kind === 'dropLine') lines.splice(i, 1);
            else lines.splice(i, 0, lines[i]!);
            text = lines.join('\n');
          }
        }
        loadsOrExplains(text);
      }),
      { numRuns: 150, seed: 2026 },
    );
  });

  it('never throws anything but ScenarioError for random numbers in every parameter position', () => {
    fc.assert(
      fc.property(fc.nat({ max: bundled.length - 1 }), fc.double({ noNaN: false }), fc.nat(), (file, value, pick) => {
        const text = bundled[file]!;
        const numbers = [...text.matchAll(/(?<=: )-?\d+(\.\d+)?(?=\s|,|\]|\})/g)];
        if (numbers.length === 0) return;
        const m = numbers[pick % numbers.length]!;
        loadsOrExplains(text.slice(0, m.index) + String(value) + text.slice(m.index! + m[0].length));
      }),
      { numRuns: 200, seed: 99 },
    );
  });
});
