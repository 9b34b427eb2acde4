/** `uptake org FILE.csv`: check a client's HR export and say what organisation it describes (docs/org.md). */
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { plural, renderTable } from '../format.ts';
import { wholeNumber } from '../flags.ts';
import { ScenarioError } from '../../scenarios/errors.ts';

interface OrgFlags {
  json?: boolean;
  columns?: string;
  minGroup?: string;
  network?: string;
  networkColumns?: string;
  maxStrength?: string;
}

const MAX_GROUPS = 20;

export function register(program: Command): void {
  program
    .command('org')
    .description("check a client's HR export (who reports to whom, in which department) and print the organisation it describes")
    .argument('<file>', 'CSV with one line per person: an id, their manager\'s id (blank at the top), a department')
    .option('--columns <mapping>', 'which column is which when the headers are not recognised, e.g. "id=Emp No,manager=Reports To,department=Dept"')
    .option('--json', 'print one JSON object on stdout: ok, the counts, departments, levels, locations and every problem (fields in docs/org.md)')
    .option('--min-group <n>', 'groups (departments, levels, locations, functions) of fewer people are shown merged, never by name (default 5)')
    .option('--network <file>', "the client's collaboration network (CSV: two people's ids and optionally a weight per line), checked against the HR file")
    .option('--network-columns <mapping>', 'which column of the network file is which, e.g. "source=From,target=To,weight=Hours"')
    .option('--max-strength <n>', 'the most contacts one tie may count as (strength = weight / median weight, rounded; default 3)')
    .addHelpText('after', '\nExamples:\n  uptake org examples/hr/firm-600.csv\n  uptake org examples/hr/firm-600.csv --network examples/hr/firm-600-network.csv\nSee docs/org.md.')
    .action(async (file: string, flags: OrgFlags) => {
      const { readHrExport } = await import('../../org/hr.ts');
      const { parseColumnsFlag } = await import('../../org/columns.ts');
      const { MIN_GROUP_SIZE, withGroupFloor } = await import('../../org/summary.ts');
      const minGroup = wholeNumber('--min-group', flags.minGroup, 1) ?? MIN_GROUP_SIZE;
      let columns = {};
      if (flags.columns !== undefined) {
        const parsed = parseColumnsFlag(flags.columns);
        if (parsed.problems.length > 0) throw new UsageError(`--columns: ${parsed.problems.join('; ')}`, 'e.g. --columns "id=Emp No,manager=Reports To,department=Dept"');
        columns = parsed.mapping;
      }
      const maxStrength = wholeNumber('--max-strength', flags.maxStrength, 1);
      if (maxStrength !== undefined && maxStrength > 10) throw new UsageError(`--max-strength must be at most 10, got ${maxStrength}`, 'e.g. --max-strength 3 (1 ignores the weights)');
      let networkColumns = {};
      if (flags.networkColumns !== undefined) {
        const { parseNetworkColumnsFlag } = await import('../../org/network-columns.ts');
        const parsed = parseNetworkColumnsFlag(flags.networkColumns);
        if (parsed.problems.length > 0) throw new UsageError(`--network-columns: ${parsed.problems.join('; ')}`, 'e.g. --network-columns "source=From,target=To,weight=Hours"');
        networkColumns = parsed.mapping;
      }
      if (flags.network === undefined && (flags.networkColumns !== undefined || flags.maxStrength !== undefined)) throw new UsageError('--network-columns and --max-strength describe a network file, but no --network is given', 'add --network edges.csv');
      let hr: Awaited<ReturnType<typeof readHrExport>>;
      let network: Awaited<ReturnType<typeof networkOf>> | null = null;
      try {
        hr = await readHrExport(file, { columns });
        if (flags.network !== undefined) network = await networkOf(flags.network, hr, networkColumns, maxStrength);
      } catch (err) {
        if (!(flags.json && err instanceof ScenarioError)) throw err;
        process.stdout.write(`${JSON.stringify({ ok: false, file, problems: err.diagnostics }, null, 2)}\n`);
        process.exitCode = 2;
        return;
      }
      // Small groups merged before anything is shown: their names and counts could point at a person.
      const floor = (list: { name: string; people: number }[] | null) => (list === null ? null : withGroupFloor(list, minGroup));
      const floored = { departments: floor(hr.summary.departments)!, levels: floor(hr.summary.levels), locations: floor(hr.summary.locations), functions: floor(hr.summary.functions) };
      const s = { ...hr.summary, departments: floored.departments.groups, levels: floored.levels?.groups ?? null, locations: floored.locations?.groups ?? null, functions: floored.functions?.groups ?? null };
      const merged = Object.fromEntries(Object.entries(floored).filter(([, f]) => f?.merged).map(([k, f]) => [k, f!.merged]));
      if (flags.json) {
        const json = {
          ok: true, file, convention: hr.convention, columns: hr.columns, ignored_columns: hr.ignoredColumns, snapshot: hr.snapshot && { effective_date: hr.snapshot.effectiveDate, rows_ignored: hr.snapshot.rowsIgnored }, ...s, min_group: minGroup, merged,
          ...(network ? { network: { file: network.file.file, convention: network.file.convention, columns: network.file.columns, ignored_columns: network.file.ignoredColumns, ...network.summary } } : {}),
          problems: [],
        };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      const how = hr.convention === 'mapping' ? 'columns as mapped' : hr.convention ? `${hr.convention} columns` : 'recognised columns';
      out.push(`${file}: ${plural(s.people, 'person', 'people')} (${how}), no problems found\n\n`);
      const span = s.span_of_control;
      const facts: [string, string][] = [
        ['people', String(s.people)],
        ['managers', `${s.managers} (people with direct reports)`],
        ['teams', `${s.teams} (a manager and their direct reports)`],
        ['depth', `${plural(s.depth, 'level')} of hierarchy (the top is level 1)`],
        ['span of control', `median ${span.median}, mean ${span.mean}, max ${span.max} direct reports`],
      ];
      if (s.named_teams !== null) facts.push(['named teams', String(s.named_teams)]);
      if (s.front_line !== null) facts.push(['front-line', `${s.front_line} people`]);
      if (hr.snapshot) facts.push(['effective date', `${hr.snapshot.effectiveDate} (the latest in the file; ${plural(hr.snapshot.rowsIgnored, 'earlier row')} not read)`]);
      const width = Math.max(...facts.map(([k]) => k.length));
      for (const [k, v] of facts) out.push(`  ${k.padEnd(width)}  ${v}\n`);
      const groups = (title: string, list: { name: string; people: number }[] | null) => {
        if (list === null) return;
        const shown = list.slice(0, MAX_GROUPS).map((g) => [g.name, g.people, `${((100 * g.people) / s.people).toFixed(1)}%`] as (string | number)[]);
        if (list.length > MAX_GROUPS) {
          const rest = list.slice(MAX_GROUPS).reduce((a, g) => a + g.people, 0);
          shown.push([`(${list.length - MAX_GROUPS} more)`, rest, `${((100 * rest) / s.people).toFixed(1)}%`]);
        }
        const small = merged[title];
        if (small) shown.push([`(${plural(small.groups, 'group')} under ${minGroup} people, merged)`, small.people, `${((100 * small.people) / s.people).toFixed(1)}%`]);
        out.push(`\n${title} (${list.length + (small?.groups ?? 0)})\n`);
        out.push(renderTable([title.replace(/s$/, ''), 'people', 'share'], shown));
      };
      groups('departments', s.departments);
      groups('levels', s.levels);
      groups('locations', s.locations);
      groups('functions', s.functions);
      const read = Object.entries(hr.columns).filter(([, name]) => name !== null).map(([field, name]) => `${field} ← ${name}`);
      out.push(`\ncolumns read: ${read.join(', ')}\n`);
      if (hr.ignoredColumns.length > 0) out.push(`not read: ${hr.ignoredColumns.join(', ')}\n`);
      if (network) out.push(networkText(network));
      process.stdout.write(out.join(''));
    });
}

/** The network file read and checked against the HR file, merged into ties and summarised. */
async function networkOf(path: string, hr: import('../../org/hr.ts').HrExport, columns: Record<string, string>, maxStrength: number | undefined) {
  const [{ readNetworkFile }, { layoutOf }, { mergeTies, summariseNetwork, DEFAULT_MAX_STRENGTH }] = await Promise.all([import('../../org/network-file.ts'), import('../../org/structure.ts'), import('../../org/ties.ts')]);
  let file: Awaited<ReturnType<typeof readNetworkFile>>;
  try {
    file = await readNetworkFile(path, hr, { columns });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EISDIR') throw new UsageError(`--network ${path}: ${code === 'ENOENT' ? 'no such file' : 'is a directory'}`, 'give the collaboration network as a CSV file');
    throw err;
  }
  const { structure, employee } = layoutOf(hr);
  const merged = mergeTies(hr.people.length, employee, file);
  return { file, summary: summariseNetwork(merged, file.source.length, structure, file.columns.weight !== null, maxStrength ?? DEFAULT_MAX_STRENGTH) };
}

function networkText({ file, summary: n }: Awaited<ReturnType<typeof networkOf>>): string {
  const out: string[] = [];
  const how = file.convention === 'mapping' ? 'columns as mapped' : file.convention ? `${file.convention} columns` : 'recognised columns';
  out.push(`\n${file.file}: ${plural(n.ties, 'tie')} from ${plural(n.rows, 'row')} (${how}), no problems found\n\n`);
  const share = (k: number) => (n.ties === 0 ? '0%' : `${((100 * k) / n.ties).toFixed(1)}%`);
  const facts: [string, string][] = [
    ['repeats', n.repeats === 0 ? 'none: one row per pair' : `${plural(n.repeats, 'row')} merged into a tie another row gives (the other direction, another week), weights summed`],
    ['without ties', `${plural(n.without_ties, 'person', 'people')} of ${n.people} (tied to their team and manager only)`],
    ['contacts', `median ${n.contacts.median}, mean ${n.contacts.mean}, max ${n.contacts.max} per person`],
    ['components', `${n.components} (the largest: ${plural(n.largest_component, 'person', 'people')})`],
    ['within a team', `${n.within_team} (${share(n.within_team)}; a team is tied already, the file can make the tie stronger)`],
    ['within a department', `${n.within_department} (${share(n.within_department)})`],
    ['across departments', `${n.across_departments} (${share(n.across_departments)})`],
  ];
  const strengths = n.strengths.map((count, k) => `${k + 1}: ${count}`).join(', ');
  facts.push(['strength', n.median_weight === null ? `1 for every tie (no weight column)` : `weight / median weight (${n.median_weight}), rounded, 1 to ${n.max_strength}: ${strengths}`]);
  const width = Math.max(...facts.map(([k]) => k.length));
  for (const [k, v] of facts) out.push(`  ${k.padEnd(width)}  ${v}\n`);
  const read = Object.entries(file.columns).filter(([, name]) => name !== null).map(([field, name]) => `${field} ← ${name}`);
  out.push(`\ncolumns read: ${read.join(', ')}\n`);
  if (file.ignoredColumns.length > 0) out.push(`not read: ${file.ignoredColumns.join(', ')}\n`);
  return out.join('');
}
