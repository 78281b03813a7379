import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimeParser, type TimeSettings } from '../../src/parsers/time-parser.js';

/** Formats with a year and no `%L` (parseAt compares bytes), without a year or with `%L` (it must not). */
const SETTINGS: TimeSettings[] = [
  { format: '%d/%b/%Y:%H:%M:%S %z' },
  { format: '%d/%b/%Y:%H:%M:%S', zone: 'Europe/Paris' },
  { format: '%Y-%m-%d %H:%M:%S', offsetSeconds: -5400, strict: false },
  { format: '%b %d %H:%M:%S' },
  { format: '%Y-%m-%dT%H:%M:%S.%L%z' },
];

/** Texts that share all but their last character, a second, a day, a zone, or are cut short. */
const texts: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('07', '08', '31'),
    fc.constantFrom('Dec', 'Jan', 'Déc'),
    fc.constantFrom('2026', '2027'),
    fc.constantFrom('10:00:00', '10:00:01', '23:59:59'),
    fc.constantFrom(' +0100', ' +0101', ' -0130', ' +0000', ''),
    fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 30 })),
  )
  .chain(([d, b, y, t, z, cut]) =>
    fc.constantFrom(`${d}/${b}/${y}:${t}${z}`, `${y}-12-${d} ${t}`, `${b} ${d} ${t}`, `${y}-12-${d}T${t}.5${z.trim()}`).map((s) => (cut > 0 && cut < s.length ? s.slice(0, -cut) : s)),
  );

describe('TimeParser.parseAt', () => {
  it('gives what a new parser gives for the text, whatever the bytes after it and the texts before', () => {
    fc.assert(
      fc.property(fc.nat({ max: SETTINGS.length - 1 }), fc.array(fc.tuple(texts, fc.oneof(texts, fc.constantFrom('0', '1', '00', ' ')), fc.boolean()), { minLength: 1, maxLength: 12 }), (s, steps) => {
        const settings = SETTINGS[s]!;
        const shared = new TimeParser(settings);
        for (const [text, next, nextYear] of steps) {
          const now = nextYear ? 1_800_000_000_000_000_000n : 1_765_000_000_000_000_000n;
          // The text's bytes are followed by another text's (a prefix of what came before, at times).
          const buf = Buffer.from(`${text}${next}   `, 'latin1');
          const words = new DataView(buf.buffer, buf.byteOffset, buf.length);
          const fresh = new TimeParser(settings);
          const expected = fresh.parse(text, now) ? [fresh.seconds, fresh.nanos] : false;
          const actual = shared.parseAt(text, words, 0, now) ? [shared.seconds, shared.nanos] : false;
          expect(actual, `${text} then ${next}`).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
