import type { ParserOptions } from '../../config/plan/types.js';
import type { LogRecord } from '../../record/event.js';
import { TimeParser } from '../time-parser.js';
import { FieldDecoders } from './decoders.js';
import { FieldTypes } from './field-types.js';
import type { ParseResult, RecordParser } from './types.js';

/** What every format shares: the time field, `Types` and the decoders, compiled once. */
export abstract class ParserBase implements RecordParser {
  abstract readonly format: RecordParser['format'];
  time = 0n;
  protected readonly timeParser: TimeParser | undefined;
  protected readonly timeKey: string;
  protected readonly keepTime: boolean;
  protected readonly types: FieldTypes | undefined;
  protected readonly decoders: FieldDecoders | undefined;

  constructor(
    readonly name: string,
    options: ParserOptions,
  ) {
    this.timeParser =
      options.time_format === undefined
        ? undefined
        : new TimeParser({
            format: options.time_format,
            offsetSeconds: options.time_offset,
            systemTimezone: options.time_system_timezone,
            zone: options.time_zone,
            strict: options.time_strict,
          });
    this.timeKey = options.time_key;
    this.keepTime = options.time_keep;
    this.types = options.types !== undefined && options.types.length > 0 ? new FieldTypes(options.types) : undefined;
    this.decoders = FieldDecoders.fromOptions(options.decode_field_as, options.decode_field);
  }

  abstract parseRecord(text: string, now: bigint): LogRecord | undefined;

  parse(text: string, now: bigint): ParseResult | undefined {
    const record = this.parseRecord(text, now);
    return record === undefined ? undefined : { record, time: this.time };
  }

  /**
   * logfmt and ltsv: what to do with one key/value. Returns -1 when the value is the time and does
   * not parse (the whole text fails), 0 when it is the time and is not kept, 1 to store it.
   */
  protected keyValueTime(key: string, value: string, now: bigint): number {
    if (this.timeParser === undefined || value.length === 0 || key !== this.timeKey) return 1;
    if (!this.lookupTime(value, now)) return -1;
    return this.keepTime ? 1 : 0;
  }

  /** logfmt and ltsv: a record with no field fails; otherwise the decoders run on it. */
  protected finishRecord(record: LogRecord, fieldCount: number): LogRecord | undefined {
    if (fieldCount === 0) return undefined;
    if (this.decoders !== undefined) this.decoders.apply(record);
    return record;
  }

  /** lookupTime of a value whose bytes are at `at` in the buffer `words` views (TimeParser.parseAt). */
  protected lookupTimeAt(value: string, words: DataView, at: number, now: bigint): boolean {
    const tp = this.timeParser!;
    if (!tp.parseAt(value, words, at, now)) return false;
    this.time = tp.eventTime(now);
    return true;
  }

  /** Parses a time value; on success sets `time` and returns true. */
  protected lookupTime(value: string, now: bigint): boolean {
    const tp = this.timeParser!;
    if (!tp.parse(value, now)) return false;
    this.time = tp.eventTime(now);
    return true;
  }
}
