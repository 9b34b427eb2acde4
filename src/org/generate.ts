/**
 * Synthetic HR exports for tests and examples (scripts/hr-export.ts writes them): a tree of any size and depth
 * over named departments, in one of the three recognised header conventions, with faults planted on request.
 * Deterministic from the seed. Returns, besides the text, what the file should give (counts, sizes) and where
 * each planted fault is, so tests can check the reader against them.
 */
import { createRandom, shuffle, type Random } from '../model/rng.ts';

export const HR_STYLES = ['viva', 'org-chart', 'email'] as const;
export type HrStyle = (typeof HR_STYLES)[number];

export const HR_FAULTS = ['duplicate', 'unknown-manager', 'cycle', 'second-top', 'self-manager', 'blank-id', 'case-id', 'bad-date', 'blank-department'] as const;
export type HrFault = (typeof HR_FAULTS)[number];

export interface HrExportSpec {
  people: number;
  /** Levels of the hierarchy, the top being level 1 (at least 1). */
  depth: number;
  departments: readonly string[];
  seed: number;
  style?: HrStyle;
  locations?: readonly string[];
  /** How many of each fault to plant. */
  faults?: Partial<Record<HrFault, number>>;
  /** The command that made the file, for its comment line. */
  command?: string;
}

export interface PlantedFault {
  kind: HrFault;
  /** The line of the file the fault is reported at, and its column's header name. */
  line: number;
  column: string;
  /** For a cycle: the lines of the people in it. */
  lines?: number[];
}

export interface GeneratedHr {
  text: string;
  faults: PlantedFault[];
  /** What a reader should find in the file without faults. */
  expected: { people: number; managers: number; depth: number; maxSpan: number; departments: Record<string, number> };
  /** Every id and e-mail address written, to check that none leaks into a message. */
  ids: string[];
  names: string[];
}

interface Person {
  id: string;
  manager: number;
  level: number;
  department: string;
  location: string;
  hireDate: string;
  name: string;
  frontLine: boolean;
  reports: number;
  managesManagers: boolean;
}

const FIRST = ['Ana', 'Ben', 'Chloé', 'Dev', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jon', 'Kemi', 'Liam', 'Mei', 'Nils', 'Olu', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoe'];
const LAST = ['Silva', 'Okafor', 'Nguyen', 'Schmidt', 'Patel', 'Kowalski', 'Haddad', 'Murphy', 'Rossi', 'Tanaka', 'Dubois', 'Novak', 'Mensah', 'García', 'Larsen', 'Ahmed', 'Byrne', 'Costa'];
const LEVELS = ['Executive', 'Director', 'Senior Manager', 'Manager', 'Senior', 'Associate', 'Analyst'];
const HEADERS: Record<HrStyle, string[]> = {
  viva: ['PersonId', 'ManagerId', 'Organization', 'EffectiveDate', 'LevelDesignation', 'FunctionType', 'HireDate', 'Location', 'SupervisorIndicator'],
  'org-chart': ['ID', 'Name', 'Boss ID', 'Department', 'Level', 'Location', 'Hire Date'],
  email: ['Name', 'Email', 'SupervisorEmail', 'Department', 'Location', 'Front Line', 'Hire Date'],
};

export function generateHrExport(spec: HrExportSpec): GeneratedHr {
  const style = spec.style ?? 'viva';
  const random = createRandom(`hr-export:${spec.seed}`);
  const locations = spec.locations ?? ['London', 'Manchester', 'Edinburgh', 'Dublin'];
  const n = Math.max(1, Math.floor(spec.people));
  const depth = Math.max(1, Math.floor(spec.depth));
  if (spec.departments.length === 0) throw new Error('at least one department');
  if (depth === 1 && n > 1) throw new Error('a hierarchy of depth 1 is one person: give --depth 2 or more');

  // The tree: the top, one head per department at level 2, then levels growing geometrically down to `depth`.
  const people: Person[] = [];
  const add = (manager: number, level: number, department: string): number => {
    people.push({ id: '', manager, level, department, location: pick(random, locations), hireDate: hireDate(random), name: '', frontLine: false, reports: 0, managesManagers: false });
    return people.length - 1;
  };
  const top = add(-1, 1, spec.departments[spec.departments.length - 1]!);
  if (depth === 2 || (depth > 2 && n - 1 < spec.departments.length)) {
    for (let i = 1; i < n; i++) add(top, 2, spec.departments[(i - 1) % spec.departments.length]!);
  } else if (depth > 2) {
    const sizes = apportion(n - 1, spec.departments.map(() => 1 + random()));
    spec.departments.forEach((department, d) => {
      let previous = [add(top, 2, department)];
      const levelSizes = geometric(sizes[d]!, depth - 1);
      for (let k = 1; k < levelSizes.length; k++) {
        const current: number[] = [];
        for (let j = 0; j < levelSizes[k]!; j++) {
          // The first reports go one to each manager of the level above, so nobody there is left without a team.
          const manager = j < previous.length ? previous[j]! : pick(random, previous);
          current.push(add(manager, k + 2, department));
        }
        previous = current;
      }
    });
  }
  for (const p of people) if (p.manager >= 0) people[p.manager]!.reports++;
  for (const p of people) if (p.manager >= 0 && p.reports > 0) people[p.manager]!.managesManagers = true;
  for (const p of people) p.frontLine = p.reports === 0 && random() < 0.3;

  // Ids in an order unrelated to the tree, and rows in an order of their own.
  const order = shuffle(random, people.map((_, i) => i));
  order.forEach((i, k) => {
    const first = pick(random, FIRST);
    const last = pick(random, LAST);
    people[i]!.name = `${first} ${last}`;
    people[i]!.id = style === 'email' ? `${ascii(first)}.${ascii(last)}${k + 1}@example.com` : style === 'viva' ? `P${String(100000 + k * 7 + 3)}` : String(k + 1);
  });
  const rows = shuffle(random, people.map((_, i) => i));
  const header = HEADERS[style];
  const comments = ['# Synthetic HR export made by uptake: invented people, no real ones.', `# Made by: ${spec.command ?? `npx tsx scripts/hr-export.ts --people ${n} --depth ${depth} --seed ${spec.seed} --style ${style}`}`];
  const firstLine = comments.length + 2;
  const lineOf = new Map(rows.map((p, k) => [p, firstLine + k]));

  // Cells by header, so faults can change them.
  const cells: Record<string, string>[] = rows.map((i) => {
    const p = people[i]!;
    const boss = p.manager < 0 ? '' : people[p.manager]!.id;
    const level = LEVELS[Math.min(p.level - 1, LEVELS.length - 1)]!;
    return {
      PersonId: p.id,
      ManagerId: boss,
      Organization: p.department,
      EffectiveDate: '2026-11-01',
      LevelDesignation: level,
      FunctionType: p.reports > 0 ? 'Management' : p.frontLine ? 'Client Service' : 'Specialist',
      HireDate: p.hireDate,
      Location: p.location,
      SupervisorIndicator: p.managesManagers ? 'Mngr+' : p.reports > 0 ? 'Mngr' : 'IC',
      ID: p.id,
      Name: p.name,
      'Boss ID': boss,
      Department: p.department,
      Level: level,
      'Hire Date': p.hireDate,
      Email: p.id,
      SupervisorEmail: boss,
      'Front Line': p.frontLine ? 'yes' : 'no',
    };
  });
  const idColumn = style === 'viva' ? 'PersonId' : style === 'email' ? 'Email' : 'ID';
  const managerColumn = style === 'viva' ? 'ManagerId' : style === 'email' ? 'SupervisorEmail' : 'Boss ID';
  const departmentColumn = style === 'viva' ? 'Organization' : 'Department';
  const dateColumn = style === 'viva' ? 'HireDate' : 'Hire Date';

  // Faults go on distinct people without reports (so no one else's row is disturbed), never the top.
  const faults: PlantedFault[] = [];
  const leaves = shuffle(random, rows.map((_, k) => k).filter((k) => people[rows[k]!]!.reports === 0 && rows[k] !== top));
  const used = new Set<number>();
  const takeLeaf = (): number => {
    const k = leaves.find((x) => !used.has(x));
    if (k === undefined) throw new Error('too few people for the faults asked for');
    used.add(k);
    return k;
  };
  /** A row not faulted, before row k in the file (for a repeat of its id), if any. */
  const earlierSource = (k: number): number | undefined => {
    for (let tries = 0; tries < 50; tries++) {
      const s = Math.floor(random() * k);
      if (!used.has(s)) return s;
    }
    return [...Array(k).keys()].find((s) => !used.has(s));
  };
  const line = (k: number) => lineOf.get(rows[k]!)!;
  for (const kind of HR_FAULTS) {
    for (let f = 0; f < (spec.faults?.[kind] ?? 0); f++) {
      let k = takeLeaf();
      switch (kind) {
        case 'duplicate':
        case 'case-id': {
          let source = earlierSource(k);
          if (source === undefined) {
            // The first row of the file: swap roles with a later leaf.
            used.delete(k);
            k = takeLeaf();
            source = earlierSource(k)!;
          }
          used.add(source);
          const id = cells[source]![idColumn]!;
          cells[k]![idColumn] = kind === 'duplicate' ? id : id === id.toUpperCase() ? `${id.toLowerCase()} ` : id.toUpperCase();
          faults.push({ kind, line: line(k), column: idColumn });
          break;
        }
        case 'unknown-manager':
          cells[k]![managerColumn] = style === 'email' ? `left.company${f}@example.com` : `X${900000 + f}`;
          faults.push({ kind, line: line(k), column: managerColumn });
          break;
        case 'cycle': {
          const j = takeLeaf();
          cells[k]![managerColumn] = cells[j]![idColumn]!;
          cells[j]![managerColumn] = cells[k]![idColumn]!;
          const lines = [line(k), line(j)].sort((a, b) => a - b);
          faults.push({ kind, line: lines[0]!, column: managerColumn, lines });
          break;
        }
        case 'second-top':
          cells[k]![managerColumn] = '';
          faults.push({ kind, line: line(k), column: managerColumn });
          break;
        case 'self-manager':
          cells[k]![managerColumn] = cells[k]![idColumn]!;
          faults.push({ kind, line: line(k), column: managerColumn });
          break;
        case 'blank-id':
          cells[k]![idColumn] = '';
          faults.push({ kind, line: line(k), column: idColumn });
          break;
        case 'bad-date':
          cells[k]![dateColumn] = f % 2 === 0 ? '2021-02-30' : 'last spring';
          faults.push({ kind, line: line(k), column: dateColumn });
          break;
        case 'blank-department':
          cells[k]![departmentColumn] = '';
          faults.push({ kind, line: line(k), column: departmentColumn });
          break;
      }
    }
  }

  const text = [...comments, header.join(','), ...cells.map((c) => header.map((h) => csvCell(c[h]!)).join(','))].join('\n') + '\n';
  const departments: Record<string, number> = {};
  for (const p of people) departments[p.department] = (departments[p.department] ?? 0) + 1;
  const spans = people.map((p) => p.reports);
  return {
    text,
    faults: faults.sort((a, b) => a.line - b.line),
    // Loops, not Math.max(...): a spread of 300,000 arguments overflows the stack.
    expected: { people: people.length, managers: spans.filter((s) => s > 0).length, depth: people.reduce((m, p) => Math.max(m, p.level), 0), maxSpan: spans.reduce((m, x) => Math.max(m, x), 0), departments },
    ids: people.map((p) => p.id),
    names: people.map((p) => p.name),
  };
}

/** Level sizes from a head of 1 growing by a constant ratio over `levels` levels, summing to `total`. */
function geometric(total: number, levels: number): number[] {
  if (levels <= 1 || total <= 1) return [Math.max(1, total)].slice(0, total > 0 ? 1 : 0);
  const usable = Math.min(levels, total);
  let lo = 1;
  let hi = total;
  for (let i = 0; i < 60; i++) {
    const r = (lo + hi) / 2;
    let sum = 0;
    for (let k = 0; k < usable; k++) sum += r ** k;
    if (sum > total) hi = r;
    else lo = r;
  }
  const sizes = Array.from({ length: usable }, (_, k) => Math.max(1, Math.round(lo ** k)));
  sizes[0] = 1;
  const excess = sizes.reduce((a, b) => a + b, 0) - total;
  // The rounding goes into the last level, which stays at least 1 (a smaller level above is fine).
  sizes[usable - 1] = Math.max(1, sizes[usable - 1]! - excess);
  let over = sizes.reduce((a, b) => a + b, 0) - total;
  for (let k = usable - 2; over > 0 && k > 0; k--) {
    const cut = Math.min(over, sizes[k]! - 1);
    sizes[k]! -= cut;
    over -= cut;
  }
  return sizes;
}

/** Sizes summing to `total` in proportion to `weights` (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const sizes = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  const left = total - sizes.reduce((a, b) => a + b, 0);
  for (let k = 0; k < left; k++) sizes[order[k % order.length]![1]]!++;
  return sizes;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function hireDate(random: Random): string {
  const day = Math.floor(random() * 365 * 20);
  return new Date(Date.UTC(2005, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
}

function ascii(name: string): string {
  return name.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
