/**
 * The `systemd` input: follows the journal through a supervised `journalctl -o json --follow`
 * child (Fluent Bit links sd-journal; Node has no binding, and journalctl reads every journal
 * format and compression the host's systemd writes).
 *
 * - Reading is batch-shaped: each block of stdout is decoded once, split on newlines, and its
 *   entries are appended in runs of one tag (at most Max_Entries per append), with no promise per line.
 * - The cursor of an appended batch is stored in the DB only once the engine says the batch is
 *   safely buffered, and in order (like tail's offsets); a restart resumes after it.
 * - Mem_Buf_Limit pauses by no longer reading stdout: the pipe fills and journalctl blocks, so
 *   nothing is lost or read twice; entries already decoded wait for `resume`.
 * - A journalctl that exits is logged, counted (`restarts`) and started again after the last
 *   entry appended, with a growing delay; a missing journalctl binary fails the start.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { PipelineError } from '../../../errors.js';
import type { LogEvent } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { CursorDb, isCursor } from './cursor-db.js';
import type { SystemdOptions } from './options.js';
import { CursorQueue } from './cursor-queue.js';
import { entryRecord, entryTime, hasAllMatches, makeTagger, type EntryOptions, type JournalJson } from './journal-entry.js';
import { andRecheck, journalctlArgs, type JournalctlQuery } from './journalctl.js';

/** The journalctl program (looked up on PATH, as Fluent Bit's systemd library is found by the loader). */
export const JOURNALCTL = 'journalctl';

const FIRST_RESTART_DELAY_MS = 200;
const MAX_RESTART_DELAY_MS = 30_000;
/** A child that ran this long resets the restart delay. */
const STABLE_MS = 10_000;
const STOP_KILL_AFTER_MS = 2_000;

type Child = ChildProcessByStdio<null, Readable, Readable>;

export class SystemdInput implements InputRuntime {
  /** What is not read stays in the journal (journalctl waits on its pipe). */
  readonly pausesWithoutLoss = true;
  private readonly query: JournalctlQuery;
  private readonly entryOptions: EntryOptions;
  private readonly tagOf: (entry: JournalJson) => string;
  private readonly recheck: (readonly [string, string])[];
  private readonly maxEntries: number;
  private readonly fromTail: boolean;
  private readonly queue: CursorQueue;

  private db: CursorDb | undefined;
  private child: Child | undefined;
  private childStarted = 0;
  /** Cursor of the last entry handed to the engine (or skipped): where a new child starts after. */
  private readCursor: string | undefined;
  /** The last cursor queued for the DB (equal to readCursor once every read entry is queued). */
  private queuedCursor: string | undefined;
  private carry: Buffer[] = [];
  private lines: string[] = [];
  private next = 0;
  private paused = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restartDelay = FIRST_RESTART_DELAY_MS;
  private stderrTail: string[] = [];
  private stopPromise: Promise<void> | undefined;
  /** Read_From_Tail: when the first journalctl started (seconds, as journalctl's `--since=@`). */
  private tailSince: string | undefined;

  constructor(
    private readonly o: SystemdOptions,
    private readonly ctx: InputContext,
  ) {
    const matches = o.systemd_filter;
    this.query = {
      path: o.path,
      matches,
      filterType: o.systemd_filter_type === 'and' ? 'and' : 'or',
    };
    this.recheck = andRecheck(this.query);
    this.entryOptions = {
      stripUnderscores: o.strip_underscores,
      lowercase: o.lowercase,
      maxFields: Math.max(1, o.max_fields),
    };
    this.maxEntries = Math.max(1, o.max_entries);
    this.fromTail = o.read_from_tail;
    this.tagOf = makeTagger(ctx.tag);
    this.queue = new CursorQueue((cursor) => this.persist(cursor));
  }

  async start(): Promise<void> {
    const o = this.o;
    if (this.query.path !== undefined) {
      const st = await stat(this.query.path).catch((err: NodeJS.ErrnoException) => {
        throw new PipelineError(`systemd: given path ${this.query.path} is invalid: ${err.message}`, { cause: err });
      });
      if (!st.isDirectory()) throw new PipelineError(`systemd: given path is not a directory: ${this.query.path}`);
    }
    const dbPath = o.db;
    if (dbPath !== undefined) {
      this.db = await CursorDb.open(dbPath, o['db.sync'] ?? 'default');
      if (this.db.repaired > 0) this.ctx.log.warn(`db: table in_systemd_cursor had more than one row; kept the newest (${this.db.repaired} deleted)`);
      const stored = this.db.stored;
      if (stored !== undefined && isCursor(stored)) {
        this.readCursor = stored;
        this.queuedCursor = stored;
        this.ctx.log.info(`seek_cursor=${stored.slice(0, 40)}... OK`);
      } else if (stored !== undefined && stored !== '(null)') {
        this.ctx.log.warn(`seek_cursor failed: '${stored.slice(0, 40)}' in ${dbPath} is not a journal cursor; reading from the ${this.fromTail ? 'tail' : 'head'}`);
      }
    }
    try {
      await this.spawnChild();
    } catch (err) {
      this.db?.close();
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'ENOENT') {
        throw new PipelineError(
          `systemd: cannot run '${JOURNALCTL}': not found on PATH. The systemd input reads the journal with journalctl; install systemd (Debian/Ubuntu: apt-get install systemd)`,
          { cause: err },
        );
      }
      throw new PipelineError(`systemd: cannot run '${JOURNALCTL}': ${e.message}`, { cause: err });
    }
  }

  /** Starts journalctl after the last entry read (or at the configured start); resolves once it runs. */
  private spawnChild(): Promise<void> {
    if (this.fromTail && this.readCursor === undefined && this.tailSince === undefined) this.tailSince = (Date.now() / 1000).toFixed(3);
    const first = this.childStarted === 0;
    const args = journalctlArgs(this.query, {
      fromTail: this.fromTail,
      ...(this.readCursor !== undefined ? { afterCursor: this.readCursor } : {}),
      ...(!first && this.tailSince !== undefined ? { since: this.tailSince } : {}),
    });
    this.ctx.log.debug(`${JOURNALCTL} ${args.join(' ')}`);
    const child = spawn(JOURNALCTL, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' } });
    this.child = child;
    this.carry = [];
    this.lines = [];
    this.next = 0;
    this.stderrTail = [];
    child.stdout.on('data', (chunk: Buffer) => this.onData(child, chunk));
    let errText = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      errText += text;
      let nl: number;
      while ((nl = errText.indexOf('\n')) >= 0) {
        const line = errText.slice(0, nl).trim();
        errText = errText.slice(nl + 1);
        if (line.length === 0) continue;
        this.stderrTail.push(line);
        if (this.stderrTail.length > 5) this.stderrTail.shift();
        if (!this.stopping) this.ctx.log.warn(`journalctl: ${line}`);
      }
    });
    if (this.paused) child.stdout.pause();
    return new Promise((resolve, reject) => {
      let running = false;
      child.once('spawn', () => {
        running = true;
        this.childStarted = Date.now();
        resolve();
      });
      child.once('error', (err) => {
        if (!running) {
          this.child = undefined;
          reject(err);
          return;
        }
        this.ctx.log.error(`journalctl: ${err.message}`);
      });
      child.once('close', (code, signal) => {
        if (running) this.onChildClosed(child, code, signal);
      });
    });
  }

  private onChildClosed(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (this.stopping) return;
    const how = signal !== null ? `killed by ${signal}` : `exited with code ${code}`;
    const why = this.stderrTail.length > 0 ? `: ${this.stderrTail.join(' | ')}` : '';
    if (this.stderrTail.some((l) => l.includes('Failed to seek to cursor')) && this.readCursor !== undefined) {
      this.ctx.log.warn(`seek_cursor failed (${this.readCursor.slice(0, 40)}...); reading from the ${this.fromTail ? 'tail' : 'head'}`);
      this.readCursor = undefined;
    }
    if (Date.now() - this.childStarted >= STABLE_MS) this.restartDelay = FIRST_RESTART_DELAY_MS;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(MAX_RESTART_DELAY_MS, this.restartDelay * 2);
    this.ctx.counters.add('restarts');
    this.ctx.log.error(`journalctl ${how}${why}; restarting in ${delay} ms after the last entry read`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.spawnChild().catch((err: Error) => {
        if (this.stopping) return;
        // Not started at all (binary gone): count it and try again later.
        this.onChildClosedBeforeStart(err);
      });
    }, delay);
  }

  private onChildClosedBeforeStart(err: Error): void {
    const delay = this.restartDelay;
    this.restartDelay = Math.min(MAX_RESTART_DELAY_MS, this.restartDelay * 2);
    this.ctx.counters.add('restarts');
    this.ctx.log.error(`cannot run ${JOURNALCTL}: ${err.message}; trying again in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.spawnChild().catch((e: Error) => {
        if (!this.stopping) this.onChildClosedBeforeStart(e);
      });
    }, delay);
  }

  // --- reading (hot path)

  private onData(child: Child, chunk: Buffer): void {
    if (this.stopping || this.child !== child) return;
    const nl = chunk.lastIndexOf(10);
    if (nl < 0) {
      this.carry.push(chunk);
      return;
    }
    let text: string;
    if (this.carry.length > 0) {
      this.carry.push(chunk.subarray(0, nl));
      text = Buffer.concat(this.carry).toString('utf8');
    } else {
      text = chunk.toString('utf8', 0, nl);
    }
    this.carry = nl + 1 < chunk.length ? [Buffer.from(chunk.subarray(nl + 1))] : [];
    const lines = text.split('\n');
    if (this.next < this.lines.length) {
      // Still holding lines from before a pause (only if data came in while paused).
      this.lines = this.lines.slice(this.next).concat(lines);
    } else {
      this.lines = lines;
    }
    this.next = 0;
    this.drain();
  }

  /** Appends the decoded lines in runs of one tag until they are done or the engine pauses this input. */
  private drain(): void {
    const lines = this.lines;
    const o = this.entryOptions;
    let events: LogEvent[] = [];
    let tag = '';
    let lastCursor: string | undefined;
    while (this.next < lines.length && !this.paused && !this.stopping) {
      const line = lines[this.next++]!;
      if (line.length === 0) continue;
      let entry: JournalJson;
      try {
        entry = JSON.parse(line) as JournalJson;
      } catch {
        this.ctx.counters.add('invalid_lines');
        this.ctx.log.warn(`journalctl printed a line that is not JSON (${line.length} bytes); skipped`);
        continue;
      }
      const cursor = entry['__CURSOR'];
      if (this.recheck.length > 0 && !hasAllMatches(entry, this.recheck)) {
        if (typeof cursor === 'string') this.readCursor = cursor;
        continue;
      }
      const entryTag = this.tagOf(entry);
      if (events.length > 0 && (entryTag !== tag || events.length >= this.maxEntries)) {
        this.append(tag, events, lastCursor);
        events = [];
        if (this.paused || this.stopping) {
          this.next--;
          break;
        }
      }
      tag = entryTag;
      events.push({ time: entryTime(entry), record: entryRecord(entry, o) });
      if (typeof cursor === 'string') {
        lastCursor = cursor;
        this.readCursor = cursor;
      }
    }
    if (events.length > 0) this.append(tag, events, lastCursor);
    // Entries skipped after the last append (And recheck) still move the stored cursor on.
    if (this.readCursor !== undefined && this.readCursor !== this.queuedCursor && this.next >= lines.length) {
      this.queuedCursor = this.readCursor;
      this.queue.add(this.readCursor)();
    }
    if (this.next >= lines.length) {
      this.lines = [];
      this.next = 0;
    }
  }

  private append(tag: string, events: LogEvent[], cursor: string | undefined): void {
    if (cursor === undefined) {
      this.ctx.emit(tag, events);
      return;
    }
    this.queuedCursor = cursor;
    this.ctx.emit(tag, events, this.queue.add(cursor));
  }

  private persist(cursor: string): void {
    if (this.db === undefined || !this.db.open) return;
    try {
      this.db.set(cursor);
    } catch (err) {
      this.ctx.counters.add('db_errors');
      this.ctx.log.error(`db: cannot store the cursor: ${(err as Error).message}`);
    }
    if (this.stopping && this.queue.outstanding === 0) this.db.close();
  }

  // --- lifecycle

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.child?.stdout.pause();
  }

  resume(): void {
    if (!this.paused || this.stopping) return;
    this.paused = false;
    this.drain();
    if (!this.paused) this.child?.stdout.resume();
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.doStop();
    return this.stopPromise;
  }

  private async doStop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    this.child = undefined;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdout.destroy();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_KILL_AFTER_MS);
      await exited;
      clearTimeout(killer);
    }
    // Batches still buffered keep the DB open until they are released.
    if (this.db !== undefined && this.queue.outstanding === 0) this.db.close();
  }
}
