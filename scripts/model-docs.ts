/**
 * Keeps the parameter and mechanism tables of docs/model.md in step with
 * src/model/params.ts: `npm run docs:model` rewrites the text between the
 * markers; test/model/docs.test.ts fails when the committed file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MECHANISM_DESCRIPTIONS, MECHANISM_NAMES, PARAMETER_SPECS } from '../src/model/index.ts';

export const MODEL_DOC = fileURLToPath(new URL('../docs/model.md', import.meta.url));
const START = '<!-- generated:parameters:start (npm run docs:model) -->';
const END = '<!-- generated:parameters:end -->';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function parameterTables(): string {
  const groups = new Map<string, typeof PARAMETER_SPECS[number][]>();
  for (const spec of PARAMETER_SPECS) {
    const group = spec.path.includes('.') ? spec.path.split('.')[0]! : 'run';
    groups.set(group, [...(groups.get(group) ?? []), spec]);
  }
  const lines: string[] = [];
  for (const [group, specs] of groups) {
    lines.push(`#### ${group}`, '', '| parameter | default | range | unit | meaning | source |', '| --- | --- | --- | --- | --- | --- |');
    for (const s of specs) {
      const range = `${s.min} – ${s.max}${s.integer ? ' (whole)' : ''}`;
      lines.push(`| \`${s.path}\` | ${s.default} | ${range} | ${s.unit ?? ''} | ${cell(s.description)} | ${cell(s.source)} |`);
    }
    lines.push('');
  }
  lines.push('#### mechanisms (switches, all on by default)', '', '| switch | what it turns on |', '| --- | --- |');
  for (const name of MECHANISM_NAMES) lines.push(`| \`mechanisms.${name}\` | ${cell(MECHANISM_DESCRIPTIONS[name])} |`);
  return lines.join('\n');
}

export function renderModelDoc(current: string): string {
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`docs/model.md lacks the markers ${START} … ${END}`);
  return `${current.slice(0, start + START.length)}\n${parameterTables()}\n${current.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(MODEL_DOC, renderModelDoc(readFileSync(MODEL_DOC, 'utf8')));
  console.log('docs/model.md parameter tables updated');
}
