/**
 * Validation of a [PARSER] `Time_Format`, reproducing what Fluent Bit accepts.
 *
 * Fluent Bit does not use the C library's strptime: it ships its own (`src/flb_strptime.c`, taken
 * from OpenBSD), and handles `%L` itself (`flb_parser_create_with_time_zone`,
 * `flb_parser_time_lookup` in `src/flb_parser.c`, 4.2.8):
 * - the format is cut at the first `%L` (a plain substring search); the part before is given to
 *   strptime, then up to 9 digits of fraction are read, then the part after `%L` is given to
 *   strptime again;
 * - an unknown conversion makes strptime return NULL, so every timestamp fails to parse (with
 *   `Time_Strict On`, the default, the regex parser then drops the time field and the record gets
 *   the current time). Fluent Bit accepts the format at startup anyway; logferry reports it.
 */

const ALT_E = 1;
const ALT_O = 2;
const ANY_ALT = ALT_E | ALT_O;

/**
 * The conversions `flb_strptime` knows, with the `%E`/`%O` modifiers each one accepts
 * (its `_LEGAL_ALT` checks; conversions without a check accept either modifier).
 */
const CONVERSIONS: Readonly<Record<string, { readonly alt: number; readonly doc: string }>> = {
  '%': { alt: ANY_ALT, doc: 'a literal %' },
  c: { alt: ALT_E, doc: 'date and time (C locale: %a %b %e %H:%M:%S %Y)' },
  D: { alt: 0, doc: 'the date as %m/%d/%y' },
  F: { alt: 0, doc: 'the date as %Y-%m-%d' },
  R: { alt: 0, doc: 'the time as %H:%M' },
  r: { alt: 0, doc: 'the time as %I:%M:%S %p' },
  T: { alt: 0, doc: 'the time as %H:%M:%S' },
  X: { alt: ALT_E, doc: 'the time (C locale: %H:%M:%S)' },
  x: { alt: ALT_E, doc: 'the date (C locale: %m/%d/%y)' },
  A: { alt: 0, doc: 'weekday name (full or abbreviated)' },
  a: { alt: 0, doc: 'weekday name (full or abbreviated)' },
  B: { alt: 0, doc: 'month name (full or abbreviated)' },
  b: { alt: 0, doc: 'month name (full or abbreviated)' },
  h: { alt: 0, doc: 'month name (same as %b)' },
  C: { alt: ALT_E, doc: 'century (00-99)' },
  d: { alt: ALT_O, doc: 'day of the month (01-31)' },
  e: { alt: ALT_O, doc: 'day of the month, leading space allowed' },
  H: { alt: ALT_O, doc: 'hour (00-23)' },
  k: { alt: 0, doc: 'hour (0-23)' },
  I: { alt: ALT_O, doc: 'hour (01-12)' },
  l: { alt: 0, doc: 'hour (1-12)' },
  j: { alt: 0, doc: 'day of the year (001-366)' },
  M: { alt: ALT_O, doc: 'minute (00-59)' },
  m: { alt: ALT_O, doc: 'month (01-12)' },
  p: { alt: 0, doc: 'AM or PM' },
  S: { alt: ALT_O, doc: 'seconds (00-60)' },
  s: { alt: ANY_ALT, doc: 'seconds since the epoch' },
  U: { alt: ALT_O, doc: 'week of the year (Sunday first, range checked only)' },
  W: { alt: ALT_O, doc: 'week of the year (Monday first, range checked only)' },
  w: { alt: ALT_O, doc: 'weekday number (0 = Sunday)' },
  u: { alt: ALT_O, doc: 'weekday number (1 = Monday)' },
  g: { alt: ANY_ALT, doc: 'ISO week-based year without century (ignored)' },
  G: { alt: ANY_ALT, doc: 'ISO week-based year (ignored)' },
  V: { alt: ANY_ALT, doc: 'ISO week number (ignored)' },
  Y: { alt: ALT_E, doc: 'year with century' },
  y: { alt: ALT_E | ALT_O, doc: 'year within the century (00-99)' },
  Z: { alt: ANY_ALT, doc: 'time zone abbreviation (UTC, GMT, EST, CEST, JST, ...)' },
  z: { alt: ANY_ALT, doc: 'UTC offset: Z, +hh, +hhmm, +hh:mm, UT, GMT, EST/EDT, CST/CDT, MST/MDT, PST/PDT' },
  n: { alt: 0, doc: 'any white space' },
  t: { alt: 0, doc: 'any white space' },
};

/** The conversions Fluent Bit's strptime accepts (plus `L`, which Fluent Bit handles itself). */
export const TIME_FORMAT_CONVERSIONS: readonly string[] = [...Object.keys(CONVERSIONS), 'L'];

/** Suggestions for conversions other tools know but Fluent Bit's strptime does not. */
const HINTS: Readonly<Record<string, string>> = {
  f: 'use %L for fractional seconds',
  N: 'use %L for fractional seconds',
  P: 'use %p for AM/PM',
  i: 'use %Y-%m-%dT%H:%M:%S',
  '+': 'write the date and time conversions one by one',
};

/** Checks one strptime format (no `%L`); returns the problem, or undefined. */
function checkStrptime(fmt: string): string | undefined {
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') continue;
    const start = i;
    let alt = 0;
    let c = fmt[++i];
    while (c === 'E' || c === 'O') {
      const flag = c === 'E' ? ALT_E : ALT_O;
      if (alt !== 0) return `'${fmt.slice(start, i + 1)}' combines two modifiers; Fluent Bit's strptime rejects it`;
      alt = flag;
      c = fmt[++i];
    }
    if (c === undefined) {
      return start === fmt.length - 1
        ? "the format ends with a lone '%'; write %% for a literal percent sign"
        : `'${fmt.slice(start)}' is an incomplete conversion at the end of the format`;
    }
    const conv = CONVERSIONS[c];
    if (!conv) {
      if (c === 'L') {
        return alt !== 0
          ? `'${fmt.slice(start, i + 1)}': %L takes no modifier`
          : 'only one %L (fractional seconds) is allowed';
      }
      const hint = HINTS[c] ?? (/\d/.test(c) ? 'field widths are not supported' : undefined);
      return `unknown conversion '%${c}'${hint ? ` (${hint})` : ''}; Fluent Bit's strptime fails on every timestamp with it`;
    }
    if ((alt & ~conv.alt) !== 0) {
      return `'${fmt.slice(start, i + 1)}': the ${alt === ALT_E ? '%E' : '%O'} modifier is not allowed with %${c} in Fluent Bit's strptime`;
    }
  }
  return undefined;
}

/** Whether a strptime format part contains a seconds conversion (%S, %OS, %T or %s) as a real conversion. */
function hasSeconds(fmt: string): boolean {
  for (let i = 0; i < fmt.length; i++) {
    if (fmt[i] !== '%') continue;
    let c = fmt[++i];
    while (c === 'E' || c === 'O') c = fmt[++i];
    if (c === 'S' || c === 'T' || c === 's') return true;
  }
  return false;
}

/**
 * Checks a `Time_Format` the way Fluent Bit would use it. Returns undefined when the format is
 * fine, else a sentence describing the problem.
 *
 * Rules: every conversion must be one `flb_strptime` knows (see `TIME_FORMAT_CONVERSIONS`, with
 * the `%E`/`%O` modifiers it allows); `%L` (fractional seconds, up to 9 digits) may appear once,
 * after the seconds (`%S`, `%T` or `%s`).
 */
export function checkTimeFormat(fmt: string): string | undefined {
  if (fmt.length === 0) return 'the format is empty';
  // Fluent Bit cuts at the first "%L" found by a plain substring search (strstr).
  const cut = fmt.indexOf('%L');
  if (cut < 0) return checkStrptime(fmt);
  const before = fmt.slice(0, cut);
  const after = fmt.slice(cut + 2);
  const problem = checkStrptime(before);
  if (problem) return problem;
  if (!hasSeconds(before)) {
    return '%L (fractional seconds) must come after the seconds (%S, %T or %s), e.g. %H:%M:%S.%L';
  }
  return checkStrptime(after);
}
