/**
 * The on-disk form of a chunk (filesystem storage). logferry's own format, not chunkio's:
 *
 *   "LFCHUNK1\n"  header frame  data frame  data frame ...
 *   frame = u32le payload length, u32le CRC-32 of the payload (0 when checksums are off), payload
 *   header payload = JSON {tag, created, checksum}
 *   data payload   = JSON array of [time in ns as a string, record] pairs, one frame per append
 *
 * Each append is one frame written with a single write, so a crash leaves at most one torn frame
 * at the end; reading stops there and keeps everything before it. A frame is only counted as
 * written (and the input's position committed) after its write returned.
 */
import { crc32 } from 'node:zlib';
import type { LogEvent } from '../event.js';
import { stringifyBounded } from '../record-depth.js';

export const CHUNK_MAGIC = Buffer.from('LFCHUNK1\n', 'latin1');
const FRAME_HEADER = 8;
/** No payload is larger than this; a bigger length field means the file is damaged. */
const MAX_FRAME = 512 * 1024 * 1024;

export interface ChunkHeader {
  readonly tag: string;
  /** Creation time, ms since the epoch. */
  readonly created: number;
  /** Whether frames carry CRC-32 checksums ([SERVICE] storage.checksum when the file was made). */
  readonly checksum: boolean;
}

export interface DecodedChunk {
  readonly header: ChunkHeader;
  readonly events: LogEvent[];
  /** Bytes of the file that decoded cleanly. */
  readonly validLength: number;
  /** Why reading stopped before the end of the file (torn last frame, checksum mismatch...). */
  readonly damage?: string;
}

export function encodeFrame(payload: Buffer, checksum: boolean): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt32LE(checksum ? crc32(payload) : 0, 4);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

/** The start of a chunk file: magic and header frame. */
export function encodeChunkStart(header: ChunkHeader): Buffer {
  return Buffer.concat([CHUNK_MAGIC, encodeFrame(Buffer.from(JSON.stringify(header)), header.checksum)]);
}

/** One append: the events as a data frame. */
export function encodeEvents(events: readonly LogEvent[], checksum: boolean): Buffer {
  let text = '[';
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (i > 0) text += ',';
    text += '["' + e.time.toString() + '",' + stringifyRecord(e.record) + ']';
  }
  text += ']';
  return encodeFrame(Buffer.from(text), checksum);
}

/** Reads a chunk file; never throws on damaged content (returns what decoded and why it stopped). */
export function decodeChunk(buf: Buffer): DecodedChunk | { readonly error: string } {
  if (buf.length < CHUNK_MAGIC.length || !buf.subarray(0, CHUNK_MAGIC.length).equals(CHUNK_MAGIC)) {
    return { error: 'not a logferry chunk file (bad magic)' };
  }
  let pos = CHUNK_MAGIC.length;
  const first = readFrame(buf, pos, true);
  if ('error' in first) return { error: `unreadable header: ${first.error}` };
  let header: ChunkHeader;
  try {
    const h = JSON.parse(first.payload.toString()) as Partial<ChunkHeader>;
    if (typeof h.tag !== 'string' || typeof h.created !== 'number') throw new Error('missing tag or created');
    header = { tag: h.tag, created: h.created, checksum: h.checksum === true };
  } catch (err) {
    return { error: `unreadable header: ${(err as Error).message}` };
  }
  if (header.checksum && first.crc !== crc32(first.payload)) return { error: 'header checksum mismatch' };
  pos = first.end;
  const events: LogEvent[] = [];
  let damage: string | undefined;
  while (pos < buf.length) {
    const frame = readFrame(buf, pos, false);
    if ('error' in frame) {
      damage = `${frame.error} at byte ${pos}`;
      break;
    }
    if (header.checksum && frame.crc !== crc32(frame.payload)) {
      damage = `checksum mismatch in the frame at byte ${pos}`;
      break;
    }
    let pairs: unknown;
    try {
      pairs = JSON.parse(frame.payload.toString());
    } catch (err) {
      damage = `unreadable frame at byte ${pos}: ${(err as Error).message}`;
      break;
    }
    const decoded = toEvents(pairs);
    if (!decoded) {
      damage = `frame at byte ${pos} does not hold [time, record] pairs`;
      break;
    }
    for (const e of decoded) events.push(e);
    pos = frame.end;
  }
  return damage === undefined ? { header, events, validLength: pos } : { header, events, validLength: pos, damage };
}

function readFrame(buf: Buffer, pos: number, isHeader: boolean): { payload: Buffer; crc: number; end: number } | { error: string } {
  if (pos + FRAME_HEADER > buf.length) return { error: isHeader ? 'file ends inside the header' : 'torn frame (file ends inside a frame header)' };
  const len = buf.readUInt32LE(pos);
  const crc = buf.readUInt32LE(pos + 4);
  if (len > MAX_FRAME) return { error: `frame length ${len} is implausible` };
  const end = pos + FRAME_HEADER + len;
  if (end > buf.length) return { error: `torn frame (${len} bytes announced, ${buf.length - pos - FRAME_HEADER} present)` };
  return { payload: buf.subarray(pos + FRAME_HEADER, end), crc, end };
}

function toEvents(value: unknown): LogEvent[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: LogEvent[] = new Array<LogEvent>(value.length);
  for (let i = 0; i < value.length; i++) {
    const pair: unknown = value[i];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') return undefined;
    const record: unknown = pair[1];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
    let time: bigint;
    try {
      time = BigInt(pair[0]);
    } catch {
      return undefined;
    }
    out[i] = { time, record: record as Record<string, unknown> };
  }
  return out;
}

/** JSON of a record; bigint values (rare: msgpack inputs) become strings of their decimal digits. */
export function stringifyRecord(record: Record<string, unknown>): string {
  try {
    return stringifyBounded(record) ?? '{}';
  } catch {
    return stringifyBounded(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '{}';
  }
}
