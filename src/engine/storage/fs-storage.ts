/**
 * Filesystem storage ([SERVICE] storage.path): one directory per input instance (`tail.0`, as
 * Fluent Bit names its streams), one file per chunk. Files are removed once every output is done
 * with the chunk; what is left at start is the backlog. Damaged files are moved to `quarantine/`
 * (or deleted with storage.delete_irrecoverable_chunks), never left to stall the pipeline.
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync, type Dirent } from 'node:fs';
import { basename, join } from 'node:path';
import { fileKind } from '../../file-kind.js';
import type { EncodedRecords } from '../../record/encoded.js';
import type { Logger } from '../logger.js';
import { decodeChunk, encodeChunkStart, encodeRecords, type DecodedChunk } from './chunk-file.js';
import { ChunkRemover, errorText, type RemovalFs } from './removal.js';

export const CHUNK_SUFFIX = '.flb';
export const QUARANTINE_DIR = 'quarantine';
/** Chunk files hold records (secrets, personal data): owner only, as Fluent Bit's chunkio makes them. */
export const FILE_MODE = 0o600;
/** Directories as chunkio makes them. */
export const DIR_MODE = 0o755;

export interface FsStorageOptions {
  readonly root: string;
  /** `full` fsyncs after every write (survives a machine crash); `normal` leaves it to the OS (survives a process crash). */
  readonly sync: 'normal' | 'full';
  readonly checksum: boolean;
  /** Delete damaged files instead of quarantining them. */
  readonly deleteIrrecoverable: boolean;
  /** Directories under the root that hold no chunks of inputs (the dead-letter directory). */
  readonly skipDirs?: readonly string[];
  /** Where failed removals are reported. */
  readonly log?: Logger;
  /** The unlink and truncate calls of removals (tests inject failures through it). */
  readonly removalFs?: RemovalFs;
}

/** A chunk file being written or read back. */
export class ChunkFile {
  private fd: number | undefined;
  /** Records in the file: the index of the next append's first record. */
  private records = 0;

  constructor(
    readonly path: string,
    private readonly storage: FsStorage,
    fd?: number,
  ) {
    this.fd = fd;
  }

  /**
   * Appends records, their bytes as they are, in bounded frames; returns once the bytes are
   * written (and synced with storage.sync full).
   */
  append(records: EncodedRecords): void {
    if (this.fd === undefined) this.fd = openSync(this.path, 'a');
    const bytes = encodeRecords(records, this.storage.options.checksum, this.records);
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    this.records += records.count;
    if (this.storage.options.sync === 'full') fsyncSync(this.fd);
  }

  /** No more appends: closes the descriptor (the file stays until `remove`). */
  seal(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Reads the records back (a chunk that was put down to save memory). */
  read(): EncodedRecords {
    const decoded = decodeChunk(readRegular(this.path));
    if ('error' in decoded) throw new Error(`${this.path}: ${decoded.error}`);
    return decoded.records;
  }

  /** The chunk is delivered: the file goes (or is emptied while its removal is retried). */
  remove(): void {
    this.seal();
    this.storage.remover.remove(this.path);
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
  /** Bytes of its encoded records (the same measure as for new chunks). */
  readonly bytes: number;
}

/** A file at start that is not an intact chunk: damaged (set aside), or not a regular file (skipped). */
export interface BacklogProblem {
  readonly path: string;
  /** What was wrong and what was done, for the log. */
  readonly message: string;
  /** A damaged chunk file, not a stray special file. */
  readonly damaged: boolean;
  /** Records recovered from it (delivered as part of the backlog). */
  readonly recovered: number;
  /** Records the damage cost (to count as dropped). */
  readonly lost: number;
}

export class FsStorage {
  private seq = 0;
  readonly remover: ChunkRemover;

  constructor(readonly options: FsStorageOptions) {
    mkdirSync(options.root, { recursive: true, mode: DIR_MODE });
    this.remover = new ChunkRemover(options.log, options.removalFs);
  }

  /** Creates the file of a new chunk of `stream` (an input instance name). */
  create(stream: string, tag: string): ChunkFile {
    const dir = join(this.options.root, stream);
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    const path = join(dir, this.nextName());
    const fd = openSync(path, 'wx', FILE_MODE);
    const start = encodeChunkStart({ tag, created: Date.now(), checksum: this.options.checksum });
    writeSync(fd, start);
    if (this.options.sync === 'full') fsyncSync(fd);
    return new ChunkFile(path, this, fd);
  }

  /**
   * Reads every chunk file left by a previous run, oldest first. Damaged files are quarantined;
   * the records readable in them are kept in a new file so they are still delivered. Files that
   * are not regular files (a FIFO, a directory) are skipped: never opened in a way that blocks.
   */
  loadBacklog(): { entries: BacklogEntry[]; problems: BacklogProblem[] } {
    const entries: BacklogEntry[] = [];
    const problems: BacklogProblem[] = [];
    for (const stream of listDirs(this.options.root)) {
      if (stream === QUARANTINE_DIR || this.options.skipDirs?.includes(stream)) continue;
      const dir = join(this.options.root, stream);
      let found: Dirent[];
      try {
        found = readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.name.endsWith(CHUNK_SUFFIX))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (err) {
        problems.push({ path: dir, message: `cannot list ${dir} (${errorText(err)}): its chunks are not loaded`, damaged: false, recovered: 0, lost: 0 });
        continue;
      }
      for (const dirent of found) {
        const path = join(dir, dirent.name);
        const content = readBacklogFile(path, dirent);
        if (typeof content === 'string') {
          problems.push({ path, message: `${path}: ${content}`, damaged: false, recovered: 0, lost: 0 });
          continue;
        }
        if (content.length === 0) {
          // Created but never written, or emptied after delivery when it could not be removed.
          this.remover.remove(path);
          continue;
        }
        const decoded = decodeChunk(content);
        if ('error' in decoded) {
          const fate = this.setAside(path);
          problems.push({ path, message: `damaged chunk file ${path}: ${decoded.error}; ${fate.text}`, damaged: true, recovered: 0, lost: 0 });
          continue;
        }
        if (decoded.damage !== undefined) {
          const { entry, text } = this.recover(path, stream, decoded);
          if (entry) entries.push(entry);
          problems.push({ path, message: `damaged chunk file ${path}: ${decoded.damage}; ${text}`, damaged: true, recovered: decoded.records.count, lost: decoded.lost });
          continue;
        }
        if (decoded.records.count === 0) {
          this.remover.remove(path);
          continue;
        }
        entries.push(entryOf(new ChunkFile(path, this), stream, decoded));
      }
    }
    entries.sort((a, b) => a.created - b.created || compareNames(a.file.path, b.file.path));
    return { entries, problems };
  }

  /** Stops retrying failed removals (shutdown). */
  close(): void {
    this.remover.close();
  }

  /**
   * A damaged file: what decoded goes on in a fresh file and the original is set aside for
   * inspection. When either step fails the original stays and is read from where it is.
   */
  private recover(path: string, stream: string, decoded: DecodedChunk): { entry?: BacklogEntry; text: string } {
    const counts = `${decoded.records.count} record(s) recovered` + (decoded.lost > 0 ? `, ${decoded.lost} lost (counted as dropped)` : '');
    let file: ChunkFile | undefined;
    if (decoded.records.count > 0) {
      try {
        file = this.create(stream, decoded.header.tag);
        file.append(decoded.records);
        file.seal();
      } catch (err) {
        if (file) this.remover.remove(file.path);
        return { entry: entryOf(new ChunkFile(path, this), stream, decoded), text: `cannot write the recovered records to a new file (${errorText(err)}): left in place, ${counts}` };
      }
    }
    const fate = this.setAside(path);
    if (!fate.gone && file) {
      // Both would be read at the next start: keep the original only.
      this.remover.remove(file.path);
      file = new ChunkFile(path, this);
    }
    return { entry: file ? entryOf(file, stream, decoded) : undefined, text: `${fate.text}, ${counts}` };
  }

  private setAside(path: string): { gone: boolean; text: string } {
    if (this.options.deleteIrrecoverable) {
      try {
        unlinkSync(path);
        return { gone: true, text: 'deleted (storage.delete_irrecoverable_chunks)' };
      } catch (err) {
        return { gone: false, text: `cannot delete it (${errorText(err)}): left in place` };
      }
    }
    const target = join(this.options.root, QUARANTINE_DIR, `${basename(join(path, '..'))}-${basename(path)}`);
    try {
      mkdirSync(join(this.options.root, QUARANTINE_DIR), { recursive: true, mode: DIR_MODE });
      renameSync(path, target);
      return { gone: true, text: `moved to ${target}` };
    } catch (err) {
      return { gone: false, text: `cannot move it to ${QUARANTINE_DIR}/ (${errorText(err)}): left in place` };
    }
  }

  /** Sortable, unique across restarts: creation time, process id, sequence. */
  private nextName(): string {
    this.seq++;
    return `${String(Date.now()).padStart(13, '0')}-${process.pid}-${String(this.seq).padStart(8, '0')}${CHUNK_SUFFIX}`;
  }
}

/**
 * The content of a regular file. Opened non-blocking and checked after opening, so that a FIFO
 * (even one swapped in after the directory was listed) cannot block the event loop.
 */
function readRegular(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`not a regular file (${fileKind(stat)})`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A backlog file's content, or why it is skipped (a FIFO, a directory, unreadable). */
function readBacklogFile(path: string, dirent: Dirent): Buffer | string {
  if (!dirent.isFile()) return `not a regular file (${fileKind(dirent)}): skipped, left in place`;
  try {
    return readRegular(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `${e.code ? `cannot read it (${errorText(e)})` : e.message}: skipped, left in place`;
  }
}

function entryOf(file: ChunkFile, stream: string, decoded: DecodedChunk): BacklogEntry {
  const r = decoded.records;
  return { file, stream, tag: decoded.header.tag, created: decoded.header.created, records: r.count, bytes: r.byteLength };
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
