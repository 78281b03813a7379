/**
 * One forward protocol frame (Fluentd forward protocol v1) as Fluent Bit's in_forward reads it
 * (plugins/in_forward/fw_prot.c): an array whose second element decides the mode.
 *
 *   Message                  [tag, time, record, options?]          time: integer or EventTime
 *   Forward                  [tag, [entry, ...], options?]
 *   PackedForward            [tag, str|bin of entries, options?]
 *   CompressedPackedForward  [tag, bin of gzip(entries), {compressed: 'gzip', ...}]
 *
 * An entry is [time, record] or Fluent Bit's v2 [[time, metadata], record]; logferry records
 * have no metadata, so it is read and left out. `options.chunk` asks for an ack once the records
 * are accepted. A frame that is not one of these is an error that closes the connection (as in
 * Fluent Bit); an entry that is not one is dropped and counted, the rest of the frame goes on.
 */
import { gunzipSync } from 'node:zlib';
import { Unpackr } from 'msgpackr';
import type { LogEvent, LogRecord } from '../../../record/event.js';
import { EventTime, timeOf } from '../../shared/forward/event-time.js';
import { MsgpackError, valueEnd } from '../../shared/forward/msgpack-bytes.js';

/** A frame Fluent Bit would refuse: the connection is closed. */
export class FrameError extends Error {}

export interface Frame {
  /** The tag the sender gave. */
  readonly tag: string;
  readonly mode: 'message' | 'forward' | 'packed' | 'compressed';
  readonly events: LogEvent[];
  /** Entries left out, by reason. */
  readonly dropped: ReadonlyMap<string, number>;
  /** `options.chunk`: the ack to send once the records are accepted. */
  readonly chunk?: string;
}

/** Limits of one frame. */
export interface FrameLimits {
  /** Largest decompressed CompressedPackedForward payload. */
  readonly maxDecompressed: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const startsWith = (b: Buffer, magic: readonly number[]): boolean => magic.every((m, i) => b[i] === m);

/** The byte ranges of the elements of the array at the start of `frame`. */
function arrayElements(frame: Buffer): Buffer[] {
  const b = frame[0]!;
  let count: number;
  let pos: number;
  if (b >= 0x90 && b <= 0x9f) [count, pos] = [b & 0x0f, 1];
  else if (b === 0xdc) [count, pos] = [frame.readUInt16BE(1), 3];
  else if (b === 0xdd) [count, pos] = [frame.readUInt32BE(1), 5];
  else throw new FrameError(`expected an array [tag, ...], got msgpack type 0x${b.toString(16)}`);
  if (count < 2) throw new FrameError(`expected an array of at least 2 elements [tag, entries...], got ${count}`);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const end = valueEnd(frame, pos);
    if (end < 0) throw new FrameError('truncated frame');
    out.push(frame.subarray(pos, end));
    pos = end;
  }
  return out;
}

/** The payload of a msgpack str or bin value (undefined for other types). */
function rawBytes(v: Buffer): Buffer | undefined {
  const b = v[0]!;
  if (b >= 0xa0 && b <= 0xbf) return v.subarray(1);
  if (b === 0xd9 || b === 0xc4) return v.subarray(2);
  if (b === 0xda || b === 0xc5) return v.subarray(3);
  if (b === 0xdb || b === 0xc6) return v.subarray(5);
  return undefined;
}

/** Maps as Map (a `__proto__` key stays a key; keys that are not strings become text), integers as Numbers. */
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: 'number' });

function decode(bytes: Buffer, what: string): unknown {
  try {
    return unpackr.unpack(bytes);
  } catch (err) {
    throw new FrameError(`${what}: ${(err as Error).message}`);
  }
}

const isMap = (v: unknown): v is Map<unknown, unknown> => v instanceof Map;

/**
 * A decoded msgpack value as a JSON value (records hold JSON values only): bin becomes its text,
 * EventTime its seconds as a number, a msgpack timestamp (ext -1) its ISO text, a non-finite float
 * null, integers beyond 2^53 Numbers.
 */
export function jsonValue(v: unknown): unknown {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (v instanceof EventTime) return v.sec + v.nsec / 1e9;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) {
      const key = typeof k === 'string' ? k : String(jsonValue(k));
      // An own property even for `__proto__`, as JSON.parse makes it.
      Object.defineProperty(out, key, { value: jsonValue(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}

/** The options map (or nil) at `index`, and its chunk (which must be a string when present). */
function optionsOf(elements: readonly Buffer[], index: number): { options: ReadonlyMap<unknown, unknown>; chunk?: string } {
  if (elements.length <= index) return { options: new Map() };
  const o = decode(elements[index]!, 'options');
  if (o === null || o === undefined) return { options: new Map() }; // old Docker sends nil options
  if (!isMap(o)) throw new FrameError('invalid options field: not a map');
  const chunk = o.get('chunk');
  if (chunk !== undefined && typeof chunk !== 'string') throw new FrameError('invalid options field: chunk is not a string');
  return chunk === undefined ? { options: o } : { options: o, chunk };
}

class Drops {
  readonly counts = new Map<string, number>();
  add(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }
}

/** One [time, record] or [[time, metadata], record] entry as an event (undefined: dropped, reason added). */
function entryEvent(entry: unknown, drops: Drops): LogEvent | undefined {
  if (!Array.isArray(entry) || entry.length !== 2) {
    drops.add('forward entry is not a [time, record] array');
    return undefined;
  }
  let time: unknown = entry[0];
  if (Array.isArray(time)) {
    if (time.length !== 2 || !isMap(time[1])) {
      drops.add('forward entry header is not [time, metadata map]');
      return undefined;
    }
    time = time[0];
  }
  const nanos = timeOf(time, true);
  if (nanos === undefined) {
    drops.add('forward entry time is not an integer, a float or an EventTime');
    return undefined;
  }
  if (!isMap(entry[1])) {
    drops.add('forward entry record is not a map');
    return undefined;
  }
  return { time: nanos, record: jsonValue(entry[1]) as LogRecord };
}

/** The entries of a PackedForward payload (msgpack values back to back). */
function packedEvents(payload: Buffer, drops: Drops): LogEvent[] {
  const events: LogEvent[] = [];
  let pos = 0;
  while (pos < payload.length) {
    let end: number;
    try {
      end = valueEnd(payload, pos);
    } catch (err) {
      if (err instanceof MsgpackError) throw new FrameError(`PackedForward entries: ${err.message}`);
      throw err;
    }
    if (end < 0) throw new FrameError(`PackedForward entries: truncated entry at offset ${pos}`);
    const e = entryEvent(decode(payload.subarray(pos, end), `PackedForward entry at offset ${pos}`), drops);
    if (e) events.push(e);
    pos = end;
  }
  return events;
}

function decompressed(data: Buffer, options: ReadonlyMap<unknown, unknown>, limits: FrameLimits): { data: Buffer; compressed: boolean } {
  const declared = options.get('compressed');
  if (declared === 'zstd' || startsWith(data, ZSTD_MAGIC)) throw new FrameError('zstd-compressed entries are not supported (gzip is)');
  if (declared !== 'gzip' && !startsWith(data, GZIP_MAGIC)) return { data, compressed: false };
  try {
    return { data: gunzipSync(data, { maxOutputLength: limits.maxDecompressed }), compressed: true };
  } catch (err) {
    throw new FrameError(`gzip entries: ${(err as Error).message}`);
  }
}

/** Reads one complete frame (the bytes of one msgpack value). */
export function decodeFrame(frame: Buffer, limits: FrameLimits): Frame {
  const elements = arrayElements(frame);
  const tag = decode(elements[0]!, 'tag');
  if (typeof tag !== 'string') throw new FrameError('invalid tag: not a string');
  const drops = new Drops();
  const second = elements[1]!;
  const raw = rawBytes(second);
  if (raw !== undefined) {
    const { options, chunk } = optionsOf(elements, 2);
    const signal = options.get('fluent_signal');
    if (signal !== undefined && signal !== 0 && signal !== 1) throw new FrameError(`fluent_signal ${String(signal)}: metrics and traces are not supported, only logs`);
    const { data, compressed } = decompressed(raw, options, limits);
    return { tag, mode: compressed ? 'compressed' : 'packed', events: packedEvents(data, drops), dropped: drops.counts, ...(chunk !== undefined ? { chunk } : {}) };
  }
  const entries = decode(second, 'entries');
  if (Array.isArray(entries)) {
    const { chunk } = optionsOf(elements, 2);
    const events: LogEvent[] = [];
    for (const entry of entries) {
      const e = entryEvent(entry, drops);
      if (e) events.push(e);
    }
    return { tag, mode: 'forward', events, dropped: drops.counts, ...(chunk !== undefined ? { chunk } : {}) };
  }
  // Message mode: Fluent Bit takes a non-negative integer or an EventTime, nothing else.
  const messageTime = entries instanceof EventTime || (typeof entries === 'number' && Number.isInteger(entries) && entries >= 0) || typeof entries === 'bigint';
  if (!messageTime) throw new FrameError('invalid data format: the second element is not entries, a time or packed entries');
  if (elements.length < 3) throw new FrameError('message mode requires at least 3 elements [tag, time, record]');
  const record = decode(elements[2]!, 'record');
  if (!isMap(record)) throw new FrameError('invalid data format, map expected');
  const { chunk } = optionsOf(elements, 3);
  const time = timeOf(entries, false);
  const events: LogEvent[] = [];
  if (time === undefined) drops.add('forward entry time is not an integer or an EventTime');
  else events.push({ time, record: jsonValue(record) as LogRecord });
  return { tag, mode: 'message', events, dropped: drops.counts, ...(chunk !== undefined ? { chunk } : {}) };
}
