import type { LogEvent, LogRecord } from '../../../engine/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { setField } from '../../../parsers/runtime/types.js';
import { readAccessor } from '../shared/accessor.js';
import { modifyProgram, type ModifyCondition, type ModifyRule } from './index.js';

/** `helper_msgpack_object_matches_regex`: strings as they are, booleans as `true`/`false`, nothing else. */
function valueMatches(value: unknown, regexp: RegExp): boolean {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else return false;
  regexp.lastIndex = 0;
  return regexp.test(text);
}

function keyMatches(key: string, regexp: RegExp): boolean {
  regexp.lastIndex = 0;
  return regexp.test(key);
}

function anyKeyMatches(record: LogRecord, regexp: RegExp): boolean {
  for (const k in record) if (keyMatches(k, regexp)) return true;
  return false;
}

function holds(record: LogRecord, c: ModifyCondition): boolean {
  switch (c.type) {
    case 'key_exists':
      return readAccessor(record, c.key) !== undefined;
    case 'key_does_not_exist':
      return readAccessor(record, c.key) === undefined;
    case 'a_key_matches':
      return anyKeyMatches(record, c.keyRegex.regexp);
    case 'no_key_matches':
      return !anyKeyMatches(record, c.keyRegex.regexp);
    case 'key_value_equals':
      return readAccessor(record, c.key) === c.value;
    case 'key_value_does_not_equal': {
      const v = readAccessor(record, c.key);
      return v !== undefined && v !== c.value;
    }
    case 'key_value_matches': {
      const v = readAccessor(record, c.key);
      return v !== undefined && valueMatches(v, c.valueRegex.regexp);
    }
    case 'key_value_does_not_match': {
      const v = readAccessor(record, c.key);
      return v !== undefined && !valueMatches(v, c.valueRegex.regexp);
    }
    case 'matching_keys_have_matching_values':
    case 'matching_keys_do_not_have_matching_values': {
      let all = true;
      for (const k in record) {
        if (keyMatches(k, c.keyRegex.regexp) && !valueMatches(record[k], c.valueRegex.regexp)) {
          all = false;
          break;
        }
      }
      return c.type === 'matching_keys_have_matching_values' ? all : !all;
    }
  }
}

/**
 * Applies one rule (`apply_rule_*` in modify.c) and returns the record to continue with: the same
 * object when changed in place or untouched, a new one when key order changes.
 */
function apply(record: LogRecord, rule: ModifyRule): LogRecord {
  const has = Object.hasOwn(record, rule.key);
  switch (rule.op) {
    case 'set':
      // Fluent Bit drops the existing key and appends KEY VALUE at the end.
      if (has) delete record[rule.key];
      setField(record, rule.key, rule.value);
      return record;
    case 'add':
      if (!has) setField(record, rule.key, rule.value);
      return record;
    case 'remove':
      if (has) delete record[rule.key];
      return record;
    case 'remove_wildcard':
      for (const k in record) if (k.startsWith(rule.key)) delete record[k];
      return record;
    case 'remove_regex':
      for (const k in record) if (keyMatches(k, rule.regex.regexp)) delete record[k];
      return record;
    case 'move_to_start':
    case 'move_to_end': {
      const moved: string[] = [];
      const rest: string[] = [];
      for (const k in record) (k.startsWith(rule.key) ? moved : rest).push(k);
      if (moved.length === 0) return record;
      return rebuild(record, rule.op === 'move_to_start' ? [...moved, ...rest] : [...rest, ...moved]);
    }
    case 'rename':
    case 'hard_rename': {
      if (!has) return record;
      const conflict = Object.hasOwn(record, rule.to);
      if (conflict && rule.op === 'rename') return record;
      if (rule.to === rule.key) {
        // Hard_rename onto itself: modify.c skips every pair named like the target, so the key goes.
        delete record[rule.key];
        return record;
      }
      const out: LogRecord = {};
      for (const k in record) {
        if (k === rule.key) setField(out, rule.to, record[k]);
        else if (k !== rule.to) setField(out, k, record[k]);
      }
      return out;
    }
    case 'copy':
    case 'hard_copy': {
      if (!has) return record;
      const conflict = Object.hasOwn(record, rule.to);
      if (conflict && (rule.op === 'copy' || rule.to === rule.key)) return record;
      const out: LogRecord = {};
      for (const k in record) {
        if (k === rule.to) continue;
        setField(out, k, record[k]);
        if (k === rule.key) setField(out, rule.to, record[k]);
      }
      return out;
    }
  }
}

/** Applies the rules one after another to a record (may change it in place, or return a new one). */
export function applyRules(record: LogRecord, rules: readonly ModifyRule[]): LogRecord {
  for (let r = 0; r < rules.length; r++) record = apply(record, rules[r]!);
  return record;
}

function rebuild(record: LogRecord, keys: readonly string[]): LogRecord {
  const out: LogRecord = {};
  for (let i = 0; i < keys.length; i++) setField(out, keys[i]!, record[keys[i]!]);
  return out;
}

/** Stands for the value of an input key while the rules run on a record shape. */
class Source {
  constructor(readonly key: string) {}
}

/**
 * What the rules do to every record with one key sequence. The rules look only at keys (names,
 * prefixes, key regexes), never at values, so their effect on a shape is fixed: each output key
 * takes the value of an input key or a constant (Set/Add). A changed record is a copy of
 * `template` (output keys in order, constants filled in) with the input values stored into it.
 */
interface ShapePlan {
  /** The input keys in order, to recognise a record of this shape without allocating. */
  readonly keys: readonly string[];
  /** Undefined when the rules change nothing for this shape. */
  readonly template: LogRecord | undefined;
  /** Output keys that take an input key's value, and those input keys. */
  readonly to: readonly string[];
  readonly from: readonly string[];
  /** An output key is `__proto__`, which a plain assignment would not create. */
  readonly proto: boolean;
}

/** Runs the rules once on a record whose values stand for its keys, and reads off the plan. */
function planShape(keys: readonly string[], rules: readonly ModifyRule[]): ShapePlan {
  const input: LogRecord = {};
  for (let i = 0; i < keys.length; i++) setField(input, keys[i]!, new Source(keys[i]!));
  const shape = applyRules(input, rules);
  const out = Object.keys(shape);
  const source = (k: string): string | undefined => (shape[k] instanceof Source ? (shape[k] as Source).key : undefined);
  const unchanged = out.length === keys.length && out.every((k, i) => k === keys[i] && source(k) === k);
  const template: LogRecord = {};
  const to: string[] = [];
  const from: string[] = [];
  for (const k of out) {
    const src = source(k);
    setField(template, k, src === undefined ? shape[k] : undefined);
    if (src !== undefined) {
      to.push(k);
      from.push(src);
    }
  }
  return { keys, template: unchanged ? undefined : template, to, from, proto: out.includes('__proto__') };
}

/** Whether the record's keys are exactly `keys`, in order (without allocating). */
function hasKeys(record: LogRecord, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in record) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/** Plans kept per filter; past this, the oldest is forgotten (records with ever-new key sets). */
const MAX_PLANS = 256;
/** Plans tried in turn before the lookup by key list (which allocates). */
const RECENT = 4;

/**
 * Fluent Bit's modify (`plugins/filter_modify/modify.c`): conditions on the record as it came, then
 * rules in file order. The rules run once per record shape (`ShapePlan`); each changed record is
 * then one new object, built in one pass (no per-rule copies, no `delete`).
 */
export class ModifyFilter implements FilterRuntime {
  private readonly conditions: readonly ModifyCondition[];
  private readonly rules: readonly ModifyRule[];
  private readonly plans = new Map<string, ShapePlan>();
  private readonly recent: ShapePlan[] = [];

  constructor(ctx: FilterContext) {
    const program = modifyProgram(ctx.instance.entries);
    this.conditions = program.conditions;
    this.rules = program.rules;
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const { conditions, rules } = this;
    if (rules.length === 0) return events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const record = e.record;
      let ok = true;
      for (let c = 0; c < conditions.length && ok; c++) ok = holds(record, conditions[c]!);
      if (!ok) continue;
      const plan = this.planFor(record);
      if (plan.template === undefined) continue;
      const next = { ...plan.template };
      const { to, from } = plan;
      if (plan.proto) for (let k = 0; k < to.length; k++) setField(next, to[k]!, record[from[k]!]);
      else for (let k = 0; k < to.length; k++) next[to[k]!] = record[from[k]!];
      e.record = next;
    }
    return events;
  }

  private planFor(record: LogRecord): ShapePlan {
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) if (hasKeys(record, recent[i]!.keys)) return recent[i]!;
    const keys = Object.keys(record);
    const id = JSON.stringify(keys);
    let plan = this.plans.get(id);
    if (plan === undefined) {
      plan = planShape(keys, this.rules);
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(id, plan);
    }
    recent.unshift(plan);
    if (recent.length > RECENT) recent.pop();
    return plan;
  }
}
