import type { LogRecord } from '../../record/event.js';
import type { FieldsEncoder } from '../../record/fields-encoder.js';

/** A parsed record and its event time (nanoseconds since the epoch). */
export interface ParseResult {
  record: LogRecord;
  time: bigint;
}

/**
 * A runtime [PARSER]. `parse` returns undefined when the text does not parse (callers keep the raw
 * record, as Fluent Bit does); it never throws.
 */
export interface RecordParser {
  readonly name: string;
  readonly format: 'regex' | 'json' | 'logfmt' | 'ltsv';
  /**
   * Parses one text. `now` (nanoseconds) is the event time when the text has no usable time, and
   * gives the year to formats without one.
   */
  parse(text: string, now: bigint): ParseResult | undefined;
  /** Hot-path form of `parse`: the record only; its event time is left in `time`. */
  parseRecord(text: string, now: bigint): LogRecord | undefined;
  /** Event time of the last successful `parseRecord` (or `encodeRecord`). */
  readonly time: bigint;
  /**
   * The keys `encodeRecord` writes, by index; undefined when this parser does not write bytes.
   * A FieldsEncoder given to `encodeRecord` must have these keys first, in this order.
   */
  readonly encodedKeys?: readonly string[] | undefined;
  /**
   * Bytes form of `parseRecord` (when `encodedKeys` is defined): writes the fields the record would
   * hold into `out` after `out.begin(time, ...)` and returns true, the record left open for more
   * fields; false when the text does not parse (nothing begun). With `bytes`: the text is one line
   * (no `\n`) whose every UTF-16 unit below 0x80 is the byte at the same distance from bytes[at],
   * and every other unit stands for one byte of 0x80 or more (a line decoded from ASCII, or with
   * each byte that is not UTF-8 as U+FFFD): values may be copied from there.
   */
  encodeRecord?(text: string, now: bigint, out: FieldsEncoder, bytes?: Buffer, at?: number): boolean;
  /**
   * Set when the parser reads a JSON object written as JSON.stringify writes it as exactly that
   * object, at the time it is given (`now`): a filter may then take the text's members as the
   * parsed record's (JsonFieldMerge).
   */
  readonly verbatimJson?: VerbatimJson | undefined;
}

/** When a JSON object's text is the parsed record as it is (RecordParser.verbatimJson). */
export interface VerbatimJson {
  /** Not when one of these keys is at the object's top level (the time key). */
  readonly unlessKeys: readonly string[];
  /** Not when containers nest deeper than this (MAX_JSON_DEPTH). */
  readonly maxDepth: number;
}

/** Sets a record field; `__proto__` becomes an own field instead of changing the prototype. */
export function setField(record: LogRecord, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
