/**
 * The `tail` input (Fluent Bit `in_tail`): follows the files matching `Path`, emitting one event per
 * line (or per multiline message), and remembers read offsets in an optional SQLite `DB`.
 *
 * - Discovery: the globs are scanned at start and every `Refresh_Interval`, and right after a
 *   rotation or when a watched directory reports a name no followed file has.
 * - Reading: one loop goes round the files with data, one block (`READ_BLOCK`) per file per turn,
 *   so a busy file cannot starve the others; each block is one batch (one `emit`).
 * - Change notification: `fs.watch` on the followed files' directories says when to look; a poll
 *   (`Progress_Check_Interval`, or 250 ms without notification) re-stats every file anyway.
 * - Offsets: a file's DB offset advances to the end of the last line whose batch, and every batch
 *   before it, the pipeline has released.
 * - `pause` (Mem_Buf_Limit) stops reading after the current block; `resume` goes on.
 *   `stop` emits what multiline streams hold and closes the files; the DB is closed once the
 *   pipeline has released the last batches (their offsets are stored first).
 */
import { nowNanos, type LogEvent } from '../../../record/event.js';
import type { BytePathFilters, ChunkLease, InputContext, InputRuntime } from '../../../engine/plugin.js';
import type { TailOptions } from './options.js';
import { globBase, inspect, scan, type FoundFile } from './discovery.js';
import { AheadPool } from './block-reader.js';
import { CheckResult, FileTracker, type OpenOptions, type TrackerHost } from './file-tracker.js';
import { OffsetsDb } from './offsets-db.js';
import { tailSettings, type TailSettings } from './settings.js';
import { DirWatcher } from './watcher.js';
import { RecordWriter, type EncodedRecords } from '../../../record/encoded.js';
import { linesEncodable } from '../../../record/line-encoder.js';
import { criKeysEncodable } from './line-handlers.js';
import { criJsonMerge } from '../../../record/cri-json-encoder.js';

/** Bytes read from one file per turn. */
export const READ_BLOCK = 256 * 1024;
/** Files that may read ahead at once (two blocks of memory each). */
const AHEAD_FILES = 2;
/** The encoded records of a block start in this much (a 256 KiB block of short lines takes about 1.3 times it). */
const ENCODED_BYTES = 64 * 1024;
/** Poll period when change notification is not available. */
const FALLBACK_POLL_MS = 250;
/** Smallest gap between two rescans triggered by directory events. */
const EVENT_RESCAN_GAP_MS = 200;
/**
 * Change events of followed files within this window share one read: a writer appending every 10 ms
 * otherwise costs a read (a thread-pool round trip) per write. The first event reads at once.
 */
export const CHANGE_READ_GAP_MS = 50;

function nowMs(): number {
  return Number(nowNanos() / 1_000_000n);
}

export class TailInput implements InputRuntime, TrackerHost {
  /** What is not read stays in the files. */
  readonly pausesWithoutLoss = true;
  readonly settings: TailSettings;
  readonly log: InputContext['log'];
  readonly counters: InputContext['counters'];
  db: OffsetsDb | undefined;
  /** Followed files by `dev:ino`. */
  private readonly files = new Map<string, FileTracker>();
  /** Closed files whose last batches are not all committed yet. */
  private readonly retired = new Set<FileTracker>();
  /** Files being opened (reserved by `claim`). */
  private readonly claimed = new Set<string>();
  /** Files that stopped being followed for an error: not picked up again while they are the same file. */
  private readonly failed = new Set<string>();
  /** Where to resume a file that aged out (Ignore_Older) if it changes again, by path. */
  private readonly resumeAt = new Map<string, { key: string | undefined; offset: number }>();
  /** Files found by the first scan (Exit_On_Eof waits for each to reach its end once). */
  private readonly initial = new Set<string>();
  private readonly buffer = Buffer.allocUnsafe(READ_BLOCK);
  /** Raw records written as bytes, one block at a time, for every file (emitted before the next read). */
  private records: RecordWriter | undefined;
  readonly aheadPool = new AheadPool(READ_BLOCK, AHEAD_FILES);
  private readonly watcher: DirWatcher;
  private readonly timers: NodeJS.Timeout[] = [];
  private paused = false;
  private stopping = false;
  private started = false;
  /** The first scan has followed every file it found (`initial` is complete). */
  private scanned = false;
  private doneSent = false;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private scanning: Promise<void> | undefined;
  private rescanQueued = false;
  private lastEventRescan = 0;
  private pollTimer: NodeJS.Timeout | undefined;
  private pollMs = 0;
  /** Set while change events wait for CHANGE_READ_GAP_MS to pass; `changedSince`: one came meanwhile. */
  private changeTimer: NodeJS.Timeout | undefined;
  private changedSince = false;
  private stopPromise: Promise<void> | undefined;

  constructor(
    options: TailOptions,
    private readonly ctx: InputContext,
  ) {
    this.log = ctx.log;
    this.counters = ctx.counters;
    this.settings = tailSettings(options, ctx);
    this.watcher = new DirWatcher((dir, name, type) => this.onWatchEvent(dir, name, type), ctx.log, this.settings.inotify);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const s = this.settings;
    if (s.db !== undefined) this.db = await OffsetsDb.open(s.db.path, s.db);
    for (const dir of new Set(s.patterns.map(globBase))) this.watcher.add(dir, true);
    await this.rescan(true);
    this.scanned = true;
    if (this.db !== undefined) {
      const removed = this.db.deleteStale([...this.files.values()].map((f) => f.ino));
      if (removed > 0) this.log.info(`db: delete unmonitored stale inodes from the database: count=${removed}`);
    }
    this.every(s.refreshMs, () => void this.rescan(false));
    this.updatePoll();
    const flushMs = this.handlerFlushMs();
    if (flushMs > 0) this.every(flushMs, () => this.flushExpired());
    if (s.exitOnEof && this.files.size === 0) {
      this.log.warn('exit_on_eof: no file to read');
      setImmediate(() => this.maybeDone());
    }
    this.kick();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.kick();
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  // --- TrackerHost

  emit(tag: string, events: LogEvent[], committed: () => void): void {
    this.ctx.emit(tag, events, committed);
  }

  encodedWriter(tag: string): RecordWriter | undefined {
    const s = this.settings;
    // Raw lines, or lines a parser turns into records (EncodedParserHandler; when that parser
    // cannot write bytes, its handler leaves the writer empty and hands over events), or the
    // built-in cri multiline parser's (EncodedCriHandler).
    const multiline = s.multiline === undefined || (s.multiline.wholeCri !== undefined && criKeysEncodable(s.keys));
    const encodable = multiline && s.dockerMode === undefined && linesEncodable(s.keys);
    if (!encodable || (this.ctx.encoded?.takes(tag) !== true && this.encodedFilters(tag) === undefined)) return undefined;
    this.records ??= new RecordWriter(ENCODED_BYTES);
    return this.records;
  }

  encodedFilters(tag: string): BytePathFilters | undefined {
    // The cri handler writes its whole lines filtered when the filters merge the log's JSON.
    if (this.settings.multiline?.wholeCri === undefined) return undefined;
    const filters = this.ctx.encoded?.filtersOnBytes(tag);
    return filters !== undefined && criJsonMerge(filters.paths) !== undefined ? filters : undefined;
  }

  emitEncoded(tag: string, records: EncodedRecords, committed: () => void): void {
    this.ctx.encoded!.emit(tag, records, committed);
  }

  lend(tag: string, writer: RecordWriter, room: number): ChunkLease | undefined {
    return this.ctx.encoded?.lend(tag, writer, room);
  }

  claim(key: string): boolean {
    if (this.files.has(key) || this.claimed.has(key) || this.failed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }

  release(key: string): void {
    this.claimed.delete(key);
  }

  afterCommit(tracker: FileTracker): void {
    if (tracker.closed && tracker.outstanding === 0) this.retired.delete(tracker);
    if (this.stopping) this.maybeCloseDb();
  }

  // --- lifecycle

  private async doStop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    if (this.pollTimer) clearInterval(this.pollTimer);
    clearTimeout(this.changeTimer);
    this.watcher.close();
    await this.pumping;
    await this.scanning;
    for (const f of this.files.values()) {
      f.flushPending(nowMs(), true);
      await f.close(false);
      if (f.outstanding > 0) this.retired.add(f);
    }
    this.files.clear();
    this.maybeCloseDb();
  }

  private maybeCloseDb(): void {
    if (this.db === undefined || !this.db.open) return;
    for (const f of this.retired) if (f.outstanding > 0) return;
    for (const f of this.files.values()) if (f.outstanding > 0) return;
    this.db.close();
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  private handlerFlushMs(): number {
    const s = this.settings;
    if (s.multiline !== undefined) return s.multiline.flushIntervalMs;
    if (s.dockerMode !== undefined) return 1000;
    return 0;
  }

  private updatePoll(): void {
    const ms = this.watcher.degraded ? FALLBACK_POLL_MS : this.settings.progressCheckMs;
    if (ms === this.pollMs || this.stopping) return;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollMs = ms;
    this.pollTimer = setInterval(() => void this.poll(), ms);
    this.pollTimer.unref();
  }

  // --- discovery

  /** Scans the globs and follows new files. `first`: the startup scan (Read_from_Head applies). */
  private rescan(first: boolean): Promise<void> {
    if (this.scanning !== undefined) {
      this.rescanQueued = true;
      return this.scanning;
    }
    this.scanning = this.doRescan(first).finally(() => {
      this.scanning = undefined;
      if (this.rescanQueued && !this.stopping) {
        this.rescanQueued = false;
        void this.rescan(false);
      }
    });
    return this.scanning;
  }

  private async doRescan(first: boolean): Promise<void> {
    if (this.stopping) return;
    const s = this.settings;
    let result;
    try {
      result = await scan({ patterns: s.patterns, exclude: s.exclude, ignoreOlderMs: s.ignoreOlderMs });
    } catch (err) {
      this.log.error(`scan failed: ${(err as Error).message}`);
      return;
    }
    for (const old of result.old) {
      if (!this.resumeAt.has(old.path)) this.resumeAt.set(old.path, { key: undefined, offset: old.size });
    }
    const seen = new Set<string>();
    for (const found of result.files) {
      seen.add(found.key);
      if (this.stopping) return;
      if (this.files.has(found.key) || this.claimed.has(found.key) || this.failed.has(found.key)) continue;
      const resume = this.resumeAt.get(found.path);
      this.resumeAt.delete(found.path);
      const offset = resume !== undefined && (resume.key === undefined || resume.key === found.key) && resume.offset <= found.size ? resume.offset : undefined;
      const options: OpenOptions = { fromHead: first ? s.readFromHead : s.readNewFromHead, ...(offset !== undefined ? { offset } : {}) };
      const t = await this.follow(found, options);
      if (t !== undefined && first) this.initial.add(t.key);
    }
    // A file that failed is retried once it is no longer there under the same identity.
    for (const key of this.failed) if (!seen.has(key)) this.failed.delete(key);
    this.kick();
  }

  private async follow(found: FoundFile, options: OpenOptions): Promise<FileTracker | undefined> {
    const t = await FileTracker.open(this, found, options);
    if (t === undefined) return undefined;
    this.claimed.delete(t.key);
    if (this.stopping) {
      await t.close(false);
      return undefined;
    }
    this.files.set(t.key, t);
    this.counters.add('files_opened');
    for (const dir of t.watchDirs) this.watcher.add(dir);
    this.updatePoll();
    return t;
  }

  /** After a rotation: a new file at the old name is followed at once (from its head). */
  private async followReplacement(path: string): Promise<void> {
    const found = await inspect(path, this.settings.exclude);
    if (found === undefined || this.stopping) return;
    await this.follow(found, { fromHead: this.settings.readNewFromHead });
  }

  private onWatchEvent(dir: string, name: string | null, type: 'rename' | 'change'): void {
    if (this.stopping) return;
    let known = false;
    const full = name === null ? undefined : `${dir}/${name}`;
    for (const f of this.files.values()) {
      if (full === undefined ? f.watchDirs.includes(dir) : f.path === full || f.name === full || f.realPath === full) {
        f.dirty = true;
        known = true;
      }
    }
    if (type === 'rename') {
      void this.poll();
      if (!known) this.rescanSoon();
      this.kick();
    } else this.kickOnChange();
  }

  /** Reads now, then at most once per CHANGE_READ_GAP_MS while change events keep coming. */
  private kickOnChange(): void {
    if (this.changeTimer !== undefined) {
      this.changedSince = true;
      return;
    }
    this.kick();
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      if (!this.changedSince) return;
      this.changedSince = false;
      this.kickOnChange();
    }, CHANGE_READ_GAP_MS);
  }

  private rescanSoon(): void {
    const wait = Math.max(0, this.lastEventRescan + EVENT_RESCAN_GAP_MS - Date.now());
    if (this.rescanQueued) return;
    this.rescanQueued = true;
    setTimeout(() => {
      this.rescanQueued = false;
      this.lastEventRescan = Date.now();
      if (!this.stopping) void this.rescan(false);
    }, wait).unref();
  }

  // --- checks and purging

  private polling = false;
  private pollAgain = false;

  /** Re-stats every file: growth, truncation, deletion, rotation; closes what is done. */
  private async poll(): Promise<void> {
    if (this.stopping) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        await this.pollOnce();
      } while (this.pollAgain && !this.stopping);
    } finally {
      this.polling = false;
    }
    this.kick();
  }

  private async pollOnce(): Promise<void> {
    const now = nowMs();
    for (const f of [...this.files.values()]) {
      try {
        await this.checkFile(f, now);
      } catch (err) {
        await this.unexpected(f, err);
      }
      if (this.stopping) return;
    }
    this.updatePoll();
  }

  /** Re-stats one file and acts on what changed (event hint, end of data, poll). */
  private async checkFile(f: FileTracker, now: number): Promise<void> {
    const result = await f.check(now);
    if (this.stopping) return;
    if (result === CheckResult.Closed) this.drop(f, true);
    else if (result === CheckResult.Rotated) {
      setTimeout(() => void this.closeIfDone(f, nowMs()), this.settings.rotateWaitMs + 5).unref();
      await this.followReplacement(f.path);
    } else if (result === CheckResult.AgedOut) {
      this.log.debug(`purge: monitored file (ignore older): ${f.name}`);
      this.resumeAt.set(f.path, { key: f.key, offset: f.committedOffset });
      await f.close(false);
      this.drop(f, false);
    }
    await this.closeIfDone(f, now);
  }


  /** Closes a deleted file once read to its end, and a rotated one once rotate_wait has passed and it is read to its end. */
  private async closeIfDone(f: FileTracker, now: number): Promise<void> {
    if (f.closed || f.wantsRead || this.stopping) return;
    const expired = f.rotatedAt !== 0 && now - f.rotatedAt >= this.settings.rotateWaitMs;
    if (!f.deleted && !expired) return;
    this.log.debug(`inode=${f.ino} purge ${f.deleted ? 'deleted' : 'rotated'} file ${f.name}`);
    await f.close(true);
    this.drop(f, false);
  }

  /** A bug, not bad data: the file is no longer followed, the input goes on. */
  private async unexpected(f: FileTracker, err: unknown): Promise<void> {
    this.counters.add('errors');
    this.log.error(`file=${f.name}: ${(err as Error)?.stack ?? String(err)}; file no longer followed`);
    await f.close(false).catch(() => undefined);
    this.drop(f, true);
  }

  /** Forgets a closed file; `failed`: it is not picked up again while it is the same file. */
  private drop(f: FileTracker, failed: boolean): void {
    if (this.files.get(f.key) !== f) return;
    this.files.delete(f.key);
    this.counters.add('files_closed');
    for (const dir of f.watchDirs) this.watcher.remove(dir);
    if (f.outstanding > 0) this.retired.add(f);
    if (failed) this.failed.add(f.key);
    this.initial.delete(f.key);
  }

  private flushExpired(): void {
    if (this.paused || this.stopping) return;
    const now = nowMs();
    for (const f of this.files.values()) f.flushPending(now, false);
  }

  // --- reading

  private kick(): void {
    if (this.stopping || this.paused || !this.started) return;
    if (this.pumping !== undefined) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      // A kick that came after the pump's last look (e.g. a resume right after a pause) would be
      // lost otherwise, and reading would wait for the next file event or Refresh_Interval.
      if (this.pumpAgain) this.kick();
    });
  }

  /** Goes round the files with data, one block each per turn, until none has data or reading is paused. */
  private async pump(): Promise<void> {
    do {
      this.pumpAgain = false;
      let progressed = true;
      while (progressed && !this.paused && !this.stopping) {
        progressed = false;
        for (const f of [...this.files.values()]) {
          if (this.paused || this.stopping) break;
          if (!f.wantsRead) continue;
          try {
            const n = await f.readBlock(this.buffer);
            if (n > 0) progressed = true;
            if (f.closed) this.drop(f, true);
            else if (n === 0) {
              // Told to look but nothing to read: truncated, deleted or rotated?
              await this.checkFile(f, nowMs());
              if (f.wantsRead) progressed = true;
            } else if (n < this.buffer.length && (f.deleted || f.rotatedAt !== 0)) await this.closeIfDone(f, nowMs());
          } catch (err) {
            await this.unexpected(f, err);
          }
        }
      }
    } while (this.pumpAgain && !this.paused && !this.stopping);
    this.maybeDone();
  }

  /** Exit_On_Eof: once every file found at start has been read to its end, emit what is held and ask to stop. */
  private maybeDone(): void {
    // A watch event during the first scan pumps the files followed so far: `initial` is not
    // complete yet, and its files all at their end would end the input before the rest were read.
    if (!this.settings.exitOnEof || this.doneSent || this.stopping || !this.scanned) return;
    for (const key of this.initial) {
      const f = this.files.get(key);
      if (f !== undefined && !f.reachedEof) return;
    }
    this.doneSent = true;
    const now = nowMs();
    for (const f of this.files.values()) f.flushPending(now, true);
    this.log.info('exit_on_eof: all files read to their end');
    this.ctx.done();
  }
}
