import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { setField } from '../../../parsers/runtime/types.js';
import type { NestOptions, NestOperation, NestWildcard } from './options.js';

/** Sets a key at the end of the record (Fluent Bit would append a duplicate key, read last). */
function append(record: LogRecord, key: string, value: unknown): void {
  if (Object.hasOwn(record, key)) delete record[key];
  setField(record, key, value);
}

/**
 * Fluent Bit's nest (`plugins/filter_nest/nest.c`). nest: the keys matching a Wildcard move into a
 * map under Nest_under, placed after the other keys. lift: the map under Nested_under is replaced
 * by its entries, placed after the other keys; a non-map value there is left alone.
 * Add_prefix / Remove_prefix apply to the moved keys.
 */
export class NestFilter implements FilterRuntime {
  private readonly op: NestOperation;
  private readonly wildcards: readonly NestWildcard[];
  private readonly key: string;
  private readonly addPrefix: string | undefined;
  private readonly removePrefix: string | undefined;

  constructor(
    o: NestOptions,
    ctx: FilterContext,
  ) {
    this.op = o.operation;
    this.wildcards = o.wildcard;
    // Fluent Bit keeps one key for both options; the plan reports which one is used.
    this.key = (this.op === 'nest' ? (o.nest_under ?? o.nested_under) : (o.nested_under ?? o.nest_under)) ?? '';
    this.addPrefix = o.add_prefix;
    this.removePrefix = o.remove_prefix;
  }

  private rename(key: string): string {
    if (this.addPrefix !== undefined) return this.addPrefix + key;
    const p = this.removePrefix;
    if (p !== undefined && key.startsWith(p)) return key.slice(p.length);
    return key;
  }

  private toNest(key: string): boolean {
    const w = this.wildcards;
    for (let i = 0; i < w.length; i++) {
      const c = w[i]!;
      if (c.prefix ? key.startsWith(c.key) : key === c.key) return true;
    }
    return false;
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const nest = this.op === 'nest';
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      e.record = nest ? this.nest(e.record) : this.lift(e.record);
    }
    return events;
  }

  private nest(record: LogRecord): LogRecord {
    let inner: LogRecord | undefined;
    for (const k in record) {
      if (this.toNest(k)) {
        inner ??= {};
        append(inner, this.rename(k), record[k]);
      }
    }
    if (inner === undefined) return record;
    const rest: LogRecord = {};
    for (const k in record) if (!this.toNest(k)) setField(rest, k, record[k]);
    append(rest, this.key, inner);
    return rest;
  }

  private lift(record: LogRecord): LogRecord {
    const key = this.key;
    if (!Object.hasOwn(record, key)) return record;
    const inner = record[key];
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) return record;
    const out: LogRecord = {};
    for (const k in record) if (k !== key) setField(out, k, record[k]);
    for (const k in inner) append(out, this.rename(k), (inner as LogRecord)[k]);
    return out;
  }
}
