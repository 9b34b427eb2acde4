/**
 * Formulas in scenario files: schedules (`min(40, 5 * week)`) and trigger
 * conditions (`week >= 12 and pilot.active_share >= 0.4`). Each is parsed once
 * with mathjs, then the tree is walked and only a whitelist of node types,
 * operators, functions and variable names is accepted; nothing is ever
 * evaluated by mathjs. Conditions become the model's serialisable Expr tree;
 * schedules become a table of one value per week.
 */
import { createRequire } from 'node:module';
import type { MathJsInstance, MathNode } from 'mathjs';
import { CONDITION_FUNCTIONS, applyFunction, applyOperator, type BinaryOp, type Expr, type FunctionName } from '../model/plan.ts';
import { didYouMean, listWords } from './names.ts';

// mathjs's single-file bundle loads in a tenth of the time of its ES modules (hundreds of
// files), and only the parser is used; load it on the first formula.
let mathParse: ((text: string) => MathNode) | undefined;
function parse(text: string): MathNode {
  mathParse ??= (createRequire(import.meta.url)('mathjs/lib/browser/math.js') as MathJsInstance).parse as (text: string) => MathNode;
  return mathParse(text);
}

/** A problem in a formula, with the 0-based character offset it refers to. */
export class FormulaError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FormulaError';
  }
}

const BINARY: Record<string, BinaryOp> = {
  add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^',
  smaller: '<', smallerEq: '<=', larger: '>', largerEq: '>=', equal: '==', unequal: '!=',
  and: 'and', or: 'or',
};
const FUNCTIONS = new Set<string>(CONDITION_FUNCTIONS);
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=', 'and', 'or']);

const FORBIDDEN_NODES: Record<string, string> = {
  AssignmentNode: 'assignments are not allowed',
  FunctionAssignmentNode: 'function definitions are not allowed',
  ArrayNode: 'matrices and lists are not allowed',
  MatrixNode: 'matrices are not allowed',
  ObjectNode: 'objects are not allowed',
  RangeNode: 'ranges are not allowed',
  BlockNode: 'only one expression is allowed (no ; or line breaks)',
  ConditionalNode: 'conditional expressions (a ? b : c) are not allowed',
  IndexNode: 'indexing is not allowed',
  RelationalNode: 'chained comparisons are not allowed',
};

export interface CompileOptions {
  /** Variable names the formula may read. */
  variables: readonly string[];
  /** Which kind of formula, for messages: a schedule gives a number, a condition true or false. */
  kind: 'schedule' | 'condition';
  /** Accept `waveK.x` for any K, checked later against the strategy's wave count. */
  anyWave?: boolean;
}

/** Parse and check `text`; returns the Expr or throws FormulaError. */
export function compileFormula(text: string, options: CompileOptions): Expr {
  if (text.trim() === '') throw new FormulaError('the formula is empty', 0, options.kind === 'schedule' ? 'e.g. "min(40, 5 * week)"' : 'e.g. "week >= 12 and pilot.active_share >= 0.4"');
  let root: MathNode;
  try {
    root = parse(text);
  } catch (err) {
    const e = err as Error & { char?: number };
    // mathjs counts characters from 1; past the end means "something is missing here".
    const offset = typeof e.char === 'number' ? Math.max(0, Math.min(text.length, e.char - 1)) : 0;
    throw new FormulaError(`cannot read the formula: ${e.message.replace(/\s*\(char \d+\)$/, '')} at character ${offset + 1}`, offset, 'check brackets and operators; e.g. "week >= 12 and active_share < 0.3"');
  }
  const expr = toExpr(root, text, options);
  if (options.kind === 'condition' && !isTruthValued(expr)) {
    throw new FormulaError('a condition must compare something (it gives a number, not true or false)', 0, 'e.g. "week >= 12" or "active_share >= 0.3"');
  }
  if (options.kind === 'schedule' && expr.k === 'op' && COMPARISONS.has(expr.op)) {
    throw new FormulaError('a schedule gives a number per week, not true or false', 0, 'e.g. "min(40, 5 * week)"');
  }
  return expr;
}

function isTruthValued(e: Expr): boolean {
  if (e.k === 'not') return true;
  if (e.k === 'op') return COMPARISONS.has(e.op);
  return false;
}

/** Where `token` first appears as a word in `text` (for pointing at a bad name). */
function findToken(text: string, token: string): number {
  const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(^|[^A-Za-z0-9_.])(${escaped})(?![A-Za-z0-9_])`).exec(text);
  return match ? match.index + match[1]!.length : 0;
}

/** `pilot.active_share` arrives as an AccessorNode chain; read it back as one dotted name. */
function dottedName(node: MathNode): string | undefined {
  const n = node as unknown as { type: string; name?: string; object?: MathNode; index?: { dotNotation?: boolean; dimensions?: { type: string; value?: unknown }[] } };
  if (n.type === 'SymbolNode') return n.name;
  if (n.type === 'AccessorNode' && n.index?.dotNotation && n.index.dimensions?.length === 1) {
    const dim = n.index.dimensions[0]!;
    const head = dottedName(n.object!);
    if (head !== undefined && dim.type === 'ConstantNode' && typeof dim.value === 'string') return `${head}.${dim.value}`;
  }
  return undefined;
}

function checkVariable(name: string, text: string, options: CompileOptions): void {
  if (options.variables.includes(name)) return;
  if (options.anyWave && /^(pilot|wave\d+)\./.test(name)) {
    const field = name.slice(name.indexOf('.') + 1);
    const fields = options.variables.filter((v) => v.startsWith('wave0.')).map((v) => v.slice(6));
    if (fields.includes(field)) return;
  }
  const offset = findToken(text, name);
  const candidates = options.anyWave ? [...options.variables, ...options.variables.filter((v) => v.startsWith('wave0.')).map((v) => v.replace('wave0.', 'wave1.'))] : options.variables;
  let hint = didYouMean(name, candidates);
  if (hint === undefined) {
    hint = options.kind === 'schedule' ? 'a schedule may only use week' : `variables: ${listWords(options.variables.filter((v) => !/^wave[1-9]/.test(v)).slice(0, 40))}`;
  }
  throw new FormulaError(`unknown variable ${name} at character ${offset + 1}`, offset, hint);
}

function toExpr(node: MathNode, text: string, options: CompileOptions): Expr {
  const n = node as unknown as {
    type: string; value?: unknown; name?: string; op?: string; fn?: unknown; args?: MathNode[]; content?: MathNode; implicit?: boolean;
  };
  switch (n.type) {
    case 'ConstantNode': {
      if (typeof n.value === 'boolean') return { k: 'num', v: n.value ? 1 : 0 };
      if (typeof n.value !== 'number' || !Number.isFinite(n.value)) {
        const shown = typeof n.value === 'string' ? `"${n.value}"` : String(n.value);
        throw new FormulaError(`only numbers are allowed as constants, got ${shown}`, findToken(text, typeof n.value === 'string' ? `"${n.value}"` : String(n.value)), undefined);
      }
      return { k: 'num', v: n.value };
    }
    case 'SymbolNode':
    case 'AccessorNode': {
      const name = dottedName(node);
      if (name === undefined) {
        throw new FormulaError('indexing and property access are not allowed', 0, 'variables look like week, active_share or pilot.active_share');
      }
      checkVariable(name, text, options);
      return { k: 'var', name };
    }
    case 'ParenthesisNode':
      return toExpr(n.content!, text, options);
    case 'OperatorNode': {
      const fn = String(n.fn);
      const args = n.args ?? [];
      if (fn === 'unaryMinus' && args.length === 1) return { k: 'neg', a: toExpr(args[0]!, text, options) };
      if (fn === 'unaryPlus' && args.length === 1) return toExpr(args[0]!, text, options);
      if (fn === 'not' && args.length === 1) return { k: 'not', a: toExpr(args[0]!, text, options) };
      const op = BINARY[fn];
      if (op === undefined || args.length !== 2) {
        throw new FormulaError(`operator ${n.op} is not allowed at character ${findToken(text, n.op ?? '') + 1}`, findToken(text, n.op ?? ''), 'allowed: + - * / ^ < <= > >= == != and or not');
      }
      return { k: 'op', op, a: toExpr(args[0]!, text, options), b: toExpr(args[1]!, text, options) };
    }
    case 'FunctionNode': {
      const fnNode = n.fn as { type?: string; name?: string };
      const name = fnNode?.type === 'SymbolNode' ? fnNode.name! : undefined;
      if (name === undefined || !FUNCTIONS.has(name)) {
        const offset = name ? findToken(text, name) : 0;
        throw new FormulaError(
          `function ${name ?? '(expression)'} is not allowed at character ${offset + 1}`,
          offset,
          `${name ? (didYouMean(name, CONDITION_FUNCTIONS) ?? '') : ''}${name && didYouMean(name, CONDITION_FUNCTIONS) ? ' ' : ''}allowed functions: ${listWords(CONDITION_FUNCTIONS)}`,
        );
      }
      const args = (n.args ?? []).map((a) => toExpr(a, text, options));
      const arity: Record<string, [number, number]> = { min: [1, 64], max: [1, 64], log: [1, 1] };
      const [lo, hi] = arity[name] ?? [1, 1];
      if (args.length < lo || args.length > hi) {
        const offset = findToken(text, name);
        throw new FormulaError(`${name} takes ${lo === hi ? lo : `${lo} or more`} argument${hi === 1 ? '' : 's'}, got ${args.length}`, offset);
      }
      return { k: 'fn', name: name as FunctionName, args };
    }
    default: {
      const why = FORBIDDEN_NODES[n.type] ?? `${n.type} is not allowed`;
      throw new FormulaError(why, forbiddenOffset(n.type, text), 'formulas use numbers, variables, + - * / ^, comparisons, and/or/not and the functions min, max, abs, sqrt, floor, ceil, round, exp, log');
    }
  }
}

function forbiddenOffset(type: string, text: string): number {
  const marks: Record<string, RegExp> = {
    AssignmentNode: /=(?!=)/, FunctionAssignmentNode: /=(?!=)/, ArrayNode: /\[/, MatrixNode: /\[/, ObjectNode: /\{/,
    RangeNode: /:/, BlockNode: /[;\n]/, ConditionalNode: /\?/, IndexNode: /\[/,
  };
  const m = marks[type]?.exec(text);
  return m ? m.index : 0;
}

/** Evaluate a compiled Expr (truth values as 1 and 0). Used at load time only. */
export function evaluateExpr(e: Expr, vars: Readonly<Record<string, number>>): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var':
      return vars[e.name] ?? NaN;
    case 'neg':
      return -evaluateExpr(e.a, vars);
    case 'not':
      return evaluateExpr(e.a, vars) ? 0 : 1;
    case 'fn':
      return applyFunction(e.name, e.args.map((x) => evaluateExpr(x, vars)));
    case 'op':
      return applyOperator(e.op, evaluateExpr(e.a, vars), evaluateExpr(e.b, vars));
  }
}

/**
 * A schedule formula as a table of one value per week 0..weeks (the model reads
 * entry `week`, the last entry holding after). A formula without `week` stays a number.
 */
export function scheduleTable(text: string, weeks: number, range: { min: number; max: number } = { min: 0, max: Infinity }): number | number[] {
  const expr = compileFormula(text, { variables: ['week'], kind: 'schedule' });
  const table: number[] = new Array(weeks + 1);
  for (let week = 0; week <= weeks; week++) {
    const value = evaluateExpr(expr, { week });
    if (!Number.isFinite(value)) throw new FormulaError(`the formula gives ${value} at week ${week}`, 0, 'guard divisions and logs, e.g. "10 / max(1, week)"');
    if (value < range.min || value > range.max) {
      const shown = Number(value.toPrecision(6));
      if (value < range.min) throw new FormulaError(`the formula gives ${shown} at week ${week}, below ${range.min}`, 0, `clamp it, e.g. "max(${range.min}, ...)"`);
      throw new FormulaError(`the formula gives ${shown} at week ${week}, above ${range.max}`, 0, `clamp it, e.g. "min(${range.max}, ...)"`);
    }
    table[week] = value;
  }
  return table.every((v) => v === table[0]) ? table[0]! : table;
}

/** Variables a schedule may use. */
export const SCHEDULE_VARIABLES = ['week'] as const;
