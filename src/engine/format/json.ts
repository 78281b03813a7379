import type { EncodedRecords } from '../../record/encoded.js';
import type { EventBatch, LogEvent } from '../../record/event.js';
import { splitNanos } from '../../record/event.js';
import { stringifyBounded } from '../record-depth.js';

/** Fluent Bit's `json_date_format` values (the epoch_ms aliases are normalised by the option table's enum). */
export type JsonDateFormat = 'double' | 'java_sql_timestamp' | 'iso8601' | 'epoch' | 'epoch_ms' | 'epoch_millis' | 'epoch_milliseconds';

/** A double printed as Fluent Bit's msgpack-to-JSON does: `%.1f` for whole numbers, else `%.16g`. */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  if (Number.isInteger(value)) return value.toFixed(1);
  const g = value.toPrecision(16);
  if (g.includes('e')) {
    const [mantissa, exp] = g.split('e') as [string, string];
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    const n = Number(exp);
    return `${m}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return g.includes('.') ? g.replace(/0+$/, '').replace(/\.$/, '') : g;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** The record time as the `json_date_format` says (microsecond precision in the text forms). */
export function formatDate(time: bigint, format: JsonDateFormat): string {
  const { sec, nsec } = splitNanos(time);
  return formatDateParts(sec, nsec, format);
}

/** formatDate of a time in whole seconds and nanoseconds (0 <= nsec < 1e9). */
function formatDateParts(sec: number, nsec: number, format: JsonDateFormat): string {
  switch (format) {
    case 'epoch':
      return String(sec);
    case 'epoch_ms':
    case 'epoch_millis':
    case 'epoch_milliseconds':
      return String(sec * 1000 + Math.floor(nsec / 1e6));
    case 'iso8601':
    case 'java_sql_timestamp': {
      const d = new Date(sec * 1000);
      const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(Math.floor(nsec / 1000), 6)}`;
      return format === 'iso8601' ? `"${date}T${clock}Z"` : `"${date} ${clock}"`;
    }
    default:
      return formatDouble(sec + nsec / 1e9);
  }
}

export interface JsonRecordOptions {
  /** Key of the time (`json_date_key`); undefined leaves it out. */
  readonly dateKey: string | undefined;
  readonly dateFormat: JsonDateFormat;
}

/** One record as a JSON object, the date key first (Fluent Bit's `flb_pack_msgpack_to_json_format`). */
export function formatJsonRecord(event: LogEvent, options: JsonRecordOptions): string {
  return withDateKey(stringifyBounded(event.record) ?? '{}', event.time, options);
}

/** A record's JSON text with the date key spliced in first, when there is one. */
function withDateKey(body: string, time: bigint, options: JsonRecordOptions): string {
  if (options.dateKey === undefined) return body;
  const date = `${JSON.stringify(options.dateKey)}:${formatDate(time, options.dateFormat)}`;
  return body.length <= 2 ? `{${date}}` : `{${date},${body.slice(1)}`;
}

/**
 * A batch's records as formatJsonRecord writes them, each followed by `separator`, between
 * `open` and `close`, as one Buffer: a chunk's record bytes are copied as they are (no string of
 * the whole body, no record decoded), which is what the JSON-speaking outputs send. `allocate`
 * gives the buffer to write into (at least the size asked; the body is a view of its start).
 */
export function jsonRecordsBody(
  batch: EventBatch,
  options: JsonRecordOptions,
  parts: { open: string; separator: string; close: string; lastSeparator?: boolean },
  allocate: (size: number) => Buffer = Buffer.allocUnsafe,
): Buffer {
  const r = batch.records;
  if (!r) {
    const texts = formatJsonRecords(batch, options);
    const tail = parts.lastSeparator && texts.length > 0 ? parts.separator : '';
    return Buffer.from(parts.open + texts.join(parts.separator) + tail + parts.close);
  }
  return new BodyWriter(r, options, parts, allocate).write();
}

const QUOTE = 34;
const MINUS = 45;
const ZERO = 48;
/**
 * The longest date formatDate writes (ASCII) for a time read from its digits: `%.16g` is at most
 * 22 bytes, whole seconds below 1e15 16, ISO 8601 of year +275760 30. A longer one (a time
 * formatted the BigInt way) makes the body grow.
 */
function maxDateBytes(format: JsonDateFormat): number {
  return format === 'iso8601' || format === 'java_sql_timestamp' ? 32 : 24;
}

/** The bytes of the records' JSON objects (without their times and framing). */
function jsonBytes(r: EncodedRecords): number {
  let n = 0;
  for (let i = 0; i < r.count; i++) n += r.end(i) - 2 - (r.bytes.indexOf(QUOTE, r.start(i) + 2) + 2);
  return n;
}

/**
 * A chunk's records written as one body in a single pass, without an object per record: the
 * buffer is sized from the records' JSON plus the longest date per record, and each time is
 * read from its digits (no BigInt) and formatted once per distinct time. During an outage every
 * retry of a 2 MB chunk built its body again, and the dates, pairs and BigInts of 13,000
 * records per body were most of the heap's growth (bench/NOTES.md, "Memory through an outage,
 * fourth pass").
 */
class BodyWriter {
  private out: Buffer;
  private pos = 0;
  private readonly key: Buffer | undefined;
  private readonly separator: Buffer;
  /** The most written after a record: two separators and the close. */
  private readonly tailBytes: number;
  private lastSec = NaN;
  private lastNsec = NaN;
  private lastDate = '';

  constructor(
    private readonly r: EncodedRecords,
    private readonly options: JsonRecordOptions,
    private readonly parts: { open: string; separator: string; close: string; lastSeparator?: boolean },
    private readonly allocate: (size: number) => Buffer,
  ) {
    this.key = options.dateKey === undefined ? undefined : Buffer.from(`{${JSON.stringify(options.dateKey)}:`);
    this.separator = Buffer.from(parts.separator);
    this.tailBytes = 2 * this.separator.length + Buffer.byteLength(parts.close);
    const perRecord = this.separator.length + (this.key ? this.key.length + maxDateBytes(options.dateFormat) + 1 : 0);
    this.out = allocate(Buffer.byteLength(parts.open) + Buffer.byteLength(parts.close) + jsonBytes(r) + r.count * perRecord);
  }

  write(): Buffer {
    const { r, key, separator } = this;
    const bytes = r.bytes;
    this.pos = this.out.write(this.parts.open, 0);
    for (let i = 0; i < r.count; i++) {
      if (i > 0) this.pos += separator.copy(this.out, this.pos);
      const start = r.start(i);
      const timeEnd = bytes.indexOf(QUOTE, start + 2);
      const a = timeEnd + 2;
      const b = r.end(i) - 2;
      if (key === undefined) {
        this.pos += bytes.copy(this.out, this.pos, a, b);
        continue;
      }
      const date = this.date(i, start + 2, timeEnd);
      const need = key.length + date.length + 1 + (b - a) + this.tailBytes;
      if (this.pos + need > this.out.length) this.grow(need);
      this.pos += key.copy(this.out, this.pos);
      this.pos += this.out.write(date, this.pos, 'latin1');
      // `}` closes the date alone; otherwise `,` and the record's members after its `{`.
      if (b - a <= 2) this.out[this.pos++] = 125;
      else {
        this.out[this.pos++] = 44;
        this.pos += bytes.copy(this.out, this.pos, a + 1, b);
      }
    }
    if (this.parts.lastSeparator && r.count > 0) this.pos += separator.copy(this.out, this.pos);
    this.pos += this.out.write(this.parts.close, this.pos);
    return this.pos === this.out.length ? this.out : this.out.subarray(0, this.pos);
  }

  /** Record i's date text; its time's decimal digits are bytes [from, to). */
  private date(i: number, from: number, to: number): string {
    const bytes = this.r.bytes;
    const digits = to - from;
    // A sign, or more seconds than a double holds exactly: the BigInt way.
    if (digits < 1 || digits > 24 || bytes[from] === MINUS) return formatDate(this.r.time(i), this.options.dateFormat);
    const split = to - 9;
    let sec = 0;
    for (let p = from; p < split; p++) sec = sec * 10 + (bytes[p]! - ZERO);
    let nsec = 0;
    for (let p = Math.max(from, split); p < to; p++) nsec = nsec * 10 + (bytes[p]! - ZERO);
    if (sec !== this.lastSec || nsec !== this.lastNsec) {
      this.lastSec = sec;
      this.lastNsec = nsec;
      this.lastDate = formatDateParts(sec, nsec, this.options.dateFormat);
    }
    return this.lastDate;
  }

  /** More room than the bound gave (a date longer than maxDateBytes): only for times far from now. */
  private grow(need: number): void {
    const bigger = this.allocate(Math.max(this.out.length * 2, this.pos + need));
    this.out.copy(bigger, 0, 0, this.pos);
    this.out = bigger;
  }
}

/**
 * Every record of a batch as formatJsonRecord writes it. A chunk's records are not decoded: their
 * JSON text is the chunk's own (src/record/encoded.ts), the text JSON.stringify wrote.
 */
export function formatJsonRecords(batch: EventBatch, options: JsonRecordOptions): string[] {
  const r = batch.records;
  if (!r) return batch.events.map((e) => formatJsonRecord(e, options));
  const out = new Array<string>(r.count);
  for (let i = 0; i < r.count; i++) out[i] = withDateKey(r.json(i), options.dateKey === undefined ? 0n : r.time(i), options);
  return out;
}

/** `json_date_key false|off` turns the date key off. */
export function dateKeyOption(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'date';
  const v = value.toLowerCase();
  return v === 'false' || v === 'off' ? undefined : value;
}
