/**
 * The time field of a [PARSER]: `flb_parser_time_lookup` and `flb_parser_tm2time_parser`
 * (`src/flb_parser.c`, 4.2.8), set up as `flb_parser_create_with_time_zone` does.
 *
 * - A format without `%Y`, `%y` or `%s` gets the current year: `%Y ` is put before the format and
 *   `<year> ` before the text, and the month and day start as today's (in UTC, in `Time_Zone`, or
 *   in the host's zone with `Time_System_Timezone`).
 * - `%L` (first occurrence) splits the format: the part before is parsed, then up to 9 characters
 *   of fraction (read with `strtod`, so an exponent is taken too), then the part after.
 * - The text may go on after the format; it is ignored.
 * - The zone: a format with `%z`, `%Z`, `%SZ` or `%S.%LZ` uses what the text says (or UTC);
 *   otherwise `Time_Zone`, or the host's zone (`Time_System_Timezone`, which ignores any parsed
 *   offset), or `Time_Offset` (default UTC).
 * - `Time_Strict Off`: a text that does not match is still a success, with the fields read so far
 *   (the rest as in a zeroed `struct tm`, i.e. 1900-01-00).
 * - A text longer than 63 bytes (57 without a year) always fails.
 *
 * Unlike Fluent Bit, which keeps the fraction in a double and truncates (off by 1 ns for about
 * 2% of 9-digit fractions), nanoseconds are exact.
 */
import { compileStrptime, daysFromCivil, resetTime, strptime, timegm, zeroTime, type StrptimeFormat } from './strptime.js';
import { localTime, mktime, zoneLocalToUtc, zoneTime } from './time-zone.js';

export interface TimeSettings {
  /** `Time_Format`. */
  readonly format: string;
  /** `Time_Offset` in seconds east of UTC. */
  readonly offsetSeconds?: number | undefined;
  /** `Time_System_Timezone`. */
  readonly systemTimezone?: boolean;
  /** `Time_Zone` (IANA name). */
  readonly zone?: string | undefined;
  /** `Time_Strict` (Fluent Bit's default is true; its built-in docker and cri parsers use false). */
  readonly strict?: boolean;
}

const NS_PER_S = 1_000_000_000;

const NUL_OR_NON_ASCII = /[^\x01-\x7f]/;

/** Parses time strings with one format. Results of the last successful `parse` are in `seconds` and `nanos`. */
export class TimeParser {
  /** Seconds since the epoch of the last successful parse. */
  seconds = 0;
  /** Nanoseconds to add to `seconds` (normally 0-999,999,999). */
  nanos = 0;

  private readonly withYear: boolean;
  private readonly withZone: boolean;
  private readonly head: StrptimeFormat;
  private readonly tail: StrptimeFormat | undefined;
  private readonly offset: number;
  private readonly systemTimezone: boolean;
  private readonly zone: string | undefined;
  private readonly strict: boolean;
  private readonly tm = zeroTime();
  private readonly today = zeroTime();
  /**
   * Consecutive log lines mostly share the text around the fraction (`2024-01-01T10:00:00.` and
   * `Z`): when both parts equal the last parse's, its seconds are reused and only the fraction is
   * read. Only for formats with a year whose part before `%L` ends with a literal character (then
   * that part alone decides the fields), and for ASCII texts. Formats with a year and no `%L` reuse
   * the result of an identical text.
   */
  private readonly cacheable: boolean;
  private lastHead = '';
  private lastTail = '';
  private lastSeconds = 0;
  /** Formats without `%L`: the last text read and its result. */
  private lastText = '';
  /** `lastText` as bytes (its length in `lastText`), and their words (parseAt compares them). */
  private readonly lastBytes = Buffer.alloc(68);
  private readonly lastWords = new DataView(this.lastBytes.buffer, this.lastBytes.byteOffset, this.lastBytes.length);
  private secondsNs = 0n;
  private secondsNsOf = Number.NaN;
  /**
   * The container runtimes' formats (cri `%Y-%m-%dT%H:%M:%S.%L%z`, docker `%Y-%m-%dT%H:%M:%S.%L`):
   * a text of exactly the shape `YYYY-MM-DDTHH:MM:SS.<1-9 digits>Z` is read by position, without
   * strptime or the caches (see `readIsoZ`). 0: off; 1: cri (`Z` required, it is the zone);
   * 2: docker (no zone in the format: `Z` optional and ignored, Time_Offset applies).
   */
  private readonly isoZ: 0 | 1 | 2;
  /** The last parse read its text by position (`readIsoZ`): its seconds come from the text before the fraction alone. */
  byPosition = false;

  constructor(settings: TimeSettings) {
    const fmt = settings.format;
    this.withYear = fmt.includes('%Y') || fmt.includes('%y') || fmt.includes('%s');
    this.withZone = fmt.includes('%z') || fmt.includes('%Z') || fmt.includes('%SZ') || fmt.includes('%S.%LZ');
    const full = this.withYear ? fmt : `%Y ${fmt}`;
    const cut = full.indexOf('%L');
    this.head = compileStrptime(cut < 0 ? full : full.slice(0, cut));
    this.tail = cut < 0 ? undefined : compileStrptime(full.slice(cut + 2));
    this.systemTimezone = settings.systemTimezone ?? false;
    this.zone = settings.zone !== undefined && settings.zone.length > 0 ? settings.zone : undefined;
    this.offset = !this.systemTimezone && this.zone === undefined ? (settings.offsetSeconds ?? 0) : 0;
    this.strict = settings.strict ?? true;
    this.cacheable = this.withYear && this.tail !== undefined && this.head.endsWithLiteral;
    this.isoZ = this.systemTimezone ? 0 : fmt === '%Y-%m-%dT%H:%M:%S.%L%z' ? 1 : fmt === '%Y-%m-%dT%H:%M:%S.%L' && this.zone === undefined ? 2 : 0;
  }

  /**
   * Parses a time string; `nowNs` (nanoseconds since the epoch) gives the year and day for formats
   * without a year. Returns false where Fluent Bit's lookup fails.
   */
  parse(value: string, nowNs: bigint): boolean {
    this.byPosition = false;
    if (value.length > 63) return false;
    if (this.isoZ !== 0 && this.readIsoZ(value)) return (this.byPosition = true);
    // Cached results (only ever stored for plain ASCII texts, so a hit is one too).
    if (value === this.lastText) {
      this.seconds = this.lastSeconds;
      this.nanos = 0;
      return true;
    }
    const headLength = this.lastHead.length;
    if (headLength > 0 && value.startsWith(this.lastHead)) {
      const pos = this.readFraction(value, headLength);
      if (pos > 0 && value.length - pos === this.lastTail.length && value.endsWith(this.lastTail)) {
        this.seconds = this.lastSeconds;
        return true;
      }
    }
    let text = value;
    let bytes = value.length;
    const plain = !NUL_OR_NON_ASCII.test(value);
    if (!plain) {
      // C measures the whole value in bytes, then stops at its first NUL.
      bytes = Buffer.byteLength(value);
      if (bytes > 63) return false;
      const nul = value.indexOf('\0');
      if (nul >= 0) {
        text = value.slice(0, nul);
        bytes = Buffer.byteLength(text);
      }
    }
    const tm = this.tm;
    resetTime(tm);
    if (!this.withYear) {
      if (bytes + 6 >= 64) return false;
      const nowSeconds = nowNs > 0n ? Number(nowNs / 1_000_000_000n) : Math.floor(Date.now() / 1000);
      const today = this.today;
      if (this.zone !== undefined && !this.withZone) zoneTime(this.zone, nowSeconds, today);
      else if (this.systemTimezone) localTime(nowSeconds, today);
      else {
        const d = new Date(nowSeconds * 1000);
        today.year = d.getUTCFullYear();
        today.mon = d.getUTCMonth();
        today.mday = d.getUTCDate();
      }
      tm.mon = today.mon;
      tm.mday = today.mday;
      text = `${today.year} ${text}`;
    }
    this.nanos = 0;
    let pos = strptime(this.head, text, 0, tm);
    if (pos < 0) return this.partial();
    const headEnd = pos;
    let tailStart = pos;
    if (this.tail !== undefined) {
      pos = this.readFraction(text, pos);
      if (pos < 0) return this.partial();
      tailStart = pos;
      pos = strptime(this.tail, text, pos, tm);
      if (pos < 0) return this.partial();
    }
    if (!this.withZone && this.zone === undefined) tm.gmtoff = this.offset;
    this.seconds = this.toEpoch();
    if (this.cacheable && plain) {
      this.lastHead = text.slice(0, headEnd);
      this.lastTail = text.slice(tailStart);
      this.lastSeconds = this.seconds;
    } else if (plain && this.withYear && this.tail === undefined) {
      this.lastText = text;
      this.lastSeconds = this.seconds;
      this.lastBytes.write(text, 0, 'latin1');
    }
    return true;
  }

  /**
   * `parse` of a text whose UTF-16 units below 0x80 are the bytes src[at...] (`words` is a DataView
   * of `src`, which holds at least 3 bytes after the text): a text of the same bytes as the
   * last identical-text hit of `parse` (formats with a year and no `%L`, ASCII texts) takes its
   * result after a comparison of whole words, without comparing the strings.
   */
  parseAt(value: string, words: DataView, at: number, nowNs: bigint): boolean {
    const length = this.lastText.length;
    if (length > 0 && value.length === length && sameWords(words, at, this.lastWords, length)) {
      this.byPosition = false;
      this.seconds = this.lastSeconds;
      this.nanos = 0;
      return true;
    }
    return this.parse(value, nowNs);
  }

  /**
   * `YYYY-MM-DDTHH:MM:SS.<1-9 digits>Z` (docker: the `Z` may be missing) with every field in its
   * range (month 1-12, day 1-31, hour 0-23, minute and second 0-59): sets `seconds` and `nanos` as
   * strptime and timegm would and returns true; any other text returns false and takes the general
   * path. What every container log line's time looks like, read in a few dozen nanoseconds
   * instead of a prefix comparison with the cached text (profiled: the largest self time on the
   * tail -> cri path).
   */
  private readIsoZ(v: string): boolean {
    const len = v.length;
    const zoned = v.charCodeAt(len - 1) === 90;
    const end = zoned ? len - 1 : len;
    if (end < 21 || end > 29 || (this.isoZ === 1 && !zoned)) return false;
    if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 46) return false;
    const year = digits(v, 0, 4);
    const month = digits(v, 5, 2);
    const day = digits(v, 8, 2);
    const hour = digits(v, 11, 2);
    const minute = digits(v, 14, 2);
    const second = digits(v, 17, 2);
    if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
    const fraction = digits(v, 20, end - 20);
    if (fraction < 0) return false;
    this.nanos = fraction * POWERS[29 - end]!;
    this.seconds = (daysFromCivil(year, month, 1) + day - 1) * 86400 + hour * 3600 + minute * 60 + second - (this.isoZ === 2 ? this.offset : 0);
    return true;
  }

  /** Event time of the last successful parse (`now` when it is exactly 0, as in Fluent Bit). */
  eventTime(now: bigint): bigint {
    const seconds = this.seconds;
    if (seconds === 0 && this.nanos === 0) return now;
    if (seconds !== this.secondsNsOf) {
      this.secondsNs = BigInt(seconds) * 1_000_000_000n;
      this.secondsNsOf = seconds;
    }
    return this.nanos === 0 ? this.secondsNs : this.secondsNs + BigInt(this.nanos);
  }

  /** A failed match: an error when strict, else the fields read so far. */
  private partial(): boolean {
    if (this.strict) return false;
    this.seconds = this.toEpoch();
    return true;
  }

  /** `parse_subseconds`: `strtod("0." + next 9 chars)`; sets `nanos`; returns the new position or -1. */
  private readFraction(text: string, pos: number): number {
    const limit = Math.min(text.length, pos + 9);
    let i = pos;
    let value = 0;
    for (; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
    }
    const digitsEnd = i;
    let exponentEnd = digitsEnd;
    const e = text.charCodeAt(i);
    if (i < limit && (e === 101 || e === 69)) {
      let j = i + 1;
      const sign = text.charCodeAt(j);
      if (j < limit && (sign === 43 || sign === 45)) j++;
      const expStart = j;
      while (j < limit && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      if (j > expStart) exponentEnd = j;
    }
    if (exponentEnd === pos) return -1;
    if (exponentEnd === digitsEnd) {
      this.nanos = value * POWERS[9 - (digitsEnd - pos)]!;
    } else {
      const nanos = Math.trunc(Number(`0.${text.slice(pos, exponentEnd)}`) * NS_PER_S);
      this.nanos = Number.isFinite(nanos) ? nanos : 0;
    }
    return exponentEnd;
  }

  private toEpoch(): number {
    const tm = this.tm;
    if (this.zone !== undefined && !this.withZone) {
      tm.isdst = 0;
      return zoneLocalToUtc(this.zone, timegm(tm));
    }
    if (this.systemTimezone) return mktime(tm);
    return timegm(tm) - tm.gmtoff;
  }
}

const POWERS = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000];

/** The decimal number of the `n` characters at `at`, or -1 if one is not a digit. */
function digits(v: string, at: number, n: number): number {
  let x = 0;
  for (let i = at; i < at + n; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

/**
 * Whether a's `length` bytes from `at` equal b's first `length` bytes (read as whole words: both
 * hold at least 3 bytes more, which are masked off). A byte of 0x80 or more in a never equals b's,
 * which are those of an ASCII text.
 */
function sameWords(a: DataView, at: number, b: DataView, length: number): boolean {
  let i = 0;
  for (; i + 4 <= length; i += 4) if (a.getUint32(at + i, true) !== b.getUint32(i, true)) return false;
  if (i === length) return true;
  const mask = 0xffffffff >>> (8 * (4 - (length - i)));
  return ((a.getUint32(at + i, true) ^ b.getUint32(i, true)) & mask) === 0;
}
