/**
 * The text out_s3 uploads for a chunk: one JSON line per record with the date key first
 * (`flb_pack_msgpack_to_json_format` in JSON lines mode), or with log_key the value of that key
 * per line (a string as it is, anything else as JSON; records without it are counted).
 */
import type { LogEvent } from '../../../record/event.js';
import { formatJsonRecord, type JsonRecordOptions } from '../../../engine/format/json.js';
import { valueText } from '../shared/record-json.js';

export interface ChunkLines {
  readonly text: string;
  /** Records without log_key (left out). */
  readonly missing: number;
}

export function chunkLines(events: readonly LogEvent[], logKey: string | undefined, json: JsonRecordOptions): ChunkLines {
  let text = '';
  let missing = 0;
  for (const e of events) {
    if (logKey === undefined) {
      text += `${formatJsonRecord(e, json)}\n`;
    } else if (Object.hasOwn(e.record, logKey)) {
      text += `${valueText(e.record[logKey])}\n`;
    } else {
      missing++;
    }
  }
  return { text, missing };
}

/** Seconds of the first record whose time is not 0 (the file's time in the key), else undefined. */
export function firstLogTime(events: readonly LogEvent[]): number | undefined {
  for (const e of events) {
    const sec = Number(e.time / 1_000_000_000n);
    if (sec !== 0) return sec;
  }
  return undefined;
}
