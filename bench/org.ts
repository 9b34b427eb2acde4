/**
 * The HR import's benchmark figure, called by bench/run.ts (`npm run bench`):
 *
 * - hr_import_300k_seconds: a generated 300,000-person export (e-mail ids, depth 8, 30 departments)
 *   from a CSV file on disk to the first week of its first rollout: read and check the file,
 *   pseudonymise the ids, turn the tree into the model's teams, build the organisation (network,
 *   traits, communities) and step the simulation once. Generating the file is not timed.
 * - hr_import_300k_peak_mb: the process's peak resident memory afterwards (it includes the rest of
 *   the bench before it, so it is an upper bound).
 *
 * Target (issue 16): under 10 s on the 2-core reference machine. Run alone: `npx tsx bench/org.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Simulation, buildOrganisation, builtinStrategy, withDefaults } from '../src/model/index.ts';
import { generateHrExport } from '../src/org/generate.ts';
import { readHrExport } from '../src/org/hr.ts';
import { structureOf } from '../src/org/structure.ts';

export async function orgBench(log: (line: string) => void = () => {}): Promise<{ hr_import_300k_seconds: number; hr_import_300k_peak_mb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-bench-hr-'));
  try {
    const departments = Array.from({ length: 30 }, (_, i) => `Department ${String(i + 1).padStart(2, '0')}`);
    const file = join(dir, 'hr-300k.csv');
    writeFileSync(file, generateHrExport({ people: 300_000, depth: 8, departments, seed: 1, style: 'email' }).text);
    const t0 = performance.now();
    const hr = await readHrExport(file);
    const structure = structureOf(hr);
    const params = withDefaults({ organisation: { employees: hr.people.length, departments: structure.departmentNames.length } });
    params.organisation.structure = structure;
    const org = buildOrganisation(params, 1);
    const sim = new Simulation(params, builtinStrategy('top_down'), { organisation: 1, dynamics: 1 }, org);
    sim.step();
    const seconds = (performance.now() - t0) / 1000;
    const peak = process.resourceUsage().maxRSS / 1024;
    log(`HR import: 300,000-person export read, checked and built, first week stepped in ${seconds.toFixed(1)} s (peak memory ${peak.toFixed(0)} MB)`);
    return { hr_import_300k_seconds: Number(seconds.toFixed(2)), hr_import_300k_peak_mb: Math.round(peak) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await orgBench((line) => console.error(line))));
}
