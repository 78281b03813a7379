/**
 * strptime as Fluent Bit runs it: its own copy of OpenBSD's (`src/flb_strptime.c`, 4.2.8), with
 * the C locale. Behaviour reproduced on purpose:
 * - white space in the format skips any amount of white space (also none) in the text;
 * - before every other format character the text must not be exhausted;
 * - numbers read at most as many digits as their upper bound has (`%d` reads "45" as 4);
 * - the text may go on after the format: the caller gets the end position and decides;
 * - `%z` takes `Z`, `UT`/`UTC`, `GMT`, `±hh`, `±hhmm`, `±hh:mm`, and EST/EDT/CST/CDT/MST/MDT/PST/PDT;
 *   `%Z` takes the abbreviations of Fluent Bit's table (UTC, GMT, CEST, JST, military letters...);
 * - `%y` without `%C` maps 69-99 to 19xx and 00-68 to 20xx; the day of the year, the weekday, the
 *   month and the day are derived from each other when the year is known.
 *
 * Not reproduced: the fallback of `%Z` to the host's own zone names (`tzname`), and `%s` values
 * above 2^53 seconds (the year 285,000,000), which fail here.
 *
 * The format is compiled once (`compileStrptime`); parsing allocates nothing.
 */

/** A `struct tm` with the year written out in full and Fluent Bit's `tm_gmtoff`. */
export interface BrokenDownTime {
  /** Full year (tm_year + 1900). */
  year: number;
  /** Month, 0-11. */
  mon: number;
  /** Day of the month; 0 (from a zeroed struct) means the last day of the previous month. */
  mday: number;
  hour: number;
  min: number;
  /** Seconds, 0-60. */
  sec: number;
  /** Day of the year, 0-365. */
  yday: number;
  /** Day of the week, 0 = Sunday. */
  wday: number;
  /** Offset from UTC in seconds, east positive. */
  gmtoff: number;
  isdst: number;
}

/** A zeroed `struct tm` (what Fluent Bit's parsers start from): 1900-01-00 00:00:00. */
export function zeroTime(): BrokenDownTime {
  return { year: 1900, mon: 0, mday: 0, hour: 0, min: 0, sec: 0, yday: 0, wday: 0, gmtoff: 0, isdst: 0 };
}

export function resetTime(tm: BrokenDownTime): void {
  tm.year = 1900;
  tm.mon = 0;
  tm.mday = 0;
  tm.hour = 0;
  tm.min = 0;
  tm.sec = 0;
  tm.yday = 0;
  tm.wday = 0;
  tm.gmtoff = 0;
  tm.isdst = 0;
}

const OP_SPACE = 0;
const OP_LITERAL = 1;
const OP_CONVERSION = 2;
const OP_NESTED = 3;
const OP_FAIL = 4;

interface Op {
  readonly kind: number;
  /** Character code of the literal or of the conversion letter. */
  readonly code: number;
  /** For composite conversions (%D, %T, %c...): their own compiled format. */
  readonly nested: StrptimeFormat | undefined;
}

/** A compiled strptime format. */
export interface StrptimeFormat {
  readonly source: string;
  readonly ops: readonly Op[];
  /** The format ends with a literal character: parsing never looks past the text it consumed. */
  readonly endsWithLiteral: boolean;
}

const ALT_E = 1;
const ALT_O = 2;

/** Modifiers each conversion accepts (`_LEGAL_ALT`); conversions without a check accept any. */
const LEGAL_ALT: Readonly<Record<string, number>> = {
  c: ALT_E, D: 0, F: 0, R: 0, r: 0, T: 0, X: ALT_E, x: ALT_E, A: 0, a: 0, B: 0, b: 0, h: 0, C: ALT_E,
  d: ALT_O, e: ALT_O, k: 0, H: ALT_O, l: 0, I: ALT_O, j: 0, M: ALT_O, m: ALT_O, p: 0, S: ALT_O,
  U: ALT_O, W: ALT_O, w: ALT_O, u: ALT_O, Y: ALT_E, y: ALT_E | ALT_O, n: 0, t: 0,
};

/** Composite conversions and what they stand for in the C locale. */
const COMPOSITE: Readonly<Record<string, string>> = {
  c: '%a %b %e %H:%M:%S %Y',
  D: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  T: '%H:%M:%S',
  X: '%H:%M:%S',
  x: '%m/%d/%y',
};

const SIMPLE = new Set('%AaBbhCdekHlIjMmpSsUWwugGVYyZznt'.split(''));

const compiled = new Map<string, StrptimeFormat>();

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Compiles a format once (memoised). Unknown conversions compile to an op that always fails. */
export function compileStrptime(fmt: string): StrptimeFormat {
  const hit = compiled.get(fmt);
  if (hit) return hit;
  const ops: Op[] = [];
  for (let i = 0; i < fmt.length; ) {
    const code = fmt.charCodeAt(i);
    if (isSpaceCode(code)) {
      ops.push({ kind: OP_SPACE, code, nested: undefined });
      i++;
      continue;
    }
    if (code !== 37 /* % */) {
      ops.push({ kind: OP_LITERAL, code, nested: undefined });
      i++;
      continue;
    }
    i++;
    let alt = 0;
    let c = fmt[i++];
    let bad = false;
    while (c === 'E' || c === 'O') {
      if (alt !== 0) bad = true;
      alt |= c === 'E' ? ALT_E : ALT_O;
      c = fmt[i++];
    }
    if (bad || c === undefined || !(SIMPLE.has(c) || c in COMPOSITE)) {
      ops.push({ kind: OP_FAIL, code: 0, nested: undefined });
      break;
    }
    const legal = LEGAL_ALT[c];
    if (legal !== undefined && (alt & ~legal) !== 0) {
      ops.push({ kind: OP_FAIL, code: 0, nested: undefined });
      break;
    }
    const composite = COMPOSITE[c];
    if (composite !== undefined) ops.push({ kind: OP_NESTED, code: c.charCodeAt(0), nested: compileStrptime(composite) });
    else ops.push({ kind: OP_CONVERSION, code: c.charCodeAt(0), nested: undefined });
  }
  const result: StrptimeFormat = { source: fmt, ops, endsWithLiteral: ops.length > 0 && ops[ops.length - 1]!.kind === OP_LITERAL };
  if (compiled.size > 1000) compiled.clear();
  compiled.set(fmt, result);
  return result;
}

const FIELD_MON = 1;
const FIELD_MDAY = 2;
const FIELD_WDAY = 4;
const FIELD_YDAY = 8;
const FIELD_YEAR = 16;
const FIELD_ALL = 0xffff;

// Shared by nested conversions like the C statics (JavaScript runs one parse at a time).
let century = 1900;
let relyear = -1;
let fields = 0;
/** Value read by the last `readNumber`. */
let numberValue = 0;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTH_DAYS = [
  [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
  [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31],
] as const;

const H = 3600;
/** Fluent Bit's `%Z` table, in its order: abbreviation, offset in seconds, is DST. */
const ZONE_ABBREVIATIONS: readonly (readonly [string, number, number])[] = [
  ['GMT', 0, 0], ['UTC', 0, 0], ['Z', 0, 0], ['UT', 0, 0],
  ['EST', -5 * H, 0], ['EDT', -4 * H, 1], ['CST', -6 * H, 0], ['CDT', -5 * H, 1], ['MST', -7 * H, 0],
  ['MDT', -6 * H, 1], ['PST', -8 * H, 0], ['PDT', -7 * H, 1], ['AKST', -9 * H, 0], ['AKDT', -8 * H, 1],
  ['HST', -10 * H, 0], ['HADT', -9 * H, 1], ['AST', -4 * H, 0], ['ADT', -3 * H, 1], ['NST', -3.5 * H, 0],
  ['NDT', -2.5 * H, 1],
  ['WET', 0, 0], ['WEST', 1 * H, 1], ['CET', 1 * H, 0], ['CEST', 2 * H, 1], ['EET', 2 * H, 0],
  ['EEST', 3 * H, 1], ['MSK', 3 * H, 0],
  ['ART', -3 * H, 0], ['BRT', -3 * H, 0], ['BRST', -2 * H, 1], ['CLT', -4 * H, 0], ['CLST', -3 * H, 1],
  ['AEST', 10 * H, 0], ['AEDT', 11 * H, 1], ['ACST', 9.5 * H, 0], ['ACDT', 10.5 * H, 1], ['AWST', 8 * H, 0],
  ['NZST', 12 * H, 0], ['NZDT', 13 * H, 1],
  ['JST', 9 * H, 0], ['KST', 9 * H, 0], ['SGT', 8 * H, 0], ['IST', 5.5 * H, 0], ['GST', 4 * H, 0],
  ['ICT', 7 * H, 0], ['WIB', 7 * H, 0], ['WITA', 8 * H, 0], ['WIT', 9 * H, 0], ['MYT', 8 * H, 0],
  ['BDT', 6 * H, 0], ['NPT', 5.75 * H, 0],
  ['WAT', 1 * H, 0], ['CAT', 2 * H, 0], ['EAT', 3 * H, 0], ['SAST', 2 * H, 0],
  ['A', 1 * H, 0], ['B', 2 * H, 0], ['C', 3 * H, 0], ['D', 4 * H, 0], ['E', 5 * H, 0], ['F', 6 * H, 0],
  ['G', 7 * H, 0], ['H', 8 * H, 0], ['I', 9 * H, 0], ['K', 10 * H, 0], ['L', 11 * H, 0], ['M', 12 * H, 0],
  ['N', -1 * H, 0], ['O', -2 * H, 0], ['P', -3 * H, 0], ['Q', -4 * H, 0], ['R', -5 * H, 0], ['S', -6 * H, 0],
  ['T', -7 * H, 0], ['U', -8 * H, 0], ['V', -9 * H, 0], ['W', -10 * H, 0], ['X', -11 * H, 0], ['Y', -12 * H, 0],
];
const NORTH_AMERICAN_STANDARD = ['EST', 'CST', 'MST', 'PST'];
const NORTH_AMERICAN_DAYLIGHT = ['EDT', 'CDT', 'MDT', 'PDT'];

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** `strncasecmp(word, text + pos, strlen(word)) == 0`. */
function matchesWord(text: string, pos: number, word: string): boolean {
  if (pos + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    if (lowerCode(text.charCodeAt(pos + k)) !== lowerCode(word.charCodeAt(k))) return false;
  }
  return true;
}

function isAlnumCode(c: number): boolean {
  return isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** `_conv_num`: reads a number in [low, high]; sets `numberValue`; returns the new position or -1. */
function readNumber(text: string, pos: number, low: number, high: number): number {
  let c = text.charCodeAt(pos);
  if (!isDigitCode(c)) return -1;
  let result = 0;
  let rest = high;
  do {
    result = result * 10 + (c - 48);
    pos++;
    rest = Math.trunc(rest / 10);
    c = text.charCodeAt(pos);
  } while (result * 10 <= high && rest !== 0 && isDigitCode(c));
  if (result < low || result > high) return -1;
  numberValue = result;
  return pos;
}

/** `%s`: seconds since the epoch (no sign), with the overflow limits of `_conv_num64`. */
function readEpoch(text: string, pos: number): number {
  let c = text.charCodeAt(pos);
  if (!isDigitCode(c)) return -1;
  const start = pos;
  let digits = 0;
  do {
    digits++;
    pos++;
    c = text.charCodeAt(pos);
  } while (digits < 19 && isDigitCode(c));
  const value = Number(text.slice(start, pos));
  // Fluent Bit gives up at 922337203685477580; logferry at 2^53 (exactness of a double).
  if (value >= 922337203685477580 || value > Number.MAX_SAFE_INTEGER) return -1;
  numberValue = value;
  return pos;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `timegm`: the broken-down fields as UTC, normalising out-of-range months and days. */
export function timegm(tm: BrokenDownTime): number {
  const year = tm.year + Math.floor(tm.mon / 12);
  const mon = ((tm.mon % 12) + 12) % 12;
  const days = daysFromCivil(year, mon + 1, 1) + tm.mday - 1;
  return days * 86400 + tm.hour * 3600 + tm.min * 60 + tm.sec;
}

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** `gmtime_r`: fills the fields from seconds since the epoch. */
export function gmtime(seconds: number, tm: BrokenDownTime): void {
  const days = Math.floor(seconds / 86400);
  const secs = seconds - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  tm.year = year;
  tm.mon = month - 1;
  tm.mday = day;
  tm.hour = Math.floor(secs / 3600);
  tm.min = Math.floor((secs % 3600) / 60);
  tm.sec = secs % 60;
  tm.yday = days - daysFromCivil(year, 1, 1);
  tm.wday = (((days + 4) % 7) + 7) % 7;
}

function leapsThroughEndOf(y: number): number {
  return y >= 0 ? Math.trunc(y / 4) - Math.trunc(y / 100) + Math.trunc(y / 400) : -(leapsThroughEndOf(-(y + 1)) + 1);
}

/** `%z`: returns the new position or -1. */
function readOffset(text: string, pos: number, tm: BrokenDownTime): number {
  while (isSpaceCode(text.charCodeAt(pos))) pos++;
  const c = text[pos++];
  let negative = false;
  switch (c) {
    case 'G':
      if (text[pos++] !== 'M' || text[pos++] !== 'T') return -1;
      tm.isdst = 0;
      tm.gmtoff = 0;
      return pos;
    case 'U':
      if (text[pos++] !== 'T') return -1;
      if (text[pos] === 'C') pos++;
      tm.isdst = 0;
      tm.gmtoff = 0;
      return pos;
    case 'Z':
      tm.isdst = 0;
      tm.gmtoff = 0;
      return pos;
    case '+':
      break;
    case '-':
      negative = true;
      break;
    default: {
      pos--;
      for (let i = 0; i < 4; i++) {
        if (matchesWord(text, pos, NORTH_AMERICAN_STANDARD[i]!)) {
          tm.gmtoff = (-5 - i) * H;
          tm.isdst = 0;
          return pos + 3;
        }
      }
      for (let i = 0; i < 4; i++) {
        if (matchesWord(text, pos, NORTH_AMERICAN_DAYLIGHT[i]!)) {
          tm.isdst = 1;
          tm.gmtoff = (-4 - i) * H;
          return pos + 3;
        }
      }
      return -1;
    }
  }
  const h1 = text.charCodeAt(pos);
  const h2 = text.charCodeAt(pos + 1);
  if (!isDigitCode(h1) || !isDigitCode(h2)) return -1;
  let offset = ((h1 - 48) * 10 + (h2 - 48)) * H;
  pos += 2;
  if (text[pos] === ':') pos++;
  const m1 = text.charCodeAt(pos);
  if (isDigitCode(m1)) {
    pos++;
    const m2 = text.charCodeAt(pos);
    if (!isDigitCode(m2)) return -1;
    pos++;
    offset += ((m1 - 48) * 10 + (m2 - 48)) * 60;
  }
  tm.isdst = 0;
  tm.gmtoff = negative ? -offset : offset;
  return pos;
}

/** `%Z`: Fluent Bit's abbreviation table, then plain GMT/UTC. */
function readZoneName(text: string, pos: number, tm: BrokenDownTime): number {
  for (const [abbr, offset, dst] of ZONE_ABBREVIATIONS) {
    if (matchesWord(text, pos, abbr) && !isAlnumCode(text.charCodeAt(pos + abbr.length))) {
      tm.isdst = dst;
      tm.gmtoff = offset;
      return pos + abbr.length;
    }
  }
  if (text.startsWith('GMT', pos) || text.startsWith('UTC', pos)) {
    tm.isdst = 0;
    tm.gmtoff = 0;
    return pos + 3;
  }
  return -1;
}

/** Three lowercase letters as one number. */
function key3(a: number, b: number, c: number): number {
  return (lowerCode(a) << 16) | (lowerCode(b) << 8) | lowerCode(c);
}

function prefixIndex(names: readonly string[]): Map<number, number> {
  return new Map(names.map((n, i) => [key3(n.charCodeAt(0), n.charCodeAt(1), n.charCodeAt(2)), i]));
}

const DAY_PREFIXES = prefixIndex(DAYS);
const MONTH_PREFIXES = prefixIndex(MONTHS);

/**
 * `%a`/`%A` and `%b`/`%B`: the full or abbreviated C-locale name, any case (the C loop tries each
 * full name, then its three-letter abbreviation; the abbreviations are all different, so the first
 * three letters decide). Sets `numberValue` to the index.
 */
function readName(text: string, pos: number, names: readonly string[], prefixes: Map<number, number>): number {
  if (pos + 3 > text.length) return -1;
  const i = prefixes.get(key3(text.charCodeAt(pos), text.charCodeAt(pos + 1), text.charCodeAt(pos + 2)));
  if (i === undefined) return -1;
  numberValue = i;
  const full = names[i]!;
  return matchesWord(text, pos, full) ? pos + full.length : pos + 3;
}

function readDay(text: string, pos: number, tm: BrokenDownTime): number {
  pos = readNumber(text, pos, 1, 31);
  if (pos < 0) return -1;
  tm.mday = numberValue;
  fields |= FIELD_MDAY;
  return pos;
}

function convert(letter: number, text: string, pos: number, tm: BrokenDownTime): number {
  switch (letter) {
    case 37: // %
      return text.charCodeAt(pos) === 37 ? pos + 1 : -1;
    case 65: // A
    case 97: // a
      pos = readName(text, pos, DAYS, DAY_PREFIXES);
      if (pos < 0) return -1;
      tm.wday = numberValue;
      fields |= FIELD_WDAY;
      return pos;
    case 66: // B
    case 98: // b
    case 104: // h
      pos = readName(text, pos, MONTHS, MONTH_PREFIXES);
      if (pos < 0) return -1;
      tm.mon = numberValue;
      fields |= FIELD_MON;
      return pos;
    case 67: // C
      pos = readNumber(text, pos, 0, 99);
      if (pos >= 0) century = numberValue * 100;
      return pos;
    case 101: // e: one leading space allowed
      return readDay(text, isSpaceCode(text.charCodeAt(pos)) ? pos + 1 : pos, tm);
    case 100: // d
      return readDay(text, pos, tm);
    case 107: // k
    case 72: // H
      pos = readNumber(text, pos, 0, 23);
      if (pos >= 0) tm.hour = numberValue;
      return pos;
    case 108: // l
    case 73: // I
      pos = readNumber(text, pos, 1, 12);
      if (pos >= 0) tm.hour = numberValue;
      return pos;
    case 106: // j
      pos = readNumber(text, pos, 1, 366);
      if (pos < 0) return -1;
      tm.yday = numberValue - 1;
      fields |= FIELD_YDAY;
      return pos;
    case 77: // M
      pos = readNumber(text, pos, 0, 59);
      if (pos >= 0) tm.min = numberValue;
      return pos;
    case 109: // m
      pos = readNumber(text, pos, 1, 12);
      if (pos < 0) return -1;
      tm.mon = numberValue - 1;
      fields |= FIELD_MON;
      return pos;
    case 112: // p
      if (matchesWord(text, pos, 'AM')) {
        if (tm.hour > 12) return -1;
        if (tm.hour === 12) tm.hour = 0;
        return pos + 2;
      }
      if (matchesWord(text, pos, 'PM')) {
        if (tm.hour > 12) return -1;
        if (tm.hour < 12) tm.hour += 12;
        return pos + 2;
      }
      return -1;
    case 83: // S
      pos = readNumber(text, pos, 0, 60);
      if (pos >= 0) tm.sec = numberValue;
      return pos;
    case 115: // s
      pos = readEpoch(text, pos);
      if (pos < 0) return -1;
      gmtime(numberValue, tm);
      tm.gmtoff = 0;
      tm.isdst = 0;
      fields = FIELD_ALL;
      return pos;
    case 85: // U
    case 87: // W
      return readNumber(text, pos, 0, 53);
    case 119: // w
      pos = readNumber(text, pos, 0, 6);
      if (pos < 0) return -1;
      tm.wday = numberValue;
      fields |= FIELD_WDAY;
      return pos;
    case 117: // u
      pos = readNumber(text, pos, 1, 7);
      if (pos < 0) return -1;
      tm.wday = numberValue % 7;
      fields |= FIELD_WDAY;
      return pos;
    case 103: // g
      return readNumber(text, pos, 0, 99);
    case 71: // G: skips one character, then digits
      do pos++;
      while (isDigitCode(text.charCodeAt(pos)));
      return pos;
    case 86: // V
      return readNumber(text, pos, 0, 53);
    case 89: // Y
      pos = readNumber(text, pos, 0, 9999);
      if (pos < 0) return -1;
      relyear = -1;
      tm.year = numberValue;
      fields |= FIELD_YEAR;
      return pos;
    case 121: // y
      pos = readNumber(text, pos, 0, 99);
      if (pos >= 0) relyear = numberValue;
      return pos;
    case 90: // Z
      return readZoneName(text, pos, tm);
    case 122: // z
      return readOffset(text, pos, tm);
    case 110: // n
    case 116: // t
      while (isSpaceCode(text.charCodeAt(pos))) pos++;
      return pos;
    default:
      return -1;
  }
}

function run(format: StrptimeFormat, text: string, pos: number, tm: BrokenDownTime): number {
  const ops = format.ops;
  const end = text.length;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind === OP_SPACE) {
      while (isSpaceCode(text.charCodeAt(pos))) pos++;
      continue;
    }
    if (pos >= end) return -1;
    if (op.kind === OP_LITERAL) {
      if (text.charCodeAt(pos) !== op.code) return -1;
      pos++;
    } else if (op.kind === OP_CONVERSION) {
      pos = convert(op.code, text, pos, tm);
      if (pos < 0) return -1;
    } else if (op.kind === OP_NESTED) {
      pos = run(op.nested!, text, pos, tm);
      if (pos < 0) return -1;
    } else {
      return -1;
    }
  }
  finish(tm);
  return pos;
}

/** The end of `_flb_strptime`: two-digit years, then the fields derivable from each other. */
function finish(tm: BrokenDownTime): void {
  if (relyear !== -1) {
    if (century === 1900) tm.year = relyear <= 68 ? relyear + 2000 : relyear + 1900;
    else tm.year = relyear + century;
    fields |= FIELD_YEAR;
  }
  if ((fields & FIELD_YEAR) === 0) return;
  const year = tm.year;
  const lengths = MONTH_DAYS[isLeap(year) ? 1 : 0];
  if ((fields & FIELD_YDAY) === 0 && (fields & FIELD_MON) !== 0 && (fields & FIELD_MDAY) !== 0) {
    let yday = tm.mday - 1;
    for (let i = 0; i < tm.mon; i++) yday += lengths[i]!;
    tm.yday = yday;
    fields |= FIELD_YDAY;
  }
  if ((fields & FIELD_YDAY) !== 0) {
    let days = tm.yday;
    if ((fields & FIELD_WDAY) === 0) {
      let wday = (4 + ((year - 1970) % 7) * (365 % 7) + leapsThroughEndOf(year - 1) - leapsThroughEndOf(1969) + tm.yday) % 7;
      if (wday < 0) wday += 7;
      tm.wday = wday;
    }
    if ((fields & FIELD_MON) === 0) {
      let mon = 0;
      while (mon < 12 && days >= lengths[mon]!) days -= lengths[mon++]!;
      tm.mon = mon;
    }
    if ((fields & FIELD_MDAY) === 0) tm.mday = days + 1;
  }
}

/**
 * `flb_strptime(text + start, format, tm)`: parses from `start`, filling `tm` (only the fields the
 * format sets; `gmtoff` starts at 0). Returns the position after the last character used, or -1.
 * The text is taken to end at its first NUL character, as in C.
 */
export function strptime(format: StrptimeFormat, text: string, start: number, tm: BrokenDownTime): number {
  century = 1900;
  relyear = -1;
  fields = 0;
  tm.gmtoff = 0;
  tm.isdst = -1;
  return run(format, text, start, tm);
}

/** Convenience form: parses `text` with `fmt` into a fresh zeroed time. */
export function parseStrptime(fmt: string, text: string): { tm: BrokenDownTime; end: number } | undefined {
  const tm = zeroTime();
  const nul = text.indexOf('\0');
  const end = strptime(compileStrptime(fmt), nul < 0 ? text : text.slice(0, nul), 0, tm);
  return end < 0 ? undefined : { tm, end };
}
