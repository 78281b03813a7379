/**
 * Filesystem storage ([SERVICE] storage.path): one directory per input instance (`tail.0`, as
 * Fluent Bit names its streams), one file per chunk. Files are removed once every output is done
 * with the chunk; what is left at start is the backlog. Damaged files are moved to `quarantine/`
 * (or deleted with storage.delete_irrecoverable_chunks), never left to stall the pipeline.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { LogEvent, LogRecord } from '../event.js';
import { cutDeep } from '../record-depth.js';
import { eventSize } from '../record-size.js';
import { decodeChunk, encodeChunkStart, encodeEvents, type DecodedChunk } from './chunk-file.js';

export const CHUNK_SUFFIX = '.flb';
export const QUARANTINE_DIR = 'quarantine';

export interface FsStorageOptions {
  readonly root: string;
  /** `full` fsyncs after every write (survives a machine crash); `normal` leaves it to the OS (survives a process crash). */
  readonly sync: 'normal' | 'full';
  readonly checksum: boolean;
  /** Delete damaged files instead of quarantining them. */
  readonly deleteIrrecoverable: boolean;
  /** Directories under the root that hold no chunks of inputs (the dead-letter directory). */
  readonly skipDirs?: readonly string[];
}

/** A chunk file being written or read back. */
export class ChunkFile {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly storage: FsStorage,
    fd?: number,
  ) {
    this.fd = fd;
  }

  /** Appends events as one frame; returns once the bytes are written (and synced with storage.sync full). */
  append(events: readonly LogEvent[]): void {
    if (this.fd === undefined) this.fd = openSync(this.path, 'a');
    const frame = encodeEvents(events, this.storage.options.checksum);
    let off = 0;
    while (off < frame.length) off += writeSync(this.fd, frame, off, frame.length - off);
    if (this.storage.options.sync === 'full') fsyncSync(this.fd);
  }

  /** No more appends: closes the descriptor (the file stays until `remove`). */
  seal(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Reads the events back (a chunk that was put down to save memory). */
  read(): LogEvent[] {
    const decoded = decodeChunk(readFileSync(this.path));
    if ('error' in decoded) throw new Error(`${this.path}: ${decoded.error}`);
    return decoded.events;
  }

  remove(): void {
    this.seal();
    rmSync(this.path, { force: true });
  }
}

/** A chunk file left by a previous run: counted at start, its events read again only when sent. */
export interface BacklogEntry {
  readonly file: ChunkFile;
  /** The input directory the file was found in. */
  readonly stream: string;
  readonly tag: string;
  readonly created: number;
  readonly records: number;
  /** Buffer bytes of its events (the same measure as for new chunks). */
  readonly bytes: number;
}

export interface BacklogProblem {
  readonly path: string;
  readonly reason: string;
  /** Where the file went (undefined when deleted). */
  readonly movedTo: string | undefined;
  /** Records recovered from it (written to a fresh file, listed in the backlog). */
  readonly recovered: number;
}

export class FsStorage {
  private seq = 0;

  constructor(readonly options: FsStorageOptions) {
    mkdirSync(options.root, { recursive: true });
  }

  /** Creates the file of a new chunk of `stream` (an input instance name). */
  create(stream: string, tag: string): ChunkFile {
    const dir = join(this.options.root, stream);
    mkdirSync(dir, { recursive: true });
    const path = join(dir, this.nextName());
    const fd = openSync(path, 'wx');
    const start = encodeChunkStart({ tag, created: Date.now(), checksum: this.options.checksum });
    writeSync(fd, start);
    if (this.options.sync === 'full') fsyncSync(fd);
    return new ChunkFile(path, this, fd);
  }

  /**
   * Reads every chunk file left by a previous run, oldest first. Damaged files are quarantined;
   * the records before the damage are kept in a new file so they are still delivered.
   */
  loadBacklog(): { entries: BacklogEntry[]; problems: BacklogProblem[] } {
    const entries: BacklogEntry[] = [];
    const problems: BacklogProblem[] = [];
    for (const stream of listDirs(this.options.root)) {
      if (stream === QUARANTINE_DIR || this.options.skipDirs?.includes(stream)) continue;
      const dir = join(this.options.root, stream);
      const names = readdirSync(dir).filter((n) => n.endsWith(CHUNK_SUFFIX)).sort();
      for (const name of names) {
        const path = join(dir, name);
        let buf: Buffer;
        try {
          buf = readFileSync(path);
        } catch (err) {
          problems.push({ path, reason: `cannot read: ${(err as Error).message}`, movedTo: undefined, recovered: 0 });
          continue;
        }
        const decoded = decodeChunk(buf);
        if ('error' in decoded) {
          problems.push({ path, reason: decoded.error, movedTo: this.setAside(path), recovered: 0 });
          continue;
        }
        if (decoded.damage !== undefined) {
          // Keep the damaged original for inspection; what decoded goes on in a fresh file.
          const movedTo = this.setAside(path);
          problems.push({ path, reason: decoded.damage, movedTo, recovered: decoded.events.length });
          if (decoded.events.length === 0) continue;
          const file = this.create(stream, decoded.header.tag);
          file.append(decoded.events);
          file.seal();
          entries.push(entryOf(file, stream, decoded));
          continue;
        }
        if (decoded.events.length === 0) {
          rmSync(path, { force: true });
          continue;
        }
        entries.push(entryOf(new ChunkFile(path, this), stream, decoded));
      }
    }
    entries.sort((a, b) => a.created - b.created || compareNames(a.file.path, b.file.path));
    return { entries, problems };
  }

  private setAside(path: string): string | undefined {
    if (this.options.deleteIrrecoverable) {
      rmSync(path, { force: true });
      return undefined;
    }
    const dir = join(this.options.root, QUARANTINE_DIR);
    mkdirSync(dir, { recursive: true });
    const target = join(dir, `${basename(join(path, '..'))}-${basename(path)}`);
    renameSync(path, target);
    return target;
  }

  /** Sortable, unique across restarts: creation time, process id, sequence. */
  private nextName(): string {
    this.seq++;
    return `${String(Date.now()).padStart(13, '0')}-${process.pid}-${String(this.seq).padStart(8, '0')}${CHUNK_SUFFIX}`;
  }
}

function entryOf(file: ChunkFile, stream: string, decoded: DecodedChunk): BacklogEntry {
  let bytes = 0;
  for (const e of decoded.events) {
    // Deeper than MAX_RECORD_DEPTH (written before that bound): counted as the outputs write it, cut.
    const size = eventSize(e.record);
    bytes += size >= 0 ? size : eventSize(cutDeep(e.record) as LogRecord);
  }
  return { file, stream, tag: decoded.header.tag, created: decoded.header.created, records: decoded.events.length, bytes };
}

function listDirs(root: string): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

function compareNames(a: string, b: string): number {
  const x = basename(a);
  const y = basename(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
