/**
 * Reading encoded records (src/record/encoded.ts: `["<time ns>",<record JSON>]\n`) and writing
 * request bodies from their bytes, without an object per record: the AWS outputs send each
 * record's JSON text as it is in the chunk (cloudwatch_logs as an escaped message, firehose and
 * kinesis_streams as base64 data), read a log_key value by skipping over the JSON text around it,
 * and write their bodies into a Buffer byte by byte (a JavaScript loop over bytes costs a quarter
 * of JSON.stringify per message plus joining the strings; measured in bench/NOTES.md).
 *
 * The record JSON in a chunk was written by JSON.stringify: no whitespace, no raw control
 * character, no duplicate key, strings escaped the one way JSON.stringify escapes them. The
 * readers here rely on that and on nothing else.
 */
import type { EncodedRecords } from '../../../record/encoded.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const MINUS = 45;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const NEWLINE = 10;
const PAD = 61;
/** Texts at least this long are escaped run by run (escapedRuns), shorter ones byte by byte. */
const LONG_TEXT = 256;
const BASE64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
/** The two base64 characters of each 12-bit value, as a little-endian 16-bit number (first character low). */
const BASE64_PAIRS = new Uint16Array(4096).map((_, v) => BASE64[v >> 6]! | (BASE64[v & 63]! << 8));
/**
 * Ranges up to this many bytes are encoded here, three bytes to one 32-bit write; longer ones by
 * Node (simdutf), whose call, string and copy cost less than the loop from about 150 bytes on
 * (Node 24: 120 B 78 vs 92 ns, 192 B 119 vs 95 ns; bench/NOTES.md, "Ingest and Firehose CPU").
 */
const SHORT_BASE64 = 144;

/**
 * Walks the records of a chunk one at a time, reading each record's time in milliseconds and
 * where its JSON text is, into its own fields (one cursor per chunk, nothing allocated per record).
 */
export class RecordCursor {
  /** Record JSON text: bytes [from, to) of `bytes`. */
  from = 0;
  to = 0;
  readonly bytes: Buffer;

  constructor(readonly records: EncodedRecords) {
    this.bytes = records.bytes;
  }

  /** The record the cursor is at. */
  private i = 0;

  /** Moves to record i. */
  at(i: number): this {
    const b = this.bytes;
    let q = this.records.start(i) + 2;
    while (b[q] !== QUOTE) q++;
    this.i = i;
    this.from = q + 2;
    this.to = this.records.end(i) - 2;
    return this;
  }

  /**
   * Record i's time in milliseconds, as `Number(time / 1_000_000n)` (what the outputs always sent):
   * read from the decimal digits, with BigInt only for times before 1970 or past year 287,000.
   */
  timeMs(i: number): number {
    const b = this.bytes;
    const p = this.records.start(i) + 2;
    let q = p;
    while (b[q] !== QUOTE) q++;
    return this.msOf(i, p, q);
  }

  /** timeMs of the record the cursor is at, from the time's digits `at` found (no second scan). */
  ms(): number {
    return this.msOf(this.i, this.records.start(this.i) + 2, this.from - 2);
  }

  /** The time in ms of record i, whose time's digits are [p, q). */
  private msOf(i: number, p: number, q: number): number {
    const b = this.bytes;
    const digits = q - p - 6;
    if (b[p] === MINUS || digits > 15) return Number(this.records.time(i) / 1_000_000n);
    let ms = 0;
    for (let k = p; k < p + digits; k++) ms = ms * 10 + (b[k]! - 48);
    return ms;
  }
}

/** Offset just past the string literal whose opening quote is at `p`. */
export function skipString(b: Buffer, p: number): number {
  let q = b.indexOf(QUOTE, p + 1);
  for (;;) {
    let slashes = 0;
    while (b[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    q = b.indexOf(QUOTE, q + 1);
  }
}

/** Offset just past the JSON value starting at `p` (no whitespace, as JSON.stringify writes). */
export function skipValue(b: Buffer, p: number): number {
  const c = b[p];
  if (c === QUOTE) return skipString(b, p);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    let q = p + 1;
    for (let d = b[q]; d !== COMMA && d !== CLOSE_BRACE && d !== CLOSE_BRACKET; d = b[++q]);
    return q;
  }
  let depth = 0;
  let q = p;
  for (;;) {
    const d = b[q]!;
    if (d === QUOTE) {
      q = skipString(b, q);
      continue;
    }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if ((d === CLOSE_BRACE || d === CLOSE_BRACKET) && --depth === 0) return q + 1;
    q++;
  }
}

/** The string a JSON string literal [from, to) (quotes included) stands for: parsed only when it holds escapes. */
export function literalText(b: Buffer, from: number, to: number): string {
  return hasByte(b, BACKSLASH, from + 1, to - 1) ? (JSON.parse(b.toString('utf8', from, to)) as string) : b.toString('utf8', from + 1, to - 1);
}

/**
 * A record's top-level key as it appears in the record JSON (quotes included): what
 * `topLevelValue` compares keys with.
 */
export function keyBytes(key: string): Buffer {
  return Buffer.from(JSON.stringify(key), 'utf8');
}

/**
 * Where the value of top-level key `key` (from keyBytes) is in the record JSON [from, to): its
 * [start, end) bytes, or undefined when the record has no such key. Skips the other values
 * without decoding them.
 */
export function topLevelValue(b: Buffer, from: number, to: number, key: Buffer): [number, number] | undefined {
  let p = from + 1;
  const k0 = key[1];
  while (p < to && b[p] === QUOTE) {
    const keyEnd = skipString(b, p);
    const valueStart = keyEnd + 1; // past the colon
    const valueEnd = skipValue(b, valueStart);
    if (keyEnd - p === key.length && b[p + 1] === k0 && b.compare(key, 0, key.length, p, keyEnd) === 0 && b[keyEnd] === COLON) return [valueStart, valueEnd];
    p = valueEnd + 1; // past the comma (or the closing brace)
  }
  return undefined;
}

/** Whether byte `c` is among bytes [from, to) (indexOf would search on to the end of the chunk). */
export function hasByte(b: Buffer, c: number, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (b[p] === c) return true;
  return false;
}

/** UTF-8 bytes of the string a JSON string literal's content [from, to) stands for (what Buffer.byteLength says). */
export function unescapedByteLength(b: Buffer, from: number, to: number): number {
  let n = to - from;
  for (let p = from; p < to; p++) {
    if (b[p] !== BACKSLASH) continue;
    if (b[p + 1] === 117 /* u */) {
      const code = parseInt(b.toString('latin1', p + 2, p + 6), 16);
      n -= 6 - (code < 0x80 ? 1 : code < 0x800 ? 2 : 3);
      p += 5;
    } else {
      n -= 1;
      p += 1;
    }
  }
  return n;
}

/**
 * The longest start of a JSON string literal's content [from, to) of at most `limit` bytes that
 * ends neither inside an escape (`\"`, `\u00e9`) nor inside a UTF-8 character: its end offset.
 */
export function literalCut(b: Buffer, from: number, to: number, limit: number): number {
  if (to - from <= limit) return to;
  let end = from + limit;
  for (let p = from; p < end; p++) {
    if (b[p] !== BACKSLASH) continue;
    const len = b[p + 1] === 117 /* u */ ? 6 : 2;
    if (p + len > end) {
      end = p;
      break;
    }
    p += len - 1;
  }
  while (end > from && (b[end]! & 0xc0) === 0x80) end--;
  return end;
}

/**
 * The longest start of JSON text [from, to) whose escaped form (as a JSON string: `"` and `\`
 * written with a backslash) takes at most `limit` bytes, ending on a character boundary: its end
 * offset (`to` when all of it fits).
 */
export function escapedCut(b: Buffer, from: number, to: number, limit: number): number {
  if (to - from > limit) to = from + limit; // escaping only makes it longer
  let size = 0;
  let p = from;
  for (; p < to; p++) {
    const c = b[p];
    size += c === QUOTE || c === BACKSLASH ? 2 : 1;
    if (size > limit) break;
  }
  while (p > from && p < b.length && (b[p]! & 0xc0) === 0x80) p--;
  return p;
}

/** Decimal digits of a non-negative integer below 1e8. */
function decimalLength(n: number): number {
  let len = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) len++;
  return len;
}

/**
 * A body (or a chunk's record data) written byte by byte into one growing Buffer, reused: `take()`
 * copies out what was written and starts again.
 */
export class ByteWriter {
  private buf: Buffer;
  /** A DataView of `buf` for 32-bit writes (made again when `buf` grows). */
  private view: DataView;
  pos = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  byte(c: number): void {
    this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** Text of ASCII characters only (names the body writer composed, base64). */
  ascii(text: string): void {
    this.reserve(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  utf8(text: string): void {
    this.reserve(text.length * 3);
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** A string as a JSON string literal (JSON.stringify), as the SDK writes names. */
  jsonString(text: string): void {
    this.utf8(JSON.stringify(text));
  }

  /**
   * A non-negative integer in decimal. Written as two halves of at most 8 digits each (a
   * millisecond timestamp has 13): small integers stay in 32-bit arithmetic, where a division of a
   * double by 10 per digit costs several times more (an eighth of the PutLogEvents body's time).
   */
  int(n: number): void {
    if (n < 0 || !Number.isSafeInteger(n)) {
      this.ascii(String(n));
      return;
    }
    if (n < 1e8) {
      this.digits(n, decimalLength(n));
      return;
    }
    const high = Math.floor(n / 1e8);
    this.int(high);
    this.digits(n - high * 1e8, 8);
  }

  /** `n` (below 1e8) as exactly `len` decimal digits, zero-padded. */
  private digits(n: number, len: number): void {
    this.reserve(len);
    const buf = this.buf;
    let t = n | 0;
    let e = this.pos + len;
    const start = this.pos;
    while (e > start) {
      const q = (t / 10) | 0;
      buf[--e] = 48 + t - q * 10;
      t = q;
    }
    this.pos += len;
  }

  /** What was written from offset `from` on, in place (the writer goes on from there): valid until the next write. */
  since(from: number): Buffer {
    return this.buf.subarray(from, this.pos);
  }

  copy(src: Buffer, from: number, to: number): void {
    const n = to - from;
    this.reserve(n);
    if (n < 64) {
      const buf = this.buf;
      let q = this.pos;
      for (let k = from; k < to; k++) buf[q++] = src[k]!;
    } else {
      src.copy(this.buf, this.pos, from, to);
    }
    this.pos += n;
  }

  /**
   * The UTF-8 text a JSON string literal [from, to) of `src` (quotes included) stands for: its bytes
   * as they are, or, when it holds escapes, the literal parsed (that value alone).
   */
  literalContent(src: Buffer, from: number, to: number): void {
    if (hasByte(src, BACKSLASH, from + 1, to - 1)) this.utf8(JSON.parse(src.toString('utf8', from, to)) as string);
    else this.copy(src, from + 1, to - 1);
  }

  /** JSON text [from, to) as the content of a JSON string literal: `"` and `\` get a backslash. */
  escapedJson(src: Buffer, from: number, to: number): void {
    this.reserve(2 * (to - from));
    if (to - from >= LONG_TEXT) {
      this.escapedRuns(src, from, to);
      return;
    }
    const buf = this.buf;
    let q = this.pos;
    for (let k = from; k < to; k++) {
      const c = src[k]!;
      if (c === QUOTE || c === BACKSLASH) buf[q++] = BACKSLASH;
      buf[q++] = c;
    }
    this.pos = q;
  }

  /**
   * escapedJson of a long text: the runs between quotes and backslashes found with indexOf (native,
   * bounded by a view of the text) and copied with `copy`, instead of a byte loop that reads and
   * writes every byte (a 1 KiB log line holds 4 to 6 quotes and one run of ~1,000 bytes). Room was
   * reserved by escapedJson.
   */
  private escapedRuns(src: Buffer, from: number, to: number): void {
    const text = src.subarray(from, to);
    const n = text.length;
    let quote = text.indexOf(QUOTE);
    let slash = text.indexOf(BACKSLASH);
    let k = 0;
    for (;;) {
      const e = Math.min(quote < 0 ? n : quote, slash < 0 ? n : slash);
      this.copy(text, k, e);
      if (e === n) return;
      const buf = this.buf;
      buf[this.pos] = BACKSLASH;
      buf[this.pos + 1] = text[e]!;
      this.pos += 2;
      k = e + 1;
      if (e === quote) quote = text.indexOf(QUOTE, k);
      else slash = text.indexOf(BACKSLASH, k);
    }
  }

  /**
   * Bytes [from, to) of `src` in base64. A short range is encoded here with a table of character
   * pairs, 12 bits each, four characters per 32-bit write (no string, no native call); a longer
   * one is Node's (a loop looking up one character per 6 bits was slower even at 120 bytes).
   */
  base64(src: Buffer, from: number, to: number): void {
    if (to - from > SHORT_BASE64) {
      this.ascii(src.toString('base64', from, to));
      return;
    }
    const whole = to - ((to - from) % 3);
    this.reserve(((whole - from) / 3) * 4 + 4);
    const view = this.view;
    let q = this.pos;
    for (let i = from; i < whole; i += 3, q += 4) {
      const v = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
      view.setUint32(q, BASE64_PAIRS[v >>> 12]! | (BASE64_PAIRS[v & 4095]! << 16), true);
    }
    this.pos = q;
    if (whole < to) this.base64Tail(src[whole]!, whole + 1 < to ? src[whole + 1]! : -1, -1);
  }

  /** The last group of 1 to 3 bytes (b or c -1 when absent), padded. */
  private base64Tail(a: number, b: number, c: number): void {
    this.reserve(4);
    const buf = this.buf;
    const q = this.pos;
    buf[q] = BASE64[a >> 2]!;
    buf[q + 1] = BASE64[((a & 3) << 4) | (b < 0 ? 0 : b >> 4)]!;
    buf[q + 2] = b < 0 ? PAD : BASE64[((b & 15) << 2) | (c < 0 ? 0 : c >> 6)]!;
    buf[q + 3] = c < 0 ? PAD : BASE64[c & 63]!;
    this.pos = q + 4;
  }

  /**
   * Bytes [from, to) of `src` followed by a newline, in base64, without copying them: the part
   * whose length is a multiple of 3 is Node's base64 of the range, the last 1-3 bytes (the
   * newline included) are written here.
   */
  base64Line(src: Buffer, from: number, to: number): void {
    const whole = to - ((to - from) % 3);
    if (whole > from) this.base64(src, from, whole);
    const rest = to - whole;
    const a = rest > 0 ? src[whole]! : NEWLINE;
    const b = rest > 1 ? src[whole + 1]! : rest === 1 ? NEWLINE : -1;
    const c = rest > 1 ? NEWLINE : -1;
    this.base64Tail(a, b, c);
  }

  /**
   * What was written since the last take, as a view of the writer's memory: valid until the writer
   * writes again (a request body: the writer is not used again before its request is closed). The
   * writer starts again empty. No copy, and the memory is the same from one body to the next (a
   * fresh megabyte per body cost more in page faults than the copy itself).
   */
  written(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }

  /** What was written since the last take, as its own Buffer; the writer starts again empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}
