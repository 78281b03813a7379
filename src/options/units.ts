/**
 * Fluent Bit's unit rules, reproduced from `src/flb_utils.c` (see fluentbit-semantics.md section 3).
 * Each parser returns what Fluent Bit would compute; callers decide which quirks to report.
 */

const ATOF_PREFIX = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const ATOI_PREFIX = /^[ \t\n\v\f\r]*[+-]?\d+/;

/** C `atof`: the longest numeric prefix, 0 when there is none. */
export function atof(text: string): number {
  const m = ATOF_PREFIX.exec(text);
  return m ? Number(m[0]) : 0;
}

/** C `atoi`: the longest integer prefix, 0 when there is none (32-bit wrap ignored). */
export function atoi(text: string): number {
  const m = ATOI_PREFIX.exec(text);
  return m ? Number.parseInt(m[0], 10) : 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * `flb_utils_size_to_bytes`: decimal units. `K`/`KB` = 1000, `M`/`MB` = 10^6, `G`/`GB` = 10^9,
 * case-insensitive; the literal `false` is 0; anything else unrecognised is -1.
 */
export function sizeToBytes(text: string): number {
  if (text.toLowerCase() === 'false') return 0;
  const len = text.length;
  if (len === 0) return -1;
  const val = atof(text);
  let plen = 0;
  for (let i = len - 1; i > 0; i--) {
    if (isDigit(text.charCodeAt(i))) break;
    plen++;
  }
  if (plen === 0) return Math.trunc(val);
  if (plen > 2) return -1;
  const unit = text.slice(len - plen).toUpperCase();
  if (plen === 2 && unit[1] !== 'B') return -1;
  switch (unit[0]) {
    case 'K':
      return Math.abs(val) >= 9223372036854775 ? -1 : Math.trunc(val * 1000);
    case 'M':
      return Math.abs(val) >= 9223372036854 ? -1 : Math.trunc(val * 1_000_000);
    case 'G':
      return Math.abs(val) >= 9223372036 ? -1 : Math.trunc(val * 1_000_000_000);
    default:
      return -1;
  }
}

/**
 * `flb_utils_time_to_seconds` (config-map TIME): atoi of the text, then the last character picks a
 * multiplier: d = 86400, h = 3600, m = 60, anything else 1. So `1.5h` is 3600 and `500ms` is 500 s.
 */
export function timeToSeconds(text: string): number {
  if (text.length === 0) return 0;
  const val = atoi(text);
  switch (text[text.length - 1]) {
    case 'd':
    case 'D':
      return val * 86400;
    case 'h':
    case 'H':
      return val * 3600;
    case 'm':
    case 'M':
      return val * 60;
    default:
      return val;
  }
}

/** `flb_utils_bool`: true/on/yes, false/off/no (case-insensitive), otherwise undefined (C: -1). */
export function parseBool(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case 'true':
    case 'on':
    case 'yes':
      return true;
    case 'false':
    case 'off':
    case 'no':
      return false;
    default:
      return undefined;
  }
}

/**
 * `flb_utils_time_split` as used by tail `Refresh_Interval`: `seconds[.digits]`; suffixes are ignored
 * and the digits after the dot are read as nanoseconds as written (`0.5` is 5 ns).
 * Returns undefined where Fluent Bit fails (no leading integer, or no digits after the first dot).
 */
export function splitSecondsNanos(text: string): { sec: number; nsec: number } | undefined {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  if (!m) return undefined;
  const sec = Number.parseInt(m[1]!, 10);
  let nsec = 0;
  const dot = text.indexOf('.');
  if (dot >= 0) {
    const frac = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text.slice(dot + 1));
    if (!frac) return undefined;
    nsec = Number.parseInt(frac[1]!, 10);
  }
  return { sec, nsec };
}
