import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync, cpSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.ts';
import { loadReportData, uniqueLabels } from '../../src/report/load.ts';
import { tempDir } from './fixture.ts';
import { writeSyntheticOutputs } from './synthetic.ts';

let root: string;
let good: string;

beforeAll(() => {
  root = tempDir('load');
  good = writeSyntheticOutputs(join(root, 'good'), { rollouts: 8, weeks: 20 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the good folder with one file changed by `damage`. */
function damaged(name: string, file: string, damage: (text: string) => string | null): string {
  const dir = join(root, name);
  cpSync(good, dir, { recursive: true });
  const path = join(dir, file);
  const text = damage(readFileSync(path, 'utf8'));
  if (text === null) unlinkSync(path);
  else writeFileSync(path, text);
  return dir;
}

async function failure(dir: string): Promise<InputError> {
  try {
    await loadReportData(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error(`loading ${dir} did not fail`);
}

describe('reading an output folder for the report', () => {
  it('reads the summary, the manifest and every rollout of every strategy, with "never" as NaN', async () => {
    const data = await loadReportData(good);
    expect(data.strategies.map((s) => s.name)).toEqual(['top_down', 'bottom_up', 'phased_pilot']);
    for (const s of data.strategies) expect(data.rollouts.get(s.name)!.n).toBe(8);
    const weeks = data.rollouts.get('bottom_up')!.columns.get('weeks_to_target')!;
    expect(Array.from(weeks).some(Number.isNaN)).toBe(true);
    expect(data.rollouts.get('phased_pilot')!.columns.get('pilot_open_week')![0]).toBe(0);
    // Drawn uncertain parameters are not charted, so not kept.
    expect(data.rollouts.get('top_down')!.columns.has('organisation.silo_strength')).toBe(false);
  });

  it('names a missing folder, or a file given instead of a folder', async () => {
    expect((await failure(join(root, 'nope'))).message).toBe(`${join(root, 'nope')}: no such folder`);
    expect((await failure(join(good, 'summary.json'))).message).toMatch(/summary\.json: not a folder$/);
  });

  it('names a missing summary.json and says the folder may not be an uptake output folder', async () => {
    const err = await failure(damaged('no-summary', 'summary.json', () => null));
    expect(err.message).toMatch(/no-summary\/summary\.json: missing$/);
    expect(err.hint).toMatch(/uptake output folder/);
  });

  it('tells a shard\'s partial result from a whole run and says to merge first', async () => {
    const shard = damaged('shard', 'summary.json', () => null);
    writeFileSync(join(shard, 'partial.json'), '{}');
    const err = await failure(shard);
    expect(err.message).toMatch(/shard: holds one shard's partial result, not a whole run$/);
    expect(err.hint).toMatch(/uptake merge/);
  });

  it('reports corrupt JSON with the file name', async () => {
    const err = await failure(damaged('corrupt', 'summary.json', (t) => t.slice(0, 200)));
    expect(err.message).toMatch(/corrupt\/summary\.json: not valid JSON \(/);
  });

  it('recognises a JSON file that is not uptake\'s by its format field', async () => {
    const err = await failure(damaged('foreign', 'manifest.json', () => '{"format": "something-else"}'));
    expect(err.message).toMatch(/foreign\/manifest\.json: not an uptake manifest\.json \(field "format" is "something-else", expected "uptake-manifest\/1"\)/);
  });

  it('names the field of summary.json that is missing or of the wrong type', async () => {
    const err = await failure(damaged('field', 'summary.json', (t) => JSON.stringify({ ...JSON.parse(t), strategies: 'top_down' })));
    expect(err.message).toMatch(/field\/summary\.json: field strategies: /);
  });

  it('points at the line of rollouts.csv that has the wrong number of values or a value that is not a number', async () => {
    const short = await failure(damaged('short-row', 'rollouts.csv', (t) => t.replace(/\n([^\n]*),[^,\n]*\n/, '\n$1\n')));
    expect(short.message).toMatch(/short-row\/rollouts\.csv:2: expected \d+ values, found \d+/);
    const text = await failure(damaged('bad-cell', 'rollouts.csv', (t) => { const lines = t.split('\n'); lines[3] = lines[3]!.replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$1lots'); return lines.join('\n'); }));
    expect(text.message).toMatch(/bad-cell\/rollouts\.csv:4: column active_share: expected a number or "never", got "lots"/);
  });

  it('refuses rollouts.csv from another run (a strategy summary.json does not know)', async () => {
    const err = await failure(damaged('other-run', 'rollouts.csv', (t) => t.replace('\ntop_down,', '\nbig_bang,')));
    expect(err.message).toMatch(/other-run\/rollouts\.csv:2: strategy "big_bang" is not in summary\.json/);
  });

  it('makes repeated strategy labels unique so legends tell them apart', () => {
    const labels = uniqueLabels([
      { name: 'a', label: 'Pilot', waves: 0 },
      { name: 'b', label: 'Pilot', waves: 0 },
      { name: 'c', label: '', waves: 0 },
    ]).map((s) => s.label);
    expect(labels).toEqual(['Pilot (a)', 'Pilot (b)', 'c']);
  });
});
