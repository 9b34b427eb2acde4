/** `uptake org --network` and scenarios with organisation: {network: {from: edges.csv}}. */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateHrExport } from '../../src/org/generate.ts';
import { generateNetworkExport } from '../../src/org/generate-network.ts';
import { uptake } from './spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-network-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hr = generateHrExport({ people: 80, depth: 3, departments: ['Tax', 'Legal', 'Audit'], seed: 6, style: 'email' });
const network = generateNetworkExport({ hr: hr.text, seed: 7, style: 'worklytics' });
writeFileSync(join(dir, 'hr.csv'), hr.text);
writeFileSync(join(dir, 'edges.csv'), network.text);

function scenario(folder: string, name: string, organisation: string): string {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nhorizon: 20\nrollouts: 3\norganisation:\n${organisation}strategies:\n  top_down: {type: top_down}\n  bottom_up: {type: bottom_up}\n`);
  return file;
}

describe('uptake org --network', () => {
  it('prints what the bundled network holds: ties, repeats merged, contacts, components, strengths, the columns read', async () => {
    const out = await uptake(['org', 'examples/hr/firm-600.csv', '--network', 'examples/hr/firm-600-network.csv']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('examples/hr/firm-600-network.csv: 3,838 ties from 7,676 rows (Viva Insights columns), no problems found');
    for (const word of ['repeats', '3,838 rows merged', 'contacts', 'components', 'within a team', 'across departments', 'strength', 'columns read: source ← PrimaryCollaborator_PersonId']) expect(out.stdout).toContain(word);
  });

  it('--json adds a network object with the summary', async () => {
    const out = await uptake(['org', join(dir, 'hr.csv'), '--network', join(dir, 'edges.csv'), '--json', '--max-strength', '4']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json.network).toMatchObject({ convention: 'Worklytics', ties: network.pairs, people: 80, max_strength: 4, columns: { weight: 'weeklyCollaborationTimeMinutes' } });
    expect(json.network.strengths).toHaveLength(4);
    expect(json.network.within_team + json.network.within_department + json.network.across_departments).toBe(network.pairs);
  });

  it('exits 2 with every planted fault of a bad network at its line, no stack trace and no id or e-mail address', async () => {
    const bad = generateNetworkExport({ hr: hr.text, seed: 7, style: 'edge-list', faults: { 'unknown-id': 2, 'self-tie': 1, 'negative-weight': 1 } });
    writeFileSync(join(dir, 'bad-edges.csv'), bad.text);
    const out = await uptake(['org', join(dir, 'hr.csv'), '--network', join(dir, 'bad-edges.csv')]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    for (const f of bad.faults) expect(out.stderr).toContain(`bad-edges.csv:${f.line}:`);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    for (const id of hr.ids) expect(out.stderr).not.toContain(id);
    expect(out.stderr).not.toMatch(/X9\d{5}/);
  });

  it('--network-columns names the columns; without --network, network flags are a usage error (exit 2)', async () => {
    writeFileSync(join(dir, 'odd.csv'), `Giver,Taker\n${hr.ids[0]},${hr.ids[1]}\n`);
    const missing = await uptake(['org', join(dir, 'hr.csv'), '--network', join(dir, 'odd.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--network-columns source=');
    const mapped = await uptake(['org', join(dir, 'hr.csv'), '--network', join(dir, 'odd.csv'), '--network-columns', 'source=Giver,target=Taker']);
    expect(mapped.stderr).toBe('');
    expect(mapped.code).toBe(0);
    expect(mapped.stdout).toContain('1 tie from 1 row (columns as mapped)');
    const lonely = await uptake(['org', join(dir, 'hr.csv'), '--max-strength', '2']);
    expect(lonely.code).toBe(2);
  });
});

describe('a scenario with the network of its HR file', () => {
  it('runs on the file\'s ties, writes them to experiment.json as digests, and no id reaches an output', async () => {
    const file = scenario(dir, 'with_network', '  from: hr.csv\n  network: {from: edges.csv, max_strength: 2}\n');
    const out = join(dir, 'run');
    const r = await uptake(['run', file, '--out', out, '--quiet', '--no-report']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const experiment = JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8'));
    expect(experiment.params.organisation.ties.from).toMatchObject({ typed_array: 'Int32Array', length: network.pairs });
    const written = ['rollouts.csv', 'experiment.json', 'summary.json', 'manifest.json'].map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const id of [...hr.ids, ...hr.names]) expect(written).not.toContain(id);
  }, 120_000);

  it('has a hash that follows the network\'s content, not where the files are', async () => {
    const hash = async (folder: string) => {
      const r = await uptake(['run', join(folder, 'n.yaml'), '--out', join(folder, 'out'), '--quiet', '--no-report', '--rollouts', '1']);
      expect(r.code).toBe(0);
      return JSON.parse(readFileSync(join(folder, 'out', 'experiment.json'), 'utf8')).hash as string;
    };
    const a = join(dir, 'a');
    const b = join(dir, 'elsewhere', 'b');
    for (const folder of [a, b]) {
      scenario(folder, 'n', '  from: hr.csv\n  network: {from: edges.csv}\n');
      cpSync(join(dir, 'hr.csv'), join(folder, 'hr.csv'));
      cpSync(join(dir, 'edges.csv'), join(folder, 'edges.csv'));
    }
    // The last pair's rows (its two weeks) left out: another network, another experiment.
    const c = join(dir, 'c');
    scenario(c, 'n', '  from: hr.csv\n  network: {from: edges.csv}\n');
    cpSync(join(dir, 'hr.csv'), join(c, 'hr.csv'));
    const lines = network.text.trimEnd().split('\n');
    writeFileSync(join(c, 'edges.csv'), `${lines.slice(0, -2).join('\n')}\n`);
    const [ha, hb, hc] = [await hash(a), await hash(b), await hash(c)];
    expect(hb).toBe(ha);
    expect(hc).not.toBe(ha);
  }, 120_000);

  it('is checked: weak ties settled by the network file, a network without an HR file, a bad network file', async () => {
    const settled = await uptake(['validate', scenario(dir, 'settled', '  from: hr.csv\n  network: {from: edges.csv}\n  weak_ties: 4\n')]);
    expect(settled.code).toBe(2);
    expect(settled.stderr).toContain('organisation.weak_ties: weak_ties is settled by the network file (organisation.network)');
    const alone = await uptake(['validate', scenario(dir, 'alone', '  network: {from: edges.csv}\n')]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('a network file needs the HR file its ids belong to');
    writeFileSync(join(dir, 'self.csv'), `source,target\n${hr.ids[3]},${hr.ids[3]}\n`);
    const bad = await uptake(['validate', scenario(dir, 'bad_net', '  from: hr.csv\n  network: {from: self.csv}\n')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('self.csv:2:');
    expect(bad.stderr).not.toContain(hr.ids[3]!);
    const none = await uptake(['validate', scenario(dir, 'no_net', '  from: hr.csv\n  network: {from: nowhere.csv}\n')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('nowhere.csv no such file — organisation.network.from in');
  }, 120_000);
});
