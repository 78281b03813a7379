/**
 * The chunk buffer: an input's records, once through its filters, are encoded once and appended
 * to the open chunk of their tag (one chunk per input and tag, locked at about CHUNK_MAX_BYTES;
 * with filesystem storage the same bytes go to the chunk's file first). It keeps the accounting
 * the other roles read: the records buffered, the chunks up, the engine's own drop counters.
 */
import { Chunk, CHUNK_FULL_BYTES, CHUNK_MAX_BYTES } from './chunk.js';
import type { ChunksUp } from './chunks-up.js';
import type { BufferLimits } from './buffer-limits.js';
import { Counters } from './metrics.js';
import { RawChunks, type RawChunkLimits } from './raw-chunks.js';
import type { DeliveryMetrics } from './monitor/delivery-metrics.js';
import { RecordEncoder, countRecords } from './record-encoder.js';
import type { InputSlot, PipelineChunk, Slot } from './slots.js';
import type { FsStorage } from './storage/fs-storage.js';
import { EncodedRecords, type RecordWriter } from '../record/encoded.js';
import type { LogEvent } from '../record/event.js';

/** The least `recordBytes` assumes (the time and the brackets alone take 25). */
const MIN_RECORD_BYTES = 64;

/**
 * An input's `committed` for one append that may span chunks: it runs once every part is on disk
 * or released (the input's position, such as tail's DB offset, then moves past the records).
 */
class PartsCommitted {
  private waiting = 1;
  private readonly partDone: (() => void) | undefined;

  constructor(committed: (() => void) | undefined) {
    this.partDone = committed && (() => --this.waiting === 0 && committed());
  }

  /** A part held in memory only: committed waits for its chunk's release. */
  waitFor(chunk: PipelineChunk): void {
    if (this.partDone === undefined) return;
    this.waiting++;
    chunk.onRelease.push(this.partDone);
  }

  /** Every part is in its chunk. */
  done(): void {
    this.partDone?.();
  }
}

export class ChunkBuffer {
  /** Records in chunks not yet released (delivered, dropped with a reason, or kept on disk). */
  bufferedRecords = 0;
  /**
   * The engine's own counts, on no instance: records dropped before any output (no output matches
   * their tag), by reason, and `kept_on_disk_records` (filesystem chunks left for the next start).
   */
  readonly counters = new Counters();
  /** [SERVICE] storage.path, once opened: filesystem inputs' chunks get a file there. */
  storage: FsStorage | undefined;
  /** Memory chunks' raw records, packed past a budget while they wait. */
  readonly raw: RawChunks;
  private nextChunkId = 1;
  private readonly encoder = new RecordEncoder();
  /** Bytes an encoded record is expected to take (the last lent encode's, with a margin): the room a lend asks for. */
  private recordBytes = 512;

  constructor(
    /** Filesystem chunks whose records are in memory, oldest first (storage.max_chunks_up). */
    readonly chunksUp: ChunksUp<PipelineChunk>,
    private readonly limits: BufferLimits,
    private readonly metrics: DeliveryMetrics,
    rawLimits?: RawChunkLimits,
  ) {
    this.raw = new RawChunks(rawLimits);
  }

  /** A new chunk id (chunks of the backlog take theirs as they are read back). */
  newId(): number {
    return this.nextChunkId++;
  }

  /**
   * Encodes the events of one ingestion job (or takes an input's own encoded records) and appends them to the open chunks of their input and
   * tag. Returns whether any record was buffered (then the input's limits apply); `committed`
   * runs at once when nothing was, once the records are on disk, or when their chunks are released.
   */
  append(slot: InputSlot, tag: string, events: LogEvent[] | EncodedRecords, committed: (() => void) | undefined, outputs: readonly Slot[]): boolean {
    const count = countRecords(events);
    if (count === 0) {
      committed?.();
      return false;
    }
    if (!slot.routable) {
      // Fluent Bit discards them silently; logferry counts them.
      slot.counters.drop('input not routable (Routable false)', count);
      committed?.();
      return false;
    }
    if (outputs.length === 0) {
      // Fluent Bit drops these silently; logferry counts them.
      this.routingDrop(slot, tag, count);
      committed?.();
      return false;
    }
    if (!(events instanceof EncodedRecords)) {
      // Encoded straight into the open chunk, lent to the encoder's writer, when it has room for
      // what the records are expected to take (no copy; a bigger batch takes the copy's way, split).
      const scratch = this.encoder.writer;
      scratch.reset();
      const room = events.length * this.recordBytes;
      const chunk = room <= CHUNK_FULL_BYTES ? this.lend(slot, tag, scratch, room, outputs) : undefined;
      if (chunk !== undefined) {
        const records = chunk.records;
        const bytes = chunk.bytes;
        let buffered = false;
        try {
          this.encoder.encodeInto(slot, events);
        } finally {
          buffered = this.appendLent(slot, chunk, committed);
        }
        const n = chunk.records - records;
        if (n > 0) this.recordBytes = Math.max(MIN_RECORD_BYTES, Math.ceil(((chunk.bytes - bytes) / n) * 1.25));
        return buffered;
      }
    }
    const records = this.encoder.encode(slot, events);
    if (records.count === 0) {
      committed?.();
      return false;
    }
    // The input's position waits for every part of this append (written to disk, or released).
    const parts = new PartsCommitted(committed);
    let from = 0;
    while (from < records.count) {
      const chunk = this.openChunk(slot, tag);
      // An append larger than the room left is split at a record, so that no chunk grows much past
      // CHUNK_MAX_BYTES (an input may emit megabytes at once).
      const room = CHUNK_MAX_BYTES - chunk.bytes;
      const base = records.start(from);
      let to = from;
      while (to < records.count && records.end(to) - base <= room) to++;
      if (to === from) {
        if (chunk.records > 0) {
          this.lockOpen(slot, chunk);
          continue;
        }
        to = from + 1;
      }
      const part = from === 0 && to === records.count ? records : records.slice(from, to);
      from = to;
      chunk.append(part);
      this.appended(slot, chunk, part.count, part.byteLength, () => part, parts);
    }
    this.encoder.recycle();
    // Written to disk: the input may persist its position now (tail DB), before delivery.
    parts.done();
    return true;
  }

  /**
   * Lends the open chunk of `tag` to an input's empty `writer` (Chunk.lendTo): the records the input
   * writes go into the chunk's buffer, with no copy; `appendLent` gives it back and appends them,
   * and locks the chunk once it passed CHUNK_MAX_BYTES (Fluent Bit locks a chunk after the append
   * that takes it past 2 MB; it does not split an append). When the chunk's buffer may not hold
   * `room` more bytes, the chunk is locked and a new one lent, as Fluent Bit opens a new chunk for
   * a locked one. Returns the chunk, or undefined when the records must take `append`'s way (which
   * counts the drops of an input that cannot route them, and splits an emit bigger than a chunk).
   */
  lend(slot: InputSlot, tag: string, writer: RecordWriter, room: number, outputs: readonly Slot[]): PipelineChunk | undefined {
    if (!slot.routable || outputs.length === 0 || room > CHUNK_FULL_BYTES) return undefined;
    let chunk = this.openChunk(slot, tag);
    if (CHUNK_FULL_BYTES - chunk.bytes < room && chunk.records > 0) {
      this.lockOpen(slot, chunk);
      chunk = this.openChunk(slot, tag);
    }
    return chunk.lendTo(writer) ? chunk : undefined;
  }

  /**
   * Takes back a chunk `lend` lent and appends the records written into it as `append` does (its
   * file, the accounting, locked once full). Returns whether any record was buffered.
   */
  appendLent(slot: InputSlot, chunk: PipelineChunk, committed: (() => void) | undefined): boolean {
    const bytesBefore = chunk.bytes;
    const count = chunk.takeBack();
    if (count === 0) {
      committed?.();
      return false;
    }
    const parts = new PartsCommitted(committed);
    this.appended(slot, chunk, count, chunk.bytes - bytesBefore, () => chunk.lastRecords(count), parts);
    parts.done();
    return true;
  }

  /** Records of a tag no output matches: counted, and logged at warn the first time per tag. */
  routingDrop(slot: InputSlot, tag: string, n: number): void {
    const reason = `no output matches tag '${tag}'`;
    if (this.counters.droppedFor(reason) === 0) {
      slot.log.warn(`records with tag '${tag}' dropped: no output matches it (counted in metrics; logged once per tag)`);
    }
    this.counters.drop(reason, n);
    slot.counters.drop('no output matches the tag', n);
  }

  /**
   * The chunk leaves the buffer: its bytes leave its input's account, its file is removed (or
   * sealed and kept for the next start when shutdown left it undelivered).
   */
  remove(chunk: PipelineChunk, keepFile: boolean): void {
    this.chunksUp.delete(chunk);
    this.raw.delete(chunk);
    const source = chunk.source;
    source.bytes -= chunk.bytes;
    this.bufferedRecords -= chunk.records;
    if (chunk.file) {
      try {
        if (keepFile) chunk.file.seal();
        else chunk.file.remove();
      } catch (err) {
        source.log.error(`cannot remove chunk file ${chunk.file.path}: ${(err as Error).message}`);
      }
      if (keepFile) this.counters.add('kept_on_disk_records', chunk.records);
    }
  }

  /** The open chunk of its tag is full: it waits for the next flush. */
  private lockOpen(slot: InputSlot, chunk: PipelineChunk): void {
    chunk.lock();
    if (slot.open.get(chunk.tag) === chunk) slot.open.delete(chunk.tag);
    slot.ready.push(chunk);
    this.raw.add(chunk);
  }

  /** The open chunk of the input and tag, made if there is none. */
  private openChunk(slot: InputSlot, tag: string): PipelineChunk {
    let chunk = slot.open.get(tag);
    if (!chunk) {
      chunk = this.newChunk(slot, tag);
      slot.open.set(tag, chunk);
    }
    return chunk;
  }

  /**
   * `count` records (`bytes`) just put in a chunk's memory: written to its file (`records` gives
   * them, made only then; safe before delivery once there, else `parts` waits for the chunk's
   * release), counted, and the chunk locked once full.
   */
  private appended(slot: InputSlot, chunk: PipelineChunk, count: number, bytes: number, records: () => EncodedRecords, parts: PartsCommitted): void {
    let safe = false;
    if (chunk.file && !chunk.pinned) {
      try {
        chunk.file.append(records());
        safe = true;
      } catch (err) {
        // Disk full or gone: these records live in memory only, so the input's position waits for delivery.
        chunk.pinned = true;
        slot.counters.add('storage_write_errors');
        slot.log.error(`cannot write chunk file ${chunk.file.path}: ${(err as Error).message}; buffering in memory until delivered`);
      }
    }
    slot.bytes += bytes;
    slot.counters.add('bytes', bytes);
    this.bufferedRecords += count;
    if (chunk.file) this.limits.enforceChunksUp();
    if (!safe) parts.waitFor(chunk);
    if (chunk.bytes >= CHUNK_MAX_BYTES) this.lockOpen(slot, chunk);
  }

  private newChunk(slot: InputSlot, tag: string): PipelineChunk {
    return this.metrics.born(this.createChunk(slot, tag));
  }

  private createChunk(slot: InputSlot, tag: string): PipelineChunk {
    const id = this.nextChunkId++;
    if (slot.storageType !== 'filesystem' || !this.storage) return new Chunk<InputSlot, Slot>(id, slot, tag);
    let file;
    try {
      file = this.storage.create(slot.stream, tag);
    } catch (err) {
      slot.counters.add('storage_write_errors');
      slot.log.error(`cannot create a chunk file under ${this.storage.options.root}: ${(err as Error).message}; buffering in memory`);
      return new Chunk<InputSlot, Slot>(id, slot, tag);
    }
    const chunk = new Chunk<InputSlot, Slot>(id, slot, tag, file);
    this.chunksUp.add(chunk);
    return chunk;
  }
}
