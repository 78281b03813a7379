/**
 * Format `regex` (`flb_parser_regex_do`, `src/flb_parser_regex.c`, 4.2.8): the named groups of a
 * match become fields in the order the groups are written.
 * - A group that did not take part in the match is an empty value; `Skip_Empty_Values` (default
 *   on) drops empty values.
 * - The time field: on success it is removed unless `Time_Keep`; on failure it is dropped whatever
 *   `Time_Keep` says and the record gets the current time (a Fluent Bit quirk kept on purpose).
 * - `Types` convert the kept values; decoders run last.
 *
 * Without decoders, and with distinct group names, a record can also be written as bytes
 * (`encodeRecord`, the tail input's records when no filter runs): the same fields, no object.
 */
import type { ParserOptions } from '../../config/plan/types.js';
import type { LogRecord } from '../../record/event.js';
import { fieldsEncodable, type FieldsEncoder } from '../../record/fields-encoder.js';
import { RegexRunner } from '../regex-runner.js';
import { ParserBase } from './parser-base.js';
import { setField } from './types.js';

export class RegexParser extends ParserBase {
  readonly format = 'regex' as const;
  private readonly runner: RegexRunner | undefined;
  private readonly skipEmpty: boolean;
  readonly encodedKeys: readonly string[] | undefined;
  /** Index of the time field among the names (-1: none, or no Time_Format). */
  private readonly timeIndex: number;
  /** encodeRecord's values of one match (undefined: not written). */
  private readonly values: (string | undefined)[];

  constructor(name: string, options: ParserOptions) {
    super(name, options);
    this.runner = options.regex === undefined || options.regex.groupNames.length === 0 ? undefined : RegexRunner.of(options.regex);
    this.skipEmpty = options.skip_empty_values;
    const names = this.runner?.names ?? [];
    this.encodedKeys = this.runner !== undefined && this.decoders === undefined && fieldsEncodable(names) ? names : undefined;
    this.timeIndex = this.timeParser === undefined ? -1 : names.indexOf(this.timeKey);
    this.values = new Array<string | undefined>(names.length);
  }

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    const runner = this.runner;
    if (runner === undefined) return undefined;
    const m = runner.exec(text);
    if (m === null) return undefined;
    const record: LogRecord = {};
    this.time = now;
    const names = runner.names;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const value = runner.value(m, i);
      if (value.length === 0 && this.skipEmpty) continue;
      if (this.timeParser !== undefined && name === this.timeKey) {
        if (!this.lookupTime(value, now)) continue;
        if (!this.keepTime) continue;
      }
      setField(record, name, this.types === undefined ? value : this.types.cast(name, value));
    }
    if (this.decoders !== undefined) this.decoders.apply(record);
    return record;
  }

  encodeRecord(text: string, now: bigint, out: FieldsEncoder): boolean {
    const runner = this.runner;
    if (runner === undefined || this.encodedKeys === undefined) return false;
    const m = runner.exec(text);
    if (m === null) return false;
    this.time = now;
    const values = this.values;
    let units = 0;
    for (let i = 0; i < values.length; i++) {
      let value: string | undefined = runner.value(m, i);
      if (value.length === 0 && this.skipEmpty) value = undefined;
      else if (i === this.timeIndex && (!this.lookupTime(value, now) || !this.keepTime)) value = undefined;
      else units += value.length;
      values[i] = value;
    }
    out.begin(this.time, units);
    const types = this.types;
    const names = runner.names;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value === undefined) continue;
      const typed = types === undefined ? value : types.cast(names[i]!, value);
      if (typeof typed === 'string') out.string(i, typed);
      else out.json(i, JSON.stringify(typed));
    }
    return true;
  }
}
