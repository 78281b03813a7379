import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeParser } from '../../src/parsers/time-parser.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const FULL_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** A tiny strftime for the conversions under test. */
function strftime(fmt: string, d: Date, nanos: number, offsetMinutes: number, digits: number): string {
  const local = new Date(d.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const yday = Math.floor((Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - Date.UTC(local.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
  const map: Record<string, string> = {
    Y: String(local.getUTCFullYear()),
    y: p2(local.getUTCFullYear() % 100),
    m: p2(local.getUTCMonth() + 1),
    d: p2(local.getUTCDate()),
    e: String(local.getUTCDate()).padStart(2, ' '),
    H: p2(local.getUTCHours()),
    I: p2(local.getUTCHours() % 12 === 0 ? 12 : local.getUTCHours() % 12),
    p: local.getUTCHours() < 12 ? 'AM' : 'PM',
    M: p2(local.getUTCMinutes()),
    S: p2(local.getUTCSeconds()),
    b: MONTHS[local.getUTCMonth()]!,
    B: FULL_MONTHS[local.getUTCMonth()]!,
    a: DAYS[local.getUTCDay()]!,
    j: String(yday).padStart(3, '0'),
    s: String(Math.floor(d.getTime() / 1000)),
    L: String(nanos).padStart(9, '0').slice(0, digits),
    z: `${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`,
    Z: 'UTC',
  };
  return fmt.replace(/%([a-zA-Z])/g, (_, c: string) => map[c]!);
}

const FORMATS: { fmt: string; zone: boolean; fraction: boolean }[] = [
  { fmt: '%Y-%m-%dT%H:%M:%S.%L%z', zone: true, fraction: true },
  { fmt: '%d/%b/%Y:%H:%M:%S %z', zone: true, fraction: false },
  { fmt: '%a %b %e %H:%M:%S.%L %Y', zone: false, fraction: true },
  { fmt: '%Y-%m-%d %I:%M:%S %p', zone: false, fraction: false },
  { fmt: '%B %d %Y %H:%M:%S', zone: false, fraction: false },
  { fmt: '%Y %j %H:%M:%S', zone: false, fraction: false },
  { fmt: '%s.%L', zone: false, fraction: true },
  { fmt: '%Y-%m-%dT%H:%M:%S %Z', zone: false, fraction: false },
];

describe('strptime round trip', () => {
  it('parses back what was formatted, to the nanosecond', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2199, 11, 31) }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(...FORMATS),
        (ms, nanos, offset, digits, f) => {
          const d = new Date(Math.floor(ms / 1000) * 1000);
          const zoneOffset = f.zone ? offset : 0;
          const text = strftime(f.fmt, d, nanos, zoneOffset, digits);
          const p = new TimeParser({ format: f.fmt });
          expect(p.parse(text, 0n)).toBe(true);
          expect(p.seconds).toBe(d.getTime() / 1000);
          const kept = f.fraction ? Number(String(nanos).padStart(9, '0').slice(0, digits).padEnd(9, '0')) : 0;
          expect(p.nanos).toBe(kept);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
