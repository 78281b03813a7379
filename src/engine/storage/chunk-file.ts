/**
 * The on-disk form of a chunk (filesystem storage). logferry's own format, not chunkio's:
 *
 *   "LFCHUNK3\n"  header frame  header frame (a copy)  data frame  data frame ...
 *   frame = 24-byte frame header, payload
 *   frame header = mark FF FE 4C 46, u32le payload length (bit 31: last frame of its append,
 *                  bit 30: the payload CRC is set), u32le index of its first record in the chunk,
 *                  u32le records, u32le CRC-32 of the payload (0 when checksums are off),
 *                  u32le CRC-32 of the 20 bytes before it
 *   header payload = JSON {tag, created, checksum}
 *   data payload   = encoded records, exactly the bytes the chunk holds in memory
 *                    (src/record/encoded.ts: `["<time ns>",<record JSON>]\n` each)
 *
 * An append is split into frames of at most FRAME_LIMITS (records, bytes), written with a single
 * write, so that a damaged byte costs one small frame: the payload is UTF-8 JSON, which never
 * holds the bytes FF or FE, so after a damaged frame the reader finds the next one by its mark,
 * and the record indexes tell how many records the damage cost. A crash leaves at most one torn
 * append at the end; its frames are dropped (the input had not committed its position for them,
 * it reads them again). Files written by earlier versions are still read: "LFCHUNK2\n" (the same
 * frames, data payload a JSON array of [time, record] pairs) and "LFCHUNK1\n" (one frame per
 * append, no marks); their records are encoded again as they are read.
 */
import type { LogEvent } from '../../record/event.js';
import { EncodedRecords, RecordWriter } from '../../record/encoded.js';

let zlibCrc32: ((data: Uint8Array) => number) | undefined;
/**
 * CRC-32 as node:zlib computes it, zlib taken at the first checksum: an agent without filesystem
 * storage never loads node:zlib (~4 ms of CPU and its compiled code; bench/NOTES.md, "Builtins
 * loaded at start").
 */
function crc32(data: Uint8Array): number {
  return (zlibCrc32 ??= process.getBuiltinModule('node:zlib').crc32)(data);
}

export const CHUNK_MAGIC = Buffer.from('LFCHUNK3\n', 'latin1');
const V2_MAGIC = Buffer.from('LFCHUNK2\n', 'latin1');
const V1_MAGIC = Buffer.from('LFCHUNK1\n', 'latin1');
const MARK_BYTES = Buffer.from([0xff, 0xfe, 0x4c, 0x46]);
const FRAME_MARK = MARK_BYTES.readUInt32LE(0);
const FRAME_HEADER = 24;
const LAST_OF_APPEND = 0x80000000;
const HAS_CRC = 0x40000000;
const LENGTH_MASK = 0x3fffffff;
/** No payload is larger than this; a bigger length field means the file is damaged. */
const MAX_FRAME = 512 * 1024 * 1024;

/** Most records and bytes in one data frame (a single larger record gets a frame alone). */
export const FRAME_LIMITS = { records: 256, bytes: 64 * 1024 } as const;
export interface FrameLimits {
  readonly records: number;
  readonly bytes: number;
}

export interface ChunkHeader {
  readonly tag: string;
  /** Creation time, ms since the epoch. */
  readonly created: number;
  /** Whether frames carry CRC-32 checksums ([SERVICE] storage.checksum when the file was made). */
  readonly checksum: boolean;
}

export interface DecodedChunk {
  readonly header: ChunkHeader;
  readonly records: EncodedRecords;
  /** Records the damage cost (known from the frames' record indexes). */
  readonly lost: number;
  /** What was wrong with the file (torn last append, damaged frames...); undefined when intact. */
  readonly damage?: string;
}

/** The start of a chunk file: magic and the header frame, twice (a damaged copy loses nothing). */
export function encodeChunkStart(header: ChunkHeader): Buffer {
  const frame = encodeFrame(Buffer.from(JSON.stringify(header)), true, 0, 0, true);
  return Buffer.concat([CHUNK_MAGIC, frame, frame]);
}

/**
 * One append: the records as data frames of at most `limits`, their bytes as they are; `first` is
 * the index in the chunk of the first of them (the records already in the file).
 */
export function encodeRecords(records: EncodedRecords, checksum: boolean, first = 0, limits: FrameLimits = FRAME_LIMITS): Buffer {
  const frames: Buffer[] = [];
  let from = 0;
  while (from < records.count) {
    let to = from + 1;
    const base = records.start(from);
    while (to < records.count && to - from < limits.records && records.end(to) - base <= limits.bytes) to++;
    const payload = records.bytes.subarray(base, records.end(to - 1));
    frames.push(encodeFrame(payload, checksum, first + from, to - from, to === records.count));
    from = to;
  }
  return frames.length === 1 ? frames[0]! : Buffer.concat(frames);
}

/** encodeRecords of events encoded now (tests, and tools that write chunk files). */
export function encodeEvents(events: readonly LogEvent[], checksum: boolean, first = 0, limits: FrameLimits = FRAME_LIMITS): Buffer {
  return encodeRecords(EncodedRecords.from(events), checksum, first, limits);
}

function encodeFrame(payload: Buffer, checksum: boolean, first: number, records: number, last: boolean): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  frame.writeUInt32LE(FRAME_MARK, 0);
  frame.writeUInt32LE((payload.length | (checksum ? HAS_CRC : 0) | (last ? LAST_OF_APPEND : 0)) >>> 0, 4);
  frame.writeUInt32LE(first, 8);
  frame.writeUInt32LE(records, 12);
  frame.writeUInt32LE(checksum ? crc32(payload) : 0, 16);
  frame.writeUInt32LE(crc32(frame.subarray(0, 20)), 20);
  payload.copy(frame, FRAME_HEADER);
  return frame;
}

/** Reads a chunk file; never throws on damaged content (returns what decoded and what was wrong). */
export function decodeChunk(buf: Buffer): DecodedChunk | { readonly error: string } {
  const magic = buf.subarray(0, CHUNK_MAGIC.length);
  const v1 = magic.equals(V1_MAGIC) ? decodeV1(buf) : undefined;
  if (v1 && !('error' in v1)) return v1;
  // One damaged byte in the magic does not make the rest unreadable. Versions 2 and 3 have the same
  // frames (their data payloads tell them apart), so either magic will do.
  const differ = Math.min(magicDistance(magic, CHUNK_MAGIC), magicDistance(magic, V2_MAGIC));
  if (differ > 1) return { error: 'not a logferry chunk file (bad magic)' };
  const v2 = decodeV2(buf, differ === 1 ? 'damaged magic' : undefined);
  return v1 && 'error' in v2 ? v1 : v2;
}

type Frame =
  | { readonly kind: 'ok'; readonly end: number; readonly first: number; readonly records: number; readonly last: boolean; readonly value: ChunkHeader | EncodedRecords | undefined }
  /** The file ends inside a frame whose header is intact (or inside the header): a torn write. */
  | { readonly kind: 'torn' }
  /** Known extent and record count, unreadable payload. */
  | { readonly kind: 'bad-payload'; readonly end: number; readonly first: number; readonly records: number; readonly why: string }
  | { readonly kind: 'bad-header'; readonly why: string };

function magicDistance(magic: Buffer, expected: Buffer): number {
  let differ = expected.length - magic.length;
  for (let i = 0; i < magic.length; i++) if (magic[i] !== expected[i]) differ++;
  return differ;
}

/**
 * A frame's payload: the chunk header, or data as encoded records (version 3: the bytes as they
 * are, checked to be [time, record] lines) or a JSON array of pairs (version 2: encoded again).
 */
function readPayload(payload: Buffer): ChunkHeader | EncodedRecords | undefined {
  if (payload[0] === 0x5b /* [ */ && payload[1] === 0x22 /* " */) {
    const records = EncodedRecords.parse(payload);
    if (!records) throw new Error('data does not end with a newline');
    const events = toEvents(records.pairs());
    return events && events.length === records.count ? records : undefined;
  }
  const value: unknown = JSON.parse(payload.toString());
  if (isHeader(value)) return value;
  const events = toEvents(value);
  return events ? EncodedRecords.from(events) : undefined;
}

function readFrame(buf: Buffer, pos: number): Frame {
  if (pos + FRAME_HEADER > buf.length) return buf.length - pos >= 4 && buf.readUInt32LE(pos) !== FRAME_MARK ? { kind: 'bad-header', why: 'no frame mark' } : { kind: 'torn' };
  if (buf.readUInt32LE(pos) !== FRAME_MARK) return { kind: 'bad-header', why: 'no frame mark' };
  if (buf.readUInt32LE(pos + 20) !== crc32(buf.subarray(pos, pos + 20))) return { kind: 'bad-header', why: 'frame header checksum mismatch' };
  const word = buf.readUInt32LE(pos + 4);
  const len = word & LENGTH_MASK;
  const first = buf.readUInt32LE(pos + 8);
  const records = buf.readUInt32LE(pos + 12);
  if (len > MAX_FRAME) return { kind: 'bad-header', why: `frame length ${len} is implausible` };
  const end = pos + FRAME_HEADER + len;
  if (end > buf.length) return { kind: 'torn' };
  const payload = buf.subarray(pos + FRAME_HEADER, end);
  if ((word & HAS_CRC) !== 0 && buf.readUInt32LE(pos + 16) !== crc32(payload)) return { kind: 'bad-payload', end, first, records, why: 'checksum mismatch' };
  let value: ChunkHeader | EncodedRecords | undefined;
  try {
    value = readPayload(payload);
  } catch (err) {
    return { kind: 'bad-payload', end, first, records, why: `unreadable: ${(err as Error).message}` };
  }
  return { kind: 'ok', end, first, records, last: (word & LAST_OF_APPEND) !== 0, value };
}

function decodeV2(buf: Buffer, magicDamage: string | undefined): DecodedChunk | { readonly error: string } {
  let header: ChunkHeader | undefined;
  const out = new RecordWriter(buf.length);
  const problems: string[] = magicDamage ? [magicDamage] : [];
  /** Frames of the append being read, kept once its last frame (or damage after it) is seen. */
  let append: EncodedRecords[] = [];
  let next = 0;
  let lost = 0;
  let unknownLoss = false;
  let pos = CHUNK_MAGIC.length;
  const keepAppend = () => {
    for (const r of append) out.appendRecords(r);
    append = [];
  };
  while (pos < buf.length) {
    const frame = readFrame(buf, pos);
    if (frame.kind === 'torn') {
      // The process died while writing: the input had not committed this append, it reads it again.
      problems.push(`torn append at byte ${pos}`);
      append = [];
      break;
    }
    let bad: string;
    if (frame.kind === 'ok') {
      if (frame.value !== undefined && !(frame.value instanceof EncodedRecords)) {
        header ??= frame.value;
        pos = frame.end;
        continue;
      }
      const decoded = frame.value;
      if (decoded && decoded.count === frame.records) {
        lost += Math.max(0, frame.first - next);
        unknownLoss = false;
        next = frame.first + frame.records;
        append.push(decoded);
        if (frame.last) keepAppend();
        pos = frame.end;
        continue;
      }
      bad = `does not hold ${frame.records} [time, record] pairs`;
    } else {
      bad = frame.why;
    }
    // Damage: what was read before stays, the records of this frame are lost, reading goes on at the next mark.
    keepAppend();
    problems.push(`damaged frame at byte ${pos} (${bad})`);
    if (frame.kind === 'bad-header') {
      // How many records it held is known from the next intact frame's index, if there is one
      // (before the header was read, it may as well have been the first header copy).
      unknownLoss = header !== undefined;
    } else {
      lost += Math.max(0, frame.first + frame.records - next);
      unknownLoss = false;
      next = Math.max(next, frame.first + frame.records);
    }
    const mark = buf.indexOf(MARK_BYTES, pos + 1);
    if (mark < 0) break;
    pos = mark;
  }
  if (append.length > 0) {
    // The file ends between two frames of one append: torn too.
    problems.push('torn append at the end');
    append = [];
  }
  if (!header) return { error: `unreadable header${problems.length > 0 ? `: ${problems.join('; ')}` : ''}` };
  if (unknownLoss) problems.push('the records of the damaged frame at the end are not counted (its header is unreadable)');
  out.compact();
  const records = out.view();
  return problems.length === 0 ? { header, records, lost } : { header, records, lost, damage: problems.join('; ') };
}

function isHeader(value: unknown): value is ChunkHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const h = value as Partial<ChunkHeader>;
  return typeof h.tag === 'string' && typeof h.created === 'number' && typeof h.checksum === 'boolean';
}

/** The previous format: u32le length, u32le CRC-32 (0 without checksums), payload; one frame per append. */
function decodeV1(buf: Buffer): DecodedChunk | { readonly error: string } {
  let pos = V1_MAGIC.length;
  const first = readV1Frame(buf, pos);
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
    const frame = readV1Frame(buf, pos);
    if ('error' in frame) {
      damage = `${frame.error} at byte ${pos}`;
      break;
    }
    if (header.checksum && frame.crc !== crc32(frame.payload)) {
      damage = `checksum mismatch in the frame at byte ${pos}`;
      break;
    }
    let decoded: LogEvent[] | undefined;
    try {
      decoded = toEvents(JSON.parse(frame.payload.toString()));
    } catch (err) {
      damage = `unreadable frame at byte ${pos}: ${(err as Error).message}`;
      break;
    }
    if (!decoded) {
      damage = `frame at byte ${pos} does not hold [time, record] pairs`;
      break;
    }
    for (const e of decoded) events.push(e);
    pos = frame.end;
  }
  // The old format has no record indexes: what the damage cost is not known.
  const records = EncodedRecords.from(events);
  return damage === undefined ? { header, records, lost: 0 } : { header, records, lost: 0, damage };
}

function readV1Frame(buf: Buffer, pos: number): { payload: Buffer; crc: number; end: number } | { error: string } {
  if (pos + 8 > buf.length) return { error: 'torn frame (file ends inside a frame header)' };
  const len = buf.readUInt32LE(pos);
  const crc = buf.readUInt32LE(pos + 4);
  if (len > MAX_FRAME) return { error: `frame length ${len} is implausible` };
  const end = pos + 8 + len;
  if (end > buf.length) return { error: `torn frame (${len} bytes announced, ${buf.length - pos - 8} present)` };
  return { payload: buf.subarray(pos + 8, end), crc, end };
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
