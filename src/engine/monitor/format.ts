/** Text formats Fluent Bit's monitoring endpoints use for durations and sizes. */

const DAY = 86400;
const HOUR = 3600;
const MINUTE = 60;

/**
 * `uptime_hr` as Fluent Bit writes it (`api/v1/uptime.c`), naming logferry: note the two spaces
 * after the colon and the plural `s` only for values above 1 ("0 day, 1 hour").
 */
export function uptimeHr(uptimeSec: number): string {
  const s = Math.max(0, Math.trunc(uptimeSec));
  const days = Math.trunc(s / DAY);
  const hours = Math.trunc((s % DAY) / HOUR);
  const minutes = Math.trunc((s % HOUR) / MINUTE);
  const seconds = s % MINUTE;
  const plural = (n: number) => (n > 1 ? 's' : '');
  return (
    `logferry has been running:  ${days} day${plural(days)}, ${hours} hour${plural(hours)}, ` +
    `${minutes} minute${plural(minutes)} and ${seconds} second${plural(seconds)}`
  );
}

const UNITS = ['b', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'] as const;

/**
 * `flb_utils_bytes_to_human_readable_size`: bytes below 1024 as `"512b"`, larger sizes in binary
 * units with one decimal (`"1.2M"`, `"5.0K"`).
 */
export function humanSize(bytes: number): string {
  const b = Math.max(0, Math.trunc(bytes));
  let i = 0;
  let u = 1024;
  while (i < UNITS.length - 1 && Math.trunc(b / u) !== 0) {
    i++;
    u *= 1024;
  }
  if (i === 0) return `${b}b`;
  return `${(b / (u / 1024)).toFixed(1)}${UNITS[i]}`;
}
