/**
 * One followed file (Fluent Bit `struct flb_tail_file`): its open descriptor, read position, line
 * reader, record handler and commit queue. Reads one block at a time, so that the input can go
 * round the files fairly; each block becomes one batch of events.
 *
 * Identity is the device and inode: a rotated (renamed) file keeps being read under its new name,
 * a deleted one until its end. A file that got smaller than what was read was truncated in place
 * (copytruncate): reading starts over at 0.
 */
import { open, readlink, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { realpath } from 'node:fs/promises';
import { nowNanos, type LogEvent } from '../../../record/event.js';
import type { Logger } from '../../../engine/logger.js';
import type { Counters } from '../../../engine/metrics.js';
import type { BytePathFilters, ChunkLease } from '../../../engine/plugin.js';
import { BlockReader, type AheadPool } from './block-reader.js';
import { CommitQueue } from './commit-queue.js';
import { fileKey, type FoundFile } from './discovery.js';
import { DockerModeHandler } from './docker-mode.js';
import { EncodedCriHandler, EncodedParserHandler, EncodedRawHandler, MultilineHandler, ParserHandler, RawHandler, rawRecordBuilder, type Batch, type LineHandler } from './line-handlers.js';
import type { EncodedRecords, RecordWriter } from '../../../record/encoded.js';
import { LineReader, PushResult } from './line-reader.js';
import type { OffsetsDb } from './offsets-db.js';
import type { TailSettings } from './settings.js';
import { fileTag } from './tag.js';

/**
 * Bytes of records a chunk must have room for to be lent for a block, per byte read: a line's
 * record is the line and 35-60 bytes (time, keys, quotes), so twice the block holds lines of 60
 * bytes and more. Shorter lines only make the chunk's buffer grow once past its full size.
 */
const LENT_ROOM_PER_BYTE = 2;

/** What a tracker needs from its input. */
export interface TrackerHost {
  readonly settings: TailSettings;
  readonly db: OffsetsDb | undefined;
  readonly log: Logger;
  readonly counters: Counters;
  readonly aheadPool: AheadPool;
  emit(tag: string, events: LogEvent[], committed: () => void): void;
  /** Where raw records of a tag that goes to its chunk unchanged are written as bytes (InputContext.encoded); undefined: never. */
  encodedWriter(tag: string): RecordWriter | undefined;
  /**
   * The filters of a tag that `encodedWriter` gives a writer although filters match it: the records
   * written there must have gone through them (EncodedEmit.filtersOnBytes); undefined otherwise.
   */
  encodedFilters(tag: string): BytePathFilters | undefined;
  /** Hands over records `encodedWriter`'s writer holds (emit's counterpart). */
  emitEncoded(tag: string, records: EncodedRecords, committed: () => void): void;
  /** Lends `encodedWriter`'s empty writer the tag's chunk for `room` bytes of records (EncodedEmit.lend); undefined: not now. */
  lend(tag: string, writer: RecordWriter, room: number): ChunkLease | undefined;
  /** Batches of a file became committed. */
  afterCommit(tracker: FileTracker): void;
  /** Reserves a file (`dev:ino`) for the caller; false when it is followed or being opened already. */
  claim(key: string): boolean;
  /** Gives up a reservation (the file could not be opened). */
  release(key: string): void;
}

export interface OpenOptions {
  /** Start at 0 (else at the end) when the DB has no offset for the file. */
  readonly fromHead: boolean;
  /** Start here when the DB has no offset (a file that aged out under Ignore_Older and came back). */
  readonly offset?: number;
}

/** What `check` found. */
export const enum CheckResult {
  Same,
  /** Renamed: it is read under its new name until rotate_wait has passed; its old name may hold a new file. */
  Rotated,
  /** Closed (could not be stat'ed). */
  Closed,
  /** Not modified for Ignore_Older while Ignore_Active_Older_Files is on. */
  AgedOut,
}

function createHandler(settings: TailSettings, batch: Batch, path: string, ino: bigint): LineHandler {
  const keys = settings.keys;
  const ml = settings.multiline;
  if (batch.records !== undefined && settings.parser === undefined && ml === undefined) return new EncodedRawHandler(batch, batch.records, keys, path);
  const build = rawRecordBuilder(keys, path);
  if (ml !== undefined) {
    const id = ino.toString();
    const encoded = batch.records === undefined ? undefined : EncodedCriHandler.create(batch, batch.records, ml, id, settings.multilineExact, keys, path, build);
    if (encoded !== undefined) return encoded;
    return new MultilineHandler(batch, ml.stream(id), settings.multilineExact, ml.flushIntervalMs, keys, path, build, () => ml.removeStream(id));
  }
  const parser = settings.parser?.();
  if (parser !== undefined && batch.records !== undefined) {
    const encoded = EncodedParserHandler.create(batch, batch.records, build, parser, keys, path);
    if (encoded !== undefined) return encoded;
  }
  const base: LineHandler = parser ? new ParserHandler(batch, build, parser, keys, path) : new RawHandler(batch, build);
  const dm = settings.dockerMode;
  if (dm !== undefined) return new DockerModeHandler(batch, base, dm.flushSec, dm.firstLine?.());
  return base;
}

export class FileTracker {
  /** Current name (changes when the file is rotated). */
  name: string;
  /** Size at the last stat or read. */
  size: number;
  /** A change notification or poll says there may be more to read. */
  dirty = true;
  /** A read found the end of the file at least once. */
  reachedEof = false;
  /** When the file was seen renamed (ms), 0 if not. */
  rotatedAt = 0;
  /** The file has no name left (link count 0): read to its end, then close. */
  deleted = false;
  closed = false;
  /** Its DB row was deleted: later commits are not stored. */
  private rowGone = false;
  private readonly batch: Batch;
  private errors = 0;
  /** Batches the engine threw on (logged the first time). */
  private engineFailures = 0;
  /** The chunk the batch's writer holds while a block is read into it (readBlock), given back by emitBatch. */
  private lease: ChunkLease | undefined;
  private readonly reader: LineReader;
  private readonly handler: LineHandler;
  private readonly queue: CommitQueue;
  private readonly blocks: BlockReader;
  private warnedLong = false;
  private persisted: number;
  private dbFailed = false;
  /** Bumped when reading starts over (truncation): a read begun before is discarded. */
  private generation = 0;

  private constructor(
    private readonly host: TrackerHost,
    private readonly handle: FileHandle,
    /** `dev:ino`. */
    readonly key: string,
    readonly ino: bigint,
    /** The path as found by the glob: path_key, tag, and the name watched for rotation. */
    readonly path: string,
    readonly tag: string,
    start: number,
    size: number,
    private dbId: number | undefined,
    /** Directories whose change events concern this file. */
    readonly watchDirs: readonly string[],
    /** The path with symlinks resolved (the name change events in its directory use). */
    readonly realPath: string,
  ) {
    const s = host.settings;
    this.batch = { events: [], time: 0n, onError: (err) => this.lineError(err), records: host.encodedWriter(tag), filters: host.encodedFilters(tag) };
    this.name = path;
    this.size = size;
    this.reader = new LineReader(start, { bufferMaxSize: s.bufferMaxSize, skipLongLines: s.skipLongLines, skipEmptyLines: s.skipEmptyLines });
    this.handler = createHandler(s, this.batch, path, ino);
    this.blocks = new BlockReader(handle, host.aheadPool);
    this.persisted = start;
    this.queue = new CommitQueue(start, (offset) => this.persist(offset));
  }

  /** Opens a found file at its DB offset, or at its head or end; undefined (logged) if it cannot be followed. */
  static async open(host: TrackerHost, found: FoundFile, options: OpenOptions): Promise<FileTracker | undefined> {
    const { settings, log, db } = host;
    const tag = fileTag(settings.tag, settings.tagRegex, found.path);
    if (!tag.ok) {
      log.error(`${tag.message}; file not followed`);
      return undefined;
    }
    let handle: FileHandle;
    try {
      handle = await open(found.path, 'r');
    } catch (err) {
      log.error(`cannot open ${found.path}: ${(err as Error).message}`);
      return undefined;
    }
    let key: string | undefined;
    try {
      const st = await handle.stat({ bigint: true });
      // Identity from the open descriptor (the path may name another file than the scan saw).
      if (!host.claim(fileKey(st.dev, st.ino))) {
        await handle.close();
        return undefined;
      }
      key = fileKey(st.dev, st.ino);
      const size = Number(st.size);
      let start = options.offset !== undefined && options.offset <= size ? options.offset : options.fromHead ? 0 : size;
      let dbId: number | undefined;
      if (db !== undefined && db.open) {
        const row = db.find(st.ino, found.path);
        if (row !== undefined) {
          dbId = row.id;
          // An offset past the end belongs to content that is gone (truncated while stopped, or a
          // reused inode). Offset 0 is a position too: Fluent Bit reads it as "none" (end of file
          // unless Read_from_Head), which would skip lines of a file that was empty or truncated.
          start = row.offset > size ? 0 : row.offset;
          if (start !== row.offset) db.updateOffset(row.id, start);
        } else {
          dbId = db.insert(found.path, start, st.ino);
        }
      }
      const dirs = [dirname(found.path)];
      let real = found.path;
      try {
        real = await realpath(found.path);
        if (dirname(real) !== dirs[0]) dirs.push(dirname(real));
      } catch {
        // gone already: the first check says so
      }
      const t = new FileTracker(host, handle, key, st.ino, found.path, tag.tag, start, size, dbId, dirs, real);
      log.debug(`inode=${st.ino} with offset=${start} appended as ${found.path}`);
      return t;
    } catch (err) {
      log.error(`cannot follow ${found.path}: ${(err as Error).message}`);
      if (key !== undefined) host.release(key);
      await handle.close().catch(() => undefined);
      return undefined;
    }
  }

  /** Read position: every byte before it has been read. */
  get position(): number {
    return this.reader.position;
  }

  get wantsRead(): boolean {
    return !this.closed && (this.dirty || this.size > this.reader.position);
  }

  /** Batches emitted and not yet committed in order. */
  get outstanding(): number {
    return this.rowGone ? 0 : this.queue.outstanding;
  }

  /** Where a restart would resume (the committed offset). */
  get committedOffset(): number {
    return this.queue.committed;
  }

  get flushIntervalMs(): number {
    return this.handler.flushIntervalMs;
  }

  /**
   * Reads one block at the read position and emits its lines as one batch. Returns the bytes read
   * (0 at the end of the file).
   */
  async readBlock(shared: Buffer): Promise<number> {
    const pos = this.reader.position;
    const generation = this.generation;
    let buf: Buffer;
    let n: number;
    try {
      ({ buf, n } = await this.blocks.read(pos, shared));
    } catch (err) {
      this.host.log.error(`error reading ${this.name}: ${(err as Error).message}`);
      await this.close(false);
      return 0;
    }
    if (this.closed) return 0;
    if (generation !== this.generation) return 1;
    if (n < buf.length) {
      this.dirty = false;
      this.reachedEof = true;
    }
    if (n === 0) return 0;
    if (pos + n > this.size) this.size = pos + n;
    this.batch.time = nowNanos();
    const skippedBefore = this.reader.longLines;
    // The block's records are written straight into their chunk when the engine lends it (no copy).
    const records = this.batch.records;
    if (records !== undefined && records.count === 0) this.lease = this.host.lend(this.tag, records, LENT_ROOM_PER_BYTE * n);
    let result: PushResult;
    try {
      result = this.reader.push(buf, n, this.handler);
    } catch (err) {
      // The chunk goes back with what was written before it may be used again.
      if (this.lease !== undefined) this.emitBatch();
      throw err;
    }
    const skipped = this.reader.longLines - skippedBefore;
    if (skipped > 0) {
      this.host.counters.add('long_lines_skipped', skipped);
      if (!this.warnedLong) {
        this.warnedLong = true;
        this.host.log.warn(`file=${this.name} have long lines. Skipping long lines.`);
      }
    }
    this.emitBatch();
    if (result === PushResult.LongLine) {
      this.host.counters.add('files_dropped_long_lines');
      this.host.log.error(`file=${this.name} requires a larger buffer size, lines are too long. Skipping file.`);
      await this.close(false);
    }
    return n;
  }

  /**
   * Re-stats the open file and its original path: truncation, deletion, rotation, aging. Change
   * events only say that something may have happened; this says what.
   */
  async check(nowMs: number): Promise<CheckResult> {
    if (this.closed) return CheckResult.Closed;
    // What was known before asking: the file had at least this many bytes then.
    const knownSize = Math.max(this.size, this.reader.position);
    const generation = this.generation;
    let st;
    try {
      st = await this.handle.stat({ bigint: true });
    } catch {
      await this.close(false);
      return CheckResult.Closed;
    }
    if (this.closed) return CheckResult.Closed;
    const size = Number(st.size);
    if (st.nlink === 0n && !this.deleted) {
      this.deleted = true;
      this.host.log.debug(`file has been deleted: ${this.name}`);
    }
    if (generation === this.generation && size < knownSize) this.truncated(size, knownSize);
    if (size > this.size) {
      this.size = size;
      this.dirty = true;
    }
    if (this.deleted || this.rotatedAt !== 0) return CheckResult.Same;
    let samePath = false;
    try {
      const ps = await stat(this.path, { bigint: true });
      samePath = fileKey(ps.dev, ps.ino) === this.key;
    } catch {
      // no file at the path any more
    }
    if (this.closed) return CheckResult.Closed;
    if (!samePath) {
      const name = await this.currentName();
      if (name === undefined) {
        this.deleted = true;
        return CheckResult.Same;
      }
      this.rotated(name, nowMs);
      return CheckResult.Rotated;
    }
    const s = this.host.settings;
    if (s.ignoreActiveOlder && s.ignoreOlderMs > 0 && nowMs - s.ignoreOlderMs > Number(st.mtimeMs)) return CheckResult.AgedOut;
    return CheckResult.Same;
  }

  /** Emits what the handler holds (multiline messages) if its timeout passed, or everything (`all`). */
  flushPending(nowMs: number, all: boolean): void {
    if (this.closed && !all) return;
    if (all) this.handler.flush(this.reader.consumed);
    else this.handler.flushExpired(nowMs, this.reader.consumed);
    this.emitBatch();
  }

  /**
   * Stops following the file: what the handler holds is emitted, the descriptor closed. `forget`
   * deletes its DB row (rotated or deleted files: nothing will read them again).
   */
  async close(forget: boolean): Promise<void> {
    if (this.closed) return;
    this.handler.flush(this.reader.consumed);
    this.emitBatch();
    this.closed = true;
    this.handler.close();
    if (forget) this.forgetRow();
    await this.blocks.close();
    await this.handle.close().catch(() => undefined);
  }

  private lineError(err: unknown): void {
    this.host.counters.add('errors');
    if (this.errors++ === 0) this.host.log.error(`file=${this.name}: a line could not be processed, kept raw: ${(err as Error)?.message ?? String(err)}`);
  }

  private emitBatch(): void {
    const offset = this.handler.safeOffset(this.reader.consumed);
    const lease = this.lease;
    if (lease !== undefined) {
      this.lease = undefined;
      if (lease.written > 0) {
        lease.giveBack(this.queue.add(offset));
        return;
      }
      lease.giveBack();
    }
    const records = this.batch.records;
    if (records !== undefined && records.count > 0) {
      // The writer is the input's, shared by its files: emptied before anything else writes.
      const committed = this.queue.add(offset);
      try {
        this.host.emitEncoded(this.tag, records.view(), committed);
      } catch (err) {
        const view = records.view();
        // Filtered records (Batch.filters) must not meet their filters again.
        if (this.batch.filters !== undefined) this.emitOneByOne(view.count, (i, release) => this.host.emitEncoded(this.tag, view.slice(i, i + 1), release), committed, err);
        else this.emitOneByOne(view.count, eventByEvent(view.events(), this.host, this.tag), committed, err);
      } finally {
        records.reset();
      }
      return;
    }
    const events = this.batch.events;
    if (events.length === 0) {
      this.queue.addCommitted(offset);
      return;
    }
    this.batch.events = [];
    const committed = this.queue.add(offset);
    try {
      this.host.emit(this.tag, events, committed);
    } catch (err) {
      this.emitOneByOne(events.length, eventByEvent(events, this.host, this.tag), committed, err);
    }
  }

  /**
   * The engine threw while taking a batch (a bug, not the file's fault): its records are handed
   * over one at a time, and a record it still throws on is dropped, counted and logged. The batch
   * counts as committed once every record is released or dropped, so the offset goes past it (a
   * restart would fail the same way) and the file is still followed. Records the engine took
   * before it threw may be delivered twice.
   */
  private emitOneByOne(count: number, emitOne: (i: number, release: () => void) => void, committed: () => void, first: unknown): void {
    this.host.counters.add('errors');
    const log = this.engineFailures++ === 0;
    if (log) this.host.log.error(`file=${this.name}: the engine failed to take a batch, handing its records over one by one (logged once per file): ${(first as Error)?.stack ?? String(first)}`);
    let left = count;
    for (let i = 0; i < count; i++) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (--left === 0) committed();
      };
      try {
        emitOne(i, release);
      } catch (err) {
        this.host.counters.drop('the engine failed to take the record', 1);
        if (log) this.host.log.error(`file=${this.name}: a record was dropped, the engine failed to take it: ${(err as Error)?.message ?? String(err)}`);
        release();
      }
    }
  }

  private truncated(size: number, known: number): void {
    this.host.log.debug(`inode=${this.ino} file truncated ${this.name} (size ${size} < ${known})`);
    this.handler.flush(this.reader.consumed);
    this.emitBatch();
    this.generation++;
    this.size = size;
    this.reader.reset(0);
    this.queue.reset(0);
    this.persist(0);
    this.dirty = true;
    this.host.counters.add('files_truncated');
  }

  private rotated(name: string, nowMs: number): void {
    this.host.log.info(`inode=${this.ino} handle rotation(): ${this.name} => ${name}`);
    this.name = name;
    this.rotatedAt = nowMs;
    this.host.counters.add('files_rotated');
    const db = this.host.db;
    if (db !== undefined && db.open && this.dbId !== undefined && !this.rowGone) {
      try {
        db.rotate(this.dbId, name);
      } catch (err) {
        this.host.log.error(`could not rotate file ${this.path}->${name} in database: ${(err as Error).message}`);
      }
    }
  }

  /** The name the open descriptor has now (Linux /proc); undefined when it has none (deleted). */
  private async currentName(): Promise<string | undefined> {
    try {
      const name = await readlink(`/proc/self/fd/${this.handle.fd}`);
      return name.endsWith(' (deleted)') ? undefined : name;
    } catch {
      return `${this.name} (rotated)`;
    }
  }

  private persist(offset: number): void {
    const db = this.host.db;
    if (offset !== this.persisted && db !== undefined && db.open && this.dbId !== undefined && !this.rowGone) {
      try {
        if (!db.updateOffset(this.dbId, offset)) this.dbId = db.insert(this.name, offset, this.ino);
        this.persisted = offset;
      } catch (err) {
        if (!this.dbFailed) this.host.log.error(`db: cannot store offset of ${this.name}: ${(err as Error).message}`);
        this.dbFailed = true;
      }
    }
    this.host.afterCommit(this);
  }

  private forgetRow(): void {
    const db = this.host.db;
    if (db !== undefined && db.open && this.dbId !== undefined && !this.rowGone) {
      try {
        db.delete(this.dbId);
      } catch (err) {
        this.host.log.error(`db: cannot delete the row of ${this.name}: ${(err as Error).message}`);
      }
    }
    this.rowGone = true;
  }
}

/** emitOneByOne's way for events: each emitted alone. */
function eventByEvent(events: readonly LogEvent[], host: TrackerHost, tag: string): (i: number, release: () => void) => void {
  return (i, release) => host.emit(tag, [events[i]!], release);
}
