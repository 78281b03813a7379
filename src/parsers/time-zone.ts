/**
 * Offsets of IANA time zones (`Time_Zone`) through Intl, and the host's own zone
 * (`Time_System_Timezone`) through Date, for the time parser.
 *
 * Fluent Bit reads the zone's TZif file and converts a local time by trying the zone's offsets in
 * file order (`tzif_tm2time`). Zone files list the daylight-saving type before the standard one,
 * so an ambiguous local time (the repeated hour in autumn) resolves to the daylight-saving (earlier)
 * instant, and a time inside the spring gap uses the offset in force at that wall-clock time read as
 * UTC. Both rules are reproduced here.
 */
import { daysFromCivil, gmtime, type BrokenDownTime } from './strptime.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatterFor(zone: string): Intl.DateTimeFormat | undefined {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return undefined;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Whether Intl knows the zone. */
export function isKnownZone(zone: string): boolean {
  return formatterFor(zone) !== undefined;
}

const MAX_DATE_SECONDS = 8.64e12;

function rawOffset(format: Intl.DateTimeFormat, utcSeconds: number): number {
  const t = Math.max(-MAX_DATE_SECONDS, Math.min(MAX_DATE_SECONDS, utcSeconds));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const part of format.formatToParts(new Date(t * 1000))) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        bc = part.value.startsWith('B');
        break;
      default:
        break;
    }
  }
  if (bc) year = 1 - year;
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return local - Math.floor(t);
}

/** Offset (seconds east of UTC) of `zone` at an instant; 0 for an unknown zone. */
export function zoneOffsetAt(zone: string, utcSeconds: number): number {
  const format = formatterFor(zone);
  if (format === undefined) return 0;
  let cache = offsetCache.get(zone);
  if (cache === undefined) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const hour = Math.floor(utcSeconds / 3600);
  const hit = cache.get(hour);
  if (hit !== undefined) return hit;
  const start = rawOffset(format, hour * 3600);
  const end = rawOffset(format, hour * 3600 + 3599);
  if (start !== end) return rawOffset(format, utcSeconds);
  if (cache.size > 4096) cache.clear();
  cache.set(hour, start);
  return start;
}

/** UTC seconds of a wall-clock time (given as seconds, as if it were UTC) in `zone`. */
export function zoneLocalToUtc(zone: string, localSeconds: number): number {
  const candidates = [zoneOffsetAt(zone, localSeconds - 86400), zoneOffsetAt(zone, localSeconds), zoneOffsetAt(zone, localSeconds + 86400)];
  let best: number | undefined;
  for (const offset of candidates) {
    if (zoneOffsetAt(zone, localSeconds - offset) === offset && (best === undefined || offset > best)) best = offset;
  }
  return localSeconds - (best ?? zoneOffsetAt(zone, localSeconds));
}

/** The wall-clock date and time in `zone` at an instant. */
export function zoneTime(zone: string, utcSeconds: number, tm: BrokenDownTime): void {
  gmtime(utcSeconds + zoneOffsetAt(zone, utcSeconds), tm);
}

/** The wall-clock date and time of the host's zone at an instant (`localtime_r`). */
export function localTime(utcSeconds: number, tm: BrokenDownTime): void {
  const d = new Date(utcSeconds * 1000);
  gmtime(utcSeconds - d.getTimezoneOffset() * 60, tm);
}

/** `mktime` with `tm_isdst = -1`: the fields as a wall-clock time of the host's zone. */
export function mktime(tm: BrokenDownTime): number {
  const d = new Date(2000, 0, 1, 0, 0, 0, 0);
  d.setFullYear(tm.year, tm.mon, tm.mday);
  d.setHours(tm.hour, tm.min, tm.sec, 0);
  return Math.floor(d.getTime() / 1000);
}
