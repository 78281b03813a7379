import { randomUUID } from 'node:crypto';
import { optionsOf } from '../../../config/plan/types.js';
import type { LogEvent, LogRecord } from '../../../engine/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { setField } from '../../../parsers/runtime/types.js';
import definition, { type KeyPattern, type RecordModifierRecord } from './index.js';

interface Pattern {
  readonly key: string;
  readonly prefix: boolean;
}

function matchesAny(key: string, patterns: readonly Pattern[]): boolean {
  const lower = key.toLowerCase();
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    if (p.prefix ? lower.startsWith(p.key) : lower === p.key) return true;
  }
  return false;
}

/**
 * Fluent Bit's record_modifier (`plugins/filter_record_modifier/filter_modifier.c`): Remove_key or
 * Allowlist_key (case-insensitive, trailing `*` = prefix), then every `Record` appended as a string,
 * then `UUID_key`. Fluent Bit appends a Record key even when the record has it (a duplicate key, the
 * last one read by lookups); a JS record holds one, so the key is moved to the end with the new value.
 * A record left with no key is dropped, as Fluent Bit skips encoding it.
 */
export class RecordModifierFilter implements FilterRuntime {
  private readonly records: readonly RecordModifierRecord[];
  private readonly patterns: readonly Pattern[];
  private readonly remove: boolean;
  private readonly uuidKey: string | undefined;

  constructor(ctx: FilterContext) {
    const o = optionsOf(ctx.instance, definition);
    this.records = o.record;
    this.remove = o.remove_key.length > 0;
    const list: readonly KeyPattern[] = this.remove ? o.remove_key : o.allowlist_key;
    this.patterns = list.map((p) => ({ key: p.key.toLowerCase(), prefix: p.prefix }));
    this.uuidKey = o.uuid_key;
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const { records, patterns, remove, uuidKey } = this;
    let out: LogEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const record: LogRecord = e.record;
      let removed = false;
      if (patterns.length > 0) {
        for (const k in record) {
          if (matchesAny(k, patterns) === remove) {
            delete record[k];
            removed = true;
          }
        }
      }
      for (let r = 0; r < records.length; r++) {
        const rec = records[r]!;
        if (Object.hasOwn(record, rec.key)) delete record[rec.key];
        setField(record, rec.key, rec.value);
      }
      if (uuidKey !== undefined) {
        if (Object.hasOwn(record, uuidKey)) delete record[uuidKey];
        setField(record, uuidKey, randomUUID());
      }
      const drop = removed && records.length === 0 && uuidKey === undefined && isEmpty(record);
      if (drop) out ??= events.slice(0, i);
      else out?.push(e);
    }
    return out ?? events;
  }
}

function isEmpty(record: LogRecord): boolean {
  for (const _ in record) return false;
  return true;
}
