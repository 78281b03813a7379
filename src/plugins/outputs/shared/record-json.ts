/**
 * Records as the AWS outputs send them: JSON with the keys in record order (as the stdout and file
 * outputs write them, src/engine/format/json.ts). Integers held as bigint are written as numbers.
 */
import { stringifyBounded } from '../../../engine/record-depth.js';
import { bigintAsNumber } from '../../../record/encoded.js';
import { formatTimeKey } from './time-key.js';
import type { EncodedRecords } from '../../../record/encoded.js';
import { keyBytes, RecordCursor, topLevelValue, type ByteWriter } from './record-bytes.js';
import { RecordDatas } from './record-batches.js';

/** A value as JSON text (levels below MAX_RECORD_DEPTH cut when the stack cannot hold them). */
export function recordJson(value: unknown): string {
  try {
    return stringifyBounded(value) ?? 'null';
  } catch {
    // A bigint somewhere (JSON.stringify refuses them), or a cycle (which a record never has).
    return stringifyBounded(value, bigintAsNumber) ?? 'null';
  }
}

/** A log_key value: a string as it is, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : recordJson(value);
}

/**
 * What writing one record's data came to: written, or nothing written because the record has no
 * log_key (`missing`) or the record or the log_key value is empty, '' or {} (`empty`: Fluent Bit
 * discards it).
 */
export type LineOutcome = 'written' | 'missing' | 'empty';

/** A chunk's records as service record data (firehose, kinesis_streams), and how many were left out. */
export interface LineDatas {
  readonly datas: RecordDatas;
  readonly missing: number;
  readonly empty: number;
  readonly tooLarge: number;
}

/** time_key_format conversions that change within a second. */
const SUBSECOND = /%(?:3N|9N|L)/;

/**
 * Records as Fluent Bit's kinesis_firehose and kinesis_streams write them, written from a chunk's
 * bytes: the record's JSON text as the chunk holds it (or the log_key value: a string as the
 * string, anything else as its JSON), time_key spliced in before the closing brace, a newline
 * appended. No record is decoded: the log_key value is found by skipping the JSON around it, and
 * only a string value holding escapes is parsed, that value alone.
 */
export class RecordLines {
  private readonly logKey: Buffer | undefined;
  /** `,"<time_key>":` */
  private readonly timeKeyStart: Buffer | undefined;
  private readonly perSecond: boolean;
  private lastSecond = Number.NaN;
  private lastTime = '';

  constructor(private readonly o: { readonly log_key?: string | undefined; readonly time_key?: string | undefined; readonly time_key_format: string }) {
    this.logKey = o.log_key !== undefined ? keyBytes(o.log_key) : undefined;
    this.timeKeyStart = o.time_key !== undefined ? Buffer.from(`,${JSON.stringify(o.time_key)}:`, 'utf8') : undefined;
    this.perSecond = !SUBSECOND.test(o.time_key_format);
  }

  /**
   * Every record's data, in order; one whose data (newline included) is over `maxBytes` is left
   * out (`tooLarge`). Without log_key and time_key, when nothing will join or compress the
   * records (`inPlace`), a record's data is its JSON text where the chunk holds it, no byte
   * copied (the body adds the newline); else the data is written one record after another.
   */
  datas(records: EncodedRecords, w: ByteWriter, maxBytes: number, inPlace: boolean): LineDatas {
    const cursor = new RecordCursor(records);
    let missing = 0;
    let empty = 0;
    let tooLarge = 0;
    if (inPlace && this.logKey === undefined && this.timeKeyStart === undefined) {
      const starts = new Uint32Array(records.count);
      const ends = new Uint32Array(records.count);
      let n = 0;
      for (let i = 0; i < records.count; i++) {
        const { from, to } = cursor.at(i);
        if (to - from === 2) empty++; // {}
        else if (to - from + 1 > maxBytes) tooLarge++;
        else {
          starts[n] = from;
          ends[n++] = to;
        }
      }
      return { datas: new RecordDatas(records.bytes, starts.subarray(0, n), ends.subarray(0, n), true), missing, empty, tooLarge };
    }
    const bounds = new Uint32Array(records.count + 1);
    bounds[0] = w.pos;
    let n = 0;
    for (let i = 0; i < records.count; i++) {
      const start = w.pos;
      const outcome = this.write(cursor.at(i), i, w);
      if (outcome === 'missing') missing++;
      else if (outcome === 'empty') empty++;
      else if (w.pos - start > maxBytes) {
        w.pos = start;
        tooLarge++;
      } else bounds[++n] = w.pos;
    }
    return { datas: RecordDatas.contiguous(w.take(), bounds.subarray(0, n + 1)), missing, empty, tooLarge };
  }

  /** Writes the data of the record `cursor` is at (record i) into `w`. */
  write(cursor: RecordCursor, i: number, w: ByteWriter): LineOutcome {
    const b = cursor.bytes;
    let from = cursor.from;
    let to = cursor.to;
    if (this.logKey !== undefined) {
      const value = topLevelValue(b, from, to, this.logKey);
      if (value === undefined) return 'missing';
      [from, to] = value;
      if (b[from] === 34) {
        if (to - from === 2) return 'empty';
        w.literalContent(b, from, to);
        w.byte(10);
        return 'written';
      }
    }
    if (to - from === 2 && b[from] === 123) return 'empty';
    if (this.timeKeyStart !== undefined) {
      w.copy(b, from, to - 1);
      w.copy(this.timeKeyStart, 0, this.timeKeyStart.length);
      w.jsonString(this.timeText(cursor, i));
      w.byte(125);
    } else {
      w.copy(b, from, to);
    }
    w.byte(10);
    return 'written';
  }

  /** The time_key value of record i (formatted once per second when the format shows no fraction). */
  private timeText(cursor: RecordCursor, i: number): string {
    if (!this.perSecond) return formatTimeKey(this.o.time_key_format, cursor.records.time(i));
    const second = Math.floor(cursor.timeMs(i) / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastTime = formatTimeKey(this.o.time_key_format, cursor.records.time(i));
    }
    return this.lastTime;
  }
}
