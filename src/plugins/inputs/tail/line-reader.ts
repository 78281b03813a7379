/**
 * Cuts the bytes of one followed file into lines, the way Fluent Bit's tail does
 * (`process_content` and the buffer rules of `flb_tail_file_chunk`):
 * - lines end at `\n`; the incomplete last line of a block is carried over to the next block;
 * - a line of two bytes or more loses one trailing `\r` (a lone `\r` line keeps it);
 * - with `skipEmptyLines`, `\n`-only and `\r\n`-only lines produce nothing;
 * - a line whose content (bytes before `\n`) does not fit in `buffer_max_size - 1` bytes is long:
 *   with `skipLongLines` it is dropped up to its `\n` and counted, else reading stops with an error;
 * - NUL bytes where reading (re)starts (file opened at an offset, or reset after a truncation) are
 *   skipped: copytruncate leaves them when the writer keeps its old position.
 *
 * Hot path: one `indexOf(10)` per line on the block as read. Blocks whose complete lines are plain
 * ASCII (the common case) are decoded in 64 KiB pieces and split as a string, so a line costs one
 * string slice; other blocks decode line by line (exact UTF-8, exact byte offsets). A sink that
 * takes bytes (`lineBytes`) gets each line's range and nothing is decoded.
 */

/** Receives each complete line, decoded, without its `\n` and trailing `\r`. */
export interface LineSink {
  /**
   * `offset` is the file offset of the line's first byte; `cr` tells that a trailing `\r` was
   * removed (parsers that fail keep the raw line, `\r` included, as Fluent Bit does).
   */
  line(text: string, offset: number, cr: boolean): void;
  /**
   * When present, receives each line as its bytes buf[start, end) (no `\n`, no trailing `\r`)
   * instead of `line`: nothing is decoded (tail's raw records written as bytes).
   */
  lineBytes?(buf: Buffer, start: number, end: number, offset: number): void;
  /**
   * With `lineBytes`, optionally: takes the line at `start` in one pass when it is plain and
   * its `\n` is at or before `limit` (within buffer_max_size), returning that `\n`'s offset; -1
   * when it does not take it (the reader then cuts the line and hands it to `lineBytes`). A line
   * it takes needs nothing the reader does: not empty, no `\r` to strip, not long.
   */
  plainLine?(buf: Buffer, start: number, limit: number, offset: number): number;
  /**
   * When present (and not `lineBytes`), receives the lines of blocks decoded one byte to one UTF-16
   * unit instead of `line`: `text` as `line` gets it, and buf[start...] its bytes (each unit below
   * 0x80 is the byte at the same distance, every other unit is U+FFFD for one byte of 0x80 or more).
   */
  lineAt?(text: string, buf: Buffer, start: number, offset: number, cr: boolean): void;
}

export interface LineReaderOptions {
  /** `buffer_max_size`: a line needs its content plus `\n` to fit in `buffer_max_size - 1` bytes. */
  readonly bufferMaxSize: number;
  readonly skipLongLines: boolean;
  readonly skipEmptyLines: boolean;
  /** Bytes of lines decoded into one string at most (default DECODE_WINDOW; tests make it small). */
  readonly decodeWindow?: number;
}

/** What `push` reports besides the lines it delivered. */
export const enum PushResult {
  Ok = 0,
  /** A line was too long and `skipLongLines` is off: the file cannot be followed further. */
  LongLine = 1,
}

interface Slicing {
  utf8Slice(start: number, end: number): string;
}

const CR = 13;
const LF = 10;
const MIN_CARRY = 256;
/**
 * Bytes of complete lines decoded into one string. V8 puts strings over 128 KiB in its large-object
 * space, where each one costs a mapping and its page faults: decoding 256 KiB blocks whole took
 * 20-30 times as long per byte as decoding them in 64 KiB pieces (bench/NOTES.md, "Ingest CPU").
 */
const DECODE_WINDOW = 64 * 1024;

function utf8(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as Slicing).utf8Slice(start, end);
}

export class LineReader {
  /**
   * File offset just after the last complete line delivered or skipped: where a restart resumes.
   * The bytes of an incomplete last line are not included.
   */
  consumed: number;
  /** Lines dropped for being longer than the buffer allows. */
  longLines = 0;
  private carry: Buffer = Buffer.allocUnsafe(0);
  private carryLen = 0;
  /** Dropping the rest of a long line, up to its `\n`. */
  private skipping = false;
  /** Skipping NUL bytes at a (re)start position. */
  private skipNul = true;
  /** Content bytes a line may have: `buffer_max_size - 2` (the buffer also holds `\n` and a NUL). */
  private readonly maxContent: number;
  private readonly window: number;

  constructor(
    start: number,
    private readonly options: LineReaderOptions,
  ) {
    this.consumed = start;
    this.maxContent = Math.max(1, options.bufferMaxSize - 2);
    this.window = Math.max(1, options.decodeWindow ?? DECODE_WINDOW);
  }

  /** File offset of the next byte to read (after the carried partial line). */
  get position(): number {
    return this.consumed + this.carryLen;
  }

  /** Bytes of an incomplete line held back. */
  get pendingBytes(): number {
    return this.carryLen;
  }

  /** Starts over at `offset` (after a truncation): the carried bytes are dropped, NULs skipped again. */
  reset(offset: number): void {
    this.consumed = offset;
    this.carryLen = 0;
    this.skipping = false;
    this.skipNul = true;
  }

  /**
   * Cuts `len` bytes of `block` (read at `position`) into lines for `sink`. The block may be
   * reused by the caller afterwards. Stops at a long line when `skipLongLines` is off.
   */
  push(block: Buffer, len: number, sink: LineSink): PushResult {
    const buf = len === block.length ? block : block.subarray(0, len);
    /** File offset of buf[0]. */
    const base = this.consumed + this.carryLen;
    let pos = 0;
    if (this.skipNul && this.carryLen === 0 && !this.skipping) {
      while (pos < len && buf[pos] === 0) pos++;
      if (pos < len) this.skipNul = false;
      this.consumed = base + pos;
      if (pos === len) return PushResult.Ok;
    }
    if (this.skipping) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) {
        this.consumed = base + len;
        return PushResult.Ok;
      }
      this.skipping = false;
      pos = nl + 1;
      this.consumed = base + pos;
    }
    if (this.carryLen > 0) {
      const nl = buf.indexOf(LF, pos);
      const segEnd = nl < 0 ? len : nl;
      const total = this.carryLen + segEnd - pos;
      if (total > this.maxContent) {
        this.carryLen = 0;
        if (!this.longLine(nl < 0)) return PushResult.LongLine;
        pos = nl < 0 ? len : nl + 1;
        this.consumed = base + pos;
      } else if (nl < 0) {
        this.keep(buf, pos, len);
        return PushResult.Ok;
      } else {
        this.keep(buf, pos, nl);
        const n = this.carryLen;
        this.carryLen = 0;
        this.deliver(this.carry, 0, n, this.consumed, sink);
        pos = nl + 1;
        this.consumed = base + pos;
      }
    }
    if (pos < len) {
      const last = buf.lastIndexOf(LF);
      if (last >= pos) {
        pos = this.lines(buf, pos, last, base, sink);
        if (pos < 0) return PushResult.LongLine;
        this.consumed = base + pos;
      }
      if (pos < len) {
        if (len - pos > this.maxContent) {
          if (!this.longLine(true)) return PushResult.LongLine;
          this.consumed = base + len;
        } else {
          this.keep(buf, pos, len);
        }
      }
    }
    return PushResult.Ok;
  }

  /**
   * Delivers the complete lines in buf[pos, last] (`last` is the block's last `\n`); returns the
   * position after the last line handled, or -1 at a long line that stops the file.
   */
  private lines(buf: Buffer, pos: number, last: number, base: number, sink: LineSink): number {
    if (sink.lineBytes !== undefined) return this.eachLine(buf, pos, last, base, sink);
    while (pos <= last) {
      // At most `window` bytes decoded at once, up to a line end; a longer line alone.
      let end = pos + this.window >= last ? last : buf.lastIndexOf(LF, pos + this.window);
      if (end < pos) end = buf.indexOf(LF, pos);
      const text = utf8(buf, pos, end);
      pos = text.length === end - pos ? this.asciiLines(text, buf, pos, base, sink) : this.eachLine(buf, pos, end, base, sink);
      if (pos < 0) return -1;
    }
    return pos;
  }

  /** Lines of buf[pos, last] one by one (decoded exactly, or as bytes); as `lines` returns. */
  private eachLine(buf: Buffer, pos: number, last: number, base: number, sink: LineSink): number {
    const max = this.maxContent;
    const plain = sink.plainLine !== undefined;
    while (pos <= last) {
      if (plain) {
        const end = sink.plainLine!(buf, pos, Math.min(last, pos + max), base + pos);
        if (end >= 0) {
          pos = end + 1;
          continue;
        }
      }
      const nl = buf.indexOf(LF, pos);
      if (nl - pos > max) {
        if (!this.longLine(false)) {
          this.consumed = base + pos;
          return -1;
        }
      } else {
        this.deliver(buf, pos, nl, base + pos, sink);
      }
      pos = nl + 1;
    }
    return pos;
  }

  /**
   * Lines of a region decoded in one piece where every byte became one UTF-16 unit (ASCII, or
   * bytes that each decoded to U+FFFD), so string positions are byte positions.
   */
  private asciiLines(text: string, buf: Buffer, start: number, base: number, sink: LineSink): number {
    const withBytes = sink.lineAt !== undefined;
    const max = this.maxContent;
    const skipEmpty = this.options.skipEmptyLines;
    const end = text.length;
    let p = 0;
    for (;;) {
      let nl = text.indexOf('\n', p);
      if (nl < 0) nl = end;
      const n = nl - p;
      if (n > max) {
        if (!this.longLine(false)) {
          this.consumed = base + start + p;
          return -1;
        }
      } else if (n >= 2 && text.charCodeAt(nl - 1) === CR) {
        if (withBytes) sink.lineAt!(text.slice(p, nl - 1), buf, start + p, base + start + p, true);
        else sink.line(text.slice(p, nl - 1), base + start + p, true);
      } else if (!(skipEmpty && (n === 0 || (n === 1 && text.charCodeAt(p) === CR)))) {
        const line = n === end ? text : text.slice(p, nl);
        if (withBytes) sink.lineAt!(line, buf, start + p, base + start + p, false);
        else sink.line(line, base + start + p, false);
      }
      if (nl === end) return start + end + 1;
      p = nl + 1;
    }
  }

  /** One line from bytes [start, end) (no `\n`). */
  private deliver(buf: Buffer, start: number, end: number, offset: number, sink: LineSink): void {
    const n = end - start;
    const cr = n >= 2 && buf[end - 1] === CR;
    if (!cr && this.options.skipEmptyLines && (n === 0 || (n === 1 && buf[start] === CR))) return;
    if (sink.lineBytes !== undefined) sink.lineBytes(buf, start, cr ? end - 1 : end, offset);
    else if (cr) sink.line(utf8(buf, start, end - 1), offset, true);
    else sink.line(n === 0 ? '' : utf8(buf, start, end), offset, false);
  }

  /** A long line: counted and skipped (`untilNewline`: its end is still to come), or false to stop. */
  private longLine(untilNewline: boolean): boolean {
    if (!this.options.skipLongLines) return false;
    this.longLines++;
    if (untilNewline) this.skipping = true;
    return true;
  }

  /** Appends buf[start, end) to the carried partial line. */
  private keep(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    const need = this.carryLen + n;
    if (need > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(MIN_CARRY, need, Math.min(this.maxContent + 1, this.carry.length * 2)));
      this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    buf.copy(this.carry, this.carryLen, start, end);
    this.carryLen = need;
  }
}
