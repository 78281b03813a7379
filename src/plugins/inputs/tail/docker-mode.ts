/**
 * Legacy `Docker_Mode` (`tail_dockermode.c`): Docker's json-file driver splits long lines into
 * 16 KB pieces, each a JSON line whose `log` does not end with `\n`. Pieces are joined by
 * concatenating their `log` values (as escaped JSON text) into the last piece's line, which is then
 * handled like any line (the `Parser`, else the raw record). A line that is not a JSON object
 * with a string `log` flushes what is held and is handled normally. With `Docker_Mode_Parser`,
 * complete lines are held too and joined until a line the parser accepts (a first line) comes.
 * What is held is flushed `Docker_Mode_Flush` seconds after its last line.
 *
 * The multiline engine's `docker` parser is not used here: it emits parsed records (`log`,
 * `stream`, `time`), while docker mode emits the joined JSON line as Fluent Bit does.
 */
import type { RecordParser } from '../../../parsers/runtime/index.js';
import type { Batch, LineHandler } from './line-handlers.js';

/** Where the top-level `"log"` string value of a JSON object line is, as raw (escaped) text. */
export function logValueSpan(line: string): { start: number; end: number } | undefined {
  let i = skipSpace(line, 0);
  if (line.charCodeAt(i) !== 0x7b /* { */) return undefined;
  i++;
  for (;;) {
    i = skipSpace(line, i);
    if (line.charCodeAt(i) === 0x7d /* } */) return undefined;
    if (line.charCodeAt(i) !== 0x22 /* " */) return undefined;
    const keyEnd = stringEnd(line, i);
    if (keyEnd < 0) return undefined;
    const isLog = keyEnd - i === 5 && line.startsWith('log', i + 1);
    i = skipSpace(line, keyEnd);
    if (line.charCodeAt(i) !== 0x3a /* : */) return undefined;
    i = skipSpace(line, i + 1);
    const valueEnd = valueEndAt(line, i);
    if (valueEnd < 0) return undefined;
    if (isLog) return line.charCodeAt(i) === 0x22 ? { start: i + 1, end: valueEnd - 1 } : undefined;
    i = skipSpace(line, valueEnd);
    const c = line.charCodeAt(i);
    if (c === 0x2c /* , */) i++;
    else return undefined;
  }
}

function skipSpace(s: string, i: number): number {
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** Index just after the closing quote of the string starting at `i`, or -1. */
function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x5c /* \ */) j++;
    else if (c === 0x22) return j + 1;
  }
  return -1;
}

/** Index just after the JSON value starting at `i` (strings and nesting tracked; scalars up to a delimiter), or -1. */
function valueEndAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 0x22) return stringEnd(s, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === 0x22) {
        j = stringEnd(s, j) - 1;
        if (j < 0) return -1;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (d === 0x2c || d === 0x7d || d === 0x20 || d === 0x09 || d === 0x0a || d === 0x0d) break;
    j++;
  }
  return j > i ? j : -1;
}

/** True when the escaped JSON text ends with an (unescaped) `\n` escape. */
function endsWithNewlineEscape(raw: string): boolean {
  if (!raw.endsWith('\\n')) return false;
  let slashes = 0;
  for (let i = raw.length - 2; i >= 0 && raw.charCodeAt(i) === 0x5c; i--) slashes++;
  return slashes % 2 === 1;
}

export class DockerModeHandler implements LineHandler {
  /** Joined escaped `log` text of the held pieces. */
  private joined = '';
  /** The last held JSON line (its `log` is replaced by `joined` on flush). */
  private lastLine = '';
  private complete = true;
  private firstLineSeen = false;
  private flushAtMs = 0;
  private pendingSince = -1;
  readonly flushIntervalMs = 1000;

  /**
   * @param base handles lines that are not docker JSON, and the joined lines.
   * @param flushSec `Docker_Mode_Flush` (values below 1 mean 1).
   */
  constructor(
    private readonly batch: Batch,
    private readonly base: LineHandler,
    private readonly flushSec: number,
    private readonly firstLineParser: RecordParser | undefined,
  ) {}

  line(text: string, offset: number, cr: boolean): void {
    if (this.firstLineParser !== undefined) {
      const first = this.firstLineParser.parseRecord(text, this.batch.time) !== undefined;
      if (first) this.firstLineSeen = true;
      if (this.lastLine.length > 0 && this.complete && (first || !this.firstLineSeen)) this.flushHeld(offset);
    }
    const span = logValueSpan(text);
    if (span === undefined) {
      this.flushHeld(offset);
      this.base.line(text, offset, cr);
      return;
    }
    const value = text.slice(span.start, span.end);
    this.joined += value;
    this.lastLine = text;
    if (this.pendingSince < 0) this.pendingSince = offset;
    this.flushAtMs = Number(this.batch.time / 1_000_000n) + Math.max(1, this.flushSec) * 1000;
    if (!endsWithNewlineEscape(value)) {
      this.complete = false;
    } else {
      this.complete = true;
      if (this.firstLineParser === undefined) this.flushHeld(offset);
    }
  }

  safeOffset(consumed: number): number {
    return this.pendingSince < 0 ? consumed : this.pendingSince;
  }

  flush(offset: number): void {
    this.flushHeld(offset);
  }

  flushExpired(nowMs: number, offset: number): void {
    if (this.lastLine.length > 0 && nowMs >= this.flushAtMs) this.flushHeld(offset);
  }

  close(): void {}

  private flushHeld(offset: number): void {
    const line = this.lastLine;
    if (line.length === 0) return;
    const span = logValueSpan(line)!;
    const joined = line.slice(0, span.start) + this.joined + line.slice(span.end);
    this.joined = '';
    this.lastLine = '';
    this.pendingSince = -1;
    this.base.line(joined, offset, false);
  }
}
