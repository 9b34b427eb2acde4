/**
 * Which column of an HR export holds what. Common exports are recognised by their header names alone (case,
 * spaces, underscores and hyphens aside): Microsoft Viva Insights' organisational data upload, org-chart tools'
 * `ID`/`Boss ID`, and `Email`/`SupervisorEmail`. A caller's mapping (`columns: {id: Emp No, ...}`) overrides the
 * recognition field by field.
 */

/** The fields uptake reads, as written in a `columns:` mapping. */
export const HR_FIELDS = ['id', 'manager', 'department', 'team', 'location', 'level', 'function', 'front_line', 'hire_date', 'effective_date'] as const;
export type HrField = (typeof HR_FIELDS)[number];
export const REQUIRED_FIELDS: readonly HrField[] = ['id', 'manager', 'department'];
export type ColumnMapping = Partial<Record<HrField, string>>;

/** What each field is, for hints. */
export const FIELD_MEANING: Record<HrField, string> = {
  id: "each person's id",
  manager: "the id of each person's manager (blank for the top of the organisation)",
  department: "each person's department",
  team: "each person's team",
  location: "each person's location",
  level: "each person's level or grade",
  function: "each person's function",
  front_line: 'whether each person is front-line (yes/no)',
  hire_date: "each person's hire date",
  effective_date: 'the date the row is valid from',
};

/** `Boss ID`, `boss_id`, `BossID` -> `bossid`. */
export function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_\-.]/g, '');
}

/**
 * Pairs of id and manager columns that belong together, in order of preference: an export with both `PersonId`
 * and `Email` links people by PersonId when its manager column is `ManagerId`, by e-mail when it is
 * `SupervisorEmail`.
 */
const ID_FAMILIES: { name: string; id: string[]; manager: string[] }[] = [
  { name: 'Viva Insights', id: ['personid'], manager: ['managerid'] },
  { name: 'org chart', id: ['id', 'employeeid', 'employeenumber', 'employeeno', 'empid', 'empno'], manager: ['bossid', 'managerid', 'supervisorid', 'reportsto', 'managerempid'] },
  { name: 'e-mail', id: ['email', 'emailaddress', 'workemail', 'mail'], manager: ['supervisoremail', 'manageremail', 'bossemail'] },
];

/** Recognised names of the other fields, most specific first. */
const ALIASES: Record<Exclude<HrField, 'id' | 'manager'>, string[]> = {
  department: ['organization', 'organisation', 'department', 'dept', 'departmentname'],
  team: ['team', 'teamname'],
  location: ['location', 'office', 'site', 'worklocation'],
  level: ['leveldesignation', 'level', 'grade', 'jobgrade'],
  function: ['functiontype', 'function', 'jobfunction'],
  front_line: ['frontline', 'isfrontline', 'frontlineworker', 'frontlineflag'],
  hire_date: ['hiredate', 'startdate', 'dateofhire'],
  effective_date: ['effectivedate', 'snapshotdate', 'asofdate'],
};

/** Words that suggest a field when no header is recognised, to propose a mapping. */
const HINT_WORDS: Record<HrField, RegExp> = {
  id: /(^|[^a-z])(id|no|number|num|code|key|email|mail)$|^(emp|staff|person|employee)/,
  manager: /manager|boss|supervisor|report|lead|line/,
  department: /dep|dept|org|unit|division|group|function|area|business/,
  team: /team|squad|crew/,
  location: /loc|office|site|city|country|region/,
  level: /level|grade|band|rank|tier/,
  function: /function|discipline|profession/,
  front_line: /front/,
  hire_date: /hire|start|join/,
  effective_date: /effective|snapshot|asof/,
};

export interface ColumnChoice {
  /** Index of each field's column in the header, when there is one. */
  index: Partial<Record<HrField, number>>;
  /** `Viva Insights`, `org chart`, `e-mail` or `mapping`: how the id and manager columns were found. */
  convention: string | null;
  /** Problems with the header: a mapped name that is not in the file, a missing required column. */
  problems: { field: HrField; mapped?: string; message: string; hint: string }[];
}

/**
 * A header cell that looks like a value (an e-mail address, an employee number): a file without a header has a
 * person's data on its first line, which must not be echoed in a message.
 */
export function looksLikeValue(cell: string): boolean {
  const h = cell.trim();
  return /@/.test(h) || /^[A-Za-z]{0,3}[-_]?\d{2,}$/.test(h) || /^[\d\s\-/.:]+$/.test(h);
}

/**
 * The file's columns, as a person would list them. When one cell looks like a value the line is probably a
 * person's data (the file has no header), so every cell is shown by position: another may be a name.
 */
export function listColumns(header: readonly string[]): string {
  const data = header.some(looksLikeValue);
  const named = header.map((h, i) => (data ? `(column ${i + 1})` : h.trim())).filter(Boolean);
  return named.length === 0 ? 'none' : named.join(', ');
}

/** A value in a `columns:` mapping, quoted when YAML needs it (a comma, a colon, a leading or trailing space). */
export function yamlValue(name: string): string {
  return /[,:{}[\]#&*!|>'"%@`]|^\s|\s$/.test(name) ? JSON.stringify(name) : name;
}

export function chooseColumns(header: readonly string[], mapping: ColumnMapping = {}): ColumnChoice {
  const match = new HeaderMatch<HrField>(header);
  const { index, taken } = match;
  const problems: ColumnChoice['problems'] = [];
  const find = (names: readonly string[]) => match.find(names);
  match.mapped(HR_FIELDS, mapping, (field, mapped, message, hint) => problems.push({ field, mapped, message, hint }));

  let convention: string | null = mapping.id !== undefined || mapping.manager !== undefined ? 'mapping' : null;
  if (index.id === undefined || index.manager === undefined) {
    // A family whose id and manager columns are both present wins; otherwise each is taken on its own.
    const family = ID_FAMILIES.find((f) => (index.id !== undefined || find(f.id) !== undefined) && (index.manager !== undefined || find(f.manager) !== undefined));
    if (family) {
      if (index.id === undefined) index.id = find(family.id);
      if (index.manager === undefined) index.manager = find(family.manager);
      convention ??= family.name;
    } else {
      if (index.id === undefined) index.id = find(ID_FAMILIES.flatMap((f) => f.id));
      if (index.manager === undefined) index.manager = find(ID_FAMILIES.flatMap((f) => f.manager));
    }
    for (const field of ['id', 'manager'] as const) if (index[field] !== undefined) taken.add(index[field]);
  }
  for (const field of Object.keys(ALIASES) as (keyof typeof ALIASES)[]) {
    if (index[field] !== undefined || mapping[field] !== undefined) continue;
    const i = find(ALIASES[field]);
    if (i !== undefined) {
      index[field] = i;
      taken.add(i);
    }
  }

  for (const field of REQUIRED_FIELDS) {
    if (index[field] !== undefined || mapping[field] !== undefined) continue;
    problems.push({ field, ...match.missingColumn(field, FIELD_MEANING[field], HINT_WORDS[field], (f, v) => `columns: {${f}: ${v}}`, '--columns') });
  }
  return { index, convention, problems };
}

/** `id=Emp No,manager=Reports To` -> a mapping; unknown fields and malformed parts are returned as problems. */
export function parseColumnsFlag(text: string): { mapping: ColumnMapping; problems: string[] } {
  return parseColumnsText(text, HR_FIELDS, (name) => name.replace(/[-\s]/g, '_'));
}

/**
 * Matching a file's header against a `columns:` mapping and known names, each column used once: shared by the HR
 * export's columns and the collaboration network's (src/org/network-columns.ts).
 */
export class HeaderMatch<F extends string> {
  readonly normal: string[];
  readonly index: Partial<Record<F, number>> = {};
  readonly taken = new Set<number>();

  constructor(readonly header: readonly string[]) {
    this.normal = header.map(normaliseHeader);
  }

  /** The first column not yet taken whose normalised name is one of `names`, in their order of preference. */
  find(names: readonly string[]): number | undefined {
    for (const name of names) {
      const i = this.normal.findIndex((n, j) => n === name && !this.taken.has(j));
      if (i >= 0) return i;
    }
    return undefined;
  }

  /** The fields the mapping names take their columns; `missing` hears of each named column the file lacks. */
  mapped(fields: readonly F[], mapping: Partial<Record<F, string>>, missing: (field: F, given: string, message: string, hint: string) => void): void {
    for (const field of fields) {
      const given = mapping[field];
      if (given === undefined) continue;
      const i = this.normal.indexOf(normaliseHeader(given));
      if (i < 0) {
        missing(field, given, `the column "${given}" given for ${field} is not in the file`, `the file's columns are ${listColumns(this.header)}`);
        continue;
      }
      this.index[field] = i;
      this.taken.add(i);
    }
  }

  /**
   * The problem of a required field without a column: its meaning, and the mapping that would fix it, with the
   * likeliest column (by `hintWords`) as the example; `mappingAt` is where the mapping goes (`columns:`).
   */
  missingColumn(field: F, meaning: string, hintWords: RegExp, mappingAt: (field: F, value: string) => string, flag: string): { message: string; hint: string } {
    const header = this.header;
    const data = header.some(looksLikeValue);
    const usable = (h: string, i: number) => !data && !this.taken.has(i) && h.trim() !== '';
    const guess = header.findIndex((h, i) => usable(h, i) && hintWords.test(normaliseHeader(h)));
    const example = guess >= 0 ? header[guess]!.trim() : (header.find(usable)?.trim() ?? 'Column Name');
    return {
      message: `no column for ${field}, ${meaning}`,
      hint: `say which column it is${guess >= 0 ? `, e.g. if it is "${example}"` : ''}: ${mappingAt(field, yamlValue(example))} in the scenario, or ${flag} ${field}=${JSON.stringify(example).replace(/^"(\S+)"$/, '$1')} (the file's columns: ${listColumns(header)})`,
    };
  }
}

/** `field=Column Name,field2=Other` (a --columns flag) -> a mapping; unknown fields and malformed parts are returned as problems. */
export function parseColumnsText<F extends string>(text: string, fields: readonly F[], normaliseField: (name: string) => string = (name) => name): { mapping: Partial<Record<F, string>>; problems: string[] } {
  const mapping: Partial<Record<F, string>> = {};
  const problems: string[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const field = normaliseField((eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase());
    const column = eq < 0 ? '' : part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!(fields as readonly string[]).includes(field)) problems.push(`unknown field "${field}" (the fields are ${fields.join(', ')})`);
    else if (column === '') problems.push(`${field}: no column name after "=" (write ${field}=<column name>)`);
    else mapping[field as F] = column;
  }
  return { mapping, problems };
}
