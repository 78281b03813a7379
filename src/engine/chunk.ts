import { detach, EncodedRecords, RecordWriter } from '../record/encoded.js';
import { chunkCodec, unpackRoom } from './chunk-codec.js';
import { ChunkPool, poisonReleased } from './chunk-pool.js';
import type { ChunkFile } from './storage/fs-storage.js';

/** Fluent Bit locks a chunk once its content passes this size (about 2 MB). */
export const CHUNK_MAX_BYTES = 2_048_000;
/** A chunk's buffer starts this small (many tags, few records each), then takes its full size at once. */
const CHUNK_START_BYTES = 16 * 1024;
/** Room past CHUNK_MAX_BYTES for the append that fills a chunk (a bigger append grows it again). */
const CHUNK_SLACK_BYTES = 128 * 1024;
/** A chunk's full size; released chunks' buffers of this size are reused (chunk-pool.ts). */
export const CHUNK_FULL_BYTES = CHUNK_MAX_BYTES + CHUNK_SLACK_BYTES;
const chunkPool = new ChunkPool(CHUNK_FULL_BYTES);
/** A chunk's records packed (chunk-codec.ts): the bytes, where each record ends, their unpacked size. */
interface Packed {
  readonly bytes: Buffer;
  readonly ends: Uint32Array<ArrayBufferLike>;
  readonly count: number;
  readonly size: number;
}

/**
 * Records of one (input, tag) pair on their way to outputs, encoded (src/record/encoded.ts): the
 * bytes are outside the V8 heap and `bytes` is their real size. A chunk takes appends until it is
 * full or dispatched; it is released when every output it routes to is done with it.
 *
 * With filesystem storage a chunk also has a file holding the same bytes: every append is written
 * there before the input's position is committed, and a chunk may be "down" (records only on
 * disk) to bound memory. A memory chunk waiting for its outputs may be packed instead (its
 * records compressed in memory, engine/raw-chunks.ts) and is unpacked when sent.
 */
export class Chunk<Source, Target> {
  private up: RecordWriter | undefined = new RecordWriter(CHUNK_START_BYTES, CHUNK_FULL_BYTES, chunkPool);
  /** The writer the chunk's records are lent to (lendTo), until takeBack. */
  private borrower: RecordWriter | undefined;
  /** Kept from the first pack to the release: packing again after an attempt only frees the raw bytes. */
  private packed: Packed | undefined;
  /** Records in the chunk (also while it is down). */
  records = 0;
  bytes = 0;
  /** No more appends: full, or handed to outputs. */
  locked = false;
  dispatched = false;
  /** Outputs that have not finished with this chunk. */
  readonly pending = new Set<Target>();
  /** Called once, when the chunk is released (delivered or its drops counted). */
  readonly onRelease: (() => void)[] = [];
  /** Outputs sending it right now (a down chunk is loaded for them and put down again after). */
  holders = 0;
  /** Some records could not be written to the file: the chunk stays in memory. */
  pinned = false;
  /** An output left it undelivered at shutdown: the file stays for the next start. */
  kept = false;

  constructor(
    readonly id: number,
    readonly source: Source,
    readonly tag: string,
    readonly file?: ChunkFile,
  ) {}

  /** A stable name across retries (and restarts, for filesystem chunks). */
  get key(): string {
    return this.file ? this.file.path : `mem:${this.id}`;
  }

  /** Its records are in memory (Fluent Bit's "up"): raw, or packed (memory chunks are always up). */
  get isUp(): boolean {
    return this.up !== undefined || this.packed !== undefined;
  }

  /** Appends encoded records (copied into the chunk's buffer); the engine locks it once full. */
  append(records: EncodedRecords): void {
    // A bug, loudly: the lent writer holds the records (lendTo), so these would be lost.
    if (this.borrower !== undefined) throw new Error(`chunk ${this.key} is lent to an input's writer`);
    this.writer().appendRecords(records);
    this.records += records.count;
    this.bytes += records.byteLength;
  }

  /**
   * Lends the chunk's records to `writer` (RecordWriter.swap) until takeBack: what the input then
   * writes follows the chunk's records in the chunk's own buffer, with no copy. Only an open chunk
   * in memory lends, to one writer at a time, and nothing may read or append to it meanwhile (the
   * input gives it back before it yields: ChunkBuffer.lend).
   */
  lendTo(writer: RecordWriter): boolean {
    if (this.locked || this.up === undefined || this.borrower !== undefined || writer.count !== 0) return false;
    this.up.swap(writer);
    this.borrower = writer;
    return true;
  }

  /** Records written into the lent writer so far (0 when nothing is lent). */
  get written(): number {
    return this.borrower === undefined ? 0 : this.borrower.count - this.records;
  }

  /** Takes back what lendTo lent; returns how many records the borrower wrote, now the chunk's (counted). */
  takeBack(): number {
    const writer = this.borrower;
    if (writer === undefined || this.up === undefined) return 0;
    this.borrower = undefined;
    writer.swap(this.up);
    const added = this.up.count - this.records;
    this.records = this.up.count;
    this.bytes = this.up.byteLength;
    return added;
  }

  /** The chunk's last `n` records (a view). */
  lastRecords(n: number): EncodedRecords {
    const all = this.writer().view();
    return all.slice(all.count - n);
  }

  /** No more appends: the buffer shrinks to what the records take. */
  lock(): void {
    this.locked = true;
    this.up?.compact();
  }

  /** The records, unpacked or read back from the file if the chunk is packed or down. */
  load(): EncodedRecords {
    return this.writer().view();
  }

  private writer(): RecordWriter {
    if (this.up === undefined) {
      const p = this.packed;
      this.up = p ? unpacked(p) : RecordWriter.adopt(this.file!.read());
    }
    return this.up;
  }

  /** Its records are held packed (memory chunks only; load() unpacks them). */
  get isPacked(): boolean {
    return this.up === undefined && this.packed !== undefined;
  }

  /**
   * Packs the records of a memory chunk waiting for its outputs and frees their raw bytes
   * (engine/raw-chunks.ts decides when, and that no output keeps views of them). Returns whether
   * it did: not while an output sends it, not before it is locked, not below `minBytes`.
   */
  pack(minBytes: number): boolean {
    if (this.file || !this.locked || this.holders > 0 || this.up === undefined || this.bytes < Math.max(1, minBytes)) return false;
    if (this.packed === undefined) {
      const view = this.up.view();
      this.packed = { bytes: chunkCodec.pack(view.bytes, CHUNK_FULL_BYTES), ends: view.endOffsets().slice(), count: view.count, size: view.byteLength };
    }
    poisonReleased(this.up.view().bytes);
    this.up.free(false);
    this.up = undefined;
    return true;
  }

  /** Frees the records from memory (filesystem chunks only). Returns whether it went down. */
  putDown(): boolean {
    if (!this.file || this.pinned || this.up === undefined || this.holders > 0 || !this.locked) return false;
    // Not freed here: an output retrying the chunk may still hold views of these bytes (the
    // collector frees them once nothing does).
    this.up = undefined;
    return true;
  }

  /**
   * Released: the memory of its records goes back now (RecordWriter.free). Every output is done
   * with the chunk and has forgotten it (the plugin contract: a batch's bytes may be kept between
   * attempts of the same chunk, never after its last flush settles).
   */
  free(): void {
    this.up?.free();
    this.up = undefined;
    // The packed copy is the chunk's alone (chunk-codec.ts copies it into its own buffer).
    if (this.packed) detach(this.packed.bytes.buffer);
    this.packed = undefined;
  }

  /** Creates a chunk for records already on disk (the backlog), down. */
  static fromDisk<S, T>(id: number, source: S, tag: string, file: ChunkFile, records: number, bytes: number): Chunk<S, T> {
    const c = new Chunk<S, T>(id, source, tag, file);
    c.up = undefined;
    c.records = records;
    c.bytes = bytes;
    c.locked = true;
    return c;
  }
}

/**
 * A writer holding a packed chunk's records unpacked, into a buffer of their own of a chunk's
 * full size at least (the size class of chunk buffers in glibc's heap), which free() detaches at
 * once.
 */
function unpacked(p: Packed): RecordWriter {
  const bytes = chunkCodec.unpack(p.bytes, p.size, CHUNK_FULL_BYTES);
  // Never a slice of Node's buffer pool (below 4 KiB): the room is a chunk's full size.
  const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === unpackRoom(p.size, CHUNK_FULL_BYTES);
  return RecordWriter.adopt(new EncodedRecords(bytes, p.ends, p.count), own);
}
