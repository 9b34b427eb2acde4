/**
 * Synthetic collaboration networks for an HR export (scripts/network-export.ts writes them), for tests and
 * examples: invented ties between the file's people, heavier inside a team, lighter across teams and lighter
 * still across departments, in one of three header conventions, with faults planted on request. Deterministic
 * from the seed. Returns where each planted fault is, so tests can check the reader against them.
 */
import { parse } from 'csv-parse/sync';
import { createRandom, normal, type Random } from '../model/rng.ts';
import { chooseColumns } from './columns.ts';

export const NETWORK_STYLES = ['viva', 'worklytics', 'edge-list'] as const;
export type NetworkStyle = (typeof NETWORK_STYLES)[number];

export const NETWORK_FAULTS = ['unknown-id', 'self-tie', 'bad-weight', 'negative-weight', 'blank-id'] as const;
export type NetworkFault = (typeof NETWORK_FAULTS)[number];

export interface NetworkExportSpec {
  /** The HR export's text (its id, manager and department columns are recognised as uptake org does). */
  hr: string;
  seed: number;
  style?: NetworkStyle;
  /** Mean ties per person outside their team, within and across departments (defaults 3 and 1.5). */
  departmentTies?: number;
  crossTies?: number;
  faults?: Partial<Record<NetworkFault, number>>;
  command?: string;
}

export interface PlantedNetworkFault {
  kind: NetworkFault;
  line: number;
  column: string;
}

export interface GeneratedNetwork {
  text: string;
  faults: PlantedNetworkFault[];
  /** Distinct pairs written (faulty rows aside). */
  pairs: number;
}

const HEADERS: Record<NetworkStyle, { names: string[]; source: number; target: number; weight: number }> = {
  viva: { names: ['PrimaryCollaborator_PersonId', 'SecondaryCollaborator_PersonId', 'MetricDate', 'Strong_tie_score', 'PrimaryCollaborator_Organization', 'SecondaryCollaborator_Organization'], source: 0, target: 1, weight: 3 },
  worklytics: { names: ['week', 'employeeIdSource', 'employeeIdTarget', 'weeklyCollaborationTimeSeconds', 'weeklyCollaborationTimeMinutes'], source: 1, target: 2, weight: 4 },
  'edge-list': { names: ['source', 'target', 'weight'], source: 0, target: 1, weight: 2 },
};

export function generateNetworkExport(spec: NetworkExportSpec): GeneratedNetwork {
  const style = spec.style ?? 'viva';
  const random = createRandom(`network-export:${spec.seed}`);
  const records = (parse(spec.hr, { comment: '#', comment_no_infix: true, skip_empty_lines: true, bom: true, relax_column_count: true }) as string[][]).filter((r) => r.some((v) => v.trim() !== ''));
  const [header, ...rows] = records as [string[], ...string[][]];
  const { index } = chooseColumns(header.map((h) => h.trim()));
  if (index.id === undefined || index.manager === undefined || index.department === undefined) throw new Error('the HR file needs recognised id, manager and department columns');
  const ids = rows.map((r) => r[index.id!]!);
  const position = new Map(ids.map((id, i) => [id, i]));
  const manager = rows.map((r) => position.get(r[index.manager!]!) ?? -1);
  const department = rows.map((r) => r[index.department!]!.trim());
  const n = ids.length;

  // Who is in whose team: a manager with their direct reports.
  const byDepartment = new Map<string, number[]>();
  department.forEach((d, i) => {
    const list = byDepartment.get(d);
    if (list) list.push(i);
    else byDepartment.set(d, [i]);
  });
  const weights = new Map<string, [number, number, number]>();
  const tie = (x: number, y: number, typical: number) => {
    if (x === y) return;
    const [a, b] = x < y ? [x, y] : [y, x];
    const key = `${a},${b}`;
    const w = typical * Math.exp(0.5 * normal(random));
    const old = weights.get(key);
    weights.set(key, [a, b, Math.max(old?.[2] ?? 0, w)]);
  };
  const reports: number[][] = ids.map(() => []);
  manager.forEach((m, i) => m >= 0 && reports[m]!.push(i));
  for (let m = 0; m < n; m++) {
    for (const r of reports[m]!) {
      tie(m, r, 4);
      for (const s of reports[m]!) if (s < r && random() < 0.6) tie(r, s, 3);
    }
  }
  const pick = (list: number[]) => list[Math.floor(random() * list.length)]!;
  for (let i = 0; i < n; i++) {
    for (let k = poisson(random, spec.departmentTies ?? 3); k > 0; k--) tie(i, pick(byDepartment.get(department[i]!)!), 1);
    for (let k = poisson(random, spec.crossTies ?? 1.5); k > 0; k--) tie(i, Math.floor(random() * n), 0.5);
  }

  const h = HEADERS[style];
  const lines: string[] = [];
  const cells = (x: number, y: number, w: number, week: string): string[] => {
    const row = new Array<string>(h.names.length).fill('');
    row[h.source] = ids[x]!;
    row[h.target] = ids[y]!;
    if (style === 'viva') {
      row[2] = '2026-11-01';
      row[3] = String(Math.min(1, w / 8).toFixed(4));
      row[4] = department[x]!;
      row[5] = department[y]!;
    } else if (style === 'worklytics') {
      const minutes = Math.round(w * 30);
      row[0] = week;
      row[3] = String(minutes * 60);
      row[4] = minutes.toFixed(1);
    } else row[2] = w.toFixed(3);
    return row;
  };
  for (const [a, b, w] of weights.values()) {
    // Viva lists a pair from each side; Worklytics each week the pair worked together; a plain edge list once.
    if (style === 'viva') lines.push(cells(a, b, w, '').join(','), cells(b, a, w, '').join(','));
    else if (style === 'worklytics') for (const week of ['2026-10-19', '2026-10-26']) {
      const forward = random() < 0.5;
      lines.push(cells(forward ? a : b, forward ? b : a, w / 2, week).join(','));
    }
    else lines.push(cells(a, b, w, '').join(','));
  }
  // Faults, each on its own line.
  const faults: { kind: NetworkFault; at: number; column: string }[] = [];
  const taken = new Set<number>();
  for (const kind of NETWORK_FAULTS) {
    for (let c = spec.faults?.[kind] ?? 0; c > 0 && taken.size < lines.length; c--) {
      let at = Math.floor(random() * lines.length);
      while (taken.has(at)) at = (at + 1) % lines.length;
      taken.add(at);
      const row = lines[at]!.split(',');
      let column = h.names[h.source]!;
      if (kind === 'unknown-id') row[h.source] = `X${String(900000 + Math.floor(random() * 99999))}`;
      else if (kind === 'blank-id') row[h.source] = '';
      else if (kind === 'self-tie') {
        row[h.target] = row[h.source]!;
        column = h.names[h.target]!;
      } else {
        row[h.weight] = kind === 'bad-weight' ? 'n/a' : '-1';
        column = h.names[h.weight]!;
      }
      lines[at] = row.join(',');
      faults.push({ kind, at, column });
    }
  }
  const head = ['# Synthetic collaboration network made by uptake: invented ties between the people of a synthetic HR export, no real ones.'];
  if (spec.command) head.push(`# Made by: ${spec.command}`);
  head.push(h.names.join(','));
  const first = head.length + 1;
  return {
    text: `${[...head, ...lines].join('\n')}\n`,
    faults: faults.map((f) => ({ kind: f.kind, line: first + f.at, column: f.column })).sort((x, y) => x.line - y.line),
    pairs: weights.size,
  };
}

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = random();
  while (prod > limit) {
    k++;
    prod *= random();
  }
  return k;
}
