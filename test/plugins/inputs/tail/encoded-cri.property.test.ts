import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMultiline } from '../../../../src/parsers/multiline/index.js';
import { EncodedCriHandler, MultilineHandler, rawRecordBuilder, type Batch, type RecordKeys } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import { encodeEvent, RecordWriter } from '../../../../src/record/encoded.js';

const TIMES = [
  '2024-01-01T00:00:00.000000001Z',
  '2024-06-01T23:59:59.5Z',
  '2024-06-01T23:59:59.123456789Z',
  '2024-02-30T00:00:00.1Z',
  '2024-01-01T00:00:00Z',
  '1969-12-31T23:59:59.9Z',
  'x',
  '2024-01-01 00:00:00.1Z',
  '2024-01-01T00:00:00.1+01:00',
  'é2024',
  'a"b',
  'a\\b',
];
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(' ', '"', '\\', '\t', '\r', '\0', '\x1f', '\x7f', 'é', '€', '😀', '\u2028', ' stdout F ', ' stderr P ', ' std') },
);
const log = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
/** Bytes of one line: mostly CRI lines (full, partial, odd streams and times), some anything. */
const line: fc.Arbitrary<Buffer> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...TIMES), fc.constantFrom('stdout', 'stdout', 'stderr', 'stdin'), fc.constantFrom('F', 'F', 'F', 'P', 'X'), log)
      .map(([time, stream, p, text]) => Buffer.from(`${time} ${stream} ${p} ${text}`)),
  },
  { weight: 1, arbitrary: log.map((text) => Buffer.from(text)) },
  /** Bytes that are not UTF-8 in the log, or in the time. */
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...TIMES), fc.uint8Array({ maxLength: 6 })).map(([time, b]) => Buffer.concat([Buffer.from(`${time} stdout F a`), Buffer.from(b.map((x) => (x === 10 ? 0xff : x)))])) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.concat([Buffer.from(b.map((x) => (x === 10 ? 0xc3 : x))), Buffer.from(' stdout F ok')])) },
);
const key = fc.constantFrom('file', 'off', 'log', 'time', 'stream', '_p', '0', '__proto__', 'a"b', 'é');
const keys: fc.Arbitrary<RecordKeys> = fc.record({ key: fc.constant('log'), pathKey: fc.option(key, { nil: undefined }), offsetKey: fc.option(key, { nil: undefined }) });
/** What the file does between lines: nothing, a flush (end of file, stop), a timed flush. */
const step = fc.tuple(line, fc.constantFrom('none', 'none', 'none', 'flush', 'expired'));

function batch(time: bigint, records?: RecordWriter): Batch {
  return {
    events: [],
    time,
    records,
    onError: (err) => {
      throw err;
    },
  };
}

describe('EncodedCriHandler', () => {
  it('writes exactly the bytes of MultilineHandler records once encoded (whole lines, joined ones, flushed ones)', () => {
    let encodedRuns = 0;
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        keys,
        fc.string({ maxLength: 8 }),
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        fc.constantFrom(0, 16, 40, 2 * 1024 * 1024),
        fc.nat({ max: 5 }),
        (steps, k, path, now, bufferLimit, at) => {
          const writer = new RecordWriter(16);
          const build = rawRecordBuilder(k, path);
          const bytes = batch(now, writer);
          const encoded = EncodedCriHandler.create(bytes, writer, createMultiline(['cri'], undefined, { bufferLimit }), 'f', false, k, path, build);
          const clash = [k.pathKey, k.offsetKey].some((x) => x !== undefined && ['time', 'stream', '_p', 'log', '0'].includes(x)) || (k.pathKey !== undefined && k.pathKey === k.offsetKey);
          expect(encoded === undefined).toBe(clash);
          if (encoded === undefined) return;
          encodedRuns++;
          const objects = batch(now);
          const ml = createMultiline(['cri'], undefined, { bufferLimit });
          const handler = new MultilineHandler(objects, ml.stream('f'), false, ml.flushIntervalMs, k, path, build, () => ml.removeStream('f'));
          // The lines sit in one buffer, `at` bytes in, as a block read from the file.
          const block = Buffer.concat([Buffer.alloc(at, 0x41), ...steps.flatMap(([l]) => [l, Buffer.from('\n')])]);
          let offset = at;
          for (const [l, then] of steps) {
            encoded.lineBytes(block, offset, offset + l.length, offset);
            handler.line(l.toString(), offset);
            expect(encoded.safeOffset(offset + l.length + 1)).toBe(handler.safeOffset(offset + l.length + 1));
            if (then === 'flush') {
              encoded.flush(offset);
              handler.flush(offset);
            } else if (then === 'expired') {
              const ms = Number(now / 1_000_000n) + 5000;
              encoded.flushExpired(ms, offset);
              handler.flushExpired(ms, offset);
            }
            offset += l.length + 1;
            bytes.time += 7n;
            objects.time += 7n;
          }
          encoded.flush(offset);
          handler.flush(offset);
          const expected = objects.events.map(encodeEvent).join('');
          expect(writer.view().bytes.toString()).toBe(expected);
          expect(writer.count).toBe(objects.events.length);
        },
      ),
      { numRuns: 500 },
    );
    expect(encodedRuns).toBeGreaterThan(100);
  });

  it('is made for the built-in cri alone', () => {
    const k: RecordKeys = { key: 'log', pathKey: 'file', offsetKey: undefined };
    const make = (names: string[]) => {
      const writer = new RecordWriter(16);
      return EncodedCriHandler.create(batch(1n, writer), writer, createMultiline(names), 'f', false, k, 'p', rawRecordBuilder(k, 'p'));
    };
    expect(make(['cri'])).toBeInstanceOf(EncodedCriHandler);
    expect(make(['docker'])).toBeUndefined();
    expect(make(['cri', 'docker'])).toBeUndefined();
    expect(make(['docker', 'cri'])).toBeUndefined();
  });
});
