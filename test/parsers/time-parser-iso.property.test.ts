import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeParser, type TimeSettings } from '../../src/parsers/time-parser.js';

// The container runtimes' time formats have a read-by-position path (readIsoZ); it must give what
// the general strptime path gives, for every text, fitting or not.
const CRI = '%Y-%m-%dT%H:%M:%S.%L%z';
const DOCKER = '%Y-%m-%dT%H:%M:%S.%L';
const NOW = BigInt(Date.UTC(2024, 5, 1)) * 1_000_000n;

function general(settings: TimeSettings): TimeParser {
  const p = new TimeParser(settings);
  Object.assign(p as unknown as Record<string, unknown>, { isoZ: 0 });
  return p;
}

const p2 = (n: number, w = 2) => String(n).padStart(w, '0');

/** Times of the ISO shape, sometimes out of range, sometimes with a character changed. */
const texts = fc
  .record({
    year: fc.integer({ min: 900, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.stringMatching(/^[0-9]{0,11}$/),
    suffix: fc.constantFrom('Z', '', 'z', '+0000', '+01:00', 'Z ', 'ZZ', '-0530', 'e3Z'),
    edit: fc.option(fc.tuple(fc.nat(40), fc.constantFrom('-', 'T', ':', '.', ' ', 'x', '9', '+', 'Z')), { freq: 3 }),
  })
  .map((t) => {
    let s = `${p2(t.year, 4)}-${p2(t.month)}-${p2(t.day)}T${p2(t.hour)}:${p2(t.minute)}:${p2(t.second)}.${t.fraction}${t.suffix}`;
    if (t.edit) {
      const [at, c] = t.edit;
      const i = at % s.length;
      s = s.slice(0, i) + c + s.slice(i + 1);
    }
    return s;
  });

describe('TimeParser: the cri and docker formats read by position', () => {
  for (const settings of [
    { format: CRI, strict: false },
    { format: CRI, strict: true },
    { format: DOCKER, strict: false },
    { format: DOCKER, strict: true, offsetSeconds: 3600 },
  ] satisfies TimeSettings[]) {
    it(`${settings.format} (strict ${settings.strict}${settings.offsetSeconds ? ', Time_Offset' : ''}) agrees with the general path`, () => {
      fc.assert(
        fc.property(fc.array(texts, { minLength: 1, maxLength: 5 }), (values) => {
          // One parser of each kind over a sequence, so the general path's caches take part too.
          const fast = new TimeParser(settings);
          const slow = general(settings);
          for (const v of values) {
            const a = fast.parse(v, NOW);
            const b = slow.parse(v, NOW);
            expect({ v, ok: a, ...(a ? { seconds: fast.seconds, nanos: fast.nanos } : {}) }).toEqual({ v, ok: b, ...(b ? { seconds: slow.seconds, nanos: slow.nanos } : {}) });
          }
        }),
        { numRuns: 3000 },
      );
    });
  }

  it('reads a CRI time', () => {
    const p = new TimeParser({ format: CRI, strict: false });
    expect(p.parse('2024-06-01T10:20:30.123456789Z', NOW)).toBe(true);
    expect({ seconds: p.seconds, nanos: p.nanos }).toEqual({ seconds: Date.UTC(2024, 5, 1, 10, 20, 30) / 1000, nanos: 123456789 });
    expect(p.parse('2024-02-31T00:00:00.5Z', NOW)).toBe(true);
    expect({ seconds: p.seconds, nanos: p.nanos }).toEqual({ seconds: Date.UTC(2024, 2, 2) / 1000, nanos: 500000000 });
  });
});
