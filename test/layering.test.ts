/**
 * The house is one-way: scenario → model → runner → report, with src/cli on
 * top wiring commands and a small neutral base (the files directly in src/)
 * at the bottom. This test reads every import in src/ and fails on one that
 * runs against the flow, and on any import cycle inside a folder, so the
 * layering stays true without a reviewer watching for it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** What each layer may import (besides itself). The base is every file directly in src/. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  base: [],
  model: ['base'],
  scenarios: ['base', 'model'],
  runner: ['base', 'model', 'scenarios'],
  assumptions: ['base', 'model', 'scenarios', 'runner'],
  explore: ['base', 'model', 'scenarios', 'runner', 'assumptions'],
  forecast: ['base', 'model', 'scenarios', 'runner', 'assumptions'],
  report: ['base', 'model', 'scenarios', 'runner', 'assumptions', 'explore', 'forecast'],
  org: ['base', 'model', 'scenarios'],
  cli: ['base', 'model', 'scenarios', 'runner', 'assumptions', 'explore', 'forecast', 'report', 'org'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer of a file: its first folder under src/, or "base" for a file directly in src/. */
function layerOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length === 1 ? 'base' : parts[0];
}

/** Relative imports of a file (static, dynamic and type-only), resolved to absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specifiers.map((specifier) => resolve(dirname(file), specifier));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, importsOf(file)]));

describe('layering of src/', () => {
  it('every folder under src/ has a place in the layering', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].filter((layer) => !(layer in MAY_IMPORT))).toEqual([]);
  });

  it('no import runs against the flow scenario → model → runner → report (src/cli on top, the base below)', () => {
    const against: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && !MAY_IMPORT[from]?.includes(to)) against.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(against).toEqual([]);
  });

  it('no import cycle inside any folder of src/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (layerOf(target) !== layerOf(file) || !graph.has(target)) continue;
        if (state.get(target) === 'open') {
          cycles.push([...stack.slice(stack.indexOf(target)), target].map((f) => relative(SRC, f)).join(' → '));
        } else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
