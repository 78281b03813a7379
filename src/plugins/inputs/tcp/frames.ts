/**
 * How the tcp input cuts what a connection sent into messages (Fluent Bit `in_tcp`): `Format
 * json` reads concatenated JSON values (jsmn in strict mode), `Format none` splits at the
 * separator. Pure functions over the bytes received so far: they say what was read and how many
 * bytes it used; the rest waits for more data.
 */
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../../parsers/json-depth.js';

/** One top-level JSON value: an object or array to emit, or one that is refused (with why). */
export type JsonMessage = { readonly ok: true; readonly value: Readonly<Record<string, unknown>> | readonly unknown[] } | { readonly ok: false; readonly reason: string };

export interface JsonScan {
  readonly messages: JsonMessage[];
  /** Bytes used: complete values, and an invalid one through the end of its line. */
  readonly consumed: number;
  /** Set when the bytes are not JSON: they are skipped through the next newline. */
  readonly invalid?: string;
  /** With `invalid`: no newline followed, so the next bytes up to a newline are still the invalid message. */
  readonly lineUnfinished?: boolean;
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const OPEN = new Set([0x7b, 0x5b]); // { [
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LF = 0x0a;

/** End (exclusive) of the string starting at `start` (a quote), or -1 when it is not closed yet. */
function stringEnd(buf: Buffer, start: number): number {
  for (let i = start + 1; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

/** End (exclusive) of the object or array starting at `start`, or -1 when it is not closed yet. */
function containerEnd(buf: Buffer, start: number): number {
  let depth = 0;
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      const end = stringEnd(buf, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return i + 1; // unbalanced: JSON.parse reports it
    }
  }
  return -1;
}

/** End of a top-level scalar (number, literal): the next space, `{` or `[`; -1 at the end of the data (jsmn strict waits for more). */
function scalarEnd(buf: Buffer, start: number): number {
  for (let i = start; i < buf.length; i++) {
    const c = buf[i]!;
    if (SPACE.has(c) || OPEN.has(c)) return i;
  }
  return -1;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/**
 * Reads the complete top-level JSON values of `buf`. Objects and arrays are messages; a scalar is
 * refused (Fluent Bit cannot encode it as a record); a value nesting deeper than MAX_JSON_DEPTH is
 * refused (Fluent Bit packs it but cannot unpack it). Text that is not JSON ends the scan: it is
 * consumed through the end of its line and reported as `invalid`. (Fluent Bit drops the whole
 * read it found it in, so what it loses depends on how the sender's writes were coalesced; the
 * line is the unit a sender means.)
 */
export function scanJson(buf: Buffer): JsonScan {
  const messages: JsonMessage[] = [];
  let pos = 0;
  for (;;) {
    while (pos < buf.length && SPACE.has(buf[pos]!)) pos++;
    if (pos >= buf.length) return { messages, consumed: pos };
    const c = buf[pos]!;
    const end = OPEN.has(c) ? containerEnd(buf, pos) : c === QUOTE ? stringEnd(buf, pos) : scalarEnd(buf, pos);
    if (end < 0) return { messages, consumed: pos };
    const text = buf.toString('utf8', pos, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const eol = buf.indexOf(LF, pos);
      return eol < 0 ? { messages, consumed: buf.length, invalid: (err as Error).message, lineUnfinished: true } : { messages, consumed: eol + 1, invalid: (err as Error).message };
    }
    pos = end;
    if (typeof value !== 'object' || value === null) messages.push({ ok: false, reason: `a top-level JSON ${describe(value)} is not an object or an array` });
    else if (nestsDeeperThan(value, MAX_JSON_DEPTH)) messages.push({ ok: false, reason: `a JSON value nests deeper than ${MAX_JSON_DEPTH} levels` });
    else messages.push({ ok: true, value: value as Readonly<Record<string, unknown>> | readonly unknown[] });
  }
}

export interface LineScan {
  readonly lines: string[];
  readonly consumed: number;
  /** Empty records skipped (two separators in a row). */
  readonly empty: number;
}

/**
 * Splits `buf` at `separator` into records (`Format none`). Fluent Bit stops at an empty record
 * (two separators in a row) and waits, so everything after it stays unread until the connection
 * goes; logferry skips the empty record and reads on. What follows the last separator waits.
 */
export function splitRecords(buf: Buffer, separator: Buffer): LineScan {
  const lines: string[] = [];
  let pos = 0;
  let empty = 0;
  for (;;) {
    const at = buf.indexOf(separator, pos);
    if (at < 0) return { lines, consumed: pos, empty };
    if (at === pos) empty++;
    else lines.push(buf.toString('utf8', pos, at));
    pos = at + separator.length;
  }
}

/**
 * A Separator as Fluent Bit's flb_unescape_string reads it: `\n \a \b \t \v \f \r \\` are the
 * control characters, a backslash before any other character is dropped (`\|` is `|`), a trailing
 * backslash too. Empty: Fluent Bit refuses the separator ("invalid separator").
 */
export function unescapeSeparator(text: string): string {
  const map: Readonly<Record<string, string>> = { n: '\n', a: '\x07', b: '\b', t: '\t', v: '\v', f: '\f', r: '\r', '\\': '\\' };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = text[i + 1];
    if (n === undefined) continue;
    const mapped = map[n];
    if (mapped !== undefined) {
      out += mapped;
      i++;
    }
  }
  return out;
}
