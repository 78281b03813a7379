/**
 * JSON as Go's encoding/json writes a record the AWS Go plugins decoded (a map[string]interface{}):
 * map keys sorted by their bytes at every depth; `<`, `>`, `&`, U+2028 and U+2029 escaped as \uXXXX;
 * control characters other than \n, \r and \t as \u00XX (Go has no \b or \f); text that is not
 * UTF-8 (a lone surrogate) as U+FFFD. Two writers of the same text: `goJson` from a decoded value,
 * `writeGoValue` from a record's JSON as a chunk holds it (JSON.stringify's text), decoding only keys.
 */
import { MAX_RECORD_DEPTH, TOO_DEEP } from '../../../engine/record-depth.js';
import { recordJson } from '../shared/record-json.js';
import { hasByte, literalText, skipString, skipValue, type ByteWriter } from '../shared/record-bytes.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const TOO_DEEP_JSON = JSON.stringify(TOO_DEEP);

/** JSON.stringify's escapes (one unit each, so `\\b` is a backslash then b) and the characters Go escapes and it does not. */
const GO_DIFFERS = /\\(?:u[0-9a-f]{4}|.)|[<>&\u2028\u2029]/g;

/** `\ud800`-`\udfff`: JSON.stringify's escape of a lone surrogate. */
const isSurrogateEscape = (m: string): boolean => m.length === 6 && m[2] === 'd' && m.charCodeAt(3) >= 0x38;

function goEscape(m: string): string {
  if (m.length === 1) return `\\u${m.charCodeAt(0).toString(16).padStart(4, '0')}`;
  if (m === '\\b') return '\\u0008';
  if (m === '\\f') return '\\u000c';
  return isSurrogateEscape(m) ? '\\ufffd' : m;
}

/** What makes Go's text of a string differ from JSON.stringify's. */
const GO_SPECIAL = /[<>&\u2028\u2029\b\f\ud800-\udfff]/;

/** A string as Go's JSON writes it. */
export function goString(s: string): string {
  const json = JSON.stringify(s);
  return GO_SPECIAL.test(s) ? json.replace(GO_DIFFERS, goEscape) : json;
}

/** Characters whose UTF-16 order is not their UTF-8 byte order (surrogates against U+E000-U+FFFF). */
const HIGH = /[\ud800-\uffff]/;

/** Go's order of map keys: their UTF-8 bytes. */
export function goKeyOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (!HIGH.test(a) && !HIGH.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A decoded value as Go's JSON writes it; levels below MAX_RECORD_DEPTH are written as TOO_DEEP. */
export function goJson(value: unknown, room = MAX_RECORD_DEPTH): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return goString(value);
    case 'bigint':
      return value.toString();
    case 'number':
    case 'boolean':
      return recordJson(value);
    case 'object':
      break;
    default:
      return 'null';
  }
  if (room <= 0) return TOO_DEEP_JSON;
  if (Array.isArray(value)) return `[${value.map((v) => goJson(v, room - 1)).join(',')}]`;
  if (value instanceof Uint8Array) return goJson(Buffer.from(value).toString('utf8'));
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort(goKeyOrder);
  return `{${keys.map((k) => `${goString(k)}:${goJson(o[k], room - 1)}`).join(',')}}`;
}

/**
 * A map member read from a record's JSON: its key (decoded) and the key's literal [keyFrom, keyTo)
 * while the key is as the record has it (keyFrom -1 once changed), its value's bytes [from, to), or
 * a string value of its own.
 */
export interface GoMember {
  key: string;
  keyFrom: number;
  readonly keyTo: number;
  readonly from: number;
  readonly to: number;
  readonly text?: string;
}

/** A member's key changed (dots replaced): written from the string, not the record's bytes. */
export function renameMember(m: GoMember, key: string): void {
  if (key === m.key) return;
  m.key = key;
  m.keyFrom = -1;
}

/** The members of the map whose JSON is [from, to), in their order; `dots` replaces '.' in keys. */
export function mapMembers(b: Buffer, from: number, to: number, dots?: string): GoMember[] {
  const out: GoMember[] = [];
  let p = from + 1;
  while (p < to && b[p] === QUOTE) {
    const keyEnd = skipString(b, p);
    const key = literalText(b, p, keyEnd);
    const valueEnd = skipValue(b, keyEnd + 1);
    const m: GoMember = { key, keyFrom: p, keyTo: keyEnd, from: keyEnd + 1, to: valueEnd };
    if (dots !== undefined) renameMember(m, key.replaceAll('.', dots));
    out.push(m);
    p = valueEnd + 1;
  }
  return out;
}

/**
 * Members in Go's key order. Keys made equal by replacing dots keep the last value, as assigning
 * them one after another into a new map does.
 */
export function goSorted(members: GoMember[]): GoMember[] {
  if (members.length < 2) return members;
  members.sort((x, y) => goKeyOrder(x.key, y.key)); // stable: equal keys stay in record order
  let n = 0;
  for (let i = 0; i < members.length; i++) {
    if (i + 1 < members.length && members[i + 1]!.key === members[i]!.key) continue;
    members[n++] = members[i]!;
  }
  members.length = n;
  return members;
}

/** A map of members (already in Go's order) whose values get `room - 1` levels, as goJson writes a map with `room`. */
export function writeGoMap(w: ByteWriter, b: Buffer, members: readonly GoMember[], room: number, dots: string | undefined): void {
  w.byte(OPEN_BRACE);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    if (i > 0) w.byte(COMMA);
    if (m.keyFrom >= 0) writeGoStringBytes(w, b, m.keyFrom, m.keyTo);
    else w.utf8(goString(m.key));
    w.byte(COLON);
    if (m.text !== undefined) w.utf8(goString(m.text));
    else writeGoValue(w, b, m.from, m.to, room - 1, dots);
  }
  w.byte(CLOSE_BRACE);
}

/**
 * The JSON value [from, to) of a record as goJson writes its decoded value with `room`; `dots`
 * replaces '.' in the keys of maps (not inside arrays, as the Go plugin's replace_dots).
 */
export function writeGoValue(w: ByteWriter, b: Buffer, from: number, to: number, room: number, dots: string | undefined): void {
  const c = b[from];
  if (c === QUOTE) writeGoStringBytes(w, b, from, to);
  else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    if (room <= 0) {
      w.utf8(TOO_DEEP_JSON);
    } else if (c === OPEN_BRACE) {
      if (dots !== undefined || !writeOrderedMap(w, b, from, to, room)) writeGoMap(w, b, goSorted(mapMembers(b, from, to, dots)), room, dots);
    } else {
      w.byte(OPEN_BRACKET);
      for (let p = from + 1; p < to - 1; ) {
        if (p > from + 1) w.byte(COMMA);
        const end = skipValue(b, p);
        writeGoValue(w, b, p, end, room - 1, undefined);
        p = end + 1;
      }
      w.byte(CLOSE_BRACKET);
    }
  } else w.copy(b, from, to);
}

/**
 * A map whose keys are already in Go's order, written as it comes (no member read, no key
 * decoded): false, with nothing written, when a key is out of order or holds an escape.
 */
function writeOrderedMap(w: ByteWriter, b: Buffer, from: number, to: number, room: number): boolean {
  const start = w.pos;
  w.byte(OPEN_BRACE);
  let previous = -1;
  let previousEnd = -1;
  for (let p = from + 1; p < to && b[p] === QUOTE; ) {
    const keyEnd = skipString(b, p);
    // Without escapes a key's bytes are its UTF-8 bytes, which Go compares.
    if (hasByte(b, BACKSLASH, p + 1, keyEnd - 1) || (previous >= 0 && b.compare(b, previous, previousEnd, p + 1, keyEnd - 1) <= 0)) {
      w.pos = start;
      return false;
    }
    if (previous >= 0) w.byte(COMMA);
    writeGoStringBytes(w, b, p, keyEnd);
    w.byte(COLON);
    const valueEnd = skipValue(b, keyEnd + 1);
    writeGoValue(w, b, keyEnd + 1, valueEnd, room - 1, undefined);
    [previous, previousEnd] = [p + 1, keyEnd - 1];
    p = valueEnd + 1;
  }
  w.byte(CLOSE_BRACE);
  return true;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const GO_ESCAPES: Record<number, string> = { [LT]: '\\u003c', [GT]: '\\u003e', [AMP]: '\\u0026', 0x62: '\\u0008', 0x66: '\\u000c', 0xa8: '\\u2028', 0xa9: '\\u2029' };

/** A string literal [from, to) of JSON.stringify's text as Go writes the string (goString). */
function writeGoStringBytes(w: ByteWriter, b: Buffer, from: number, to: number): void {
  let run = from; // bytes from here to p are copied as they are
  const end = to - 1;
  for (let p = from + 1; p < end; ) {
    const c = b[p]!;
    let skip = 0;
    let text: string | undefined;
    if (c === BACKSLASH) {
      const e = b[p + 1]!;
      if (e === 0x62 || e === 0x66) [skip, text] = [2, GO_ESCAPES[e]]; // \b \f
      else if (e === 0x75 && b[p + 2] === 0x64 && b[p + 3]! >= 0x38) [skip, text] = [6, '\\ufffd']; // a lone surrogate
      else {
        p += e === 0x75 ? 6 : 2;
        continue;
      }
    } else if (c === LT || c === GT || c === AMP) [skip, text] = [1, GO_ESCAPES[c]];
    else if (c === 0xe2 && b[p + 1] === 0x80 && (b[p + 2] === 0xa8 || b[p + 2] === 0xa9)) [skip, text] = [3, GO_ESCAPES[b[p + 2]!]];
    else {
      p++;
      continue;
    }
    w.copy(b, run, p);
    w.ascii(text!);
    p += skip;
    run = p;
  }
  w.copy(b, run, to);
}
