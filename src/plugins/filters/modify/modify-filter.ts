import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterRuntime } from '../../../engine/plugin.js';
import { setField } from '../../../parsers/runtime/types.js';
import { readAccessor } from '../../../record/accessor.js';
import { ShapePlanner } from '../shared/shape-plan.js';
import type { ModifyCondition, ModifyProgram, ModifyRule } from './options.js';

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

/**
 * Fluent Bit's modify (`plugins/filter_modify/modify.c`): conditions on the record as it came, then
 * rules in file order. The rules look only at keys (names, prefixes, key regexes), never at values,
 * so they run once per record shape (`ShapePlanner`) and each changed record is then built in one
 * pass: no per-rule copies and no `delete`.
 */
export class ModifyFilter implements FilterRuntime {
  private readonly conditions: readonly ModifyCondition[];
  private readonly rules: readonly ModifyRule[];
  private readonly planner: ShapePlanner;

  /** `program`: the section's conditions and rules in file order (modifyProgram). */
  constructor(program: ModifyProgram) {
    this.conditions = program.conditions;
    this.rules = program.rules;
    this.planner = new ShapePlanner((shape) => applyRules(shape, program.rules));
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const { conditions, rules, planner } = this;
    if (rules.length === 0) return events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      let ok = true;
      for (let c = 0; c < conditions.length && ok; c++) ok = holds(e.record, conditions[c]!);
      if (ok) e.record = planner.apply(e.record);
    }
    return events;
  }
}
