import { appendFile, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type { EventBatch, LogEvent } from '../../../record/event.js';
import { splitNanos } from '../../../record/event.js';
import { recordsOf } from '../../../record/batch.js';
import type { EncodedRecords } from '../../../record/encoded.js';
import { printObject } from '../../../engine/format/msgpack-text.js';
import { stringifyBounded } from '../../../engine/record-depth.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { DELIMITERS } from './delimiters.js';
import type { FileOptions } from './options.js';
import { tagFileName } from './tag-file-name.js';

type Format = 'out_file' | 'plain' | 'csv' | 'ltsv' | 'template';

/**
 * Errors no retry can cure, so the chunk fails at once (Fluent Bit: FLB_ERROR when fopen fails):
 * a missing directory without Mkdir, no permission, or a name the file system refuses (a tag too
 * long for a file name, a file where the tag needs a directory or the reverse: Mkdir then answers
 * EEXIST).
 */
const PERMANENT: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'ENAMETOOLONG', 'ENOTDIR', 'EISDIR', 'EEXIST']);

function secNsec(time: bigint): string {
  const { sec, nsec } = splitNanos(time);
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/** C `%f` of the time as a double (six decimals). */
function timeF(e: LogEvent): string {
  const { sec, nsec } = splitNanos(e.time);
  return (sec + nsec / 1e9).toFixed(6);
}

/** The line(s) Fluent Bit's out_file writes for one record in each format. */
export function formatLine(format: Format, tag: string, e: LogEvent, o: { delimiter: string; labelDelimiter: string; template: string }, header: boolean): string {
  const entries = Object.entries(e.record);
  switch (format) {
    case 'plain':
      return `${stringifyBounded(e.record) ?? '{}'}\n`;
    case 'csv': {
      if (entries.length === 0) return '';
      const head = header ? `timestamp${o.delimiter}${entries.map(([k]) => printObject(k)).join(o.delimiter)}\n` : '';
      return `${head}${secNsec(e.time)}${o.delimiter}${entries.map(([, v]) => printObject(v)).join(o.delimiter)}\n`;
    }
    case 'ltsv': {
      if (entries.length === 0) return '';
      const fields = entries.map(([k, v]) => `${printObject(k)}${o.labelDelimiter}${printObject(v)}`);
      return `"time"${o.labelDelimiter}${timeF(e)}${o.delimiter}${fields.join(o.delimiter)}\n`;
    }
    case 'template':
      return `${renderTemplate(o.template, e)}\n`;
    default:
      return `${tag}: [${secNsec(e.time)}, ${stringifyBounded(e.record) ?? '{}'}]\n`;
  }
}

/**
 * The out_file (`<tag>: [<sec.nsec>, <record JSON>]`) or plain (`<record JSON>`) lines of records,
 * as formatLine writes them, built from the records' own JSON bytes: no record is decoded.
 */
export function jsonLines(format: 'out_file' | 'plain', tag: string, records: EncodedRecords, which: readonly number[]): Buffer {
  const head = format === 'plain' ? undefined : Buffer.from(`${tag}: [`);
  const times = head === undefined ? undefined : which.map((i) => `${secNsec(records.time(i))}, `);
  const tail = format === 'plain' ? '\n' : ']\n';
  let size = which.length * tail.length;
  for (let k = 0; k < which.length; k++) {
    const [a, b] = records.jsonRange(which[k]!);
    size += b - a + (head === undefined ? 0 : head.length + times![k]!.length);
  }
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let k = 0; k < which.length; k++) {
    if (head !== undefined) {
      pos += head.copy(out, pos);
      pos += out.write(times![k]!, pos, 'latin1');
    }
    const [a, b] = records.jsonRange(which[k]!);
    pos += records.bytes.copy(out, pos, a, b);
    pos += out.write(tail, pos, 'latin1');
  }
  return out;
}

/** `{key}` placeholders filled from the record (strings raw, other values printed); `{time}` is the time. */
export function renderTemplate(template: string, e: LogEvent): string {
  let out = '';
  let open = -1;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{') {
      if (open >= 0) out += template.slice(open, i);
      open = i;
    } else if (c === '}' && open >= 0) {
      const key = template.slice(open + 1, i);
      if (key === 'time') out += timeF(e);
      else if (Object.hasOwn(e.record, key)) {
        const v = e.record[key];
        out += typeof v === 'string' ? v : printObject(v);
      } else out += template.slice(open, i + 1);
      open = -1;
    } else if (open < 0) {
      out += c;
    }
  }
  if (open >= 0) out += template.slice(open);
  return out;
}

/** strftime subset used in output paths (UTC, as Fluent Bit's enable_strftime). */
export function strftimeUtc(pattern: string, time: bigint): string {
  const d = new Date(splitNanos(time).sec * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return pattern.replace(/%([YmdHMSjy%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y':
        return String(d.getUTCFullYear());
      case 'y':
        return p2(d.getUTCFullYear() % 100);
      case 'm':
        return p2(d.getUTCMonth() + 1);
      case 'd':
        return p2(d.getUTCDate());
      case 'H':
        return p2(d.getUTCHours());
      case 'M':
        return p2(d.getUTCMinutes());
      case 'S':
        return p2(d.getUTCSeconds());
      case 'j': {
        const start = Date.UTC(d.getUTCFullYear(), 0, 1);
        return String(Math.floor((d.getTime() - start) / 86_400_000) + 1).padStart(3, '0');
      }
      default:
        return '%';
    }
  });
}

/**
 * Fluent Bit's `file` output: one file per tag (or `File`) under `Path`, in the chosen format;
 * optional strftime in path/file names and size-based rotation with gzip.
 */
export class FileOutput implements OutputRuntime {
  private readonly format: Format;
  private readonly fmt: { delimiter: string; labelDelimiter: string; template: string };
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly o: FileOptions,
    private readonly ctx: OutputContext,
  ) {
    // format msgpack and record accessors in path/file are declared unsupported in the table (plan errors).
    this.format = (o.format ?? 'out_file') as Format;
    const delim = (v: string | undefined, fallback: string) => (v === undefined ? fallback : (DELIMITERS[v.toLowerCase()] ?? fallback));
    this.fmt = {
      delimiter: delim(o.delimiter, this.format === 'ltsv' ? '\t' : ','),
      labelDelimiter: delim(o.label_delimiter, ':'),
      template: o.template,
    };
  }

  private destination(tag: string, time: bigint): string {
    const o = this.o;
    const strf = o.enable_strftime;
    // The tag may come from record content (rewrite_tag): its file name never leaves the directory.
    let file = o.file ?? tagFileName(tag);
    let dir = o.path;
    if (strf) {
      file = strftimeUtc(file, time);
      if (dir) dir = strftimeUtc(dir, time);
    }
    return dir ? join(dir, file) : file;
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    const records = recordsOf(batch);
    // Group by destination (strftime can split a batch), keeping order within each file.
    const byFile = new Map<string, number[]>();
    if (records.count === 0) return { status: 'ok' };
    if (!this.o.enable_strftime) byFile.set(this.destination(batch.tag, 0n), Array.from({ length: records.count }, (_, i) => i));
    else {
      for (let i = 0; i < records.count; i++) {
        const dest = this.destination(batch.tag, records.time(i));
        const list = byFile.get(dest);
        if (list) list.push(i);
        else byFile.set(dest, [i]);
      }
    }
    try {
      for (const [dest, which] of byFile) await this.write(dest, batch.tag, records, which);
      return { status: 'ok' };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { status: e.code !== undefined && PERMANENT.has(e.code) ? 'error' : 'retry', reason: `${dest(err)}: ${e.message}` };
    }
  }

  /** Appends records' lines to a file: out_file and plain straight from their bytes, the other formats from each record decoded. */
  private async write(dest: string, tag: string, records: EncodedRecords, which: readonly number[]): Promise<void> {
    const o = this.o;
    if (o.mkdir) await mkdir(dirname(dest), { recursive: true, mode: 0o755 });
    let size = this.sizes.get(dest) ?? (await stat(dest).then((s) => s.size, () => 0));
    let data: Buffer;
    if (this.format === 'out_file' || this.format === 'plain') data = jsonLines(this.format, tag, records, which);
    else {
      let text = '';
      for (const i of which) {
        text += formatLine(this.format, tag, records.event(i), this.fmt, this.format === 'csv' && o.csv_column_names && size === 0 && text.length === 0);
      }
      data = Buffer.from(text);
    }
    await appendFile(dest, data);
    size += data.length;
    this.sizes.set(dest, size);
    if (o.rotate && size >= o.rotate_max_size) await this.rotate(dest);
  }

  /** Renames the file to `<file>.<YYYYmmdd_HHMMSS>_<8 hex>`, gzips it if asked, keeps the newest rotate_max_files. */
  private async rotate(dest: string): Promise<void> {
    const o = this.o;
    const stamp = strftimeUtc('%Y%m%d_%H%M%S', BigInt(Date.now()) * 1_000_000n);
    const rotated = `${dest}.${stamp}_${randomBytes(4).toString('hex')}`;
    await rename(dest, rotated);
    this.sizes.set(dest, 0);
    this.ctx.log.info(`rotated ${dest} to ${rotated}`);
    if (o.rotate_gzip) {
      await pipeline(createReadStream(rotated), createGzip(), createWriteStream(`${rotated}.gz`));
      await unlink(rotated);
    }
    const dir = dirname(dest);
    const prefix = `${basename(dest)}.`;
    const old = (await readdir(dir)).filter((f) => f.startsWith(prefix) && /^\d{8}_\d{6}_[0-9a-f]{8}(\.gz)?$/.test(f.slice(prefix.length))).sort();
    const keep = Math.max(1, o.rotate_max_files);
    for (const f of old.slice(0, Math.max(0, old.length - keep))) await unlink(join(dir, f)).catch(() => undefined);
  }
}

function dest(err: unknown): string {
  return (err as NodeJS.ErrnoException).path ?? 'file';
}

