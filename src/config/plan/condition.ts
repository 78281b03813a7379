/**
 * The `condition` of a YAML processor (`src/flb_processor.c` flb_processor_unit_set_condition) and
 * of a conditional route (`src/flb_router_config.c` parse_condition): `op` and/or over `rules`, each
 * a record accessor `field`, an operator and a value. Read from the nested YAML text the reader
 * keeps (every scalar a string, as Fluent Bit's YAML reader gives them).
 */
import { parseDocument } from 'yaml';
import type { DiagnosticInit, Span } from '../../diagnostics/diagnostic.js';
import { compileRegex, type CompiledRegex } from '../../parsers/regex.js';
import { parseRecordAccessor, type RecordAccessor } from '../../record/accessor.js';

export const CONDITION_OPS = ['eq', 'neq', 'gt', 'lt', 'gte', 'lte', 'regex', 'not_regex', 'in', 'not_in'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** Where a rule looks: the record (body), or its metadata (logferry records carry none: an empty map). */
export type ConditionContext = 'body' | 'metadata' | 'other';

export type ConditionRule =
  | { readonly op: 'eq' | 'neq'; readonly field: RuleField; readonly context: ConditionContext; readonly value: string }
  | { readonly op: 'gt' | 'lt' | 'gte' | 'lte'; readonly field: RuleField; readonly context: ConditionContext; readonly value: number }
  | { readonly op: 'regex' | 'not_regex'; readonly field: RuleField; readonly context: ConditionContext; readonly value: CompiledRegex }
  | { readonly op: 'in' | 'not_in'; readonly field: RuleField; readonly context: ConditionContext; readonly value: readonly string[] };

/** A rule's field: a record accessor, or (written without `$`) a literal text Fluent Bit compares as is. */
export type RuleField = { readonly accessor: RecordAccessor } | { readonly literal: string };

export interface Condition {
  readonly op: 'and' | 'or';
  readonly rules: readonly ConditionRule[];
  /** Routes only: the route takes the records no other conditional route took. */
  readonly isDefault: boolean;
  /**
   * Routes only: a rule's field is no record accessor Fluent Bit can compile; it starts, and the
   * route's condition never holds (route_condition_compile fails at the first record).
   */
  readonly never?: boolean;
}

/** Which reader's rules apply: a processor's (flb_processor.c) or a route's (flb_router_config.c). */
export type ConditionOwner = 'processor' | 'route';

/** Parses a nested YAML map (as the reader keeps it) into plain values: strings, lists and maps. */
export function plainYaml(text: string): unknown {
  return parseDocument(text, { schema: 'failsafe' }).toJS() as unknown;
}

/**
 * A condition map, or undefined with the reasons reported at `span` (Fluent Bit refuses to start
 * with such a condition: "invalid condition operator", "rule missing 'op' property", ...).
 */
export function parseCondition(value: unknown, owner: ConditionOwner, span: Span, report: (d: DiagnosticInit) => void): Condition | undefined {
  const fail = (message: string, hint?: string): undefined => {
    report({ code: 'invalid-value', message: `${owner} condition: ${message}`, span, hint });
    return undefined;
  };
  if (!isRecord(value)) return fail('must be a map with op and rules');
  const opText = value['op'];
  let op: 'and' | 'or' = 'and';
  if (opText !== undefined) {
    const lower = typeof opText === 'string' ? opText.toLowerCase() : '';
    if (lower !== 'and' && lower !== 'or') return fail(`invalid operator '${String(opText)}', must be 'and' or 'or'`);
    op = lower;
  }
  let isDefault = false;
  if (value['default'] !== undefined) {
    if (owner === 'processor') return fail("'default' is a route key; a processor condition has op and rules only");
    const b = parseBool(value['default']);
    if (b === undefined) return fail(`'default' must be true or false, not '${String(value['default'])}'`);
    isDefault = b;
  }
  const rulesValue = value['rules'];
  const rules: ConditionRule[] = [];
  let never = false;
  if (rulesValue !== undefined) {
    if (!Array.isArray(rulesValue)) return fail("'rules' must be a list of maps with field, op and value");
    for (const [i, item] of rulesValue.entries()) {
      const rule = parseRule(item, owner, (m, h) => fail(`rule ${i + 1}: ${m}`, h));
      if (rule === 'never') {
        report({ code: 'invalid-value', severity: 'warning', message: `${owner} condition: rule ${i + 1}: the field is not a record accessor Fluent Bit can compile; it starts, and this route never takes a record`, span });
        never = true;
        continue;
      }
      if (!rule) return undefined;
      rules.push(rule);
    }
  }
  if (rules.length === 0 && !(owner === 'route' && isDefault)) {
    return fail(owner === 'route' ? "needs 'rules' (or 'default: true')" : "needs a non-empty 'rules' list");
  }
  return never ? { op, rules, isDefault, never } : { op, rules, isDefault };
}

function parseRule(item: unknown, owner: ConditionOwner, fail: (message: string, hint?: string) => undefined): ConditionRule | 'never' | undefined {
  if (!isRecord(item)) return fail('must be a map with field, op and value');
  const fieldText = item['field'];
  const opText = item['op'];
  if (typeof fieldText !== 'string') return fail("missing 'field'");
  if (typeof opText !== 'string') return fail("missing 'op'");
  const op = CONDITION_OPS.find((o) => o === opText.toLowerCase());
  if (!op) return fail(`invalid operator '${opText}'`, `use one of ${CONDITION_OPS.join(', ')}`);
  const field = parseField(fieldText);
  if ('message' in field) return owner === 'route' ? 'never' : fail(field.message);
  const context = parseContext(item['context'], owner);
  if (context === undefined) return fail(`unknown context '${String(item['context'])}'`);
  const raw = item['value'];
  if (raw === undefined) return fail("missing 'value'");
  if (op === 'in' || op === 'not_in') {
    if (!Array.isArray(raw) || raw.length === 0) return fail(`'${op}' needs a list of values`);
    if (raw.some((v) => typeof v !== 'string')) return fail('the values of the list must be plain values');
    return { op, field, context, value: raw as string[] };
  }
  if (typeof raw !== 'string') return fail(`'${op}' takes one value, not ${Array.isArray(raw) ? 'a list' : 'a map'}`);
  if (op === 'eq' || op === 'neq') {
    if (raw === '') return fail(`'${op}' needs a non-empty value`);
    return { op, field, context, value: raw };
  }
  if (op === 'regex' || op === 'not_regex') {
    const r = compileRegex(raw);
    if (!r.ok) return fail(`invalid regular expression '${raw}': ${r.message}`);
    return { op, field, context, value: r.regex };
  }
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n)) return fail(`'${op}' compares numbers; '${raw}' is not a number`);
  return { op, field, context, value: n };
}

function parseField(text: string): RuleField | { message: string } {
  if (!text.startsWith('$')) return { literal: text };
  // `$['key']...`: the top-level key quoted, so that it may hold dots (`$['service.name']`).
  const quoted = /^\$\['((?:[^']|'')*)'\](.*)$/.exec(text);
  if (quoted) {
    const rest = quoted[2]!;
    const r = rest === '' ? undefined : parseRecordAccessor(`$k${rest}`);
    if (r && !r.ok) return { message: r.message };
    return { accessor: { source: text, key: quoted[1]!.replace(/''/g, "'"), subkeys: r?.ok ? r.accessor.subkeys : [] } };
  }
  const r = parseRecordAccessor(text);
  return r.ok ? { accessor: r.accessor } : { message: r.message };
}

/** Processors read `metadata` and take anything else as the body; routes know more names. */
function parseContext(value: unknown, owner: ConditionOwner): ConditionContext | undefined {
  if (value === undefined) return 'body';
  const text = typeof value === 'string' ? value.toLowerCase() : '';
  if (text === 'metadata') return 'metadata';
  if (owner === 'processor') return 'body';
  if (['body', 'record', 'message', 'record_body'].includes(text)) return 'body';
  const others = ['group_metadata', 'group_attributes', 'group_body', 'otel_resource_attributes', 'otel_scope_attributes', 'otel_scope_name', 'otel_scope_version', 'otel_scope_metadata'];
  return others.includes(text) ? 'other' : undefined;
}

function parseBool(value: unknown): boolean | undefined {
  const text = typeof value === 'string' ? value.toLowerCase() : '';
  if (['true', 'on', 'yes'].includes(text)) return true;
  if (['false', 'off', 'no'].includes(text)) return false;
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
