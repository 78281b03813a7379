/**
 * Evaluates a processor or route condition on one record as `src/flb_conditionals.c` does: the
 * field is translated to text by the record accessor (a missing key is the empty text, numbers
 * are printed, floats with six decimals), then compared: eq/neq/in/not_in as text, gt/lt/gte/lte
 * as numbers (`atof` of the text), regex/not_regex as a search. `and` stops at the first false
 * rule, `or` at the first true one; a rule whose context does not exist fails under `and` and is
 * skipped under `or`.
 */
import { readAccessor } from '../../record/accessor.js';
import type { Condition, ConditionRule } from './condition.js';

/** A record as conditions read it (engine/event.ts LogRecord). */
type LogRecord = Readonly<Record<string, unknown>>;

const EMPTY: LogRecord = Object.freeze({});

export function evaluateCondition(condition: Condition, record: LogRecord): boolean {
  if (condition.never) return false;
  if (condition.rules.length === 0) return condition.op === 'and';
  let matched = false;
  for (const rule of condition.rules) {
    // logferry records carry no metadata: that context is an empty map, as Fluent Bit's is for them.
    const target = rule.context === 'body' ? record : rule.context === 'metadata' ? EMPTY : undefined;
    if (target === undefined) {
      if (condition.op === 'and') return false;
      continue;
    }
    const result = evaluateRule(rule, fieldText(rule, target));
    if (condition.op === 'and' && !result) return false;
    if (condition.op === 'or' && result) return true;
    matched ||= result;
  }
  return condition.op === 'or' ? matched : true;
}

function evaluateRule(rule: ConditionRule, text: string): boolean {
  switch (rule.op) {
    case 'eq':
      return text === rule.value;
    case 'neq':
      return text !== rule.value;
    case 'gt':
      return atof(text) > rule.value;
    case 'lt':
      return atof(text) < rule.value;
    case 'gte':
      return atof(text) >= rule.value;
    case 'lte':
      return atof(text) <= rule.value;
    case 'regex':
      return search(rule.value.regexp, text);
    case 'not_regex':
      return !search(rule.value.regexp, text);
    case 'in':
      return rule.value.includes(text);
    case 'not_in':
      return !rule.value.includes(text);
  }
}

/** `flb_cfl_ra_translate` of the rule's field. */
function fieldText(rule: ConditionRule, record: LogRecord): string {
  if ('literal' in rule.field) return rule.field.literal;
  return valueText(readAccessor(record, rule.field.accessor));
}

/** How the record accessor prints a value into text (maps and lists give nothing). */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  return '';
}

/** C `atof`: the longest numeric prefix, 0 when there is none. */
function atof(text: string): number {
  const n = Number.parseFloat(text);
  return Number.isNaN(n) ? 0 : n;
}

function search(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.test(text);
}
