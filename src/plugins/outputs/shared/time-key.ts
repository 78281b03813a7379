/**
 * time_key values: the record time formatted in UTC with strftime, plus Fluent Bit's additions
 * (`flb_aws_strftime_precision`): `%3N` is the milliseconds (3 digits), `%9N` and `%L` the
 * nanoseconds (9 digits), replaced before strftime runs.
 */
import { splitNanos } from '../../../record/event.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2, fill = '0'): string => String(n).padStart(width, fill);

/** One strftime conversion for a UTC date (C locale); undefined for an unknown one. */
function conversion(c: string, d: Date, sec: number): string | undefined {
  const Y = d.getUTCFullYear();
  const H = d.getUTCHours();
  switch (c) {
    case 'Y':
      return String(Y);
    case 'C':
      return pad(Math.floor(Y / 100));
    case 'y':
      return pad(Y % 100);
    case 'm':
      return pad(d.getUTCMonth() + 1);
    case 'd':
      return pad(d.getUTCDate());
    case 'e':
      return pad(d.getUTCDate(), 2, ' ');
    case 'H':
      return pad(H);
    case 'k':
      return pad(H, 2, ' ');
    case 'I':
      return pad(H % 12 === 0 ? 12 : H % 12);
    case 'l':
      return pad(H % 12 === 0 ? 12 : H % 12, 2, ' ');
    case 'M':
      return pad(d.getUTCMinutes());
    case 'S':
      return pad(d.getUTCSeconds());
    case 'p':
      return H < 12 ? 'AM' : 'PM';
    case 'j':
      return pad(Math.floor((d.getTime() - Date.UTC(Y, 0, 1)) / 86_400_000) + 1, 3);
    case 'a':
      return DAYS[d.getUTCDay()]!.slice(0, 3);
    case 'A':
      return DAYS[d.getUTCDay()]!;
    case 'b':
    case 'h':
      return MONTHS[d.getUTCMonth()]!.slice(0, 3);
    case 'B':
      return MONTHS[d.getUTCMonth()]!;
    case 'u':
      return String(d.getUTCDay() === 0 ? 7 : d.getUTCDay());
    case 'w':
      return String(d.getUTCDay());
    case 's':
      return String(sec);
    case 'z':
      return '+0000';
    case 'Z':
      return 'UTC';
    case 'F':
      return `${Y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    case 'T':
      return `${pad(H)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    case 'R':
      return `${pad(H)}:${pad(d.getUTCMinutes())}`;
    case 'D':
      return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(Y % 100)}`;
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case '%':
      return '%';
    default:
      return undefined;
  }
}

/**
 * The time (nanoseconds since the epoch) formatted as Fluent Bit's time_key_format says; without
 * `precision` as plain strftime (%3N, %9N and %L stay as written: out_s3's keys).
 */
export function formatTimeKey(format: string, time: bigint, precision = true): string {
  const { sec, nsec } = splitNanos(time);
  const d = new Date(sec * 1000);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i + 1 >= format.length) {
      out += ch;
      continue;
    }
    if (!precision) {
      out += conversion(format[i + 1]!, d, sec) ?? format.slice(i, i + 2);
      i += 1;
    } else if (format.startsWith('%3N', i)) {
      out += pad(Math.floor(nsec / 1e6), 3);
      i += 2;
    } else if (format.startsWith('%9N', i)) {
      out += pad(nsec, 9);
      i += 2;
    } else if (format[i + 1] === 'L') {
      out += pad(nsec, 9);
      i += 1;
    } else {
      const text = conversion(format[i + 1]!, d, sec);
      out += text ?? format.slice(i, i + 2);
      i += 1;
    }
  }
  return out;
}
