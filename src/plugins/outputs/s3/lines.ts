/**
 * The bytes out_s3 uploads for a chunk: one JSON line per record with the date key first
 * (`flb_pack_msgpack_to_json_format` in JSON lines mode), or with log_key the value of that key
 * per line (a string as it is, anything else as JSON; records without it are counted). Written from
 * the chunk's encoded records: no record is decoded; only a log_key string holding escapes is
 * parsed, that value alone.
 */
import type { EventBatch, LogEvent } from '../../../record/event.js';
import type { EncodedRecords } from '../../../record/encoded.js';
import { jsonRecordsBody, type JsonRecordOptions } from '../../../engine/format/json.js';
import { ByteWriter, keyBytes, RecordCursor, topLevelValue } from '../shared/record-bytes.js';
import { valueText } from '../shared/record-json.js';

export interface ChunkLines {
  readonly data: Buffer;
  /** Records without log_key (left out). */
  readonly missing: number;
}

const JSON_LINES = { open: '', separator: '\n', close: '', lastSeparator: true } as const;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

export function chunkLines(batch: EventBatch, logKey: string | undefined, json: JsonRecordOptions): ChunkLines {
  if (logKey === undefined) return { data: jsonRecordsBody(batch, json, JSON_LINES), missing: 0 };
  return batch.records ? valueLines(batch.records, logKey) : eventValueLines(batch.events, logKey);
}

/** The log_key value of each record, a line each, from the encoded records. */
function valueLines(records: EncodedRecords, logKey: string): ChunkLines {
  const key = keyBytes(logKey);
  const cursor = new RecordCursor(records);
  const w = new ByteWriter(Math.min(records.bytes.length + 1, 1024 * 1024));
  let missing = 0;
  for (let i = 0; i < records.count; i++) {
    const { bytes: b, from, to } = cursor.at(i);
    const value = topLevelValue(b, from, to, key);
    if (value === undefined) {
      missing++;
      continue;
    }
    const [a, z] = value;
    if (b[a] === QUOTE) w.literalContent(b, a, z);
    else w.copy(b, a, z);
    w.byte(NEWLINE);
  }
  return { data: w.take(), missing };
}

/** The same from decoded events (a batch made in-process without encoded records). */
function eventValueLines(events: readonly LogEvent[], logKey: string): ChunkLines {
  let text = '';
  let missing = 0;
  for (const e of events) {
    if (Object.hasOwn(e.record, logKey)) text += `${valueText(e.record[logKey])}\n`;
    else missing++;
  }
  return { data: Buffer.from(text, 'utf8'), missing };
}

/** Seconds of the first record whose time is not 0 (the file's time in the key), else undefined. */
export function firstLogTime(batch: EventBatch): number | undefined {
  const n = batch.records ? batch.records.count : batch.events.length;
  for (let i = 0; i < n; i++) {
    const time = batch.records ? batch.records.time(i) : batch.events[i]!.time;
    const sec = Number(time / 1_000_000_000n);
    if (sec !== 0) return sec;
  }
  return undefined;
}
