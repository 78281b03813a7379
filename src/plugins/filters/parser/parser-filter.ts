import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterBytePath, FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { createParser, type RecordParser } from '../../../parsers/runtime/index.js';
import { setField } from '../../../parsers/runtime/types.js';
import { parseRecordAccessor, readAccessor, type RecordAccessor } from '../../../record/accessor.js';
import type { ParserOptions } from './options.js';

/**
 * Fluent Bit's parser filter (`plugins/filter_parser/filter_parser.c`): the first parser that reads
 * the Key_Name string wins; parsed fields come first, then (Reserve_Data) the other fields in their
 * order, without Key_Name unless Preserve_Key; Preserve_Key alone keeps only Key_Name after the
 * parsed fields. A Key_Name written as a record accessor (`$a['b']`) is never removed (as in Fluent Bit).
 */
export class ParserFilter implements FilterRuntime {
  private readonly parsers: RecordParser[] = [];
  private readonly key: string;
  private readonly accessor: RecordAccessor | undefined;
  private readonly reserve: boolean;
  private readonly preserve: boolean;
  /** One json parser, a plain Key_Name and no Preserve_Key: the merge of a JSON object's members. */
  readonly bytePath: FilterBytePath | undefined;

  constructor(
    o: ParserOptions,
    private readonly ctx: FilterContext,
  ) {
    this.key = o.key_name;
    if (o.key_name.startsWith('$')) {
      const acc = parseRecordAccessor(o.key_name);
      if (acc.ok) this.accessor = acc.accessor;
    }
    this.reserve = o.reserve_data;
    this.preserve = o.preserve_key;
    for (const name of o.parser) {
      const plan = ctx.parsers.parsers.get(name) ?? ctx.parsers.parsers.get(name.toLowerCase());
      if (plan) this.parsers.push(createParser(plan));
      else ctx.log.warn(`parser '${name}' is not defined; it is skipped`);
    }
    const verbatim = this.parsers.length === 1 ? this.parsers[0]!.verbatimJson : undefined;
    if (verbatim !== undefined && this.accessor === undefined && !this.preserve) {
      this.bytePath = { kind: 'json-field', key: this.key, reserveData: this.reserve, objectPathKeys: verbatim.unlessKeys, maxDepth: verbatim.maxDepth };
    }
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const parsers = this.parsers;
    const key = this.key;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const original = e.record;
      const text = this.accessor ? readAccessor(original, this.accessor) : Object.hasOwn(original, key) ? original[key] : undefined;
      if (typeof text !== 'string') continue;
      let parsed: LogRecord | undefined;
      let time = e.time;
      for (let p = 0; p < parsers.length; p++) {
        const parser = parsers[p]!;
        try {
          parsed = parser.parseRecord(text, e.time);
        } catch {
          parsed = undefined;
          this.ctx.counters.add('errors');
        }
        if (parsed !== undefined) {
          time = parser.time;
          break;
        }
      }
      if (parsed === undefined) continue;
      if (this.reserve) {
        const dropKey = this.accessor === undefined && !this.preserve;
        for (const k in original) if (!(dropKey && k === key)) setField(parsed, k, original[k]);
      } else if (this.preserve && this.accessor === undefined) {
        setField(parsed, key, text);
      }
      e.record = parsed;
      if (time !== 0n) e.time = time;
    }
    return events;
  }
}
