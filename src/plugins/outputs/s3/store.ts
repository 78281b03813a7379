/**
 * The s3 output's own buffer in `store_dir` (out_s3's fstore), under a folder per bucket as
 * Fluent Bit keeps it, so that what was accepted and not yet uploaded survives a restart:
 *
 *   <store_dir>/<bucket>/buffers/<name>.meta     {"tag","createTime":s,"firstLogTime":s}, written first
 *   <store_dir>/<bucket>/buffers/<name>.data     the file's JSON lines, appended per flush
 *   <store_dir>/<bucket>/uploads/<name>.json     a multipart upload with the parts S3 has:
 *                                                {"tag","key","uploadId","initTime":s,"bytes","parts":[{"partNumber","etag"}]}
 *   <store_dir>/<bucket>/sequence/seq_index_<n>  the $INDEX counter of instance n, as decimal text
 *
 * A buffer file is deleted once S3 has it (PutObject or UploadPart answered), an upload's file once
 * CompleteMultipartUpload has answered.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One local file of a tag: records waiting to be uploaded together. */
export interface BufferFile {
  readonly name: string;
  readonly tag: string;
  /** Seconds since the epoch. */
  readonly createTime: number;
  /** The first record's time (seconds): the time of the object key. */
  readonly firstLogTime: number;
  size: number;
  /** In the upload queue: no more data goes in. */
  locked: boolean;
  /** Failed uploads in this run (retry_limit). */
  failures: number;
  /** Given up for this run (kept on disk, tried again at the next start). */
  inactive: boolean;
}

export interface SavedPart {
  readonly partNumber: number;
  readonly etag: string;
}

/** A multipart upload as kept on disk. */
export interface SavedUpload {
  readonly tag: string;
  readonly key: string;
  readonly uploadId: string;
  readonly initTime: number;
  readonly bytes: number;
  readonly parts: readonly SavedPart[];
}

const DATA = '.data';
const META = '.meta';

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a small file whole (a temporary file renamed into place), so a crash leaves the old or the new one. */
function writeWhole(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export class S3Store {
  private readonly buffers: string;
  private readonly uploads: string;
  private readonly sequence: string;
  /** Bytes of all buffer files (store_dir_limit_size). */
  private bytes = 0;

  constructor(
    readonly root: string,
    private readonly limit: number,
  ) {
    this.buffers = join(root, 'buffers');
    this.uploads = join(root, 'uploads');
    this.sequence = join(root, 'sequence');
    for (const dir of [this.buffers, this.uploads, this.sequence]) mkdirSync(dir, { recursive: true });
  }

  /** The buffer files a previous run left (a data file without its metadata is kept under the tag `unknown`). */
  loadFiles(now: number): BufferFile[] {
    const files: BufferFile[] = [];
    const names = new Set(list(this.buffers).flatMap((f) => (f.endsWith(DATA) || f.endsWith(META) ? [f.slice(0, -5)] : [])));
    for (const name of names) {
      let size: number;
      try {
        size = statSync(join(this.buffers, name + DATA)).size;
      } catch {
        rmSync(join(this.buffers, name + META), { force: true });
        continue;
      }
      if (size === 0) {
        this.remove(name);
        continue;
      }
      const meta = readJson(join(this.buffers, name + META)) ?? {};
      const num = (k: string) => (typeof meta[k] === 'number' ? (meta[k] as number) : now);
      files.push({ name, tag: typeof meta.tag === 'string' ? meta.tag : 'unknown', createTime: num('createTime'), firstLogTime: num('firstLogTime'), size, locked: false, failures: 0, inactive: false });
      this.bytes += size;
    }
    return files;
  }

  /** The multipart uploads a previous run left, with the name of their file. */
  loadUploads(): (SavedUpload & { readonly name: string })[] {
    const out: (SavedUpload & { readonly name: string })[] = [];
    for (const f of list(this.uploads).filter((n) => n.endsWith('.json'))) {
      const v = readJson(join(this.uploads, f));
      const parts = Array.isArray(v?.parts) ? (v.parts as unknown[]).filter((p): p is SavedPart => typeof (p as SavedPart)?.partNumber === 'number' && typeof (p as SavedPart)?.etag === 'string') : [];
      if (!v || typeof v.tag !== 'string' || typeof v.key !== 'string' || typeof v.uploadId !== 'string' || parts.length === 0) continue;
      out.push({ name: f.slice(0, -5), tag: v.tag, key: v.key, uploadId: v.uploadId, initTime: typeof v.initTime === 'number' ? v.initTime : 0, bytes: typeof v.bytes === 'number' ? v.bytes : 0, parts });
    }
    return out;
  }

  /** A new, empty buffer file of a tag (its metadata on disk). */
  create(tag: string, firstLogTime: number, now: number): BufferFile {
    const name = `${now}-${randomBytes(6).toString('hex')}`;
    writeWhole(join(this.buffers, name + META), JSON.stringify({ tag, createTime: now, firstLogTime }) + '\n');
    return { name, tag, createTime: now, firstLogTime, size: 0, locked: false, failures: 0, inactive: false };
  }

  /** Appends data to a file; false (nothing written) when store_dir_limit_size would be reached. */
  append(file: BufferFile, data: Buffer): boolean {
    if (this.limit > 0 && this.bytes + data.length >= this.limit) return false;
    appendFileSync(join(this.buffers, file.name + DATA), data);
    file.size += data.length;
    this.bytes += data.length;
    return true;
  }

  read(file: BufferFile): Buffer {
    return readFileSync(join(this.buffers, file.name + DATA));
  }

  /** Deletes a file S3 has (data first: a crash in between leaves metadata only, removed at the next start). */
  delete(file: BufferFile): void {
    this.bytes -= file.size;
    this.remove(file.name);
  }

  private remove(name: string): void {
    rmSync(join(this.buffers, name + DATA), { force: true });
    rmSync(join(this.buffers, name + META), { force: true });
  }

  /** How full the buffer is (bytes) and its limit (0: none). */
  usage(): { bytes: number; limit: number } {
    return { bytes: this.bytes, limit: this.limit };
  }

  saveUpload(name: string, upload: SavedUpload): void {
    writeWhole(join(this.uploads, `${name}.json`), JSON.stringify(upload) + '\n');
  }

  removeUpload(name: string): void {
    rmSync(join(this.uploads, `${name}.json`), { force: true });
  }

  /** The $INDEX counter of instance `n` (0 when there is none yet). */
  readIndex(n: number): number {
    try {
      const v = Number.parseInt(readFileSync(join(this.sequence, `seq_index_${n}`), 'utf8'), 10);
      return Number.isFinite(v) && v >= 0 ? v : 0;
    } catch {
      return 0;
    }
  }

  writeIndex(n: number, value: number): void {
    writeWhole(join(this.sequence, `seq_index_${n}`), String(value));
  }
}
