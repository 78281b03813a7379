import type { OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';

const SUFFIX_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

const STRTOD_PREFIX = /^[ \t\n\v\f\r]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/**
 * throttle `Interval` (`parse_duration` in plugins/filter_throttle/throttle.c): a decimal number
 * (strtod) with an optional lowercase `s`, `m`, `h` or `d`, truncated to whole seconds; the plan
 * holds milliseconds. Fluent Bit's fallback is broken: on a bad suffix it warns "falling back to 1
 * second" but keeps the number unscaled (`2min` is 2 seconds); that is reproduced as a warning.
 * Intervals that come out below one second would make its ticker spin, so they are errors.
 */
export function parseThrottleInterval(text: string): ParseOutcome<number> {
  const m = STRTOD_PREFIX.exec(text);
  const number = m ? Number(m[0]) : 0;
  const suffix = m ? text.slice(m[0].length) : text;
  if (!(number > 0)) {
    return { ok: false, message: `'${text}' is not a positive interval`, hint: 'write seconds with an optional s, m, h or d suffix, e.g. 1s or 5m' };
  }
  const multiplier = suffix.length <= 1 ? SUFFIX_SECONDS[suffix] : undefined;
  const seconds = Math.trunc(number * (multiplier ?? 1));
  if (seconds < 1) {
    return { ok: false, message: `'${text}' is less than one second; Fluent Bit truncates it to 0 and its window never holds`, hint: 'use at least 1s' };
  }
  if (multiplier === undefined) {
    return {
      ok: true,
      value: seconds * 1000,
      warning: `'${suffix}' is not a unit (s, m, h or d, lowercase); Fluent Bit ignores it and uses ${seconds} second${seconds === 1 ? '' : 's'}`,
    };
  }
  if (seconds !== number * multiplier) {
    return { ok: true, value: seconds * 1000, warning: `Fluent Bit truncates '${text}' to ${seconds} second${seconds === 1 ? '' : 's'}` };
  }
  return { ok: true, value: seconds * 1000 };
}

const doubleKind = opt.double({ doc: '' });
const intKind = opt.int({ doc: '' });

/** `Rate` at or below 1 becomes 1 (`configure` in throttle.c). */
function parseRate(text: string): ParseOutcome<number> {
  const r = doubleKind.parse(text);
  if (!r.ok || r.value >= 1) return r;
  return { ok: true, value: 1, warning: `Fluent Bit replaces a Rate of ${r.value} (1 or less) with 1` };
}

/** `Window` at or below 1 becomes 5 (`configure` in throttle.c). */
function parseWindow(text: string): ParseOutcome<number> {
  const r = intKind.parse(text);
  if (!r.ok || r.value > 1) return r;
  return { ok: true, value: 5, warning: `Fluent Bit replaces a Window of ${r.value} (1 or less) with 5` };
}

/** The options of `throttle` (its own keys; defineFilter merges the common ones). */
export const THROTTLE_OPTIONS = {
  rate: opt.custom('double', { default: '1', doc: 'Records allowed per Interval, averaged over the window' }, parseRate),
  window: opt.custom('int', { default: '5', doc: 'Number of Interval panes in the sliding window' }, parseWindow),
  interval: opt.custom('duration', { default: '1', doc: 'Length of one pane: seconds with an optional s, m, h or d suffix' }, parseThrottleInterval),
  print_status: opt.bool({ default: 'false', doc: 'Log the current rate at every interval' }),
} as const;

/** The typed options the `throttle` runtime receives (common keys included). */
export type ThrottleOptions = OptionsOfTable<'filter', typeof THROTTLE_OPTIONS>;

