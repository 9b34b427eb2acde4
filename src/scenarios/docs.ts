/**
 * Reference tables for docs/scenarios.md, generated from PARAMETER_SPECS, the
 * mechanism list and the strategy defaults, so the documentation cannot drift
 * from the schema. `npm run schema` rewrites the block between the markers.
 */
import { INTERVENTION_SPECS, type InterventionField } from '../model/intervention-types.ts';
import { MECHANISM_DESCRIPTIONS, MECHANISM_NAMES, PARAMETER_SPECS } from '../model/params.ts';
import { INTERVENTION_TYPES, PILOT_SELECTIONS } from '../model/plan.ts';
import { fileParamPath, toSnake } from './names.ts';
import { INTERVENTION_DESCRIPTIONS, SECTIONS } from './schema.ts';
import { STRATEGY_OPTION_SPECS, type StrategyOptionSpec } from '../model/strategy-options.ts';
import { forecastSchema } from './forecast-block.ts';
import { exploreSchema } from './explore-block.ts';

export const DOCS_START = '<!-- generated:reference:start (npm run schema) -->';
export const DOCS_END = '<!-- generated:reference:end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fmt(n: number): string {
  return Math.abs(n) >= 10_000 ? n.toLocaleString('en-GB').replace(/,/g, '\u202f') : String(n);
}

/** Markdown reference: one table per section, mechanisms, strategy options, intervention fields. */
export function referenceMarkdown(): string {
  const out: string[] = [];
  const weeks = PARAMETER_SPECS.find((s) => s.path === 'weeks')!;
  out.push('### Top level', '', '| field | default | allowed | meaning |', '|---|---|---|---|');
  out.push(`| \`horizon\` | ${weeks.default} | whole number ${weeks.min}..${fmt(weeks.max)} | ${cell(weeks.description)} Cannot be uncertain. |`);
  out.push('');
  for (const section of SECTIONS) {
    const specs = PARAMETER_SPECS.filter((s) => s.path.startsWith(`${section}.`));
    out.push(`### \`${section}:\``, '', '| field | default | allowed | unit | meaning | source |', '|---|---|---|---|---|---|');
    for (const s of specs) {
      const field = fileParamPath(s.path).slice(section.length + 1);
      const extra = s.path === 'organisation.departments' ? ' Or a list of named departments with shares or sizes (see Departments).' : '';
      out.push(`| \`${field}\` | ${fmt(s.default)} | ${s.integer ? 'whole number ' : ''}${fmt(s.min)}..${fmt(s.max)} | ${s.unit ?? ''} | ${cell(s.description)}${extra} | ${cell(s.source)} |`);
    }
    if (section === 'organisation') {
      out.push("| `from` | none | a path | | A client's HR export (CSV), relative to the scenario file: the organisation's teams, departments and head count are the file's, so `employees`, `departments` and `team_size` may not be set too (docs/org.md). | the client's HR system |");
      out.push("| `columns` | none | `{id: ..., manager: ..., department: ..., ...}` | | Which column of the HR file is which, when its headers are not recognised. | |");
    }
    out.push('');
  }
  out.push('### `mechanisms:`', '', 'All default to `true`.', '', '| switch | meaning |', '|---|---|');
  for (const m of MECHANISM_NAMES) out.push(`| \`${toSnake(m)}\` | ${cell(MECHANISM_DESCRIPTIONS[m])} |`);
  out.push('');
  // From STRATEGY_OPTION_SPECS, the one table of strategy options.
  const allowed = (o: StrategyOptionSpec): string => o.kind === 'boolean' ? 'true, false'
    : o.kind === 'selection' ? PILOT_SELECTIONS.join(', ')
    : `${o.integer ? 'whole number ' : ''}${o.max === undefined ? `≥ ${o.min ?? 0}` : o.above ? `above ${o.min} up to ${o.max}` : `${o.min ?? 0}..${o.max}`}`;
  for (const [type, options] of Object.entries(STRATEGY_OPTION_SPECS)) {
    out.push(`### \`type: ${type}\` options`, '', '| option | default | allowed | unit | meaning | source |', '|---|---|---|---|---|---|');
    for (const o of options as readonly StrategyOptionSpec[]) out.push(`| \`${toSnake(o.name)}\` | ${JSON.stringify(o.default)} | ${allowed(o)} | ${o.unit} | ${cell(o.meaning)} | ${cell(o.source)} |`);
    out.push('');
  }
  out.push('### Intervention types', '', '| type | what it does | fields besides `at`, `when`, `target` |', '|---|---|---|');
  // From INTERVENTION_SPECS, the one table of intervention types.
  const fieldText = (f: InterventionField): string => `\`${toSnake(f.name)}\`: ${f.meaning.replace(/\.$/, '')}${f.default !== undefined && f.kind !== 'weeks' ? ` (default ${String(f.default)})` : ''}`;
  const fields: Record<string, string> = Object.fromEntries(INTERVENTION_SPECS.map((spec) => [spec.type, spec.fields.length ? spec.fields.map(fieldText).join('; ') : '(target only)']));
  for (const t of INTERVENTION_TYPES) out.push(`| \`${t}\` | ${cell(INTERVENTION_DESCRIPTIONS[t])} | ${fields[t] ?? ''} |`);
  out.push('');
  // From the forecast: block's schema, whose descriptions are the editor's tooltips too.
  out.push('### `forecast:`', '', `${cell(forecastSchema.description ?? '')}`, '', '| field | required | meaning |', '|---|---|---|');
  for (const [name, field] of Object.entries(forecastSchema.shape)) {
    out.push(`| \`${name}\` | ${field.safeParse(undefined).success ? 'no' : 'yes'} | ${cell(field.description ?? '')} |`);
  }
  out.push('');
  // From the explore: block's schema, as the forecast: table.
  out.push('### `explore:`', '', `${cell(exploreSchema.description ?? '')}`, '', '| field | required | meaning |', '|---|---|---|');
  for (const [name, field] of Object.entries(exploreSchema.shape)) {
    out.push(`| \`${name}\` | ${field.safeParse(undefined).success ? 'no' : 'yes'} | ${cell(field.description ?? '')} |`);
  }
  return `${out.join('\n')}\n`;
}

/** `docs` with the generated block replaced (or undefined when the markers are missing). */
export function withReference(docs: string): string | undefined {
  const start = docs.indexOf(DOCS_START);
  const end = docs.indexOf(DOCS_END);
  if (start < 0 || end < start) return undefined;
  return `${docs.slice(0, start + DOCS_START.length)}\n\n${referenceMarkdown()}\n${docs.slice(end)}`;
}
