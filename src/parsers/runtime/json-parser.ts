/**
 * Format `json` (`flb_parser_json_do`, `src/flb_parser_json.c`, 4.2.8): one JSON object (see
 * `json-object.ts`), key order kept. Decoders run before the time lookup; `Types` are not applied.
 * The time field must be a string: on success it is removed unless `Time_Keep`; on failure it is
 * kept and the record gets the current time.
 */
import type { LogRecord } from '../../record/event.js';
import { parseJsonObject } from './json-object.js';
import { ParserBase } from './parser-base.js';
import { setField, type VerbatimJson } from './types.js';
import { MAX_JSON_DEPTH } from '../json-depth.js';

export class JsonParser extends ParserBase {
  readonly format = 'json' as const;

  /** Without decoders, a JSON object's text is the record (RecordParser.verbatimJson). */
  get verbatimJson(): VerbatimJson | undefined {
    if (this.decoders !== undefined) return undefined;
    return { unlessKeys: this.timeParser === undefined ? [] : [this.timeKey], maxDepth: MAX_JSON_DEPTH };
  }

  parseRecord(text: string, now: bigint): LogRecord | undefined {
    const record = parseJsonObject(text);
    if (record === undefined) return undefined;
    this.time = now;
    if (this.decoders !== undefined) this.decoders.apply(record);
    if (this.timeParser === undefined) return record;
    const key = this.timeKey;
    if (!Object.prototype.hasOwnProperty.call(record, key)) return record;
    const value = record[key];
    if (typeof value !== 'string' || !this.lookupTime(value, now) || this.keepTime) return record;
    return withoutKey(record, key);
  }
}

/** The record without one key, other keys in order (faster downstream than `delete`). */
function withoutKey(record: LogRecord, key: string): LogRecord {
  const out: LogRecord = {};
  for (const k of Object.keys(record)) if (k !== key) setField(out, k, record[k]);
  return out;
}
