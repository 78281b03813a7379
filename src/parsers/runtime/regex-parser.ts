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
import { WordView } from '../../record/encoded.js';
import { fieldsEncodable, type FieldsEncoder } from '../../record/fields-encoder.js';
import { spanStarts } from '../capture-spans.js';
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
  /** encodeRecord's capture starts of one match (the runner's spans). */
  private readonly starts: Int32Array;
  /** The DataView of the bytes encodeRecord was given. */
  private readonly words = new WordView();

  constructor(name: string, options: ParserOptions) {
    super(name, options);
    this.runner = options.regex === undefined || options.regex.groupNames.length === 0 ? undefined : RegexRunner.of(options.regex);
    this.skipEmpty = options.skip_empty_values;
    const names = this.runner?.names ?? [];
    this.encodedKeys = this.runner !== undefined && this.decoders === undefined && fieldsEncodable(names) ? names : undefined;
    this.timeIndex = this.timeParser === undefined ? -1 : names.indexOf(this.timeKey);
    this.values = new Array<string | undefined>(names.length);
    this.starts = new Int32Array(this.runner?.spans?.refs.length ?? 0);
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

  encodeRecord(text: string, now: bigint, out: FieldsEncoder, bytes?: Buffer, at = 0): boolean {
    const runner = this.runner;
    if (runner === undefined || this.encodedKeys === undefined) return false;
    if (bytes !== undefined && runner.spans !== undefined) return this.encodeSpans(runner, text, now, out, bytes, at);
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

  /**
   * encodeRecord of a line whose units are the bytes at bytes[at...] wherever those are ASCII: the
   * runner's spans pattern tells where each capture starts, and string values are copied from the
   * bytes (FieldsEncoder.bytes) instead of read unit by unit.
   */
  private encodeSpans(runner: RegexRunner, line: string, now: bigint, out: FieldsEncoder, bytes: Buffer, at: number): boolean {
    const m = runner.execSpans(line);
    if (m === null) return false;
    const spans = runner.spans!;
    const starts = this.starts;
    spanStarts(spans, m, starts);
    const indices = runner.spanIndices!;
    const skipEmpty = this.skipEmpty;
    this.time = now;
    // The time first (the record starts with it); its value is dropped when it does not parse.
    const timeIndex = this.timeIndex;
    let timeWritten = false;
    if (timeIndex >= 0) {
      const n = indices[timeIndex]!;
      const value = m[n] ?? '';
      timeWritten = !(value.length === 0 && skipEmpty) && this.spanTime(value, bytes, at + starts[n]!, now) && this.keepTime;
    }
    // Every value is a part of the line, and at most `depth` of them hold one same character.
    out.begin(this.time, line.length * spans.depth);
    const types = this.types;
    const names = runner.names;
    for (let i = 0; i < indices.length; i++) {
      const n = indices[i]!;
      const value = m[n] ?? '';
      if (i === timeIndex ? !timeWritten : value.length === 0 && skipEmpty) continue;
      const typed = types === undefined ? value : types.cast(names[i]!, value);
      if (typed === value) out.bytes(i, bytes, at + starts[n]!, value);
      else if (typeof typed === 'string') out.string(i, typed);
      else out.json(i, JSON.stringify(typed));
    }
    return true;
  }

  /** lookupTime of the time value at bytes[from...] (compared by its bytes when it can be). */
  private spanTime(value: string, bytes: Buffer, from: number, now: bigint): boolean {
    if (from + value.length + 3 >= bytes.length) return this.lookupTime(value, now);
    return this.lookupTimeAt(value, this.words.of(bytes), from, now);
  }
}
