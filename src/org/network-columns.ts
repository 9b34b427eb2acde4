/**
 * Which column of a collaboration-network file holds what: the two people of each tie (source, target) and,
 * optionally, how much they collaborate (weight). Common exports are recognised by their headers alone (case,
 * spaces, underscores, hyphens and dots aside, as for HR files): Microsoft Viva Insights' person-to-person query
 * (`PrimaryCollaborator_PersonId`, `SecondaryCollaborator_PersonId`), its older network query
 * (`TimeInvestor_PersonId`, `Collaborator_PersonId`), Worklytics' collaboration graph (`employeeIdSource`,
 * `employeeIdTarget`, `weeklyCollaborationTimeMinutes`) and plain edge lists (`source,target,weight`,
 * `from,to`). A `columns:` mapping under `network:` overrides the recognition field by field.
 */
import { HeaderMatch, parseColumnsText } from './columns.ts';

export const NETWORK_FIELDS = ['source', 'target', 'weight'] as const;
export type NetworkField = (typeof NETWORK_FIELDS)[number];
export type NetworkColumnMapping = Partial<Record<NetworkField, string>>;

export const NETWORK_FIELD_MEANING: Record<NetworkField, string> = {
  source: 'the id of one person of each tie',
  target: 'the id of the other person of each tie',
  weight: 'how much the two collaborate (hours, minutes, messages, a tie score)',
};

/** Source and target columns that belong together, in order of preference. */
const PAIR_FAMILIES: { name: string; source: string[]; target: string[] }[] = [
  { name: 'Viva Insights', source: ['primarycollaboratorpersonid', 'timeinvestorpersonid'], target: ['secondarycollaboratorpersonid', 'collaboratorpersonid'] },
  { name: 'Worklytics', source: ['employeeidsource'], target: ['employeeidtarget'] },
  { name: 'edge list', source: ['source', 'sourceid', 'from', 'fromid', 'node1', 'personid', 'employeeid', 'sender'], target: ['target', 'targetid', 'to', 'toid', 'node2', 'collaboratorid', 'collaborator', 'recipient'] },
];

/** Recognised weight columns, most specific first (Worklytics' minutes before its seconds: the same time either way). */
const WEIGHT_NAMES = [
  'weight', 'strength', 'weeklycollaborationtimeminutes', 'weeklycollaborationtimeseconds', 'collaborationhours', 'collaborationminutes',
  'strongtiescore', 'tiescore', 'hours', 'minutes', 'count', 'interactions', 'value',
];

const HINT_WORDS: Record<NetworkField, RegExp> = {
  source: /source|from|sender|investor|primary|person|employee|id$/,
  target: /target|to$|recipient|collaborator|secondary|id$/,
  weight: /weight|strength|hours|minutes|seconds|time|count|score|value/,
};

export interface NetworkColumnChoice {
  index: Partial<Record<NetworkField, number>>;
  /** `Viva Insights`, `Worklytics`, `edge list` or `mapping`: how the source and target columns were found. */
  convention: string | null;
  problems: { field: NetworkField; message: string; hint: string }[];
}

export function chooseNetworkColumns(header: readonly string[], mapping: NetworkColumnMapping = {}): NetworkColumnChoice {
  const match = new HeaderMatch<NetworkField>(header);
  const { index, taken } = match;
  const problems: NetworkColumnChoice['problems'] = [];
  const find = (names: readonly string[]) => match.find(names);
  match.mapped(NETWORK_FIELDS, mapping, (field, _given, message, hint) => problems.push({ field, message, hint }));
  let convention: string | null = mapping.source !== undefined || mapping.target !== undefined ? 'mapping' : null;
  if (index.source === undefined || index.target === undefined) {
    const family = PAIR_FAMILIES.find((f) => (index.source !== undefined || find(f.source) !== undefined) && (index.target !== undefined || find(f.target) !== undefined));
    if (family) {
      if (index.source === undefined && mapping.source === undefined) index.source = find(family.source);
      if (index.source !== undefined) taken.add(index.source);
      if (index.target === undefined && mapping.target === undefined) index.target = find(family.target);
      if (index.target !== undefined) taken.add(index.target);
      convention ??= family.name;
    }
  }
  if (index.weight === undefined && mapping.weight === undefined) {
    const i = find(WEIGHT_NAMES);
    if (i !== undefined) index.weight = i;
  }
  for (const field of ['source', 'target'] as const) {
    if (index[field] !== undefined || mapping[field] !== undefined) continue;
    problems.push({ field, ...match.missingColumn(field, NETWORK_FIELD_MEANING[field], HINT_WORDS[field], (f, v) => `network: {columns: {${f}: ${v}}}`, '--network-columns') });
  }
  return { index, convention, problems };
}

/** `source=From Person,target=To Person` -> a mapping; unknown fields and malformed parts are returned as problems. */
export function parseNetworkColumnsFlag(text: string): { mapping: NetworkColumnMapping; problems: string[] } {
  return parseColumnsText(text, NETWORK_FIELDS);
}
