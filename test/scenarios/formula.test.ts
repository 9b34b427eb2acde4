import { describe, expect, it } from 'vitest';
import { conditionVariableNames } from '../../src/model/plan.ts';
import { FormulaError, compileFormula, evaluateExpr, scheduleTable } from '../../src/scenarios/formula.ts';

const condition = (text: string, waves = 2) => compileFormula(text, { variables: conditionVariableNames(waves), kind: 'condition' });

function formulaError(fn: () => unknown): FormulaError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FormulaError) return err;
    throw err;
  }
  expect.fail('expected a FormulaError');
}

describe('conditions', () => {
  it('compile comparisons joined by and/or/not into an expression tree', () => {
    expect(condition('not (week < 4) or active_share > 0.5')).toEqual({
      k: 'op', op: 'or',
      a: { k: 'not', a: { k: 'op', op: '<', a: { k: 'var', name: 'week' }, b: { k: 'num', v: 4 } } },
      b: { k: 'op', op: '>', a: { k: 'var', name: 'active_share' }, b: { k: 'num', v: 0.5 } },
    });
  });

  it('read pilot.x and waveK.x as single variable names', () => {
    const e = condition('pilot.weeks_open >= 8 and wave1.active_share >= 0.3');
    expect(JSON.stringify(e)).toContain('"name":"pilot.weeks_open"');
    expect(JSON.stringify(e)).toContain('"name":"wave1.active_share"');
  });

  it('evaluate to 1 when they hold and 0 otherwise', () => {
    const e = condition('week >= 12 and pilot.active_share >= 0.4');
    expect(evaluateExpr(e, { week: 12, 'pilot.active_share': 0.5 })).toBe(1);
    expect(evaluateExpr(e, { week: 11, 'pilot.active_share': 0.5 })).toBe(0);
  });

  it('accept the whitelisted functions and unary minus', () => {
    const e = condition('max(active_share, -0.1) >= round(sqrt(0.04) * 10) / 10');
    expect(evaluateExpr(e, { active_share: 0.2 })).toBe(1);
  });

  it('refuse variables outside the list, with the position of the name', () => {
    const err = formulaError(() => condition('week > 2 and wave5.open'));
    expect(err.message).toBe('unknown variable wave5.open at character 14');
    expect(err.offset).toBe(13);
  });

  it('refuse a formula that gives a number instead of true or false', () => {
    expect(formulaError(() => condition('week + 1')).message).toMatch(/must compare something/);
  });

  it('refuse property access that is not a plain dotted name', () => {
    expect(formulaError(() => condition('pilot["active_share"] > 0')).message).toMatch(/not allowed/);
  });

  it('refuse wrong numbers of function arguments', () => {
    expect(formulaError(() => condition('sqrt(week, 2) > 1')).message).toBe('sqrt takes 1 argument, got 2');
  });
});

describe('schedules', () => {
  it('tabulate one value per week from 0 to the horizon', () => {
    expect(scheduleTable('min(40, 5 * week)', 10)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 40, 40]);
  });

  it('stay a number when they do not depend on the week', () => {
    expect(scheduleTable('2 * 20', 10)).toBe(40);
  });

  it('may only use week', () => {
    expect(formulaError(() => scheduleTable('active_share * 100', 10)).message).toBe('unknown variable active_share at character 1');
  });

  it('refuse values that are not finite', () => {
    expect(formulaError(() => scheduleTable('10 / week', 10)).message).toBe('the formula gives Infinity at week 0');
  });

  it('refuse a comparison, which is not a number per week', () => {
    expect(formulaError(() => scheduleTable('week > 4', 10)).message).toMatch(/not true or false/);
  });

  it('point at the character where parsing stopped', () => {
    const err = formulaError(() => scheduleTable('min(40, 5 * week', 10));
    expect(err.offset).toBe(16);
    expect(err.message).toBe('cannot read the formula: Parenthesis ) expected at character 17');
  });
});

describe('formulas under random input', () => {
  it('either compile or throw a FormulaError with an offset inside the text', async () => {
    const fc = (await import('fast-check')).default;
    const pieces = ['week', 'active_share', 'pilot.active_share', 'wave1.open', 'min', 'max', 'log', '(', ')', ',', '+', '-', '*', '/', '^', '<', '>=', '==', '!=', 'and', 'or', 'not', '1', '0.5', '1e3', ' ', '[', ']', '{', '}', '=', '?', ':', ';', '"', "'", '.', 'evaluate', 'import', 'x', '\n', '!', '%', 'mod', 'true'];
    const formula = fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((p) => p.join(''));
    fc.assert(
      fc.property(formula, fc.boolean(), (text, asCondition) => {
        try {
          if (asCondition) compileFormula(text, { variables: conditionVariableNames(2), kind: 'condition' });
          else scheduleTable(text, 5);
        } catch (err) {
          if (!(err instanceof FormulaError)) throw err;
          expect(err.offset).toBeGreaterThanOrEqual(0);
          expect(err.offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});
