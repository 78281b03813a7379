import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParser } from '../../../../src/parsers/runtime/create-parser.js';
import { EncodedParserHandler, ParserHandler, rawRecordBuilder, type RecordKeys } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import { encodeEvent, RecordWriter } from '../../../../src/record/encoded.js';
import { batch } from './handler-batch.js';
import type { Given } from '../../../support/check.js';
import { parserPlan } from '../../../support/parser-plans.js';

const APACHE =
  '^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] "(?<method>\\S+)(?: +(?<path>[^\\"]*?)(?: +\\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\\"]*)" "(?<agent>[^\\"]*)")?$';

/** Regex parsers that write bytes: time kept or not, Types of every kind, empty values kept or not, `__proto__`. */
const DEFINITIONS: Given[] = [
  { Format: 'regex', Regex: APACHE, Time_Key: 'time', Time_Format: '%d/%b/%Y:%H:%M:%S %z' },
  { Format: 'regex', Regex: '^(?<time>[^ ]*) (?<a>\\d+)? ?(?<rest>.*)$', Time_Format: '%Y-%m-%dT%H:%M:%S.%L%z', Time_Keep: 'On', Types: 'a:integer rest:bool' },
  { Format: 'regex', Regex: '^(?<time>[^ ]*) (?<a>\\d*) (?<log>.*)$', Time_Format: '%Y-%m-%dT%H:%M:%S.%L%z', Skip_Empty_Values: 'Off', Types: 'a:hex' },
  { Format: 'regex', Regex: '(?<f>\\S*) (?<h>\\S*) (?<b>\\S*) (?<__proto__>.*)', Types: 'f:float h:hex b:bool' },
  { Format: 'regex', Regex: '(?<log>.*)' },
  { Format: 'regex', Regex: '^(?<time>[^ ]+ +[^ ]+ [^ ]+) (?<host>[^ ]*) (?<log>.*)$', Time_Format: '%b %d %H:%M:%S', Time_Keep: 'On', Types: 'host:string log:bool' },
  { Format: 'regex', Regex: '^(?<a>x)?(?:(?<b>[^ ]*) |-)(?<time>\\S+ \\S+)(?: (?<c>\\d{2}))?(?<d>.*)$', Time_Key: 'time', Time_Format: '%d/%b/%Y:%H:%M:%S %z', Time_Keep: 'On' },
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(' ', '"', '\\', '\t', '\0', '\x1f', '\x7f', 'é', '€', '😀', '\u2028', '\ud800', '\udfff', '[', ']', '-1', '0x1f', '1e999', 'true', 'FALSE', '12'),
  },
  { weight: 2, arbitrary: fc.constantFrom('2019-05-07T18:57:50.9Z ', '01/Jan/2024:00:00:00 +0000', '- - [07/Dec/2026:10:00:00 +0100] "GET /a b HTTP/1.1" 200 12 "r" "u"') },
);
const words = fc.array(piece, { maxLength: 10 }).map((p) => p.join(''));
/** Combined-log lines whose fields hold any of the pieces (the apache parser matches most). */
const accessLine = fc
  .tuple(words, words, fc.constantFrom('07/Dec/2026:10:00:00 +0100', '01/Jan/2024:00:00:00 +0000', '31/Feb/2024:25:00:00 +0000', ''), words, words, words)
  .map(([host, user, when, path, referer, agent]) => `${host.replace(/ /g, '')} - ${user.replace(/ /g, '')} [${when}] "GET ${path.replace(/"/g, '')} HTTP/1.1" 200 12 "${referer.replace(/"/g, '')}" "${agent.replace(/"/g, '')}"`);
const text = fc.oneof(words, accessLine);

/** Times that repeat, differ in one second, a day, a year or the zone (the time cache's hits and misses), or do not parse. */
const when = fc.constantFrom(
  '07/Dec/2026:10:00:00 +0100',
  '07/Dec/2026:10:00:01 +0100',
  '07/Dec/2026:10:00:00 +0000',
  '07/Dec/2026:10:00:00 -0130',
  '31/Dec/2026:23:59:59 +0000',
  '01/Jan/2027:00:00:00 +0000',
  '07/Dec/2025:10:00:00 +0100',
  '07/Déc/2026:10:00:00 +0100',
  '07/Dec/2026:10:00:0 +0100',
  'Dec  7 10:00:00',
  'Jan 31 23:59:59',
);
const timedLine = fc
  .tuple(fc.constantFrom('', 'x'), words, when, fc.constantFrom('', ' 12', ' 1'), words)
  .map(([a, b, t, c, d]) => `${a}${b.replace(/ /g, '')} ${t}${c}${d}`);

/**
 * A line as tail's reader hands it to `lineAt`: the text with every unit that is not ASCII as
 * U+FFFD, and bytes where those units are bytes of 0x80 or more; `pad` bytes before the line and
 * `after` bytes after it in the buffer.
 */
function asRead(t: string, pad: number, after: number): { text: string; buf: Buffer } {
  const text = t.replace(/[^\x00-\x7f]/gu, (c) => '\ufffd'.repeat(c.length));
  const buf = Buffer.alloc(pad + text.length + after, 0x22);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    buf[pad + i] = u < 0x80 ? u : 0x80 + (i % 0x80);
  }
  return { text, buf };
}

const key = fc.constantFrom('log', 'path', 'offset', 'time', 'a', 'host', '0', '__proto__', 'a"b', 'é');
const keys: fc.Arbitrary<RecordKeys> = fc.record({ key, pathKey: fc.option(key, { nil: undefined }), offsetKey: fc.option(key, { nil: undefined }) });

describe('EncodedParserHandler', () => {
  it('writes exactly the bytes of ParserHandler records once encoded (parsed, raw and mixed)', () => {
    let encodedRuns = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: DEFINITIONS.length - 1 }),
        fc.array(fc.tuple(text, fc.nat({ max: 2 ** 53 - 1 }), fc.boolean()), { minLength: 1, maxLength: 6 }),
        keys,
        fc.string({ maxLength: 8 }),
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        (d, lines, k, path, now) => {
          const writer = new RecordWriter(16);
          const build = rawRecordBuilder(k, path);
          const plan = parserPlan(`p${d}`, DEFINITIONS[d]!);
          const encoded = EncodedParserHandler.create(batch(now, writer), writer, build, createParser(plan), k, path);
          const names = createParser(plan).encodedKeys!;
          const clash = [k.pathKey, k.offsetKey].some((x) => x !== undefined && names.includes(x)) || (k.pathKey !== undefined && k.pathKey === k.offsetKey) || [k.pathKey, k.offsetKey].includes('0');
          expect(encoded === undefined).toBe(clash);
          if (encoded === undefined) return;
          encodedRuns++;
          const events = batch(now);
          const objects = new ParserHandler(events, build, createParser(plan), k, path);
          for (const [t, offset, cr] of lines) {
            encoded.line(t, offset, cr);
            objects.line(t, offset, cr);
          }
          const expected = events.events.map(encodeEvent).join('');
          expect(writer.view().bytes.toString('hex')).toBe(Buffer.from(expected).toString('hex'));
          expect(writer.count).toBe(lines.length);
        },
      ),
      { numRuns: 600 },
    );
    expect(encodedRuns).toBeGreaterThan(100);
  });

  it('writes the same bytes from the line bytes tail read (lineAt) as from its text', () => {
    let spanned = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: DEFINITIONS.length - 1 }),
        fc.array(fc.tuple(fc.oneof(text, timedLine), fc.nat({ max: 2 ** 53 - 1 }), fc.boolean(), fc.nat({ max: 9 }), fc.nat({ max: 5 }), fc.boolean()), { minLength: 1, maxLength: 8 }),
        keys,
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        (d, lines, k, now) => {
          const plan = parserPlan(`p${d}`, DEFINITIONS[d]!);
          const build = rawRecordBuilder(k, 'f');
          const writer = new RecordWriter(16);
          const bytesBatch = batch(now, writer);
          const encoded = EncodedParserHandler.create(bytesBatch, writer, build, createParser(plan), k, 'f');
          if (encoded === undefined) return;
          const events = batch(now);
          const objects = new ParserHandler(events, build, createParser(plan), k, 'f');
          for (const [t, offset, cr, pad, after, nextYear] of lines) {
            // Formats without a year take it from the read time: a cache must not outlive it.
            const time = nextYear ? now + 366n * 86400n * 1_000_000_000n : now;
            bytesBatch.time = time;
            events.time = time;
            const { text: line, buf } = asRead(t, pad, after);
            encoded.lineAt(line, buf, pad, offset, cr);
            objects.line(line, offset, cr);
          }
          if (createParser(plan).encodedKeys !== undefined) spanned++;
          expect(writer.view().bytes.toString('hex')).toBe(Buffer.from(events.events.map(encodeEvent).join('')).toString('hex'));
        },
      ),
      { numRuns: 600 },
    );
    expect(spanned).toBeGreaterThan(100);
  });

  it('is not made for parsers with decoders (they change the record after parsing)', () => {
    const parser = createParser(parserPlan('d', { Format: 'regex', Regex: '(?<log>.*)', Decode_Field_As: 'escaped log' }));
    const writer = new RecordWriter(16);
    const k: RecordKeys = { key: 'log', pathKey: undefined, offsetKey: undefined };
    expect(EncodedParserHandler.create(batch(0n, writer), writer, rawRecordBuilder(k, 'f'), parser, k, 'f')).toBeUndefined();
  });
});
