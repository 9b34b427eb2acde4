/**
 * Scenario file -> Experiment. One pass collects every problem: YAML syntax,
 * then the schema (types, ranges, unknown fields, impossible distributions,
 * formula syntax), then checks across sections (department names, wave
 * numbers, horizon, shares that must add up). Each problem is located at its
 * line and column in the file and carries a hint. Only a file without
 * problems is expanded: built-in strategies into plans, formulas into Expr
 * trees and per-week tables, distributions into the experiment's uncertainties.
 */
import { InputError } from '../errors.ts';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { PARAMETER_SPECS, defaultParams, getPath, validateParams, ParameterError, type ModelParams, type ParamSpec } from '../model/params.ts';
import { conditionVariableNames, type Expr, type Intervention, type StrategyPlan, type Target, type PilotSelection } from '../model/plan.ts';
import { BUILTIN_STRATEGIES, PHASED_PILOT_DEFAULTS, builtinStrategy, type BuiltinStrategyName } from '../model/strategies.ts';
import { centre, distributionProblems, support, supportProblem, toDistribution } from './distributions.ts';
import { planWarnings } from './plan-warnings.ts';
import { ScenarioError, type Diagnostic } from './errors.ts';
import type { Distribution, Experiment, Uncertainty } from './experiment.ts';
import { FormulaError, compileFormula, scheduleTable } from './formula.ts';
import { closest, didYouMean, fileParamPath, listWords, toCamel, toSnake } from './names.ts';
import { assumptionProblems, expandAssumptions } from './claim-expand.ts';
import {
  DEFAULT_ROLLOUTS, DEFAULT_SEED, IDENTIFIER, SECTIONS, STRATEGY_TYPES, scenarioJsonSchema, scenarioSchema,
  type InterventionFile, type ScenarioFile, type StrategyFile,
} from './schema.ts';

type Path = (string | number)[];

/** Load and expand a scenario file; throws ScenarioError listing every problem. */
export async function loadScenario(path: string): Promise<Experiment> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a scenario file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ScenarioError([{ file: path, line: 0, col: 0, path: '', message, hint: code === 'ENOENT' ? 'bundled scenarios are in scenarios/; `uptake init` writes a starter' : undefined }]);
  }
  return loadScenarioText(text, path);
}

/** Load and expand scenario text; `fileName` is used in messages and as the experiment's source. */
export function loadScenarioText(text: string, fileName: string): Experiment {
  return loadScenarioTextWithWarnings(text, fileName).experiment;
}

/** A scenario file and the warnings about plans that cannot work as written (src/scenarios/plan-warnings.ts). */
export async function loadScenarioWithWarnings(path: string): Promise<{ experiment: Experiment; warnings: Diagnostic[] }> {
  try {
    return loadScenarioTextWithWarnings(await readFile(path, 'utf8'), path);
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    // Unreadable files: the same message as loadScenario.
    return { experiment: await loadScenario(path), warnings: [] };
  }
}

export function loadScenarioTextWithWarnings(text: string, fileName: string): { experiment: Experiment; warnings: Diagnostic[] } {
  const context = new LoadContext(text, fileName);
  const data = context.parse();
  const result = scenarioSchema.safeParse(data, { reportInput: true });
  if (!result.success) for (const issue of result.error.issues) context.reportIssue(issue, []);
  crossChecks(context, data);
  // Claims are checked against this file's strategies and horizon (src/assumptions).
  for (const p of assumptionProblems((data as { assumptions?: unknown } | null)?.assumptions, claimContext(data))) context.at(p.path, p.message, p.hint, { offset: p.offset });
  context.throwIfProblems();
  const experiment = expand(context, result.data as ScenarioFile);
  context.throwIfProblems();
  const custom = new Set(Object.entries((result.data as ScenarioFile).strategies).filter(([, st]) => st.type === 'custom').map(([id]) => id));
  const warnings = planWarnings(experiment, custom).map((w) => ({ file: fileName, ...context.locate(w.path), path: showPath(w.path), message: w.message, hint: w.hint }));
  return { experiment, warnings };
}

// ── Where things are in the file ────────────────────────────────────────────

class LoadContext {
  readonly diagnostics: Diagnostic[] = [];
  private readonly lineCounter = new LineCounter();
  private doc?: Document.Parsed;
  private seen = new Set<string>();
  data: unknown;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  parse(): unknown {
    this.doc = parseDocument(this.text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
    for (const err of this.doc.errors) {
      const pos = err.linePos?.[0] ?? this.position(err.pos[0]);
      const message = err.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document'
        : err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      this.add({ line: pos.line, col: pos.col, path: '', message: `YAML syntax: ${lowerFirst(message)}`, hint: yamlHint(err.code) });
    }
    if (this.diagnostics.length > 0) this.throwIfProblems();
    // An alias to an anchor that is not defined (yet) only fails when converting: find them all first.
    const doc = this.doc;
    visit(doc, {
      Alias: (_, node) => {
        if (node.resolve(doc) !== undefined) return;
        const pos = this.position(node.range?.[0] ?? 0);
        this.add({ ...pos, path: '', message: `YAML: alias *${node.source} has no anchor &${node.source} before it`, hint: `define &${node.source} on an earlier value, or fix the name` });
      },
    });
    this.throwIfProblems();
    let data: unknown;
    try {
      data = this.doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      const message = (err as Error).message;
      const hint = /alias/i.test(message) ? 'use fewer nested aliases' : undefined;
      this.add({ line: 1, col: 1, path: '', message: `YAML: ${lowerFirst(message)}`, hint });
      this.throwIfProblems();
    }
    if (data === null || data === undefined) {
      this.add({ line: 1, col: 1, path: '', message: 'the file is empty', hint: 'start from `uptake init` or a file in scenarios/' });
      this.throwIfProblems();
    }
    if (typeof data !== 'object' || Array.isArray(data)) {
      this.add({ line: 1, col: 1, path: '', message: `expected a mapping of fields (name:, strategies:, ...), got ${describe(data)}`, hint: 'start from `uptake init` or a file in scenarios/' });
      this.throwIfProblems();
    }
    this.data = data;
    return data;
  }

  /** The raw value at a path in the file's data. */
  rawAt(path: Path): unknown {
    let node = this.data;
    for (const seg of path) {
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string | number, unknown>)[seg];
    }
    return node;
  }

  add(d: Omit<Diagnostic, 'file'>): void {
    const key = `${d.line}:${d.col}:${d.path}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push({ file: this.file, ...d });
  }

  /** A problem at a path in the data; `keyOf` points at the key instead of the value. */
  at(path: Path, message: string, hint?: string, options: { key?: boolean; offset?: number } = {}): void {
    const pos = this.locate(path, options);
    this.add({ ...pos, path: showPath(path), message, hint });
  }

  throwIfProblems(): void {
    if (this.diagnostics.length > 0) throw new ScenarioError(this.diagnostics);
  }

  position(offset: number): { line: number; col: number } {
    const p = this.lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  }

  /** Line and column of the node at `path`, or of its nearest existing ancestor. */
  locate(path: Path, options: { key?: boolean; offset?: number } = {}): { line: number; col: number } {
    let node: unknown = this.doc?.contents;
    let best: { line: number; col: number } = { line: 1, col: 1 };
    let keyPos: { line: number; col: number } | undefined;
    if (node && (node as Node).range) best = this.position((node as Node).range![0]);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      keyPos = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
        if (!pair) return best;
        if (isScalar(pair.key) && pair.key.range) keyPos = this.position(pair.key.range[0]);
        if (keyPos) best = keyPos;
        if (options.key && i === path.length - 1 && keyPos) return keyPos;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        return best;
      }
      const n = node as Node | null | undefined;
      if (n && n.range) {
        best = this.position(n.range[0]);
        if (i === path.length - 1 && options.offset !== undefined && isScalar(n)) {
          const quoted = n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE ? 1 : 0;
          const plainOrQuoted = n.type === Scalar.PLAIN || quoted === 1;
          if (plainOrQuoted) best = this.position(n.range[0] + quoted + options.offset);
        }
      }
    }
    return best;
  }

  // ── zod issues as diagnostics ──────────────────────────────────────────────

  reportIssue(issue: z.core.$ZodIssue, prefix: Path): void {
    const path: Path = [...prefix, ...(issue.path as Path)];
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'invalid_union': {
        const u = issue as z.core.$ZodIssueInvalidUnion & { note?: string; discriminator?: string; options?: unknown[] };
        if (u.note === 'No matching discriminator' || (u.errors.length === 0 && u.discriminator)) {
          this.reportDiscriminator(path, input, u.options?.map(String) ?? []);
          return;
        }
        const branch = pickBranch(u.errors, input);
        if (branch) {
          for (const sub of branch) this.reportIssue(sub, path);
        } else {
          const spec = specAt(path);
          const expected = spec ? `${rangeWords(spec)}, or a distribution` : listWords(uniqueExpected(u.errors));
          this.at(path, `expected ${expected}, got ${describe(input)}`, this.typeHint(path, input));
        }
        return;
      }
      case 'invalid_type': {
        const expected = (issue as { expected: string }).expected;
        if (input === undefined) {
          const field = path[path.length - 1];
          this.at(path, `missing required field ${String(field)}`, missingHint(path));
          return;
        }
        const spec = specAt(path);
        if (spec && (expected === 'number' || expected === 'int')) {
          const hint = typeof input === 'number' ? `whole numbers only: ${Math.floor(input)} or ${Math.ceil(input)}?` : this.typeHint(path, input);
          this.at(path, `expected ${rangeWords(spec)}, got ${describe(input)}`, hint);
          return;
        }
        if (expected === 'int') {
          this.at(path, `expected a whole number, got ${describe(input)}`, typeof input === 'number' ? `did you mean ${Math.round(input)}?` : undefined);
          return;
        }
        this.at(path, `expected ${expectedWords(expected)}, got ${describe(input)}`, this.typeHint(path, input));
        return;
      }
      case 'too_big':
      case 'too_small': {
        const spec = specAt(path);
        const origin = (issue as { origin?: string }).origin;
        if (spec && typeof input === 'number') {
          this.at(path, `expected ${rangeWords(spec)}, got ${input}`, percentHint(input, spec.min, spec.max) ?? `allowed range ${spec.min}..${spec.max}`);
          return;
        }
        const limit = issue.code === 'too_big' ? (issue as { maximum: number | bigint }).maximum : (issue as { minimum: number | bigint }).minimum;
        const inclusive = (issue as { inclusive?: boolean }).inclusive !== false;
        if (origin === 'array') {
          this.at(path, issue.code === 'too_small' ? `needs at least ${limit} entr${Number(limit) === 1 ? 'y' : 'ies'}` : `has more than ${limit} entries`);
        } else if (origin === 'string') {
          this.at(path, issue.code === 'too_small' ? 'must not be empty' : `is longer than ${limit} characters`);
        } else {
          const bound = issue.code === 'too_big' ? (inclusive ? `at most ${limit}` : `below ${limit}`) : inclusive ? `at least ${limit}` : `above ${limit}`;
          const max = issue.code === 'too_big' ? Number(limit) : Infinity;
          this.at(path, `must be ${bound}, got ${describe(input)}`, typeof input === 'number' ? percentHint(input, 0, max) : undefined);
        }
        return;
      }
      case 'unrecognized_keys': {
        const allowed = allowedKeys(path, input);
        for (const key of (issue as { keys: string[] }).keys) {
          const elsewhere = misplaced(path, key);
          if (elsewhere) {
            this.at([...path, key], `unknown field ${key}${unknownFieldContext(path, input)}`, elsewhere, { key: true });
            continue;
          }
          const suggestion = closest(key, allowed);
          const camel = key !== toSnake(key) && allowed.includes(toSnake(key)) ? `write it in snake_case: ${toSnake(key)}` : undefined;
          const list = allowed.length > 14 ? 'see docs/scenarios.md for the fields allowed here' : allowed.length > 0 ? `allowed here: ${allowed.join(', ')}` : undefined;
          const hint = camel ?? (suggestion ? `did you mean ${suggestion}?` : list);
          this.at([...path, key], `unknown field ${key}${unknownFieldContext(path, input)}`, hint, { key: true });
        }
        return;
      }
      case 'invalid_value': {
        const values = ((issue as { values: unknown[] }).values ?? []).map(String);
        const got = describe(input);
        const hint = typeof input === 'string' ? didYouMean(input, values) : undefined;
        this.at(path, values.length === 1 ? `expected ${values[0]}, got ${got}` : `expected one of ${listWords(values)}, got ${got}`, hint);
        return;
      }
      case 'invalid_format': {
        if (typeof input === 'string') {
          const slug = toIdentifier(input);
          this.at(path, `${JSON.stringify(input)} is not an identifier`, `use lower-case letters, digits and _, starting with a letter${slug ? `, e.g. ${slug}` : ''}`);
        } else {
          this.at(path, lowerFirst(issue.message));
        }
        return;
      }
      case 'invalid_key': {
        const key = String(path[path.length - 1]);
        const slug = toIdentifier(key);
        this.at(path, `${JSON.stringify(key)} is not an identifier`, `names are lower-case letters, digits and _, starting with a letter${slug ? `, e.g. ${slug}` : ''}; put free text in label:`, { key: true });
        return;
      }
      case 'custom': {
        const params = (issue as { params?: { hint?: string; offset?: number } }).params ?? {};
        // `{unifrm: ...}` already gets "unknown field unifrm, did you mean uniform?".
        if (issue.message === 'a distribution needs one kind') {
          const raw = this.rawAt(path);
          if (raw && typeof raw === 'object' && Object.keys(raw).length > 0) return;
        }
        this.at(path, issue.message, params.hint, { offset: params.offset });
        return;
      }
      default:
        this.at(path, lowerFirst(issue.message));
    }
  }

  private reportDiscriminator(path: Path, input: unknown, options: string[]): void {
    const isIntervention = path.includes('interventions');
    const what = isIntervention ? 'intervention type' : 'strategy type';
    const typePath = path[path.length - 1] === 'type' ? path : [...path, 'type'];
    const value = input && typeof input === 'object' ? (input as Record<string, unknown>).type : undefined;
    const choices = options.length > 0 ? options : isIntervention ? [] : [...STRATEGY_TYPES];
    if (value === undefined) {
      this.at(typePath, `missing ${what}`, `add type: one of ${listWords(choices)}`);
      return;
    }
    const suggestion = typeof value === 'string' ? closest(value, choices) : undefined;
    this.at(typePath, `unknown ${what} ${describe(value)}`, suggestion ? `did you mean ${suggestion}?` : `one of ${listWords(choices)}`);
  }

  private typeHint(path: Path, input: unknown): string | undefined {
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
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return key === null || key === undefined ? undefined : String(key);
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'each field may appear once in a mapping';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and closing brackets';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key and its colon must be on one line; quote text containing ": "';
    case 'UNEXPECTED_TOKEN':
      return 'quote text that contains special characters such as : # [ ] { }';
    case 'MULTIPLE_DOCS':
      return 'one scenario per file; remove the extra ---';
    default:
      return undefined;
  }
}

/** `strategies.pilot.interventions[0].when` */
export function showPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'nothing (null)';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty mapping' : `a mapping (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''})`;
  }
  return typeof value;
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

const SPEC_BY_FILE_PATH = new Map<string, ParamSpec>(PARAMETER_SPECS.map((s) => [fileParamPath(s.path), s]));

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

function fmt(n: number): string {
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

// ── Checks across sections (run on the raw data, whatever the schema said) ────

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Smallest and largest value a valid parameter setting (number or distribution) can take;
 * undefined for settings the schema rejects, so one mistake is not reported twice.
 */
function valueRange(raw: unknown, spec: ParamSpec): [number, number] | undefined {
  if (typeof raw === 'number') {
    if (!(raw >= spec.min && raw <= spec.max) || (spec.integer && !Number.isInteger(raw))) return undefined;
    return [raw, raw];
  }
  const d = toDistribution(raw);
  if (!d || distributionProblems(d).length > 0 || supportProblem(d, spec)) return undefined;
  const s = support(d);
  return Number.isNaN(s[0]) ? undefined : s;
}

interface DepartmentInfo {
  names?: string[];
  count?: [number, number];
}

function crossChecks(ctx: LoadContext, data: unknown): void {
  if (!isObj(data)) return;
  const weeksSpec = PARAMETER_SPECS.find((s) => s.path === 'weeks')!;
  // An invalid horizon is reported by the schema; checks against it then use the default.
  const horizon = valueRange(data.horizon, weeksSpec)?.[0] ?? weeksSpec.default;

  // A parameter set in its section and again in uncertainties: which one holds would be a guess.
  if (isObj(data.uncertainties)) {
    for (const key of Object.keys(data.uncertainties)) {
      const [section, field] = key.split('.');
      const inPlace = section && field && isObj(data[section]) ? (data[section] as Raw)[field] : undefined;
      if (inPlace !== undefined && SPEC_BY_FILE_PATH.has(key)) {
        ctx.at(['uncertainties', key], `${key} is also set in ${section}:`, `give it in one place: delete it from ${section}: or from uncertainties:`, { key: true });
      }
    }
  }
  const setting = (section: string, field: string): unknown => {
    const inPlace = isObj(data[section]) ? (data[section] as Raw)[field] : undefined;
    if (inPlace !== undefined) return inPlace;
    return isObj(data.uncertainties) ? data.uncertainties[`${section}.${field}`] : undefined;
  };
  const rangeOf = (section: string, field: string, camel: string): [number, number] | undefined => {
    const raw = setting(section, field);
    const spec = PARAMETER_SPECS.find((s) => s.path === `${section}.${camel}`)!;
    if (raw === undefined) return [spec.default, spec.default];
    return valueRange(raw, spec);
  };

  // Departments: a count, or a named list whose sizes may fix the head count.
  const departments: DepartmentInfo = {};
  const org = isObj(data.organisation) ? data.organisation : {};
  if (Array.isArray(org.departments)) {
    const list = org.departments.filter(isObj);
    departments.names = list.map((d) => (typeof d.name === 'string' ? d.name : ''));
    departments.count = [list.length, list.length];
    const sizes = list.map((d) => d.size);
    if (sizes.length > 0 && sizes.every((s) => typeof s === 'number') && org.employees !== undefined) {
      const total = (sizes as number[]).reduce((a, b) => a + b, 0);
      if (typeof org.employees === 'number' && org.employees !== total) {
        ctx.at(['organisation', 'employees'], `employees is ${org.employees} but the department sizes add up to ${total}`, 'leave employees out (it defaults to the sum of the sizes) or make them agree');
      } else if (typeof org.employees !== 'number') {
        ctx.at(['organisation', 'employees'], 'employees cannot be uncertain when departments are given by size', 'give departments by share instead of size');
      }
    }
  } else {
    departments.count = rangeOf('organisation', 'departments', 'departments');
  }
  let employees = rangeOf('organisation', 'employees', 'employees');
  if (Array.isArray(org.departments) && org.employees === undefined && org.departments.every((d) => isObj(d) && typeof d.size === 'number')) {
    const total = (org.departments as Raw[]).reduce((s, d) => s + (d.size as number), 0);
    employees = [total, total];
  }
  if (employees && departments.count && employees[0] < 2 * departments.count[1]) {
    ctx.at(['organisation', 'departments'], `each department needs at least 2 people: ${fmt(employees[0])} employees allow at most ${Math.floor(employees[0] / 2)} departments, got ${departments.count[1]}`, 'fewer departments, or more employees');
  }
  const producers = rangeOf('population', 'producer_share', 'producerShare');
  const contributors = rangeOf('population', 'contributor_share', 'contributorShare');
  if (producers && contributors && producers[1] + contributors[1] > 1 + 1e-12) {
    const where: Path = setting('population', 'contributor_share') !== undefined && isObj(data.population) && data.population.contributor_share !== undefined ? ['population', 'contributor_share'] : ['population'];
    ctx.at(where, `producer_share + contributor_share can reach ${Number((producers[1] + contributors[1]).toFixed(4))}, above 1`, 'producers and contributors together are at most everyone; lower one of them');
  }
  const teamSize = rangeOf('organisation', 'team_size', 'teamSize');
  if (employees && teamSize && teamSize[1] > employees[0]) {
    ctx.at(['organisation', 'team_size'], `team_size ${teamSize[1]} is larger than the organisation (${employees[0]} employees)`, 'lower team_size');
  }

  // Left out, the window shrinks to a short horizon (see expand); written, it must fit.
  const sustained = setting('outcomes', 'sustained_weeks') === undefined ? undefined : rangeOf('outcomes', 'sustained_weeks', 'sustainedWeeks');
  if (sustained && sustained[1] > horizon) {
    ctx.at(['outcomes', 'sustained_weeks'], `sustained_weeks ${sustained[1]} is longer than the horizon (${horizon} weeks)`, `use at most ${horizon}, or raise horizon:`);
  }

  // Strategies: wave numbers, departments by name, conditions and schedules against the horizon.
  if (!isObj(data.strategies)) return;
  for (const [id, raw] of Object.entries(data.strategies)) {
    if (!isObj(raw)) continue;
    const waveCount = waveCountOf(raw);
    const list = Array.isArray(raw.interventions) ? raw.interventions : [];
    list.forEach((item, i) => {
      if (!isObj(item)) return;
      const base: Path = ['strategies', id, 'interventions', i];
      checkTarget(ctx, [...base, 'target'], item.target, waveCount, departments, id);
      if (typeof item.at === 'number' && item.at > horizon) {
        ctx.at([...base, 'at'], `week ${item.at} is after the horizon (${horizon} weeks)`, `use a week from 0 to ${horizon}, or raise horizon:`);
      }
      for (const field of ['when', 'deadline'] as const) {
        const text = item[field];
        if (typeof text !== 'string' || !formulaIsValid(text)) continue;
        try {
          compileFormula(text, { variables: conditionVariableNames(waveCount), kind: 'condition' });
        } catch (err) {
          if (!(err instanceof FormulaError)) throw err;
          // Syntax and names were already reported by the schema; add only wave numbers beyond this strategy's waves.
          if (/^unknown variable (pilot|wave\d+)\./.test(err.message)) {
            const hint = waveCount === 0 ? 'this strategy has no waves: add waves: {pilot_share: 0.1, waves: 2} (custom) or use type: phased_pilot' : `this strategy has waves 0 (pilot) to ${waveCount - 1}`;
            ctx.at([...base, field], err.message, hint, { offset: err.offset });
          }
        }
      }
      if (item.deadline !== undefined && item.when === undefined) {
        ctx.at([...base, 'deadline'], 'a deadline needs a `when` condition: it starts the intervention if `when` has not by then', 'add when: (the gate), or give the week with at:');
      }
      if (typeof item.capacity === 'string') {
        try {
          scheduleTable(item.capacity, horizon);
        } catch (err) {
          if (!(err instanceof FormulaError)) throw err;
          ctx.at([...base, 'capacity'], err.message, err.hint, { offset: err.offset });
        }
      }
    });
  }
}

/** What claims may name: the file's strategies and its horizon. */
function claimContext(data: unknown): { strategies: string[]; weeks: number; waves: Record<string, number> } {
  const raw = isObj(data) && isObj(data.strategies) ? data.strategies : {};
  const weeks = isObj(data) && typeof data.horizon === 'number' ? data.horizon : PARAMETER_SPECS.find((s) => s.path === 'weeks')!.default;
  const waves = Object.fromEntries(Object.entries(raw).map(([id, s]) => [id, isObj(s) ? waveCountOf(s) : 0]));
  return { strategies: Object.keys(raw), weeks, waves };
}

function formulaIsValid(text: string): boolean {
  try {
    compileFormula(text, { variables: conditionVariableNames(1), kind: 'condition', anyWave: true });
    return true;
  } catch {
    return false;
  }
}

/** Waves a strategy has, pilot included (0: none). */
function waveCountOf(raw: Raw): number {
  if (raw.type === 'phased_pilot') {
    const waves = isObj(raw.options) && typeof raw.options.waves === 'number' ? raw.options.waves : PHASED_PILOT_DEFAULTS.waves;
    return waves + 1;
  }
  if (raw.type === 'custom' && isObj(raw.waves)) return (typeof raw.waves.waves === 'number' ? raw.waves.waves : 0) + 1;
  return 0;
}

function checkTarget(ctx: LoadContext, path: Path, target: unknown, waveCount: number, departments: DepartmentInfo, strategy: string): void {
  const wave = target === 'pilot' ? 0 : isObj(target) && typeof target.wave === 'number' ? target.wave : undefined;
  if (wave !== undefined && wave >= waveCount) {
    const hint = waveCount === 0
      ? `strategy ${strategy} has no waves: add waves: {pilot_share: 0.1, waves: 2} (custom) or use type: phased_pilot`
      : `strategy ${strategy} has waves 0 (pilot) to ${waveCount - 1}`;
    ctx.at(target === 'pilot' ? path : [...path, 'wave'], wave === 0 ? 'there is no pilot wave in this strategy' : `there is no wave ${wave} in this strategy`, hint);
  }
  if (isObj(target) && Array.isArray(target.departments)) {
    target.departments.forEach((d, j) => {
      if (typeof d === 'string') {
        if (!departments.names) {
          ctx.at([...path, 'departments', j], `department ${JSON.stringify(d)} is not defined`, 'name departments in organisation.departments: [{name: ..., share: ...}], or refer to them by number from 0');
        } else if (!departments.names.includes(d)) {
          const s = closest(d, departments.names);
          ctx.at([...path, 'departments', j], `unknown department ${JSON.stringify(d)}`, s ? `did you mean ${s}?` : `departments: ${listWords(departments.names)}`);
        }
      } else if (typeof d === 'number' && departments.count && d >= departments.count[0]) {
        ctx.at([...path, 'departments', j], `department number ${d} does not exist`, `departments are numbered 0 to ${departments.count[0] - 1}`);
      }
    });
  }
}

// ── Expansion into an Experiment ──────────────────────────────────────────────

function expand(ctx: LoadContext, file: ScenarioFile): Experiment {
  const params = defaultParams();
  const horizon = file.horizon ?? params.weeks;
  params.weeks = horizon;
  if (file.network) params.network = file.network;
  const uncertain = new Map<string, Distribution>();

  const setParam = (spec: ParamSpec, raw: unknown): void => {
    if (raw === undefined) return;
    if (typeof raw === 'number') {
      setNumber(params, spec.path, raw);
      return;
    }
    const d = toDistribution(raw);
    if (!d) return;
    uncertain.set(spec.path, d);
    // The nominal value (reports, validation) is the distribution's centre.
    const c = centre(d);
    setNumber(params, spec.path, spec.integer ? Math.round(c) : c);
  };

  let departmentNames: { name: string; share: number }[] | undefined;
  for (const section of SECTIONS) {
    const values = (file as Record<string, unknown>)[section] as Record<string, unknown> | undefined;
    if (!values) continue;
    for (const [key, raw] of Object.entries(values)) {
      if (section === 'organisation' && key === 'departments' && Array.isArray(raw)) {
        const list = raw as { name: string; share?: number; size?: number }[];
        const total = list.reduce((s, d) => s + (d.share ?? d.size ?? 0), 0);
        departmentNames = list.map((d) => ({ name: d.name, share: (d.share ?? d.size ?? 0) / total }));
        params.organisation.departments = list.length;
        params.organisation.departmentShares = departmentNames.map((d) => d.share);
        if (values.employees === undefined && list.every((d) => d.size !== undefined)) params.organisation.employees = total;
        continue;
      }
      const spec = SPEC_BY_FILE_PATH.get(`${section}.${key}`);
      if (spec) setParam(spec, raw);
    }
  }
  for (const [key, raw] of Object.entries(file.uncertainties ?? {})) {
    const spec = SPEC_BY_FILE_PATH.get(key);
    if (spec) setParam(spec, raw);
  }
  const outcomes = (file as Record<string, unknown>).outcomes as Record<string, unknown> | undefined;
  if (outcomes?.sustained_weeks === undefined && (file.uncertainties as Record<string, unknown> | undefined)?.['outcomes.sustained_weeks'] === undefined) {
    params.outcomes.sustainedWeeks = Math.min(params.outcomes.sustainedWeeks, horizon);
  }
  for (const [key, on] of Object.entries(file.mechanisms ?? {})) {
    if (typeof on === 'boolean') (params.mechanisms as unknown as Record<string, boolean>)[toCamel(key)] = on;
  }
  try {
    validateParams(params);
  } catch (err) {
    if (!(err instanceof ParameterError)) throw err;
    const specPath = fileParamPath(err.path).split('.');
    ctx.at(specPath, err.message.replace(`${err.path}: `, ''), 'check the values this parameter depends on');
  }

  // Uncertainties are drawn in PARAMETER_SPECS order, wherever the file declares them.
  const uncertainties: Uncertainty[] = PARAMETER_SPECS.filter((s) => uncertain.has(s.path)).map((s) => ({ path: s.path, distribution: uncertain.get(s.path)! }));

  const departmentIndex = new Map((departmentNames ?? []).map((d, i) => [d.name, i]));
  const strategies: StrategyPlan[] = [];
  for (const [id, strategy] of Object.entries(file.strategies)) {
    strategies.push(expandStrategy(id, strategy, horizon, departmentIndex));
  }

  const experiment: Experiment = {
    name: file.name,
    ...(file.label !== undefined ? { label: file.label } : {}),
    ...(file.description !== undefined ? { description: file.description } : {}),
    ...(file.currency !== undefined ? { currency: file.currency } : {}),
    source: ctx.file,
    hash: '',
    seed: file.seed ?? DEFAULT_SEED,
    rollouts: file.rollouts ?? DEFAULT_ROLLOUTS,
    params,
    uncertainties,
    strategies,
    ...(departmentNames ? { departments: departmentNames } : {}),
    ...(file.assumptions ? { assumptions: expandAssumptions(file.assumptions, { strategies: strategies.map((s) => s.name), weeks: horizon, waves: Object.fromEntries(strategies.map((s) => [s.name, s.waves ? s.waves.waves + 1 : 0])) }) } : {}),
  };
  experiment.hash = experimentHash(experiment);
  return experiment;
}

function setNumber(target: ModelParams, path: string, value: number): void {
  const parts = path.split('.');
  let node = target as unknown as Record<string, unknown>;
  for (let i = 0; i < parts.length - 1; i++) node = node[parts[i]!] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

function camelKeys(options: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options ?? {}).map(([k, v]) => [toCamel(k), v]));
}

function titleCase(id: string): string {
  const words = id.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function expandStrategy(id: string, s: StrategyFile, horizon: number, departments: Map<string, number>): StrategyPlan {
  const extra = (s.interventions ?? []).map((i) => expandIntervention(i as InterventionFile, horizon, departments));
  if (s.type === 'custom') {
    const plan: StrategyPlan = { name: id, label: s.label ?? titleCase(id), interventions: extra };
    if (s.waves) plan.waves = { pilotShare: s.waves.pilot_share, selection: (s.waves.selection ?? 'volunteers') as PilotSelection, waves: s.waves.waves ?? 0 };
    return plan;
  }
  const options = 'options' in s ? camelKeys(s.options as Record<string, unknown> | undefined) : {};
  const plan = builtinStrategy(s.type as BuiltinStrategyName, options, id);
  return { ...plan, label: s.label ?? plan.label ?? titleCase(id), interventions: [...plan.interventions, ...extra] };
}

function expandIntervention(i: InterventionFile, horizon: number, departments: Map<string, number>): Intervention {
  const raw = i as Record<string, unknown>;
  const out: Intervention = { type: raw.type as Intervention['type'] };
  if (typeof raw.when === 'string') {
    out.when = compileFormula(raw.when, { variables: conditionVariableNames(100), kind: 'condition', anyWave: true }) as Expr;
    out.whenText = raw.when;
    if (typeof raw.deadline === 'string') {
      out.deadline = compileFormula(raw.deadline, { variables: conditionVariableNames(100), kind: 'condition', anyWave: true }) as Expr;
      out.deadlineText = raw.deadline;
    }
  }
  if (typeof raw.at === 'number') out.at = raw.at;
  else if (out.when === undefined) out.at = 0;
  out.target = expandTarget(raw.target, departments);
  for (const key of ['strength', 'count', 'share', 'weeks', 'relief', 'competition'] as const) {
    if (typeof raw[key] === 'number') out[key] = raw[key] as number;
  }
  if (typeof raw.decision === 'string') out.decision = raw.decision as Intervention['decision'];
  if (typeof raw.free === 'boolean') out.free = raw.free;
  if (typeof raw.capacity === 'number') out.capacity = raw.capacity;
  else if (typeof raw.capacity === 'string') out.capacity = scheduleTable(raw.capacity, horizon);
  return out;
}

function expandTarget(raw: unknown, departments: Map<string, number>): Target {
  if (raw === undefined || raw === 'all') return { kind: 'all' };
  if (raw === 'pilot') return { kind: 'wave', wave: 0 };
  const t = raw as Record<string, unknown>;
  if (typeof t.wave === 'number') return { kind: 'wave', wave: t.wave };
  if (Array.isArray(t.departments)) return { kind: 'departments', departments: t.departments.map((d) => (typeof d === 'number' ? d : departments.get(String(d))!)) };
  if (typeof t.share === 'number') return { kind: 'share', share: t.share };
  if (typeof t.enthusiasts === 'number') return { kind: 'enthusiasts', share: t.enthusiasts };
  return { kind: 'all' };
}

// ── Hash and overrides ────────────────────────────────────────────────────────

/** Canonical JSON: keys sorted at every level, so equal experiments give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 (hex) of the canonical JSON of the experiment, without its source path and hash. */
export function experimentHash(experiment: Experiment): string {
  const { source: _source, hash: _hash, ...rest } = experiment;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export interface ExperimentOverrides {
  rollouts?: number;
  seed?: number;
}

/** A bad override (e.g. `--rollouts 0`): exit code 2 through the CLI's error handler. */
export class OverrideError extends InputError {}

/** The experiment with rollouts and/or seed replaced (e.g. from `uptake run --rollouts 50 --seed 7`), hash updated. */
export function applyOverrides(experiment: Experiment, overrides: ExperimentOverrides): Experiment {
  const out: Experiment = { ...experiment };
  if (overrides.rollouts !== undefined) {
    if (!Number.isInteger(overrides.rollouts) || overrides.rollouts < 1) throw new OverrideError(`--rollouts must be a whole number of at least 1, got ${overrides.rollouts}`, 'e.g. --rollouts 200');
    out.rollouts = overrides.rollouts;
  }
  if (overrides.seed !== undefined) {
    if (!Number.isInteger(overrides.seed) || overrides.seed < 0 || overrides.seed > 4_294_967_295) throw new OverrideError(`--seed must be a whole number from 0 to 4294967295, got ${overrides.seed}`, 'e.g. --seed 42');
    out.seed = overrides.seed;
  }
  out.hash = experimentHash(out);
  return out;
}

/** Identifiers of the built-in strategies and the names they may be given. */
export const BUILTIN_STRATEGY_TYPES: readonly BuiltinStrategyName[] = BUILTIN_STRATEGIES;
export { IDENTIFIER, getPath };

/** 40 → "0.40", 1.5 → "0.015": a percentage written as a share, with no digit lost. */
function percentAsShare(percent: number): string {
  const share = percent / 100;
  const text = share.toFixed(2);
  return Number(text) === share ? text : String(Number(share.toPrecision(6)));
}
