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
import type { RecordWriter } from './encoded.js';

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

export class FieldsEncoder {
  /** `,"<key>":` of each key, as bytes (the comma skipped for a record's first field). */
  private readonly keyBytes: readonly Buffer[];
  /** Room every record needs besides its string values: the keys, the framing, non-string values. */
  private readonly fixedBytes: number;
  private time: bigint | undefined;
  /** `["<time>",{` of `time`. */
  private head: Buffer = Buffer.alloc(0);
  private buf: Buffer = Buffer.alloc(0);
  /** Where the next byte of the record being written goes. */
  private at = 0;
  private first = true;

  constructor(
    private readonly writer: RecordWriter,
    keys: readonly string[],
    /** UTF-16 units of string values every record has besides those `begin` is told of (a file's path). */
    constantUnits = 0,
  ) {
    this.keyBytes = keys.map((k) => Buffer.from(`,${JSON.stringify(k)}:`));
    this.fixedBytes = this.keyBytes.reduce((n, k) => n + k.length + NON_STRING_BYTES, 8) + constantUnits * BYTES_PER_UNIT;
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
    this.at = at + this.head.length;
    this.first = true;
  }

  /** Writes key `k` with a string value. */
  string(k: number, value: string): void {
    this.key(k);
    const buf = this.buf;
    const start = this.at;
    let j = start;
    buf[j++] = QUOTE;
    let i = 0;
    for (; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 32 || c >= 128 || c === QUOTE || c === BACKSLASH) break;
      buf[j++] = c;
    }
    if (i < value.length) {
      j = start + buf.write(JSON.stringify(value), start, 'utf8');
    } else {
      buf[j++] = QUOTE;
    }
    this.at = j;
  }

  /** Writes key `k` with a value given as its JSON text (at most 32 bytes: a number or a boolean). */
  json(k: number, text: string): void {
    this.key(k);
    this.at += this.buf.write(text, this.at, 'latin1');
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

  private key(k: number): void {
    const bytes = this.keyBytes[k]!;
    const buf = this.buf;
    let j = this.at;
    for (let i = this.first ? 1 : 0; i < bytes.length; i++) buf[j++] = bytes[i]!;
    this.first = false;
    this.at = j;
  }
}
