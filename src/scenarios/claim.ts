/**
 * The claim language of assumptions (docs/assumptions.md):
 *
 *   P(phased_pilot.active_share@52 > top_down.active_share@52) >= 0.8
 *   median(bottom_up.weeks_to_critical_mass) <= 26
 *   p90(top_down.cost) < 1.2 * p90(phased_pilot.cost)
 *
 * A claim compares two sides with < <= > >=. Each side is arithmetic over
 * numbers and aggregates; an aggregate (P, mean, median, p01..p99) summarises
 * a per-rollout expression over the rollouts. Per-rollout expressions read
 * `strategy.result` (a per-rollout result) or `strategy.observable@week` (a
 * per-week observable at that week), and `never` (a week never reached,
 * ordered after every week).
 *
 * In a scenario with a `forecast:` section a claim may read the forecast's
 * ways forward instead (docs/assumptions.md, "Claims on a forecast"):
 * `forecast.alternative.result[@week]` always, or `alternative.result[@week]`
 * when the alternative's name is not also a strategy's (`continue`). A bare
 * name that is a strategy is the strategy run from week 1, as before. One
 * claim reads one set of rollouts: strategies or the forecast, never both.
 *
 * Parsing reuses the scenario formula compiler (src/scenarios/formula.ts):
 * aggregate calls are cut out and replaced by placeholder names of the same
 * length (so character positions in messages stay right), the outer
 * comparison and each aggregate's argument are then compiled with the same
 * mathjs whitelist as schedules and trigger conditions. Nothing is evaluated
 * by mathjs.
 */
import { OBSERVABLES, RESULTS, type Expr } from '../model/index.ts';
import { FormulaError, compileFormula, evaluateExpr } from './formula.ts';
import { closest, listWords } from './names.ts';

export type ClaimOp = '<' | '<=' | '>' | '>=';

/** One aggregate over rollouts. `expr` reads column names (see columnName). */
export interface Aggregate {
  kind: 'P' | 'mean' | 'quantile';
  /** For quantiles: 0.5 for median, 0.9 for p90. */
  q?: number;
  expr: Expr;
  /** The aggregate as written, e.g. `median(bottom_up.weeks_to_critical_mass)`. */
  text: string;
}

/** How a claim is decided (see decide.ts). */
export type ClaimMethod = 'binomial' | 'order_statistic' | 'bootstrap';

export interface CompiledClaim {
  /** Sides of the comparison; variables `#0`, `#1`... are the aggregates. */
  lhs: Expr;
  op: ClaimOp;
  rhs: Expr;
  aggregates: Aggregate[];
  /** Columns read (e.g. `top_down.cost`, `top_down.active_share@52`, `forecast.continue.cost`), sorted. */
  columns: string[];
  method: ClaimMethod;
  /** The rollouts the claim reads: the scenario's strategies, or the forecast's alternatives. */
  on: ClaimRollouts;
}

export type ClaimRollouts = 'strategies' | 'forecast';

export interface Assumption {
  id: string;
  description: string;
  /** The claim as written in the file. */
  claim: string;
  /** Confidence for this assumption (else the section's, else 0.95). */
  confidence?: number;
  compiled: CompiledClaim;
}

/** The `assumptions:` section of a scenario, expanded (lives on Experiment.assumptions). */
export interface AssumptionsPlan {
  /** Rollouts `uptake test` starts with; absent: min(100, the scenario's rollouts). */
  rollouts?: number;
  /** Most rollouts `uptake test` may use while a claim stays inconclusive; absent: 4 × rollouts. */
  budget?: number;
  /** Rollouts added at each further look; absent: the starting rollouts. */
  batch?: number;
  /** Confidence of every decision, 0.5..1 exclusive; absent: 0.95. */
  confidence?: number;
  assumptions: Assumption[];
}

export const DEFAULT_CONFIDENCE = 0.95;

/** `never` in claims: a week never reached, ordered after every week. */
export const NEVER = Infinity;

export const RESULT_NAMES: readonly string[] = RESULTS.map((r) => r.name);
export const OBSERVABLE_NAMES: readonly string[] = OBSERVABLES.map((o) => o.name);
/** Results measured in weeks, where NaN means "never" (wave open weeks too). */
export const WEEK_RESULTS: readonly string[] = RESULTS.filter((r) => r.unit === 'weeks').map((r) => r.name);

/** `top_down.cost` or `top_down.active_share@52`; a forecast alternative's: `forecast.continue.cost`. */
export function columnName(strategy: string, name: string, week?: number, forecast = false): string {
  return `${forecast ? FORECAST_PREFIX : ''}${week === undefined ? `${strategy}.${name}` : `${strategy}.${name}@${week}`}`;
}

/** `strategy` is the alternative's name for a forecast column. */
export function parseColumn(column: string): { strategy: string; name: string; week?: number; forecast: boolean } {
  // Three dotted parts are a forecast column whatever the names (a strategy may be called `forecast`).
  const m = /^(forecast\.)?([^.]+)\.([^@.]+)(?:@(\d+))?$/.exec(column)!;
  const forecast = m[1] !== undefined;
  return m[4] === undefined ? { strategy: m[2]!, name: m[3]!, forecast } : { strategy: m[2]!, name: m[3]!, week: Number(m[4]), forecast };
}

/** The name that marks a reference to the forecast: `forecast.top_down.cost`. */
export const FORECAST_PREFIX = 'forecast.';
/** The way forward that keeps the plan in progress (as in src/scenarios/forecast-block.ts). */
export const CONTINUE_ALTERNATIVE = 'continue';

export interface ClaimContext {
  strategies: readonly string[];
  /** Horizon in weeks: `@week` may be 0..weeks. */
  weeks: number;
  /** Waves of each strategy, pilot included (absent or 0: none), for `pilot_open_week` and `waveK_open_week`. */
  waves?: Readonly<Record<string, number>>;
  /** The scenario's `forecast:` section, when it has one. */
  forecast?: {
    /** The ways forward, e.g. `continue`, `top_down`. */
    alternatives: readonly string[];
    /** The strategy in progress (for hints). */
    inProgress?: string;
    /** Waves of each alternative's plan, as `waves`. */
    waves?: Readonly<Record<string, number>>;
  };
}

/**
 * A wave column as in rollouts.csv: `pilot_open_week` is wave 0's opening week, `wave2_open_week` wave 2's,
 * `wave2_forced` whether wave 2's deadline forced it open; undefined for other names.
 */
export function waveColumnOf(name: string): { wave: number; forced: boolean } | undefined {
  const m = /^(?:pilot|wave(\d+))_(open_week|forced)$/.exec(name);
  return m ? { wave: m[1] === undefined ? 0 : Number(m[1]), forced: m[2] === 'forced' } : undefined;
}

/**
 * mathjs reads `@` as nothing it knows; a letter it accepts in names (Latin
 * "alveolar click", U+01C2) takes its place, one UTF-16 unit for one, so
 * character positions are unchanged.
 */
const AT = '\u01C2';
const AGGREGATE = /(?<![A-Za-z0-9_.\u01C2])(P|mean|median|p\d{1,2})\s*\(/g;
const REFERENCE = /(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?(?:@(\d+))?/g;
const COMPARISON_OPS = new Set(['<', '<=', '>', '>=']);
const TRUTH_OPS = new Set(['<', '<=', '>', '>=', '==', '!=', 'and', 'or']);
const EXAMPLE = 'e.g. "P(phased_pilot.sustained_share > top_down.sustained_share) >= 0.8" or "median(bottom_up.weeks_to_critical_mass) <= 26"';

/** Parse, check and compile a claim; throws FormulaError (offset into `text`, hint). */
export function compileClaim(text: string, context: ClaimContext): CompiledClaim {
  if (text.trim() === '') throw new FormulaError('the claim is empty', 0, EXAMPLE);
  const { columns, canonical, on } = checkReferences(text, context);
  for (let bad = text.indexOf('@'); bad >= 0; bad = text.indexOf('@', bad + 1)) {
    if (!/[A-Za-z0-9_]@\d/.test(text.slice(Math.max(0, bad - 1), bad + 2))) {
      throw new FormulaError(`@ must follow strategy.observable and precede a week number at character ${bad + 1}`, bad, 'e.g. top_down.active_share@52');
    }
  }
  const working = text.replaceAll('@', AT);

  // Cut out the aggregate calls.
  const aggregates: Aggregate[] = [];
  const placeholders: string[] = [];
  let outer = '';
  let last = 0;
  AGGREGATE.lastIndex = 0;
  for (let m = AGGREGATE.exec(working); m; m = AGGREGATE.exec(working)) {
    const start = m.index;
    const open = start + m[0].length - 1;
    const close = matchingParen(working, open);
    if (close < 0) throw new FormulaError(`${m[1]}( is not closed at character ${open + 1}`, open, 'add the closing )');
    const name = m[1]!;
    const argument = working.slice(open + 1, close);
    const nested = new RegExp(AGGREGATE.source).exec(argument);
    if (nested) {
      const at = open + 1 + nested.index;
      throw new FormulaError(`${nested[1]}(...) inside ${name}(...) at character ${at + 1}: aggregates cannot be nested`, at, 'an aggregate summarises a per-rollout expression; compare aggregates outside, e.g. "median(a.cost) < median(b.cost)"');
    }
    aggregates.push(compileAggregate(name, argument, open + 1, working.slice(start, close + 1).replaceAll(AT, '@'), columns, canonical));
    const placeholder = `_${aggregates.length - 1}`.padEnd(close + 1 - start, '_');
    placeholders.push(placeholder);
    outer += working.slice(last, start) + placeholder;
    last = close + 1;
    AGGREGATE.lastIndex = close + 1;
  }
  outer += working.slice(last);

  if (aggregates.length === 0) {
    const ref = new RegExp(REFERENCE.source).exec(text);
    throw new FormulaError('a claim needs an aggregate over rollouts: P(...), mean(...), median(...) or a percentile such as p90(...)', ref?.index ?? 0, EXAMPLE);
  }
  // A per-rollout value outside any aggregate has no single value to compare.
  const stray = new RegExp(REFERENCE.source).exec(outer.replaceAll(AT, '@'));
  if (stray) {
    throw new FormulaError(`${stray[0]} is a value per rollout at character ${stray.index + 1}: wrap it in an aggregate`, stray.index, `e.g. median(${stray[0]}), mean(${stray[0]}) or P(${stray[0]} > ...)`);
  }

  let tree: Expr;
  try {
    tree = compileFormula(outer, { variables: placeholders, kind: 'condition' });
  } catch (err) {
    throw restate(err, 0, 'outer');
  }
  if (tree.k !== 'op' || !COMPARISON_OPS.has(tree.op)) {
    const what = tree.k === 'op' ? `"${tree.op}"` : 'this';
    throw new FormulaError(`a claim is one comparison with <, <=, > or >=; ${what} is not allowed at the top`, 0, 'write separate assumptions instead of and/or; == and != cannot be decided from samples');
  }
  const rename = (e: Expr): Expr => renameVars(e, (name) => `#${placeholders.indexOf(name)}`);
  const lhs = rename(tree.a);
  const rhs = rename(tree.b);
  for (const side of [lhs, rhs]) {
    if (containsTruth(side)) throw new FormulaError('each side of a claim must be a number; only one comparison is allowed', 0, 'put conditions inside P(...)');
  }
  const op = tree.op as ClaimOp;
  return { lhs, op, rhs, aggregates, columns: [...new Set(aggregates.flatMap((a) => exprVars(a.expr)).filter((v) => v !== 'never'))].sort(), method: methodOf(lhs, rhs, aggregates), on };
}

/** Exact methods when one side is a lone P or quantile and the other a constant; the bootstrap otherwise. */
function methodOf(lhs: Expr, rhs: Expr, aggregates: Aggregate[]): ClaimMethod {
  const lone = lhs.k === 'var' && exprVars(rhs).length === 0 ? lhs : rhs.k === 'var' && exprVars(lhs).length === 0 ? rhs : undefined;
  if (!lone || lone.k !== 'var') return 'bootstrap';
  const agg = aggregates[Number(lone.name.slice(1))]!;
  return agg.kind === 'P' ? 'binomial' : agg.kind === 'quantile' ? 'order_statistic' : 'bootstrap';
}

function compileAggregate(name: string, argument: string, offset: number, text: string, columns: string[], canonical: ReadonlyMap<string, string>): Aggregate {
  const kind: Aggregate['kind'] = name === 'P' ? 'P' : name === 'mean' ? 'mean' : 'quantile';
  let q: number | undefined;
  if (name === 'median') q = 0.5;
  else if (kind === 'quantile') {
    q = Number(name.slice(1)) / 100;
    if (!(q > 0 && q < 1)) throw new FormulaError(`${name} is not a percentile at character ${offset - name.length}`, offset - name.length - 1, 'percentiles run from p1 to p99, e.g. p90');
  }
  if (argument.trim() === '') throw new FormulaError(`${name}() needs an expression per rollout at character ${offset + 1}`, offset, kind === 'P' ? 'e.g. P(a.sustained_share > b.sustained_share)' : `e.g. ${name}(top_down.cost)`);
  let expr: Expr;
  try {
    expr = compileFormula(argument, { variables: [...columns.map((c) => c.replace('@', AT)), 'never'], kind: kind === 'P' ? 'condition' : 'schedule' });
  } catch (err) {
    throw restate(err, offset, kind === 'P' ? 'P' : 'value', name);
  }
  // Variables as written (`continue.cost`) become column names (`forecast.continue.cost`).
  expr = renameVars(expr, (v) => canonical.get(v.replace(AT, '@')) ?? v.replace(AT, '@'));
  return { kind, ...(q !== undefined ? { q } : {}), expr, text };
}

/**
 * Messages from the formula compiler speak of schedules and conditions, and
 * count characters from the start of the piece compiled: restate them for claims.
 */
function restate(err: unknown, offset: number, where: 'outer' | 'P' | 'value', name = ''): FormulaError {
  if (!(err instanceof FormulaError)) throw err;
  let message = err.message.replaceAll(AT, '@').replace(/at character (\d+)/, (_, n: string) => `at character ${Number(n) + offset}`);
  let hint = err.hint?.replaceAll(AT, '@');
  if (/^a schedule gives a number per week/.test(message)) {
    message = `${name}(...) takes a number per rollout, not true or false`;
    hint = 'for the share of rollouts where something holds use P(...), e.g. P(a.cost < b.cost) >= 0.8';
  } else if (/^a condition must compare something/.test(message)) {
    message = where === 'P' ? 'P(...) needs a condition per rollout, e.g. P(a.cost < b.cost)' : 'a claim must compare two sides with <, <=, > or >=';
    hint = EXAMPLE;
  } else if (where === 'outer' && /^unknown variable/.test(message)) {
    hint = 'outside aggregates a claim uses numbers, + - * / and min, max, abs...; per-rollout values go inside P(...), mean(...), median(...) or pNN(...)';
  } else if (hint === 'a schedule may only use week' || (hint && /e\.g\. "(week|min\(40)/.test(hint))) {
    hint = 'per-rollout values are strategy.result or strategy.observable@week, e.g. top_down.cost or top_down.active_share@52 (forecast.alternative.result for a forecast)';
  }
  return new FormulaError(message, Math.max(0, err.offset + offset), hint);
}

interface Reference {
  /** As written: `top_down`, `continue` or `forecast.top_down`. */
  prefix: string;
  /** The strategy or alternative named. */
  unit: string;
  forecast: boolean;
  /** Offset of the reference, and of its result or observable. */
  at: number;
  nameAt: number;
}

/**
 * Check every `strategy.name[@week]` (or forecast alternative's) in the text against the scenario.
 * Returns the variables as written (`continue.cost`), each one's column name (`forecast.continue.cost`)
 * and the rollouts the claim reads.
 */
function checkReferences(text: string, context: ClaimContext): { columns: string[]; canonical: Map<string, string>; on: ClaimRollouts } {
  const columns: string[] = [];
  const canonical = new Map<string, string>();
  let first: { strategies?: Reference & { whole: string }; forecast?: Reference & { whole: string } } = {};
  REFERENCE.lastIndex = 0;
  for (let m = REFERENCE.exec(text); m; m = REFERENCE.exec(text)) {
    const [whole, head, second, third, weekText] = m as unknown as [string, string, string, string | undefined, string | undefined];
    const ref = referenceOf(m.index, head, second, third, context);
    const name = third ?? second;
    const { unit, prefix, nameAt } = ref;
    const what = ref.forecast ? 'forecast alternative' : 'strategy';
    if (weekText !== undefined) {
      if (!OBSERVABLE_NAMES.includes(name)) {
        const s = closest(name, OBSERVABLE_NAMES);
        const asResult = RESULT_NAMES.includes(name) ? ` (${name} is a per-rollout result: drop @${weekText})` : '';
        throw new FormulaError(`unknown per-week observable ${name}${asResult} at character ${nameAt + 1}`, nameAt, asResult ? `write ${prefix}.${name}` : s ? `did you mean ${s}?` : `observables: ${listWords(OBSERVABLE_NAMES)}`);
      }
      const week = Number(weekText);
      if (week > context.weeks) {
        const weekAt = nameAt + name.length + 1;
        throw new FormulaError(`week ${week} is after the horizon (${context.weeks} weeks) at character ${weekAt + 1}`, weekAt, `use a week from 0 to ${context.weeks}`);
      }
    } else if (waveColumnOf(name) !== undefined) {
      const { wave } = waveColumnOf(name)!;
      const count = (ref.forecast ? context.forecast?.waves : context.waves)?.[unit] ?? 0;
      if (wave >= count) {
        const hint = count === 0 ? `${what} ${unit} has no waves` : `${what} ${unit} has pilot_open_week${count > 1 ? ` to wave${count - 1}_open_week` : ''}`;
        throw new FormulaError(`${wave === 0 ? 'there is no pilot' : `there is no wave ${wave}`} in ${what} ${unit} at character ${nameAt + 1}`, nameAt, hint);
      }
    } else if (!RESULT_NAMES.includes(name)) {
      const hint = OBSERVABLE_NAMES.includes(name)
        ? `${name} is a per-week observable: add a week, e.g. ${prefix}.${name}@${context.weeks}`
        : (() => {
            const s = closest(name, [...RESULT_NAMES, ...OBSERVABLE_NAMES]);
            return s ? `did you mean ${s}?` : `results: ${listWords(RESULT_NAMES)}`;
          })();
      throw new FormulaError(`unknown result ${name} at character ${nameAt + 1}`, nameAt, hint);
    }
    const week = weekText === undefined ? undefined : Number(weekText);
    const column = columnName(unit, name, week, ref.forecast);
    columns.push(whole);
    canonical.set(whole, column);
    const kind = ref.forecast ? 'forecast' : 'strategies';
    first = { ...first, [kind]: first[kind] ?? { ...ref, whole } };
  }
  // The forecast's rollouts and the strategies' are different rollouts: nothing pairs them.
  if (first.strategies && first.forecast) {
    const later = first.strategies.at > first.forecast.at ? first.strategies : first.forecast;
    const strategy = first.strategies;
    const alternative = context.forecast?.alternatives.includes(strategy.unit) ? strategy.unit : undefined;
    const name = strategy.whole.slice(strategy.prefix.length + 1);
    throw new FormulaError(
      `${first.forecast.whole} reads the forecast and ${strategy.whole} a strategy run from week 1 at character ${later.at + 1}: one claim reads one set of rollouts`,
      later.at,
      alternative ? `for the forecast's ${alternative}, write forecast.${alternative}.${name}; to compare with the strategy, write two claims` : 'write two claims: one on the strategies, one on the forecast',
    );
  }
  return { columns: [...new Set(columns)], canonical, on: first.forecast ? 'forecast' : 'strategies' };
}

/** What `head.second[.third]` at `at` names, or a FormulaError saying why it names nothing. */
function referenceOf(at: number, head: string, second: string, third: string | undefined, context: ClaimContext): Reference {
  const forecast = context.forecast;
  const alternatives = forecast?.alternatives ?? [];
  const noForecast = (name: string): FormulaError => new FormulaError(
    `${name} is a way forward of a forecast, but this scenario has no forecast: section at character ${at + 1}`,
    at,
    `add a forecast: section naming the strategy in progress and its telemetry (docs/forecast.md), or name a strategy: ${listWords([...context.strategies])}`,
  );
  if (third !== undefined) {
    if (`${head}.` !== FORECAST_PREFIX) {
      throw new FormulaError(`${head}.${second}.${third} has one part too many at character ${at + 1}`, at, 'a per-rollout value is strategy.result, or forecast.alternative.result for a way forward of the forecast');
    }
    const unitAt = at + FORECAST_PREFIX.length;
    if (!forecast) throw noForecast(`${FORECAST_PREFIX}${second}`);
    if (!alternatives.includes(second)) {
      const s = closest(second, [...alternatives]);
      const hint = second === forecast.inProgress
        ? `${second} is the plan in progress: its way forward is forecast.${CONTINUE_ALTERNATIVE} (alternatives: ${listWords([...alternatives])})`
        : context.strategies.includes(second)
          ? `${second} is a strategy but not one of the forecast's alternatives: ${listWords([...alternatives])} (add it to forecast: alternatives:)`
          : s ? `did you mean ${s}?` : `the forecast's alternatives: ${listWords([...alternatives])}`;
      throw new FormulaError(`unknown forecast alternative ${second} at character ${unitAt + 1}`, unitAt, hint);
    }
    return { prefix: `${FORECAST_PREFIX}${second}`, unit: second, forecast: true, at, nameAt: unitAt + second.length + 1 };
  }
  const nameAt = at + head.length + 1;
  // A strategy's name keeps meaning the strategy, so claims written before a forecast: section keep their meaning.
  if (context.strategies.includes(head)) return { prefix: head, unit: head, forecast: false, at, nameAt };
  if (alternatives.includes(head)) return { prefix: head, unit: head, forecast: true, at, nameAt };
  if (`${head}.` === FORECAST_PREFIX) {
    if (!forecast) throw noForecast(`${FORECAST_PREFIX}${second}`);
    throw new FormulaError(`${head}.${second} names no result at character ${at + 1}`, at, alternatives.includes(second) ? `e.g. forecast.${second}.sustained_share` : `write forecast.alternative.result, e.g. forecast.${alternatives[0] ?? CONTINUE_ALTERNATIVE}.sustained_share`);
  }
  if (head === CONTINUE_ALTERNATIVE && !forecast) throw noForecast(head);
  // Only alternatives that are not strategies can be written without forecast.: suggest those too.
  const candidates = [...context.strategies, ...alternatives.filter((a) => !context.strategies.includes(a))];
  const s = closest(head, candidates);
  throw new FormulaError(
    `unknown ${forecast ? 'strategy or forecast alternative' : 'strategy'} ${head} at character ${at + 1}`,
    at,
    s ? `did you mean ${s}?` : `strategies in this scenario: ${listWords([...context.strategies])}${forecast ? `; forecast alternatives: ${listWords([...alternatives])}` : ''}`,
  );
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export function exprVars(e: Expr): string[] {
  switch (e.k) {
    case 'num':
      return [];
    case 'var':
      return [e.name];
    case 'neg':
    case 'not':
      return exprVars(e.a);
    case 'fn':
      return e.args.flatMap(exprVars);
    case 'op':
      return [...exprVars(e.a), ...exprVars(e.b)];
  }
}

function renameVars(e: Expr, f: (name: string) => string): Expr {
  switch (e.k) {
    case 'num':
      return e;
    case 'var':
      return { k: 'var', name: f(e.name) };
    case 'neg':
    case 'not':
      return { k: e.k, a: renameVars(e.a, f) };
    case 'fn':
      return { k: 'fn', name: e.name, args: e.args.map((a) => renameVars(a, f)) };
    case 'op':
      return { k: 'op', op: e.op, a: renameVars(e.a, f), b: renameVars(e.b, f) };
  }
}

function containsTruth(e: Expr): boolean {
  switch (e.k) {
    case 'num':
    case 'var':
      return false;
    case 'not':
      return true;
    case 'neg':
      return containsTruth(e.a);
    case 'fn':
      return e.args.some(containsTruth);
    case 'op':
      return TRUTH_OPS.has(e.op) || containsTruth(e.a) || containsTruth(e.b);
  }
}

/** The value of one side of a claim, given each aggregate's value. */
export function evaluateSide(side: Expr, aggregateValues: ArrayLike<number>): number {
  const vars: Record<string, number> = {};
  for (let i = 0; i < aggregateValues.length; i++) vars[`#${i}`] = aggregateValues[i]!;
  return evaluateExpr(side, vars);
}

/** Does `value op threshold` hold? */
export function holds(value: number, op: ClaimOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

/** `a op b` seen from b: `3 < P(x)` is `P(x) > 3`. */
export function flip(op: ClaimOp): ClaimOp {
  return op === '<' ? '>' : op === '<=' ? '>=' : op === '>' ? '<' : '<=';
}
