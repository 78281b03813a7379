/**
 * tail's raw records written from the file's bytes (InputContext.encoded): a line becomes
 *
 *   ["<time>",{"<path_key>":"<path>","<offset_key>":<offset>,"<key>":"<line>"}]\n
 *
 * without a string or object in between, byte for byte what encodeEvent writes for the record
 * rawRecordBuilder (plugins/inputs/tail/line-handlers.ts) builds. A line of printable ASCII other
 * than `"` and `\` is its own JSON text and is copied; any other line is decoded and written with
 * JSON.stringify, as encodeEvent would (escapes, U+FFFD for bytes that are not UTF-8).
 */
import { RecordWriter, WordView } from './encoded.js';
import { fieldsEncodable } from './fields-encoder.js';
import { copyPlainBytes } from './plain-bytes.js';

/** Node's Buffer slicers without the argument checks of `toString` (undocumented, in every Node since 0.x). */
export interface Slicing {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

const QUOTE = 34;
const NEWLINE = 10;

/** `"}]\n`: closes the line's string, the record and the pair. */
const CLOSE_BYTES = 4;
/** Digits of the largest offset a file has (2^53). */
const OFFSET_DIGITS = 16;

/** The keys of a raw record, in their order; undefined: absent. */
export interface LineKeys {
  readonly key: string;
  readonly pathKey: string | undefined;
  readonly offsetKey: string | undefined;
}

/**
 * Whether records with these keys can be written from bytes: the keys are distinct, and none is an
 * array index (an object lists those first, whatever the order they were set in).
 */
export function linesEncodable(keys: LineKeys): boolean {
  return fieldsEncodable([keys.pathKey, keys.offsetKey, keys.key].filter((k) => k !== undefined));
}

export class LineEncoder {
  private time: bigint | undefined;
  /** `["<time>",{"<path_key>":<path>,"<offset_key>":` or `["<time>",{"<key>":"`, as bytes. */
  private headBytes: Buffer = Buffer.alloc(0);
  /** The head as text, without the line's opening quote (the fallback writes the line with its quotes). */
  private headText = '';
  /** After the offset: `,"<key>":` (offset key only; as bytes with the line's opening quote). */
  private readonly afterOffsetText: string;
  private readonly afterOffset: Buffer;
  /** `{"<path_key>":<path>,"<offset_key>":` or `{"<key>":`. */
  private readonly recordHead: string;
  private readonly withOffset: boolean;
  /** The DataView of the source buffer the lines come from. */
  private readonly srcWords = new WordView();

  /** `keys` must pass linesEncodable. */
  constructor(
    readonly writer: RecordWriter,
    keys: LineKeys,
    path: string,
  ) {
    const { key, pathKey, offsetKey } = keys;
    this.withOffset = offsetKey !== undefined;
    let head = '{';
    if (pathKey !== undefined) head += `${JSON.stringify(pathKey)}:${JSON.stringify(path)},`;
    head += `${JSON.stringify(offsetKey ?? key)}:`;
    this.recordHead = head;
    this.afterOffsetText = this.withOffset ? `,${JSON.stringify(key)}:` : '';
    this.afterOffset = Buffer.from(`${this.afterOffsetText}"`);
  }

  /** Appends the record of the line in src[start, end) (no `\n`, no trailing `\r`), at `time`, read at file `offset`. */
  line(src: Buffer, start: number, end: number, offset: number, time: bigint): void {
    const w = this.writer;
    const buf = this.begin(end - start, time);
    let j = this.head(buf, offset);
    const i = this.copyPlain(src, start, end, buf, j);
    j += i - start;
    if (i < end) {
      this.escaped(src, start, end, offset);
      return;
    }
    w.endRecord(this.close(buf, j));
  }

  /**
   * The line starting at `start` when it is plain (printable ASCII other than `"` and `\`, at
   * least one byte) and its `\n` is at or before `limit`: its record is appended and the offset of
   * that `\n` returned. Otherwise -1 and nothing is appended (the caller cuts the line and calls
   * `line`). One pass finds the line's end and copies it, where `line` needs the end first.
   */
  plainLine(src: Buffer, start: number, limit: number, offset: number, time: bigint): number {
    const buf = this.begin(limit - start, time);
    let j = this.head(buf, offset);
    const i = this.copyPlain(src, start, limit, buf, j);
    if (i === start || src[i] !== NEWLINE) return -1;
    this.writer.endRecord(this.close(buf, j + i - start));
    return i;
  }

  /** The writer's buffer with room for a record of a line of up to `bytes` bytes, the time's text ready. */
  private begin(bytes: number, time: bigint): Buffer {
    if (time !== this.time) this.setTime(time);
    return this.writer.room(this.headBytes.length + this.afterOffset.length + OFFSET_DIGITS + bytes + CLOSE_BYTES);
  }

  /** Writes the record's head (and offset) at the writer's end; returns where the line goes. */
  private head(buf: Buffer, offset: number): number {
    let j = this.writer.byteLength;
    buf.set(this.headBytes, j);
    j += this.headBytes.length;
    if (this.withOffset) {
      j += buf.write(String(offset), j, 'latin1');
      buf.set(this.afterOffset, j);
      j += this.afterOffset.length;
    }
    return j;
  }

  /** copyPlainBytes from src[start, end) into buf at `j`. */
  private copyPlain(src: Buffer, start: number, end: number, buf: Buffer, j: number): number {
    return copyPlainBytes(this.srcWords.of(src), src, start, end, this.writer.words(buf), buf, j);
  }

  /** Closes the line's string, the record and the pair at `j`; returns the record's end. */
  private close(buf: Buffer, j: number): number {
    buf[j++] = QUOTE;
    buf[j++] = 125; // }
    buf[j++] = 93; // ]
    buf[j++] = NEWLINE;
    return j;
  }

  /** A line that is not its own JSON text: decoded and written with JSON.stringify. */
  private escaped(src: Buffer, start: number, end: number, offset: number): void {
    const line = JSON.stringify((src as unknown as Slicing).utf8Slice(start, end));
    const afterHead = this.withOffset ? `${offset}${this.afterOffsetText}` : '';
    this.writer.append(`${this.headText}${afterHead}${line}}]\n`);
  }

  private setTime(time: bigint): void {
    this.time = time;
    this.headText = `["${time}",${this.recordHead}`;
    this.headBytes = Buffer.from(this.withOffset ? this.headText : `${this.headText}"`);
  }
}
