/**
 * Splits blocks of bytes (as read from a file) into lines: newlines are found with
 * `Buffer.indexOf(10)`, each line is decoded once, and an incomplete last line is carried over to
 * the next block. Like Fluent Bit's tail, a line of two bytes or more loses one trailing `\r`.
 */

interface Utf8Slicing {
  utf8Slice(start: number, end: number): string;
}

/** Decodes bytes [start, end) as UTF-8 (invalid sequences become U+FFFD). */
function decode(buf: Buffer, start: number, end: number): string {
  if (end - start >= 2 && buf[end - 1] === 13) end--;
  return (buf as unknown as Utf8Slicing).utf8Slice(start, end);
}

export class LineSplitter {
  /** Bytes of complete lines (newlines included) consumed since creation. */
  offset = 0;
  private carry: Buffer[] = [];
  private carryBytes = 0;

  /** Bytes held back as the start of an incomplete line. */
  get pendingBytes(): number {
    return this.carryBytes;
  }

  /**
   * Appends the complete lines of `block` to `out` (and, if given, the offset just after each
   * line to `ends`); returns how many. The block may be reused by the caller afterwards.
   */
  push(block: Buffer, out: string[], ends?: number[]): number {
    let start = 0;
    let count = 0;
    if (this.carryBytes > 0) {
      const nl = block.indexOf(10);
      if (nl < 0) {
        this.keep(block, 0);
        return 0;
      }
      this.carry.push(block.subarray(0, nl));
      const joined = Buffer.concat(this.carry, this.carryBytes + nl);
      out.push(decode(joined, 0, joined.length));
      this.offset += joined.length + 1;
      if (ends !== undefined) ends.push(this.offset);
      this.carry = [];
      this.carryBytes = 0;
      start = nl + 1;
      count++;
    }
    const base = this.offset - start;
    for (;;) {
      const nl = block.indexOf(10, start);
      if (nl < 0) break;
      out.push(decode(block, start, nl));
      if (ends !== undefined) ends.push(base + nl + 1);
      start = nl + 1;
      count++;
    }
    this.offset = base + start;
    if (start < block.length) this.keep(block, start);
    return count;
  }

  /** Takes the incomplete last line (at end of file or rotation), if any. */
  takePartial(): string | undefined {
    if (this.carryBytes === 0) return undefined;
    const joined = Buffer.concat(this.carry, this.carryBytes);
    this.offset += joined.length;
    this.carry = [];
    this.carryBytes = 0;
    return decode(joined, 0, joined.length);
  }

  private keep(block: Buffer, start: number): void {
    this.carry.push(Buffer.from(block.subarray(start)));
    this.carryBytes += block.length - start;
  }
}
