/**
 * Schema issues turned into messages a person can act on: what was expected,
 * what was found, and a hint (a did-you-mean, a percentage written as a share,
 * the fields allowed here).
 */
import type { z } from 'zod';
import { PARAMETER_SPECS, type ParamSpec } from '../model/params.ts';
import { closest, didYouMean, fileParamPath, listWords, toSnake } from './names.ts';
import { SECTIONS, STRATEGY_TYPES, scenarioJsonSchema } from './schema.ts';
import { LoadContext, describe, lowerFirst, type Path } from './source.ts';

export function reportIssue(ctx: LoadContext, issue: z.core.$ZodIssue, prefix: Path): void {
  const path: Path = [...prefix, ...(issue.path as Path)];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_union': {
      const u = issue as z.core.$ZodIssueInvalidUnion & { note?: string; discriminator?: string; options?: unknown[] };
      if (u.note === 'No matching discriminator' || (u.errors.length === 0 && u.discriminator)) {
        reportDiscriminator(ctx, path, input, u.options?.map(String) ?? []);
        return;
      }
      const branch = pickBranch(u.errors, input);
      if (branch) {
        for (const sub of branch) reportIssue(ctx, sub, path);
      } else {
        const spec = specAt(path);
        const expected = spec ? `${rangeWords(spec)}, or a distribution` : listWords(uniqueExpected(u.errors));
        ctx.at(path, `expected ${expected}, got ${describe(input)}`, typeHint(ctx, path, input));
      }
      return;
    }
    case 'invalid_type': {
      const expected = (issue as { expected: string }).expected;
      if (input === undefined) {
        const field = path[path.length - 1];
        ctx.at(path, `missing required field ${String(field)}`, missingHint(path));
        return;
      }
      const spec = specAt(path);
      if (spec && (expected === 'number' || expected === 'int')) {
        const hint = typeof input === 'number' ? `whole numbers only: ${Math.floor(input)} or ${Math.ceil(input)}?` : typeHint(ctx, path, input);
        ctx.at(path, `expected ${rangeWords(spec)}, got ${describe(input)}`, hint);
        return;
      }
      if (expected === 'int') {
        ctx.at(path, `expected a whole number, got ${describe(input)}`, typeof input === 'number' ? `did you mean ${Math.round(input)}?` : undefined);
        return;
      }
      ctx.at(path, `expected ${expectedWords(expected)}, got ${describe(input)}`, typeHint(ctx, path, input));
      return;
    }
    case 'too_big':
    case 'too_small': {
      const spec = specAt(path);
      const origin = (issue as { origin?: string }).origin;
      if (spec && typeof input === 'number') {
        ctx.at(path, `expected ${rangeWords(spec)}, got ${input}`, percentHint(input, spec.min, spec.max) ?? `allowed range ${spec.min}..${spec.max}`);
        return;
      }
      const limit = issue.code === 'too_big' ? (issue as { maximum: number | bigint }).maximum : (issue as { minimum: number | bigint }).minimum;
      const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
      if (origin === 'array') {
        ctx.at(path, issue.code === 'too_small' ? `needs at least ${limit} entr${Number(limit) === 1 ? 'y' : 'ies'}` : `has more than ${limit} entries`);
      } else if (origin === 'string') {
        ctx.at(path, issue.code === 'too_small' ? 'must not be empty' : `is longer than ${limit} characters`);
      } else {
        const bound = issue.code === 'too_big' ? (inclusive ? `at most ${limit}` : `below ${limit}`) : inclusive ? `at least ${limit}` : `above ${limit}`;
        const max = issue.code === 'too_big' ? Number(limit) : Infinity;
        ctx.at(path, `must be ${bound}, got ${describe(input)}`, typeof input === 'number' ? percentHint(input, 0, max) : undefined);
      }
      return;
    }
    case 'unrecognized_keys': {
      const allowed = allowedKeys(path, input);
      for (const key of (issue as { keys: string[] }).keys) {
        const elsewhere = misplaced(path, key);
        if (elsewhere) {
          ctx.at([...path, key], `unknown field ${key}${unknownFieldContext(path, input)}`, elsewhere, { key: true });
          continue;
        }
        const suggestion = closest(key, allowed);
        const camel = key !== toSnake(key) && allowed.includes(toSnake(key)) ? `write it in snake_case: ${toSnake(key)}` : undefined;
        const list = allowed.length > 14 ? 'see docs/scenarios.md for the fields allowed here' : allowed.length > 0 ? `allowed here: ${allowed.join(', ')}` : undefined;
        const hint = camel ?? (suggestion ? `did you mean ${suggestion}?` : list);
        ctx.at([...path, key], `unknown field ${key}${unknownFieldContext(path, input)}`, hint, { key: true });
      }
      return;
    }
    case 'invalid_value': {
      const values = ((issue as { values: unknown[] }).values ?? []).map(String);
      const got = describe(input);
      const hint = typeof input === 'string' ? didYouMean(input, values) : undefined;
      ctx.at(path, values.length === 1 ? `expected ${values[0]}, got ${got}` : `expected one of ${listWords(values)}, got ${got}`, hint);
      return;
    }
    case 'invalid_format': {
      if (typeof input === 'string') {
        const slug = toIdentifier(input);
        ctx.at(path, `${JSON.stringify(input)} is not an identifier`, `use lower-case letters, digits and _, starting with a letter${slug ? `, e.g. ${slug}` : ''}`);
      } else {
        ctx.at(path, lowerFirst(issue.message));
      }
      return;
    }
    case 'invalid_key': {
      const key = String(path[path.length - 1]);
      const slug = toIdentifier(key);
      ctx.at(path, `${JSON.stringify(key)} is not an identifier`, `names are lower-case letters, digits and _, starting with a letter${slug ? `, e.g. ${slug}` : ''}; put free text in label:`, { key: true });
      return;
    }
    case 'custom': {
      const params = (issue as { params?: { hint?: string; offset?: number } }).params ?? {};
      // `{unifrm: ...}` already gets "unknown field unifrm, did you mean uniform?".
      if (issue.message === 'a distribution needs one kind') {
        const raw = ctx.rawAt(path);
        if (raw && typeof raw === 'object' && Object.keys(raw).length > 0) return;
      }
      ctx.at(path, issue.message, params.hint, { offset: params.offset });
      return;
    }
    default:
      ctx.at(path, lowerFirst(issue.message));
  }
}

function reportDiscriminator(ctx: LoadContext, path: Path, input: unknown, options: string[]): void {
  const isIntervention = path.includes('interventions');
  const what = isIntervention ? 'intervention type' : 'strategy type';
  const typePath = path[path.length - 1] === 'type' ? path : [...path, 'type'];
  const value = input && typeof input === 'object' ? (input as Record<string, unknown>).type : undefined;
  const choices = options.length > 0 ? options : isIntervention ? [] : [...STRATEGY_TYPES];
  if (value === undefined) {
    ctx.at(typePath, `missing ${what}`, `add type: one of ${listWords(choices)}`);
    return;
  }
  const suggestion = typeof value === 'string' ? closest(value, choices) : undefined;
  ctx.at(typePath, `unknown ${what} ${describe(value)}`, suggestion ? `did you mean ${suggestion}?` : `one of ${listWords(choices)}`);
}

function typeHint(ctx: LoadContext, path: Path, input: unknown): string | undefined {
  const spec = specAt(path);
  if (typeof input === 'string') {
    const trimmed = input.trim();
    if (/^-?[\d,]+(\.\d+)?$/.test(trimmed) && trimmed.includes(',')) return `write numbers without separators: ${trimmed.replace(/,/g, '')}`;
    if (/^-?\d+(\.\d+)?\s*%$/.test(trimmed)) return `write shares as numbers from 0 to 1: ${Number(trimmed.replace('%', '')) / 100}`;
    if (/^-?\d[\d_]*(\.\d+)?$/.test(trimmed) && trimmed.includes('_')) return `write numbers without separators: ${trimmed.replace(/_/g, '')}`;
    if (spec) return 'a number, or a distribution such as {uniform: [min, max]}';
  }
  if (spec && typeof input === 'object' && input !== null) return `a distribution is one of ${['fixed', 'uniform', 'normal', 'truncated_normal', 'triangular', 'beta', 'lognormal', 'choice'].join(', ')}, e.g. {uniform: [${spec.min}, ${spec.max}]}`;
  return undefined;
}


function expectedWords(expected: string): string {
  const words: Record<string, string> = {
    number: 'a number', int: 'a whole number', string: 'text', boolean: 'true or false', object: 'a mapping of fields',
    array: 'a list', tuple: 'a list', record: 'a mapping of fields', null: 'nothing',
  };
  return words[expected] ?? expected;
}

function uniqueExpected(branches: z.core.$ZodIssue[][]): string[] {
  const out = new Set<string>();
  for (const b of branches) for (const i of b) if (i.code === 'invalid_type' && i.path.length === 0) out.add(expectedWords((i as { expected: string }).expected));
  if (out.size === 0) out.add('a valid value');
  return [...out];
}

/** The union branch the author most likely meant: the one whose basic type matched and got furthest. */
function pickBranch(branches: z.core.$ZodIssue[][], input: unknown): z.core.$ZodIssue[] | undefined {
  let best: z.core.$ZodIssue[] | undefined;
  let bestScore = -Infinity;
  for (const b of branches) {
    if (b.length === 0) continue;
    // A fractional number failing `int` still chose the number branch.
    const rootTypeMismatch = b.some((i) => i.code === 'invalid_type' && i.path.length === 0 && !((i as { expected: string }).expected === 'int' && typeof input === 'number'));
    if (rootTypeMismatch) continue;
    const depth = Math.max(...b.map((i) => i.path.length));
    // Prefer object forms for objects and list forms for lists (distribution bodies accept both).
    const score = depth * 10 - b.length;
    if (score > bestScore) {
      bestScore = score;
      best = b;
    }
  }
  return best;
}

export const SPEC_BY_FILE_PATH = new Map<string, ParamSpec>(PARAMETER_SPECS.map((s) => [fileParamPath(s.path), s]));

/** The parameter a data path sets, if it is a parameter (in its section or in uncertainties). */
function specAt(path: Path): ParamSpec | undefined {
  if (path.length === 2 && typeof path[0] === 'string' && typeof path[1] === 'string') return SPEC_BY_FILE_PATH.get(`${path[0]}.${path[1]}`);
  if (path.length === 1 && path[0] === 'horizon') return SPEC_BY_FILE_PATH.get('horizon');
  if (path.length === 2 && path[0] === 'uncertainties' && typeof path[1] === 'string') return SPEC_BY_FILE_PATH.get(path[1]);
  return undefined;
}

function rangeWords(spec: ParamSpec): string {
  return `a ${spec.integer ? 'whole number' : 'number'} between ${spec.min} and ${fmt(spec.max)}`;
}

export function fmt(n: number): string {
  return Math.abs(n) >= 10_000 ? n.toLocaleString('en-GB') : String(n);
}

/**
 * 40 given for a share: did you mean 0.40? Only from 2 up: 1.4 could be
 * 1.4% (0.014) or a slip for 0.14, so no guess is offered, only the rule.
 */
function percentHint(value: number, min: number, max: number): string | undefined {
  if (!(max === 1 && min >= 0 && value > 1)) return undefined;
  if (value >= 2 && value <= 100) return `did you mean ${percentAsShare(value)}? shares are written from 0 to 1`;
  return 'shares are written from 0 to 1: 40% is 0.4, 1.5% is 0.015';
}

function missingHint(path: Path): string | undefined {
  const field = path[path.length - 1];
  if (path.length === 1 && field === 'name') return 'add a scenario identifier, e.g. name: acme_rollout';
  if (path.length === 1 && field === 'strategies') return 'add the strategies to compare, e.g. strategies: {top_down: {type: top_down}, phased_pilot: {type: phased_pilot}}';
  if (field === 'interventions') return 'a custom strategy lists its interventions, e.g. interventions: [{type: access, at: 0}]';
  return undefined;
}

function toIdentifier(text: string): string {
  const slug = text.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(slug) ? slug : slug ? `s_${slug}` : '';
}

/** Names people reach for, from other tools or from the model's own names, and where they live here. */
const ALIASES: Record<string, string> = {
  weeks: 'horizon', horizon_weeks: 'horizon', duration: 'horizon', replications: 'rollouts', runs: 'rollouts', repetitions: 'rollouts',
  random_seed: 'seed', title: 'label', id: 'name', scenario: 'name', levers: 'strategies', policies: 'strategies',
  parameters: 'organisation, population, managers, adoption, ... (one section per group)', params: 'organisation, population, managers, adoption, ... (one section per group)',
  critical_mass: 'outcomes.critical_mass_share', target: 'outcomes.target_share', distributions: 'uncertainties',
};

/** A hint for a field that exists, but elsewhere (another section, or under another name). */
function misplaced(path: Path, key: string): string | undefined {
  if (path.length === 0 && ALIASES[key]) return `did you mean ${ALIASES[key]}?`;
  if (path.length === 0 && SPEC_BY_FILE_PATH.has(`outcomes.${key}`)) return `${key} belongs under outcomes:`;
  const section = path.length === 1 && typeof path[0] === 'string' && (SECTIONS as readonly string[]).includes(path[0]) ? path[0] : path.length === 0 ? '' : undefined;
  if (section === undefined) return undefined;
  const snake = toSnake(key);
  const homes = [...SPEC_BY_FILE_PATH.keys()].filter((p) => p.endsWith(`.${snake}`) && !p.startsWith(`${section}.`)).map((p) => p.split('.')[0]!);
  if (homes.length === 1) return `${snake} belongs under ${homes[0]}:`;
  if (section === 'outcomes' && key === 'critical_mass') return 'did you mean critical_mass_share?';
  return undefined;
}

function unknownFieldContext(path: Path, input: unknown): string {
  if (path.includes('interventions') && input && typeof input === 'object') {
    const type = (input as Record<string, unknown>).type;
    if (typeof type === 'string') return ` for a ${type} intervention`;
  }
  if (path[0] === 'strategies' && path.length === 2 && input && typeof input === 'object') {
    const type = (input as Record<string, unknown>).type;
    if (typeof type === 'string') return ` for a ${type} strategy`;
  }
  if (path[0] === 'strategies' && path[path.length - 1] === 'options') return ' in options';
  return '';
}

// ── Allowed keys at a path, read from the generated JSON Schema ───────────────

type JsonSchema = { [k: string]: unknown };
let jsonSchemaCache: JsonSchema | undefined;

function allowedKeys(path: Path, input: unknown): string[] {
  jsonSchemaCache ??= scenarioJsonSchema() as JsonSchema;
  const root = jsonSchemaCache;
  const defs = (root.definitions ?? root.$defs ?? {}) as Record<string, JsonSchema>;
  const deref = (s: JsonSchema): JsonSchema => (typeof s.$ref === 'string' ? (defs[s.$ref.replace(/^#\/(\$defs|definitions)\//, '')] ?? s) : s);
  const alternatives = (s: JsonSchema): JsonSchema[] => {
    const d = deref(s);
    // Draft-07 wraps a $ref that has a description in allOf.
    const alts = (d.anyOf ?? d.oneOf ?? d.allOf) as JsonSchema[] | undefined;
    return alts ? alts.flatMap(alternatives) : [d];
  };
  let current: JsonSchema[] = [root];
  for (const seg of path) {
    const next: JsonSchema[] = [];
    for (const s of current.flatMap(alternatives)) {
      if (typeof seg === 'number') {
        if (Array.isArray(s.items)) next.push(...(s.items as JsonSchema[]));
        else if (s.items && typeof s.items === 'object') next.push(s.items as JsonSchema);
      } else {
        const props = s.properties as Record<string, JsonSchema> | undefined;
        if (props?.[seg]) next.push(props[seg]!);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') next.push(s.additionalProperties as JsonSchema);
      }
    }
    current = next;
  }
  const type = input && typeof input === 'object' ? (input as Record<string, unknown>).type : undefined;
  let objects = current.flatMap(alternatives).filter((s) => s.properties);
  const matching = objects.filter((s) => ((s.properties as Record<string, JsonSchema>).type as JsonSchema | undefined)?.const === type);
  if (type !== undefined && matching.length > 0) objects = matching;
  return [...new Set(objects.flatMap((s) => Object.keys(s.properties as object)))];
}

/** 40 → "0.40", 1.5 → "0.015": a percentage written as a share, with no digit lost. */
function percentAsShare(percent: number): string {
  const share = percent / 100;
  const text = share.toFixed(2);
  return Number(text) === share ? text : String(Number(share.toPrecision(6)));
}
