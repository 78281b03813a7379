import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBool, sizeToBytes, splitSecondsNanos, timeToSeconds } from '../../src/options/units.js';
import { parseSizeValue, parseTimeValue } from '../../src/options/kinds.js';

const MULTIPLIER: Record<string, number> = { K: 1000, M: 1_000_000, G: 1_000_000_000 };

/** Case-mixes a string: the unit rules are case-insensitive. */
const casing = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flags) => [...s].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

describe('sizes (flb_utils_size_to_bytes): decimal units', () => {
  it('an integer with K/KB/M/MB/G/GB in any case is that many thousands/millions/billions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom('K', 'M', 'G'), fc.boolean(), (n, unit, withB) =>
        fc.assert(
          fc.property(casing(withB ? `${unit}B` : unit), (suffix) => {
            expect(sizeToBytes(`${n}${suffix}`)).toBe(n * MULTIPLIER[unit]!);
          }),
          { numRuns: 4 },
        ),
      ),
    );
  });

  it('a plain number is bytes (fractions truncated), decimals scale with the unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => {
        expect(sizeToBytes(String(n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 9 }), (whole, tenth) => {
        expect(sizeToBytes(`${whole}.${tenth}M`)).toBe(Math.trunc(Number(`${whole}.${tenth}`) * 1_000_000));
      }),
    );
  });

  it('binary units, spaces before the unit and longer suffixes are invalid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }), fc.constantFrom('KiB', 'MiB', 'Ki', 'Mi', ' MB', ' K', 'MBB', 'XB', 'T', 'TB'), (n, suffix) => {
        expect(sizeToBytes(`${n}${suffix}`)).toBe(-1);
        const parsed = parseSizeValue(`${n}${suffix}`);
        expect(parsed.ok).toBe(false);
      }),
    );
  });

  it('false is 0', () => {
    fc.assert(fc.property(casing('false'), (t) => {
        expect(sizeToBytes(t)).toBe(0);
      }));
  });
});

describe('times (flb_utils_time_to_seconds): the last character is the unit', () => {
  it('whole numbers with s/m/h/d (any case) or none', () => {
    const mult: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100000 }), fc.constantFrom('', 's', 'm', 'h', 'd', 'S', 'M', 'H', 'D'), (n, u) => {
        const expected = n * mult[u.toLowerCase()]!;
        expect(timeToSeconds(`${n}${u}`)).toBe(expected);
        const parsed = parseTimeValue(`${n}${u}`);
        expect(parsed).toEqual({ ok: true, value: expected * 1000 });
      }),
    );
  });

  it('fractions are truncated and "ms" means seconds, both with a warning', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom('s', 'm', 'h'), (n, f, u) => {
        const mult = u === 'h' ? 3600 : u === 'm' ? 60 : 1;
        expect(timeToSeconds(`${n}.${f}${u}`)).toBe(n * mult);
        const parsed = parseTimeValue(`${n}.${f}${u}`);
        expect(parsed.ok && parsed.value === n * mult * 1000 && parsed.warning !== undefined).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (n) => {
        const parsed = parseTimeValue(`${n}ms`);
        expect(parsed.ok && parsed.value === n * 1000 && /seconds/.test(parsed.warning ?? '')).toBe(true);
      }),
    );
  });
});

describe('booleans (flb_utils_bool)', () => {
  it('true/on/yes and false/off/no in any case; nothing else', () => {
    fc.assert(fc.property(fc.constantFrom('true', 'on', 'yes').chain(casing), (t) => {
        expect(parseBool(t)).toBe(true);
      }));
    fc.assert(fc.property(fc.constantFrom('false', 'off', 'no').chain(casing), (t) => {
        expect(parseBool(t)).toBe(false);
      }));
    const words = new Set(['true', 'on', 'yes', 'false', 'off', 'no']);
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }).filter((s) => !words.has(s.toLowerCase())), (t) => {
        expect(parseBool(t)).toBeUndefined();
      }),
    );
  });
});

describe('Refresh_Interval (flb_utils_time_split)', () => {
  it('seconds, then digits after the dot as nanoseconds as written', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: 0, max: 999999 }), (s, ns) => {
        expect(splitSecondsNanos(`${s}.${ns}`)).toEqual({ sec: s, nsec: ns });
        expect(splitSecondsNanos(`${s}`)).toEqual({ sec: s, nsec: 0 });
      }),
    );
    expect(splitSecondsNanos('0.5')).toEqual({ sec: 0, nsec: 5 });
    expect(splitSecondsNanos('1m')).toEqual({ sec: 1, nsec: 0 });
    expect(splitSecondsNanos('abc')).toBeUndefined();
  });
});
