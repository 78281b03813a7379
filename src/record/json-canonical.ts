/**
 * Whether bytes hold one JSON object exactly as `JSON.stringify(JSON.parse(text))` writes it, so
 * that the bytes can stand for the parsed object in an encoded record (record/encoded.ts) without
 * a parse or a stringify. Yes only when certain, for:
 * - no white space outside strings, nothing after the object;
 * - strings of valid UTF-8 (JSON.parse of decoded text would hold U+FFFD for anything else), no
 *   raw control character, and only the escapes JSON.stringify writes: `\"`, `\\`, `\b`, `\f`,
 *   `\n`, `\r`, `\t`, and `\u00xx` (lowercase) for the other controls;
 * - numbers whose text is the one JavaScript gives their value (no `-0`, `1.0`, `1e5`, no digits
 *   past a double's precision);
 * - in each object, keys that are not repeated (JSON.parse keeps the first position and the last
 *   value), not all digits (objects list array indexes first), not `__proto__`, and at the top
 *   level none of the keys the caller excludes;
 * - containers nested at most `maxDepth` deep (parsers/json-depth.ts: deeper text is not parsed).
 * Anything else is no: the caller takes the object way, whose result is the reference.
 */
import type { Slicing } from './line-encoder.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
/** Integers of up to this many digits are their own text as doubles. */
const EXACT_DIGITS = 15;
/** Keys one object may have here (they are compared pairwise); more take the object way. */
const MAX_KEYS = 256;
const PROTO = Buffer.from('__proto__');

/** Escapes JSON.stringify writes with one letter after the backslash: `"`, `\`, b, f, n, r, t. */
const SHORT_ESCAPE = new Uint8Array(128);
for (const c of '"\\bfnrt') SHORT_ESCAPE[c.charCodeAt(0)] = 1;
/** Controls JSON.stringify writes as a short escape rather than `\u00xx`. */
const SHORT_CONTROL = new Uint8Array(32);
for (const c of [8, 9, 10, 12, 13]) SHORT_CONTROL[c] = 1;

function hexDigit(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

export class CanonicalJsonObject {
  /** The excluded top-level keys, as the bytes between their quotes. */
  private readonly excluded: Buffer[];
  /** Keys of the objects being read, outermost first: start and end of each, in `src`. */
  private keys = new Int32Array(2 * 64);
  private top = 0;
  private src: Buffer = Buffer.alloc(0);
  private end = 0;

  constructor(
    excludedTopKeys: readonly string[],
    private readonly maxDepth: number,
  ) {
    this.excluded = excludedTopKeys.map((k) => Buffer.from(JSON.stringify(k).slice(1, -1)));
  }

  /** Whether src[start, end) is one JSON object in JSON.stringify's form (see the file comment). */
  test(src: Buffer, start: number, end: number): boolean {
    if (start >= end || src[start] !== OPEN_BRACE) return false;
    this.src = src;
    this.end = end;
    this.top = 0;
    return this.object(start, 1) === end;
  }

  private at(i: number): number {
    return i < this.end ? this.src[i]! : -1;
  }

  /** The end of the value at `i`, or -1. */
  private value(i: number, depth: number): number {
    const c = this.at(i);
    if (c === QUOTE) return this.string(i);
    if (c === OPEN_BRACE) return this.object(i, depth + 1);
    if (c === OPEN_BRACKET) return this.array(i, depth + 1);
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number(i);
    if (c === 116) return this.word(i, 'true');
    if (c === 102) return this.word(i, 'false');
    if (c === 110) return this.word(i, 'null');
    return -1;
  }

  private word(i: number, word: string): number {
    for (let k = 0; k < word.length; k++) if (this.at(i + k) !== word.charCodeAt(k)) return -1;
    return i + word.length;
  }

  private object(i: number, depth: number): number {
    if (depth > this.maxDepth) return -1;
    i++;
    if (this.at(i) === CLOSE_BRACE) return i + 1;
    const base = this.top;
    for (;;) {
      if (this.at(i) !== QUOTE) return -1;
      const keyEnd = this.string(i);
      if (keyEnd < 0 || !this.newKey(i + 1, keyEnd - 1, base, depth) || this.at(keyEnd) !== COLON) return -1;
      i = this.value(keyEnd + 1, depth);
      if (i < 0) return -1;
      const c = this.at(i);
      if (c === CLOSE_BRACE) {
        this.top = base;
        return i + 1;
      }
      if (c !== COMMA) return -1;
      i++;
    }
  }

  private array(i: number, depth: number): number {
    if (depth > this.maxDepth) return -1;
    i++;
    if (this.at(i) === CLOSE_BRACKET) return i + 1;
    for (;;) {
      i = this.value(i, depth);
      if (i < 0) return -1;
      const c = this.at(i);
      if (c === CLOSE_BRACKET) return i + 1;
      if (c !== COMMA) return -1;
      i++;
    }
  }

  /** The key src[start, end) (between its quotes) is kept as written: not repeated in its object, not an index, not excluded. */
  private newKey(start: number, end: number, base: number, depth: number): boolean {
    const src = this.src;
    let digits = true;
    for (let i = start; i < end && digits; i++) digits = src[i]! >= ZERO && src[i]! <= NINE;
    if (digits && end > start) return false;
    if (this.same(start, end, PROTO, 0, PROTO.length)) return false;
    if (depth === 1) for (const k of this.excluded) if (this.same(start, end, k, 0, k.length)) return false;
    const keys = this.keys;
    for (let k = base; k < this.top; k += 2) if (this.same(start, end, src, keys[k]!, keys[k + 1]!)) return false;
    if (this.top - base >= 2 * MAX_KEYS) return false;
    if (this.top + 2 > keys.length) {
      const grown = new Int32Array(keys.length * 2);
      grown.set(keys);
      this.keys = grown;
    }
    this.keys[this.top++] = start;
    this.keys[this.top++] = end;
    return true;
  }

  private same(start: number, end: number, other: Buffer, from: number, to: number): boolean {
    if (end - start !== to - from) return false;
    const src = this.src;
    for (let i = start, j = from; i < end; i++, j++) if (src[i] !== other[j]) return false;
    return true;
  }

  /** The end of the string whose opening quote is at `i`, or -1 (see the file comment for what is taken). */
  private string(i: number): number {
    const src = this.src;
    const end = this.end;
    i++;
    while (i < end) {
      const c = src[i]!;
      if (c === QUOTE) return i + 1;
      if (c >= 0x20 && c < 0x80 && c !== BACKSLASH) {
        i++;
        continue;
      }
      if (c === BACKSLASH) {
        i = this.escape(i);
      } else if (c < 0x20) {
        return -1;
      } else {
        i = this.utf8(c, i);
      }
      if (i < 0) return -1;
    }
    return -1;
  }

  /** After the escape at `i`, or -1 when JSON.stringify would not write it so. */
  private escape(i: number): number {
    const e = this.at(i + 1);
    if (e < 128 && e >= 0 && SHORT_ESCAPE[e] === 1) return i + 2;
    if (e !== 117 /* u */ || this.at(i + 2) !== ZERO || this.at(i + 3) !== ZERO) return -1;
    const hi = hexDigit(this.at(i + 4));
    const lo = hexDigit(this.at(i + 5));
    if (hi < 0 || hi > 1 || lo < 0) return -1;
    return SHORT_CONTROL[hi * 16 + lo] === 1 ? -1 : i + 6;
  }

  /** After the UTF-8 sequence that starts with `c` at `i`, or -1 when it is not one (overlong, a surrogate, past U+10FFFF). */
  private utf8(c: number, i: number): number {
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return -1;
    const b = this.at(i + 1);
    if (b < lo || b > hi) return -1;
    for (let k = 2; k <= n; k++) {
      const d = this.at(i + k);
      if (d < 0x80 || d > 0xbf) return -1;
    }
    return i + n + 1;
  }

  /** The end of the number at `i`, or -1 when its text is not JavaScript's for its value. */
  private number(i: number): number {
    const start = i;
    if (this.at(i) === MINUS) i++;
    const first = this.at(i);
    if (first === ZERO) i++;
    else if (first > ZERO && first <= NINE) while (this.isDigit(this.at(i))) i++;
    else return -1;
    let c = this.at(i);
    if (c !== 46 /* . */ && c !== 101 && c !== 69 /* e E */) {
      const digits = i - start - (this.src[start] === MINUS ? 1 : 0);
      if (digits <= EXACT_DIGITS && !(first === ZERO && i - start === 2)) return i;
      return this.sameText(start, i);
    }
    if (c === 46) {
      i++;
      if (!this.isDigit(this.at(i))) return -1;
      while (this.isDigit(this.at(i))) i++;
      c = this.at(i);
    }
    if (c === 101 || c === 69) {
      i++;
      c = this.at(i);
      if (c === 43 || c === MINUS) i++;
      if (!this.isDigit(this.at(i))) return -1;
      while (this.isDigit(this.at(i))) i++;
    }
    return this.sameText(start, i);
  }

  private isDigit(c: number): boolean {
    return c >= ZERO && c <= NINE;
  }

  /** `end` when the number text src[start, end) is what JavaScript writes for its value, else -1. */
  private sameText(start: number, end: number): number {
    const text = (this.src as unknown as Slicing).latin1Slice(start, end);
    return String(Number(text)) === text ? end : -1;
  }
}
