/**
 * Writes a synthetic HR export (invented people), for examples and tests of `uptake org`:
 *   npx tsx scripts/hr-export.ts --people 600 --depth 5 --departments Tax,Audit,Advisory,Legal,Technology,Operations \
 *     --seed 16 --style viva > examples/hr/firm-600.csv
 * --style viva|org-chart|email picks the header convention; --fault KIND=N plants N faults of a kind
 * (duplicate, unknown-manager, cycle, second-top, self-manager, blank-id, case-id, bad-date, blank-department),
 * and --faults-out FILE writes where each one is (JSON), to check a reader against. The same flags give the same file.
 */
import { writeFileSync } from 'node:fs';
import { generateHrExport, HR_FAULTS, HR_STYLES, type HrFault, type HrStyle } from '../src/org/generate.ts';

const args = process.argv.slice(2);
let people = 600;
let depth = 5;
let departments = ['Tax', 'Audit', 'Advisory', 'Legal', 'Technology', 'Operations'];
let seed = 1;
let style: HrStyle = 'viva';
let faultsOut: string | undefined;
const faults: Partial<Record<HrFault, number>> = {};
function fail(message: string): never {
  process.stderr.write(`hr-export: ${message}\nusage: tsx scripts/hr-export.ts [--people N] [--depth D] [--departments A,B,...] [--seed S] [--style ${HR_STYLES.join('|')}] [--fault KIND=N ...] [--faults-out FILE]\n`);
  process.exit(2);
}
const whole = (text: string | undefined, flag: string, min: number): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) fail(`${flag} must be a whole number of at least ${min}, got "${text}"`);
  return value;
};
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = args[++i];
  if (a === '--people') people = whole(value, a, 1);
  else if (a === '--depth') depth = whole(value, a, 1);
  else if (a === '--seed') seed = whole(value, a, 0);
  else if (a === '--departments') departments = (value ?? '').split(',').map((d) => d.trim()).filter(Boolean);
  else if (a === '--style') {
    if (!(HR_STYLES as readonly string[]).includes(value ?? '')) fail(`--style must be one of ${HR_STYLES.join(', ')}`);
    style = value as HrStyle;
  } else if (a === '--fault') {
    const [kind, count] = (value ?? '').split('=');
    if (!(HR_FAULTS as readonly string[]).includes(kind!)) fail(`unknown fault "${kind}" (the faults are ${HR_FAULTS.join(', ')})`);
    faults[kind as HrFault] = whole(count ?? '1', '--fault', 0);
  } else if (a === '--faults-out') faultsOut = value;
  else fail(`unknown flag ${a}`);
}
if (departments.length === 0) fail('--departments needs at least one name');
const command = `npx tsx scripts/hr-export.ts ${args.join(' ')}`.trim();
let out: ReturnType<typeof generateHrExport>;
try {
  out = generateHrExport({ people, depth, departments, seed, style, faults, command });
} catch (err) {
  fail((err as Error).message);
}
process.stdout.write(out.text);
if (faultsOut) writeFileSync(faultsOut, `${JSON.stringify(out.faults, null, 2)}\n`);
