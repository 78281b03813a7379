/**
 * A record written field by field into a RecordWriter, without the object and the JSON text that
 * encodeEvent would need in between (a parser's named captures, tail's path and offset):
 *
 *   ["<time>",{"<key>":<value>,...}]\n
 *
 * byte for byte what encodeEvent writes for an object holding the same fields in the same order:
 * a string made of printable ASCII other than `"` and `\` is copied between quotes, any other is
 * written as JSON.stringify writes it (escapes, lone surrogates as `\uXXXX`). The keys are fixed
 * when the encoder is made; callers must make sure an object would list them in the order written
 * (distinct keys, none an array index: see `fieldsEncodable`).
 */
import { WordView, type RecordWriter } from './encoded.js';
import { copyPlainBytes, notPlainIn } from './plain-bytes.js';

const QUOTE = 34;
const BACKSLASH = 92;
/** Room for a value that is not a string (a number, a boolean): its JSON text is at most this long. */
const NON_STRING_BYTES = 32;
/** The most bytes one UTF-16 unit of a string takes in JSON (`\u001f`, a lone surrogate escaped). */
const BYTES_PER_UNIT = 6;

/** Whether records with these keys, in this order, can be written by a FieldsEncoder. */
export function fieldsEncodable(keys: readonly string[]): boolean {
  return new Set(keys).size === keys.length && !keys.some((k) => /^(?:0|[1-9][0-9]*)$/.test(k));
}

/** The high bits of the bytes of the first (FIRST_HIGH) and second word of two that belong to a value with n = 1-7 bytes left. */
const FIRST_HIGH = [0, 0x80, 0x8080, 0x808080, 0x80808080, 0x80808080, 0x80808080, 0x80808080];
const SECOND_HIGH = [0, 0, 0, 0, 0, 0x80, 0x8080, 0x808080];

export class FieldsEncoder {
  /**
   * `,"<key>":"` of each key, at `keyAt[k]` (the comma skipped for a record's first field, the quote
   * for a value that is not a string), padded so that whole 32-bit words can be read.
   */
  private readonly keyView: DataView;
  private readonly keyAt: Int32Array;
  private readonly keyLength: Int32Array;
  /** Room every record needs besides its string values: the keys, the framing, non-string values. */
  private readonly fixedBytes: number;
  private time: bigint | undefined;
  /** `["<time>",{` of `time`. */
  private head: Buffer = Buffer.alloc(0);
  private buf: Buffer = Buffer.alloc(0);
  /** The DataView of `buf`. */
  private words: DataView = new DataView(new ArrayBuffer(0));
  /** Where the next byte of the record being written goes. */
  private at = 0;
  private first = 1;
  /** The DataView of the source buffer `bytes` copies from. */
  private readonly srcWords = new WordView();

  constructor(
    private readonly writer: RecordWriter,
    keys: readonly string[],
    /** UTF-16 units of string values every record has besides those `begin` is told of (a file's path). */
    constantUnits = 0,
  ) {
    const texts = keys.map((k) => Buffer.from(`,${JSON.stringify(k)}:"`));
    const table = Buffer.alloc(texts.reduce((n, t) => n + t.length + 4, 4));
    this.keyAt = new Int32Array(keys.length);
    this.keyLength = new Int32Array(keys.length);
    let at = 0;
    texts.forEach((t, k) => {
      table.set(t, at);
      this.keyAt[k] = at;
      this.keyLength[k] = t.length;
      at += t.length + 4;
    });
    this.keyView = new DataView(table.buffer, table.byteOffset, table.length);
    this.fixedBytes = texts.reduce((n, t) => n + t.length + NON_STRING_BYTES, 8) + constantUnits * BYTES_PER_UNIT;
  }

  /** Starts a record at `time` whose string values hold at most `units` UTF-16 units in all. */
  begin(time: bigint, units: number): void {
    if (time !== this.time) {
      this.time = time;
      this.head = Buffer.from(`["${time}",{`);
    }
    const buf = this.writer.room(this.head.length + this.fixedBytes + units * BYTES_PER_UNIT);
    const at = this.writer.byteLength;
    buf.set(this.head, at);
    this.buf = buf;
    this.words = this.writer.words(buf);
    this.at = at + this.head.length;
    this.first = 1;
  }

  /** Writes key `k` with a string value. */
  string(k: number, value: string): void {
    const buf = this.buf;
    let j = this.key(k);
    let i = 0;
    for (; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 32 || c >= 128 || c === QUOTE || c === BACKSLASH) break;
      buf[j++] = c;
    }
    if (i < value.length) this.escaped(value);
    else {
      buf[j] = QUOTE;
      this.at = j + 1;
    }
  }

  /**
   * Writes key `k` with the string `value`, whose UTF-16 units are the bytes src[from, from +
   * value.length) wherever those are ASCII (a line decoded one byte to one unit): its bytes are
   * copied from there four at a time while they are plain; a value with any other byte is written
   * as `string` writes it.
   */
  bytes(k: number, src: Buffer, from: number, value: string): void {
    const j = this.key(k);
    const end = from + value.length;
    if (end + 7 >= src.length) {
      // The last words would be read past the source's end: one at a time at the end.
      const to = copyPlainBytes(this.srcWords.of(src), src, from, end, this.words, this.buf, j);
      if (to < end) this.escaped(value);
      else this.closeAt(j + value.length);
      return;
    }
    const from32 = this.srcWords.of(src);
    const to32 = this.words;
    let i = from;
    let o = j;
    for (const stop = end - 8; i <= stop; i += 8, o += 8) {
      const x = from32.getUint32(i, true);
      const y = from32.getUint32(i + 4, true);
      if ((notPlainIn(x) | notPlainIn(y)) !== 0) return this.escaped(value);
      to32.setUint32(o, x, true);
      to32.setUint32(o + 4, y, true);
    }
    const left = end - i;
    if (left > 0) {
      // The last 1-7 bytes in two words read and written whole: the bytes past the value's end
      // are not checked, and what is written past it is overwritten by the closing quote and
      // what follows.
      const x = from32.getUint32(i, true);
      const y = from32.getUint32(i + 4, true);
      if (((notPlainIn(x) & FIRST_HIGH[left]!) | (notPlainIn(y) & SECOND_HIGH[left]!)) !== 0) return this.escaped(value);
      to32.setUint32(o, x, true);
      to32.setUint32(o + 4, y, true);
    }
    this.closeAt(j + value.length);
  }

  /** Writes key `k` with a value given as its JSON text (at most 32 bytes: a number or a boolean). */
  json(k: number, text: string): void {
    const j = this.key(k) - 1;
    this.at = j + this.buf.write(text, j, 'latin1');
  }

  /** Ends the record and hands it to the writer. */
  end(): void {
    const buf = this.buf;
    let j = this.at;
    buf[j++] = 125; // }
    buf[j++] = 93; // ]
    buf[j++] = 10; // \n
    this.writer.endRecord(j);
  }

  /** The string value whose key was just written, as JSON.stringify writes it (from its opening quote on). */
  private escaped(value: string): void {
    const start = this.at;
    this.at = start + this.buf.write(JSON.stringify(value), start, 'utf8');
  }

  private closeAt(j: number): void {
    this.buf[j] = QUOTE;
    this.at = j + 1;
  }

  /**
   * Writes `,"<key>":"` (no comma for the record's first field) a word at a time; `at` is left at
   * the quote, the return value is just past it.
   */
  private key(k: number): number {
    const keys = this.keyView;
    const to = this.words;
    const from = this.keyAt[k]! + this.first;
    const length = this.keyLength[k]! - this.first;
    const j = this.at;
    for (let i = 0; i < length; i += 4) to.setUint32(j + i, keys.getUint32(from + i, true), true);
    this.first = 0;
    this.at = j + length - 1;
    return j + length;
  }
}
