/**
 * Records as bytes: how the engine holds buffered records, off the V8 heap, as Fluent Bit's chunks
 * hold msgpack. One encoded record is
 *
 *   ["<time in ns>",<record as JSON>]\n        (UTF-8)
 *
 * JSON text was chosen over msgpack by measurement (bench/NOTES.md, "Records as bytes"): both cost
 * about the same to encode, and the outputs that speak JSON (cloudwatch_logs, firehose, kinesis,
 * es, http, stdout and file in their JSON formats) send the record's text as it is instead of
 * encoding every record again. JSON.stringify never writes a raw newline (it escapes control
 * characters), so `\n` ends each record, and UTF-8 JSON never holds the bytes FF or FE, which the
 * chunk files use as frame marks. The time is a decimal string: nanosecond-exact, any sign.
 *
 * Key order is kept (JSON.stringify and JSON.parse both follow the object's own order). What JSON
 * cannot hold is normalised as the outputs always wrote it: bigint values become numbers,
 * undefined values in objects vanish (null in arrays), NaN and Infinity become null.
 */
import type { LogEvent, LogRecord } from './event.js';

const NEWLINE = 10;
const QUOTE = 34;

/** Encoded records: a view of bytes and where each record ends. Immutable once made. */
export class EncodedRecords {
  /**
   * @param bytes exactly the records' bytes
   * @param ends  ends[i] is the offset just past record i's newline; ends.length >= count
   */
  constructor(
    readonly bytes: Buffer,
    private readonly ends: Uint32Array<ArrayBufferLike>,
    readonly count: number,
  ) {}

  static readonly EMPTY = new EncodedRecords(Buffer.alloc(0), new Uint32Array(0), 0);

  /** Encodes events (outputs and tests given plain events; the engine encodes with RecordWriter). */
  static from(events: readonly LogEvent[]): EncodedRecords {
    const w = new RecordWriter(events.length * 64);
    for (const e of events) w.append(encodeEvent(e));
    return w.view();
  }

  /**
   * Records from bytes holding whole encoded records (a chunk file's frames): splits them at each
   * newline. undefined when the bytes do not end with a newline.
   */
  static parse(bytes: Buffer): EncodedRecords | undefined {
    if (bytes.length === 0) return EncodedRecords.EMPTY;
    if (bytes[bytes.length - 1] !== NEWLINE) return undefined;
    let ends: Uint32Array<ArrayBufferLike> = new Uint32Array(Math.max(16, bytes.length >>> 7));
    let n = 0;
    let pos = bytes.indexOf(NEWLINE);
    while (pos >= 0) {
      if (n === ends.length) ends = grow(ends, n + 1);
      ends[n++] = pos + 1;
      pos = bytes.indexOf(NEWLINE, pos + 1);
    }
    return new EncodedRecords(bytes, ends, n);
  }

  get byteLength(): number {
    return this.bytes.length;
  }

  /** Offset of record i's first byte. */
  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  end(i: number): number {
    return this.ends[i]!;
  }

  /** Offset of the quote closing record i's time. */
  private timeEnd(i: number): number {
    return this.bytes.indexOf(QUOTE, this.start(i) + 2);
  }

  /** Record i's time in nanoseconds. */
  time(i: number): bigint {
    const s = this.start(i);
    return BigInt(this.bytes.toString('latin1', s + 2, this.timeEnd(i)));
  }

  /** Byte range of record i's JSON object (without the time and framing). */
  jsonRange(i: number): [number, number] {
    return [this.timeEnd(i) + 2, this.ends[i]! - 2];
  }

  /** Record i's JSON text, as JSON.stringify wrote it. */
  json(i: number): string {
    const [a, b] = this.jsonRange(i);
    return this.bytes.toString('utf8', a, b);
  }

  /** Record i decoded. */
  event(i: number): LogEvent {
    const pair = JSON.parse(this.bytes.toString('utf8', this.start(i), this.ends[i]! - 1)) as [string, LogRecord];
    return { time: BigInt(pair[0]), record: pair[1] };
  }

  /** Every record decoded: fresh objects each call (an output may change them freely). */
  events(): LogEvent[] {
    const pairs = this.pairs() as [string, LogRecord][];
    const out = new Array<LogEvent>(pairs.length);
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i]!;
      out[i] = { time: BigInt(p[0]), record: p[1] };
    }
    return out;
  }

  /** Where each record ends (a view of the first `count` entries). */
  endOffsets(): Uint32Array<ArrayBufferLike> {
    return this.ends.subarray(0, this.count);
  }

  /**
   * The records as JSON.parse reads them, `[time, record]` pairs, unchecked (events() trusts the
   * engine's own bytes; the chunk file reader checks bytes read from disk with them).
   */
  pairs(): unknown[] {
    if (this.count === 0) return [];
    const text = this.bytes.toString('utf8', 0, this.bytes.length - 1);
    return JSON.parse(`[${text.replaceAll('\n', ',')}]`) as unknown[];
  }

  /** Records [from, to) as their own view (no copy). */
  slice(from: number, to: number = this.count): EncodedRecords {
    const base = this.start(from);
    const ends = new Uint32Array(to - from);
    for (let i = from; i < to; i++) ends[i - from] = this.ends[i]! - base;
    return new EncodedRecords(this.bytes.subarray(base, this.start(to)), ends, to - from);
  }
}

/** Why a record could not be encoded (counted as dropped with this reason). */
export class RecordEncodeError extends Error {
  override readonly name = 'RecordEncodeError';
}

/** A JSON.stringify replacer writing bigint values as numbers, as the outputs always wrote them. */
export function bigintAsNumber(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** The record's JSON text (bigint values as numbers). Throws RecordEncodeError when it has none. */
export function recordText(record: LogRecord): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(record);
  } catch (err) {
    if (err instanceof RangeError) throw new RecordEncodeError('record cannot be encoded: nested too deep for JSON');
    try {
      json = JSON.stringify(record, bigintAsNumber);
    } catch (again) {
      throw new RecordEncodeError(`record cannot be encoded: ${(again as Error)?.message ?? String(again)}`);
    }
  }
  if (json === undefined || json.charCodeAt(0) !== 123 /* { */) throw new RecordEncodeError('record cannot be encoded: not a map');
  return json;
}

/** One encoded record as text (see the file comment). */
export function encodeEvent(e: LogEvent): string {
  return `${timePrefix(e.time)}${recordText(e.record)}]\n`;
}

/** The text an encoded record at `time` starts with (a batch's records mostly share their time: callers keep it). */
export function timePrefix(time: bigint): string {
  return `["${time}",`;
}

/**
 * A DataView of a buffer, kept while the same buffer is asked for (the encoders read and write
 * whole 32-bit words: tail's blocks alternate between a few buffers, a writer between growths).
 */
export class WordView {
  private buf: Buffer | undefined;
  private view: DataView | undefined;

  of(buf: Buffer): DataView {
    if (buf !== this.buf || this.view === undefined) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.view;
  }

  /** Lets go of the buffer (it is being freed). */
  forget(): void {
    this.buf = undefined;
    this.view = undefined;
  }
}

/**
 * A growing buffer of encoded records (the open chunk of a tag). Allocated outside the V8 heap
 * (Buffer.allocUnsafeSlow, not pooled). It starts small; when it fills it doubles, or jumps at
 * once to `growTo` (a chunk's full size): a chunk then moves its bytes once instead of eleven
 * times, and memory the allocator maps but nothing writes costs no resident memory.
 */
export class RecordWriter {
  private buf: Buffer;
  private used = 0;
  private ends: Uint32Array<ArrayBufferLike>;
  private n = 0;
  /** `buf` was allocated here (its own ArrayBuffer), so free() may let its memory go at once. */
  private owned = true;
  /** The DataView `words` gives of `buf`. */
  private wordView = new WordView();

  constructor(
    capacity = 4096,
    private growTo = 0,
    /** Where full-size buffers come from and go back to (the engine's chunks); none: allocated and freed. */
    private pool?: BufferPool,
  ) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(64, capacity));
    this.ends = new Uint32Array(64);
  }

  /**
   * A writer holding `records` without copying their bytes (records read back from a file, or
   * unpacked). `owned`: their ArrayBuffer is theirs alone (never a slice of Node's buffer pool),
   * so free() may detach it.
   */
  static adopt(records: EncodedRecords, owned = false): RecordWriter {
    const w = new RecordWriter(0);
    w.buf = records.bytes;
    w.owned = owned;
    w.used = records.byteLength;
    w.ends = records.endOffsets().slice();
    w.n = records.count;
    return w;
  }

  get count(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.used;
  }

  /** Appends one encoded record (text from encodeEvent); returns its bytes. */
  append(text: string): number {
    const room = this.buf.length - this.used;
    let written: number;
    if (text.length * 3 <= room) {
      written = this.buf.write(text, this.used, 'utf8');
    } else {
      const need = Buffer.byteLength(text);
      if (need > room) this.reserve(need);
      written = this.buf.write(text, this.used, 'utf8');
    }
    this.used += written;
    if (this.n === this.ends.length) this.ends = grow(this.ends, this.n + 1);
    this.ends[this.n++] = this.used;
    return written;
  }

  /**
   * A record written in place: the buffer to write it into from `byteLength`, with room for `bytes`
   * more; `endRecord` then counts it (a record left unended is overwritten by the next one).
   */
  room(bytes: number): Buffer {
    if (bytes > this.buf.length - this.used) this.reserve(bytes);
    return this.buf;
  }

  /** A DataView of `room`'s buffer `buf` (made again only when the writer moved to another buffer). */
  words(buf: Buffer): DataView {
    return this.wordView.of(buf);
  }

  /** Ends the record written into `room`'s buffer up to `end` (just past its newline). */
  endRecord(end: number): void {
    this.used = end;
    if (this.n === this.ends.length) this.ends = grow(this.ends, this.n + 1);
    this.ends[this.n++] = end;
  }

  /** Appends records already encoded (a copy of their bytes). */
  appendRecords(records: EncodedRecords): void {
    if (records.count === 0) return;
    if (records.byteLength > this.buf.length - this.used) this.reserve(records.byteLength);
    records.bytes.copy(this.buf, this.used);
    if (this.n + records.count > this.ends.length) this.ends = grow(this.ends, this.n + records.count);
    for (let i = 0; i < records.count; i++) this.ends[this.n + i] = this.used + records.end(i);
    this.n += records.count;
    this.used += records.byteLength;
  }

  /**
   * Exchanges everything this writer and `other` hold: bytes, record ends, how they grow. A chunk
   * lends its records to an input's writer this way (Chunk.lendTo), so that the input writes its
   * records straight after the chunk's without a copy, and takes them back the same way.
   */
  swap(other: RecordWriter): void {
    const { buf, used, ends, n, owned, wordView, growTo, pool } = this;
    this.buf = other.buf;
    this.used = other.used;
    this.ends = other.ends;
    this.n = other.n;
    this.owned = other.owned;
    this.wordView = other.wordView;
    this.growTo = other.growTo;
    this.pool = other.pool;
    other.buf = buf;
    other.used = used;
    other.ends = ends;
    other.n = n;
    other.owned = owned;
    other.wordView = wordView;
    other.growTo = growTo;
    other.pool = pool;
  }

  /** Forgets every record (a scratch writer reused per batch). */
  reset(): void {
    this.used = 0;
    this.n = 0;
  }

  /** The records so far (a view: later appends do not change it, unless the writer is reset). */
  view(): EncodedRecords {
    return new EncodedRecords(this.buf.subarray(0, this.used), this.ends.subarray(0, this.n), this.n);
  }

  /**
   * Shrinks the buffers to what the records take (no more appends are expected). A large buffer
   * is left as it is: the allocator maps it, and its unwritten tail takes no resident memory.
   */
  compact(): void {
    if (this.buf.length < COMPACT_BELOW && this.buf.length > this.used + 256) {
      const exact = Buffer.allocUnsafeSlow(this.used);
      this.buf.copy(exact, 0, 0, this.used);
      this.buf = exact;
      this.owned = true;
    }
    // Ends sized for a full chunk (reserve) are kept when most are used: a copy per locked chunk
    // cost 2 % of tail -> null for a few KB each.
    if (this.ends.length > 2 * this.n + 16) this.ends = this.ends.slice(0, this.n);
  }

  /** Bytes held in memory, used or not. */
  get capacity(): number {
    return this.buf.length + this.ends.byteLength;
  }

  private reserve(extra: number): void {
    const size = Math.max(this.buf.length * 2, this.used + extra, this.growTo);
    const next = this.pool?.take(size) ?? Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
    this.owned = true;
    // A writer taking its full size (a chunk) is sized for the records that fill it at once too:
    // doubling from 64 ends cost eight typed-array allocations per chunk, 6 % of tail -> null.
    if (this.growTo > 0 && size >= this.growTo) {
      const expected = Math.ceil(this.n > 0 ? (size * this.n) / this.used : size / FULL_RECORD_BYTES_GUESS);
      if (expected > this.ends.length) this.ends = grow(this.ends, expected);
    }
  }

  /**
   * The records are no longer read by anything (a released chunk): their memory goes back to the
   * system now instead of when the garbage collector finds the Buffer. Node only reports a Buffer's
   * memory to V8, which collects it after tens of MB more have been allocated: while an outage
   * ends, chunks delivered but not yet collected held 30 MB beyond Mem_Buf_Limit (bench/NOTES.md).
   * A writer with a pool gives its buffer back for the next chunk (its pages are already mapped:
   * filling fresh memory costs page faults); otherwise, or when the pool is full, the ArrayBuffer
   * is detached (`transfer`, Node 21+; on Node 20 the collector frees it as before), so a view
   * kept by mistake reads as empty. Bytes adopted from a file read are left to the collector:
   * they may share Node's buffer pool. `reuse` false: never to the pool (a chunk packed while it
   * waits gives its memory back instead of keeping it for chunks that may not come).
   */
  free(reuse = true): void {
    const buf = this.buf;
    this.buf = EMPTY_BYTES;
    this.wordView.forget();
    this.used = 0;
    this.n = 0;
    if (this.owned && !(reuse && this.pool?.give(buf))) detach(buf.buffer);
    this.owned = false;
  }
}

/**
 * Buffers handed from released writers to new ones (RecordWriter.free, reserve). A buffer given
 * back is not read again by its old writer nor by anyone it lent views to (the plugin contract).
 */
export interface BufferPool {
  /** A buffer of at least `size` bytes, or undefined (then the writer allocates one). */
  take(size: number): Buffer | undefined;
  /** Keeps `buffer` for a later take; false when it is not kept (the writer frees it). */
  give(buffer: Buffer): boolean;
}

const EMPTY_BYTES = Buffer.alloc(0);

type Transferable = ArrayBufferLike & { transfer?: (length?: number) => ArrayBuffer };

export function detach(ab: Transferable): void {
  if (typeof ab.transfer === 'function' && !(ab instanceof SharedArrayBuffer)) ab.transfer(0);
}

/** Buffers at least this large come from mmap (glibc's threshold starts at 128 KiB): not compacted. */
const COMPACT_BELOW = 256 * 1024;
/** Record size assumed to size the ends of a writer that takes its full size before its first record. */
const FULL_RECORD_BYTES_GUESS = 128;

function grow(a: Uint32Array<ArrayBufferLike>, min: number): Uint32Array<ArrayBufferLike> {
  const next = new Uint32Array(Math.max(a.length * 2, min));
  next.set(a);
  return next;
}
