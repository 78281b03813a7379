import { describe, expect, it } from 'vitest';
import { TimeParser } from '../../src/parsers/time-parser.js';
import cases from '../../fixtures/parsers/time-cases.json' with { type: 'json' };

interface TimeCase {
  source: string;
  name: string;
  format: string;
  text: string;
  offset?: number;
  zone?: string;
  strict?: boolean;
  now?: string;
  seconds?: number;
  nanos?: number;
  error?: boolean;
}

const nowOf = (c: TimeCase): bigint => BigInt(Date.parse(c.now ?? '2024-03-01T00:00:00Z')) * 1_000_000n;

describe('TimeParser (flb_parser_time_lookup)', () => {
  it.each((cases as TimeCase[]).map((c) => [`${c.name}: ${c.format} <- ${JSON.stringify(c.text)}`, c] as const))('%s', (_label, c) => {
    const p = new TimeParser({ format: c.format, offsetSeconds: c.offset, zone: c.zone, strict: c.strict ?? true });
    const ok = p.parse(c.text, nowOf(c));
    if (c.error) {
      expect(ok).toBe(false);
      return;
    }
    expect(ok).toBe(true);
    expect({ seconds: p.seconds, nanos: p.nanos }).toEqual({ seconds: c.seconds, nanos: c.nanos });
  });

  it('takes the year (and day, for time-only formats) from now', () => {
    const p = new TimeParser({ format: '%b %d %H:%M:%S' });
    expect(p.parse('Feb 16 04:06:58', BigInt(Date.parse('2031-12-31T23:00:00Z')) * 1_000_000n)).toBe(true);
    expect(p.seconds).toBe(Date.parse('2031-02-16T04:06:58Z') / 1000);
  });

  it('ambiguous local times of an IANA zone resolve to the daylight-saving instant; gap times move forward', () => {
    const p = new TimeParser({ format: '%Y-%m-%d %H:%M:%S', zone: 'Europe/Berlin' });
    expect(p.parse('2023-10-29 02:30:00', 0n)).toBe(true);
    expect(p.seconds).toBe(Date.parse('2023-10-29T00:30:00Z') / 1000);
    expect(p.parse('2023-03-26 02:30:00', 0n)).toBe(true);
    expect(p.seconds).toBe(Date.parse('2023-03-26T00:30:00Z') / 1000);
  });

  it('a zone in the text wins over Time_Offset and Time_Zone', () => {
    const off = new TimeParser({ format: '%Y-%m-%d %H:%M:%S %z', offsetSeconds: 3600 });
    expect(off.parse('2017-07-17 20:17:03 +0000', 0n)).toBe(true);
    expect(off.seconds).toBe(1500322623);
    const zone = new TimeParser({ format: '%Y-%m-%d %H:%M:%S %z', zone: 'Asia/Tokyo' });
    expect(zone.parse('2017-07-17 20:17:03 +0000', 0n)).toBe(true);
    expect(zone.seconds).toBe(1500322623);
  });

  it('Time_System_Timezone reads the wall clock of the host zone', () => {
    const p = new TimeParser({ format: '%Y-%m-%d %H:%M:%S', systemTimezone: true });
    expect(p.parse('2017-07-17 20:17:03', 0n)).toBe(true);
    expect(p.seconds).toBe(new Date(2017, 6, 17, 20, 17, 3).getTime() / 1000);
  });

  it('eventTime treats exactly 0 as no time', () => {
    const p = new TimeParser({ format: '%s.%L' });
    expect(p.parse('0.0', 0n)).toBe(true);
    expect(p.eventTime(42n)).toBe(42n);
    expect(p.parse('1.000000005', 0n)).toBe(true);
    expect(p.eventTime(42n)).toBe(1_000_000_005n);
  });

  it('reuses the last result for the same text around the fraction, and only then', () => {
    const p = new TimeParser({ format: '%Y-%m-%dT%H:%M:%S.%L%z' });
    const texts = ['2024-01-01T10:00:00.5Z', '2024-01-01T10:00:00.123456789Z', '2024-01-01T10:00:00.1+01:00', '2024-01-01T10:00:01.1+01:00', '2024-01-01T10:00:00.7Z', '2024-01-01T10:00:00.7Zjunk'];
    const fresh = (t: string) => {
      const q = new TimeParser({ format: '%Y-%m-%dT%H:%M:%S.%L%z' });
      q.parse(t, 0n);
      return [q.seconds, q.nanos];
    };
    for (const t of texts) {
      expect(p.parse(t, 0n)).toBe(true);
      expect([p.seconds, p.nanos]).toEqual(fresh(t));
    }
  });
});
