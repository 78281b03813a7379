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
  const key = options.dateKey === undefined ? undefined : `{${JSON.stringify(options.dateKey)}:`;
  const dates: string[] = [];
  let size = Buffer.byteLength(parts.open) + Buffer.byteLength(parts.close) + Math.max(0, r.count - (parts.lastSeparator ? 0 : 1)) * Buffer.byteLength(parts.separator);
  for (let i = 0; i < r.count; i++) {
    const [a, b] = r.jsonRange(i);
    size += b - a;
    if (key !== undefined) {
      const date = key + formatDate(r.time(i), options.dateFormat) + (b - a <= 2 ? '}' : ',');
      dates.push(date);
      size += Buffer.byteLength(date) - 1;
    }
  }
  const out = allocate(size);
  let pos = out.write(parts.open, 0);
  for (let i = 0; i < r.count; i++) {
    if (i > 0) pos += out.write(parts.separator, pos);
    const [a, b] = r.jsonRange(i);
    if (key === undefined) pos += r.bytes.copy(out, pos, a, b);
    else {
      pos += out.write(dates[i]!, pos);
      if (b - a > 2) pos += r.bytes.copy(out, pos, a + 1, b);
    }
  }
  if (parts.lastSeparator && r.count > 0) pos += out.write(parts.separator, pos);
  pos += out.write(parts.close, pos);
  return pos === out.length ? out : out.subarray(0, pos);
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
