import { randomUUID } from 'node:crypto';
import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { setField } from '../../../parsers/runtime/types.js';
import { ShapePlanner } from '../shared/shape-plan.js';
import type { RecordModifierOptions, KeyPattern } from './options.js';

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
 * A record left with no key is dropped, as Fluent Bit skips encoding it. All of this depends on the
 * keys only, so it is planned once per record shape (`ShapePlanner`); the UUID is filled in per record.
 */
export class RecordModifierFilter implements FilterRuntime {
  private readonly uuidKey: string | undefined;
  private readonly planner: ShapePlanner;

  constructor(
    o: RecordModifierOptions,
    ctx: FilterContext,
  ) {
    const records = o.record;
    const remove = o.remove_key.length > 0;
    const list: readonly KeyPattern[] = remove ? o.remove_key : o.allowlist_key;
    const patterns: readonly Pattern[] = list.map((p) => ({ key: p.key.toLowerCase(), prefix: p.prefix }));
    const uuidKey = o.uuid_key;
    this.uuidKey = uuidKey;
    this.planner = new ShapePlanner((shape) => {
      if (patterns.length > 0) for (const k in shape) if (matchesAny(k, patterns) === remove) delete shape[k];
      for (let r = 0; r < records.length; r++) {
        const rec = records[r]!;
        if (Object.hasOwn(shape, rec.key)) delete shape[rec.key];
        setField(shape, rec.key, rec.value);
      }
      if (uuidKey !== undefined) {
        if (Object.hasOwn(shape, uuidKey)) delete shape[uuidKey];
        setField(shape, uuidKey, '');
      }
      return shape;
    });
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const { planner, uuidKey } = this;
    let out: LogEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const record = e.record;
      const next = planner.apply(record);
      if (uuidKey !== undefined) setField(next, uuidKey, randomUUID());
      // Only removing keys makes a new, empty record from one that had keys.
      if (next !== record && isEmpty(next)) {
        out ??= events.slice(0, i);
        continue;
      }
      e.record = next;
      out?.push(e);
    }
    return out ?? events;
  }
}

function isEmpty(record: LogRecord): boolean {
  for (const _ in record) return false;
  return true;
}
