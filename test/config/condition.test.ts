import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCondition, type Condition } from '../../src/config/plan/condition.js';
import { evaluateCondition, valueText } from '../../src/config/plan/evaluate-condition.js';
import type { DiagnosticInit, Span } from '../../src/diagnostics/diagnostic.js';

const SPAN: Span = { file: 'x.yaml', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } };

function condition(value: unknown, owner: 'processor' | 'route' = 'processor'): Condition {
  const problems: DiagnosticInit[] = [];
  const c = parseCondition(value, owner, SPAN, (d) => problems.push(d));
  if (!c) throw new Error(problems.map((p) => p.message).join('; '));
  return c;
}

function problemsOf(value: unknown, owner: 'processor' | 'route' = 'processor'): string[] {
  const problems: DiagnosticInit[] = [];
  parseCondition(value, owner, SPAN, (d) => problems.push(d));
  return problems.map((p) => p.message);
}

const rule = (field: string, op: string, value: unknown) => ({ field, op, value });

describe('processor and route conditions (flb_conditionals.c)', () => {
  it('compares the accessor text: numbers printed, a missing key is the empty text', () => {
    const record = { n: 5, f: 1.5, b: true, z: null, s: 'x', m: { k: 'v' } };
    expect(evaluateCondition(condition({ rules: [rule('$n', 'eq', '5')] }), record)).toBe(true);
    expect(evaluateCondition(condition({ rules: [rule('$f', 'eq', '1.500000')] }), record)).toBe(true);
    expect(evaluateCondition(condition({ rules: [rule('$b', 'eq', 'true')] }), record)).toBe(true);
    expect(evaluateCondition(condition({ rules: [rule('$z', 'eq', 'null')] }), record)).toBe(true);
    expect(evaluateCondition(condition({ rules: [rule("$m['k']", 'in', ['a', 'v'])] }), record)).toBe(true);
    expect(evaluateCondition(condition({ rules: [rule('$missing', 'neq', 'x')] }), record)).toBe(true);
    expect(evaluateCondition(condition({ rules: [rule('$missing', 'not_in', ['x'])] }), record)).toBe(true);
  });

  it('orders numbers as numbers (the documented behaviour, not 4.2.8 reading the value as a double pointer)', () => {
    const gt10 = condition({ rules: [rule('$n', 'gt', '10')] });
    expect(evaluateCondition(gt10, { n: 5 })).toBe(false);
    expect(evaluateCondition(gt10, { n: 11 })).toBe(true);
    expect(evaluateCondition(gt10, { n: '12abc' })).toBe(true);
    expect(evaluateCondition(gt10, { n: 'abc' })).toBe(false);
    expect(evaluateCondition(condition({ rules: [rule('$n', 'lte', '-1.5')] }), { n: -2 })).toBe(true);
  });

  it('searches with regex anywhere in the text; not_regex is its negation', () => {
    const re = condition({ rules: [rule('$msg', 'regex', 'err(or)?')] });
    const not = condition({ rules: [rule('$msg', 'not_regex', 'err(or)?')] });
    fc.assert(
      fc.property(fc.string(), (msg) => {
        expect(evaluateCondition(re, { msg })).toBe(/err(or)?/.test(msg));
        expect(evaluateCondition(not, { msg })).toBe(!/err(or)?/.test(msg));
      }),
    );
  });

  it('and holds when every rule does, or when one does', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), (wanted) => {
        const record = Object.fromEntries(wanted.map((w, i) => [`k${i}`, w ? 'yes' : 'no']));
        const rules = wanted.map((_w, i) => rule(`$k${i}`, 'eq', 'yes'));
        expect(evaluateCondition(condition({ op: 'and', rules }), record)).toBe(wanted.every(Boolean));
        expect(evaluateCondition(condition({ op: 'OR', rules }), record)).toBe(wanted.some(Boolean));
      }),
    );
  });

  it('a field without $ is a literal text; a metadata rule sees an empty map', () => {
    expect(evaluateCondition(condition({ rules: [rule('level', 'eq', 'level')] }), {})).toBe(true);
    expect(evaluateCondition(condition({ rules: [{ ...rule('$level', 'eq', 'x'), context: 'metadata' }] }), { level: 'x' })).toBe(false);
  });

  it('reports what Fluent Bit refuses at start', () => {
    expect(problemsOf({ op: 'xor', rules: [rule('$a', 'eq', '1')] })[0]).toMatch(/invalid operator 'xor'/);
    expect(problemsOf({ rules: [] })[0]).toMatch(/non-empty 'rules'/);
    expect(problemsOf({ rules: [rule('$a', 'in', 'x')] })[0]).toMatch(/'in' needs a list/);
    expect(problemsOf({ rules: [rule('$a', 'gt', 'ten')] })[0]).toMatch(/'ten' is not a number/);
    expect(problemsOf({ rules: [rule('$a', 'regex', '(')] })[0]).toMatch(/invalid regular expression/);
    expect(problemsOf({ rules: [{ field: '$a', op: 'eq' }] })[0]).toMatch(/missing 'value'/);
    expect(problemsOf({ default: 'true', rules: [rule('$a', 'eq', '1')] })[0]).toMatch(/'default' is a route key/);
    expect(problemsOf({ default: 'true' }, 'route')).toEqual([]);
    expect(problemsOf({ rules: [{ ...rule('$a', 'eq', '1'), context: 'nowhere' }] }, 'route')[0]).toMatch(/unknown context/);
  });

  it('prints floats with six decimals, as the record accessor does', () => {
    expect(valueText(0.1)).toBe('0.100000');
    expect(valueText([1])).toBe('');
  });
});
