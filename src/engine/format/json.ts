import { detach, type EncodedRecords } from '../../record/encoded.js';
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

/** How a body frames its records: `open`, the records separated by `separator` (also after the last one when `lastSeparator`), `close`. */
export interface JsonBodyParts {
  readonly open: string;
  readonly separator: string;
  readonly close: string;
  readonly lastSeparator?: boolean;
}

/**
 * A batch's records as formatJsonRecord writes them, each followed by `separator`, between
 * `open` and `close`, as one Buffer: a chunk's record bytes are copied as they are (no string of
 * the whole body, no record decoded), which is what the JSON-speaking outputs send. `allocate`
 * gives the buffer to write into (at least the size asked; the body is a view of its start).
 */
export function jsonRecordsBody(batch: EventBatch, options: JsonRecordOptions, parts: JsonBodyParts, allocate: (size: number) => Buffer = Buffer.allocUnsafe): Buffer {
  const r = batch.records;
  if (!r) {
    const texts = formatJsonRecords(batch, options);
    const tail = parts.lastSeparator && texts.length > 0 ? parts.separator : '';
    return Buffer.from(parts.open + texts.join(parts.separator) + tail + parts.close);
  }
  const pieces = new JsonBodyPieces(r, options, parts);
  const out = allocate(pieces.length).subarray(0, pieces.length);
  pieces.fill(out);
  return out;
}

const QUOTE = 34;
const MINUS = 45;
const ZERO = 48;
const COMMA = Buffer.from(',');
const BRACE = Buffer.from('}');
/**
 * The longest date formatDate writes (ASCII) for a time read from its digits: `%.16g` is at most
 * 22 bytes, whole seconds below 1e15 16, ISO 8601 of year +275760 30. A longer one (a time
 * formatted the BigInt way) makes the dates' buffer grow.
 */
function maxDateBytes(format: JsonDateFormat): number {
  return format === 'iso8601' || format === 'java_sql_timestamp' ? 32 : 24;
}

/**
 * A chunk's records as jsonRecordsBody writes them, handed out in pieces of any size, with the
 * body's exact length known first (a Content-Length): an output can write the body into a
 * socket through one small buffer instead of holding a copy of the whole chunk (2.3 MB per
 * request in flight, plus spares: bench/NOTES.md, "Memory through an outage, fifth pass").
 * No object per record: each time is read from its digits (no BigInt) and formatted once, into
 * one buffer of the dates, when the length is counted. The same records give the same bytes
 * (a retry resends them). The records' bytes must stay as they are until the last fill.
 */
export class JsonBodyPieces {
  /** The body's size in bytes. */
  readonly length: number;
  private readonly key: Buffer | undefined;
  private readonly open: Buffer;
  private readonly separator: Buffer;
  private readonly close: Buffer;
  /** The dates written one after another (with a key), record i's ending at dateEnd[i]. */
  private dates: Buffer = Buffer.alloc(0);
  private readonly dateEnd: Uint32Array;
  /** The next record to write: -1 before the open, count for the close, count + 1 when done. */
  private next = -1;
  /** Byte ranges that did not fit the last piece, written first into the next one. */
  private readonly pending: [Buffer, number, number][] = [];
  private piece: Buffer = Buffer.alloc(0);
  private pos = 0;
  private lastSec = NaN;
  private lastNsec = NaN;
  private lastDate = '';

  constructor(
    private readonly r: EncodedRecords,
    private readonly options: JsonRecordOptions,
    private readonly parts: JsonBodyParts,
  ) {
    this.key = options.dateKey === undefined ? undefined : Buffer.from(`{${JSON.stringify(options.dateKey)}:`);
    this.open = Buffer.from(parts.open);
    this.separator = Buffer.from(parts.separator);
    this.close = Buffer.from(parts.close);
    this.dateEnd = new Uint32Array(this.key ? r.count : 0);
    let n = this.open.length + this.close.length + Math.max(0, r.count - 1) * this.separator.length;
    if (parts.lastSeparator && r.count > 0) n += this.separator.length;
    if (this.key) this.dates = Buffer.allocUnsafeSlow(r.count * maxDateBytes(options.dateFormat));
    const bytes = r.bytes;
    let datePos = 0;
    for (let i = 0; i < r.count; i++) {
      const start = r.start(i);
      const timeEnd = bytes.indexOf(QUOTE, start + 2);
      const json = r.end(i) - 2 - (timeEnd + 2);
      if (!this.key) {
        n += json;
        continue;
      }
      const date = this.date(i, start + 2, timeEnd);
      if (datePos + date.length > this.dates.length) this.growDates(datePos + date.length);
      datePos += this.dates.write(date, datePos, 'latin1');
      this.dateEnd[i] = datePos;
      // The key and date, then `}` alone or `,` and the record's members after its `{`.
      n += this.key.length + date.length + 1 + (json <= 2 ? 0 : json - 1);
    }
    this.length = n;
  }

  /** Writes the body's next bytes into `piece`: how many (0 once the body is written). */
  fill(piece: Buffer): number {
    this.piece = piece;
    this.pos = 0;
    while (this.pending.length > 0) {
      const range = this.pending[0]!;
      const n = Math.min(range[2] - range[1], piece.length - this.pos);
      range[0].copy(piece, this.pos, range[1], range[1] + n);
      this.pos += n;
      range[1] += n;
      if (range[1] < range[2]) return this.pos;
      this.pending.shift();
    }
    const r = this.r;
    while (this.pos < piece.length && this.next <= r.count) {
      if (this.next === -1) this.put(this.open, 0, this.open.length);
      else if (this.next < r.count) this.putRecord(this.next);
      else {
        if (this.parts.lastSeparator && r.count > 0) this.put(this.separator, 0, this.separator.length);
        this.put(this.close, 0, this.close.length);
      }
      this.next++;
    }
    if (this.next > r.count && this.pending.length === 0 && this.dates.length > 0) {
      // Done: the dates' memory goes at once rather than at the next full collection.
      detach(this.dates.buffer);
      this.dates = Buffer.alloc(0);
    }
    this.piece = Buffer.alloc(0);
    return this.pos;
  }

  private putRecord(i: number): void {
    const { r, key } = this;
    const bytes = r.bytes;
    if (i > 0) this.put(this.separator, 0, this.separator.length);
    const a = bytes.indexOf(QUOTE, r.start(i) + 2) + 2;
    const b = r.end(i) - 2;
    if (key === undefined) return this.put(bytes, a, b);
    this.put(key, 0, key.length);
    this.put(this.dates, i > 0 ? this.dateEnd[i - 1]! : 0, this.dateEnd[i]!);
    if (b - a <= 2) this.put(BRACE, 0, 1);
    else {
      this.put(COMMA, 0, 1);
      this.put(bytes, a + 1, b);
    }
  }

  /** Copies bytes [from, to) of `source` into the piece; what does not fit waits for the next one. */
  private put(source: Buffer, from: number, to: number): void {
    if (this.pending.length === 0) {
      const n = Math.min(to - from, this.piece.length - this.pos);
      source.copy(this.piece, this.pos, from, from + n);
      this.pos += n;
      from += n;
    }
    if (from < to) this.pending.push([source, from, to]);
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

  /** More room for the dates than the bound gave (a date longer than maxDateBytes): only for times far from now. */
  private growDates(need: number): void {
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.dates.length * 2, need));
    this.dates.copy(bigger);
    this.dates = bigger;
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
