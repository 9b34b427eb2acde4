/** Conditions compiled once into flat trees over a context array, and evaluated without allocating. */
import { type BinaryOp, type Expr, type FunctionName, applyFunction, applyOperator } from './plan.ts';

export type CompiledExpr =
  | { k: 'num'; v: number }
  | { k: 'var'; i: number }
  | { k: 'op'; op: BinaryOp; a: CompiledExpr; b: CompiledExpr }
  | { k: 'not' | 'neg'; a: CompiledExpr }
  | { k: 'fn'; name: FunctionName; args: CompiledExpr[] };

export function compile(expr: Expr, names: string[]): CompiledExpr {
  switch (expr.k) {
    case 'num':
      return expr;
    case 'var': {
      const i = names.indexOf(expr.name);
      if (i < 0) throw new RangeError(`unknown condition variable "${expr.name}"; known: ${names.join(', ')}`);
      return { k: 'var', i };
    }
    case 'op':
      return { k: 'op', op: expr.op, a: compile(expr.a, names), b: compile(expr.b, names) };
    case 'not':
    case 'neg':
      return { k: expr.k, a: compile(expr.a, names) };
    case 'fn':
      return { k: 'fn', name: expr.name, args: expr.args.map((x) => compile(x, names)) };
  }
}

/** Evaluates a compiled condition; booleans are 1 and 0. Once a week per pending intervention. */
export function evaluate(e: CompiledExpr, context: Float64Array): number {
  switch (e.k) {
    case 'num':
      return e.v;
    case 'var':
      return context[e.i]!;
    case 'not':
      return evaluate(e.a, context) === 0 ? 1 : 0;
    case 'neg':
      return -evaluate(e.a, context);
    case 'op': {
      const a = evaluate(e.a, context);
      // Short-circuit, so a condition's later clauses cost nothing once decided.
      if (e.op === 'and' && a === 0) return 0;
      if (e.op === 'or' && a !== 0) return 1;
      return applyOperator(e.op, a, evaluate(e.b, context));
    }
    case 'fn':
      return applyFunction(e.name, e.args.map((arg) => evaluate(arg, context)));
  }
}
