/**
 * Writes a synthetic collaboration network (invented ties) for an HR export, for examples and tests of
 * `uptake org --network` and `network: {from: ...}` in scenarios:
 *   npx tsx scripts/network-export.ts --hr examples/hr/firm-600.csv --seed 16 --style viva > examples/hr/firm-600-network.csv
 * --style viva|worklytics|edge-list picks the header convention (Viva Insights' person-to-person query, Worklytics'
 * weekly collaboration graph, source,target,weight); --fault KIND=N plants N faults of a kind (unknown-id,
 * self-tie, bad-weight, negative-weight, blank-id), and --faults-out FILE writes where each one is (JSON). The
 * same flags and HR file give the same network.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { generateNetworkExport, NETWORK_FAULTS, NETWORK_STYLES, type NetworkFault, type NetworkStyle } from '../src/org/generate-network.ts';

const args = process.argv.slice(2);
let hr: string | undefined;
let seed = 1;
let style: NetworkStyle = 'viva';
let faultsOut: string | undefined;
const faults: Partial<Record<NetworkFault, number>> = {};
function fail(message: string): never {
  process.stderr.write(`network-export: ${message}\nusage: tsx scripts/network-export.ts --hr HR.csv [--seed S] [--style ${NETWORK_STYLES.join('|')}] [--fault KIND=N ...] [--faults-out FILE]\n`);
  process.exit(2);
}
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = args[++i];
  if (a === '--hr') hr = value;
  else if (a === '--seed') {
    seed = Number(value);
    if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a whole number, got "${value}"`);
  } else if (a === '--style') {
    if (!(NETWORK_STYLES as readonly string[]).includes(value ?? '')) fail(`--style must be one of ${NETWORK_STYLES.join(', ')}`);
    style = value as NetworkStyle;
  } else if (a === '--fault') {
    const [kind, count] = (value ?? '').split('=');
    if (!(NETWORK_FAULTS as readonly string[]).includes(kind!)) fail(`unknown fault "${kind}" (the faults are ${NETWORK_FAULTS.join(', ')})`);
    faults[kind as NetworkFault] = Number(count ?? '1');
  } else if (a === '--faults-out') faultsOut = value;
  else fail(`unknown flag ${a}`);
}
if (!hr) fail('--hr names the HR export whose people the network links');
let out: ReturnType<typeof generateNetworkExport>;
try {
  out = generateNetworkExport({ hr: readFileSync(hr, 'utf8'), seed, style, faults, command: `npx tsx scripts/network-export.ts ${args.join(' ')}` });
} catch (err) {
  fail((err as Error).message);
}
process.stdout.write(out.text);
if (faultsOut) writeFileSync(faultsOut, `${JSON.stringify(out.faults, null, 2)}\n`);
