/**
 * One group of a multiline stream (`struct flb_ml_stream_group`): the message being joined for one
 * value of `key_group` (or the default group), with its first line's record and the time it goes out at.
 */
import type { LogRecord } from '../../record/event.js';
import type { Rule } from './rules.js';

/** Longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between code points. */
export function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.codePointAt(i)!;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += c >= 0x10000 ? 2 : 1;
  }
  return text.slice(0, i);
}

export class Group {
  /** Joined content. */
  text = '';
  endsWithNewline = false;
  /** UTF-8 size of `text`, kept exactly once it could come near the limit. */
  private bytes = 0;
  private exact = false;
  /** The first line's parsed record (its content key is replaced by `text` on flush). */
  record: LogRecord | undefined = undefined;
  /**
   * Time of the message (`mp_time`): 0 until a line or record registers one (a flush then takes
   * the current time). Never reset: a message whose first lines are continuations (no start
   * registered) goes out at the time registered last, as in Fluent Bit.
   */
  time = 0n;
  /** Time of the last line added (flush timeout). */
  lastLine = 0n;
  /** Regex state: the rule that matched last (`rule_to_state`). */
  rule: Rule | undefined = undefined;
  /** Bytes dropped by the last `append`. */
  dropped = 0;
  /** The message was cut at the buffer limit. */
  cut = false;

  constructor(readonly name: string | undefined) {}

  get pending(): boolean {
    return this.text.length > 0 || this.record !== undefined;
  }

  /** Remembers a line's record (the message's first line) and time (`flb_ml_register_context`). */
  register(record: LogRecord | undefined, time: bigint): void {
    this.record = record;
    this.time = time;
  }

  /** Adds a line break (never limited, like Fluent Bit's separators). */
  newline(): void {
    this.text += '\n';
    this.endsWithNewline = true;
    if (this.exact) this.bytes += 1;
  }

  /**
   * Adds content within `limit` bytes (0: no limit). Returns false when it had to be cut; the
   * number of bytes left out is then in `dropped`.
   */
  append(piece: string, limit: number): boolean {
    this.dropped = 0;
    if (piece.length === 0) return true;
    if (limit > 0) {
      if (!this.exact) {
        if ((this.text.length + piece.length) * 3 > limit) {
          this.bytes = Buffer.byteLength(this.text);
          this.exact = true;
        }
      }
      if (this.exact) {
        const size = Buffer.byteLength(piece);
        const avail = limit - this.bytes;
        if (size > avail) {
          const kept = avail > 0 ? utf8Prefix(piece, avail) : '';
          const keptBytes = Buffer.byteLength(kept);
          this.dropped = size - keptBytes;
          this.cut = true;
          this.bytes += keptBytes;
          this.add(kept);
          return false;
        }
        this.bytes += size;
      }
    }
    this.add(piece);
    return true;
  }

  private add(piece: string): void {
    if (piece.length === 0) return;
    this.text = this.text.length === 0 ? piece : this.text + piece;
    this.endsWithNewline = piece.charCodeAt(piece.length - 1) === 10;
  }

  /** Clears the message after a flush (time and regex state stay, as in Fluent Bit). */
  clear(): void {
    this.text = '';
    this.endsWithNewline = false;
    this.bytes = 0;
    this.exact = false;
    this.record = undefined;
    this.cut = false;
  }
}
