import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMultiline } from '../../../../src/parsers/multiline/index.js';
import { EncodedCriHandler, MultilineHandler, rawRecordBuilder, type RecordKeys } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import { encodeEvent, RecordWriter } from '../../../../src/record/encoded.js';
import { batch } from './handler-batch.js';

/** Time texts: the full shape's seconds (in range or not, zero, before 1970) with fractions of any shape, and odd ones. */
const SECONDS = ['2024-06-01T23:59:59.', '2024-06-01T23:59:58.', '2024-13-01T00:00:00.', '1970-01-01T00:00:00.', '1969-12-31T23:59:59.', '0001-01-01T00:00:00.'];
const FRACTIONS = ['000000000Z', '000000005Z', '123456789Z', '999999999Z', '5Z', '12345678Z', '1234567890Z', '12345678xZ', '123456789'];
const ODD_TIMES = ['2024-01-01T00:00:00Z', 'x', '2024-01-01 00:00:00.1Z', '2024-01-01T00:00:00.1+01:00', 'é2024', 'a"b', 'a\\b'];
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(' ', '"', '\\', '\t', '\r', '\0', '\x1f', '\x7f', 'é', '€', '😀', '\u2028', ' stdout F ', ' stderr P ', ' std') },
);
const log = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
/** Bytes of one line given the run's few times: mostly CRI lines (full, partial, odd streams), some anything. */
const line: fc.Arbitrary<(times: readonly string[]) => Buffer> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.nat({ max: 3 }), fc.constantFrom('stdout', 'stdout', 'stderr', 'stdin'), fc.constantFrom('F', 'F', 'F', 'P', 'X'), log)
      .map(([t, stream, p, text]) => (times: readonly string[]) => Buffer.from(`${times[t % times.length]} ${stream} ${p} ${text}`)),
  },
  { weight: 1, arbitrary: log.map((text) => () => Buffer.from(text)) },
  /** Bytes that are not UTF-8 in the log, or in the time. */
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat({ max: 3 }), fc.uint8Array({ maxLength: 6 })).map(([t, b]) => (times: readonly string[]) => Buffer.concat([Buffer.from(`${times[t % times.length]} stdout F a`), Buffer.from(b.map((x) => (x === 10 ? 0xff : x)))])),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((b) => () => Buffer.concat([Buffer.from(b.map((x) => (x === 10 ? 0xc3 : x))), Buffer.from(' stdout F ok')])) },
);
/** The times of a run: a few, with one of two seconds each, so that lines share them (or differ only in them) often. */
const times = fc
  .tuple(fc.constantFrom(...SECONDS), fc.constantFrom(...SECONDS), fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...FRACTIONS)), { minLength: 1, maxLength: 3 }), fc.option(fc.constantFrom(...ODD_TIMES)))
  .map(([a, b, fractions, odd]) => [...fractions.map(([first, f]) => (first ? a : b) + f), ...(odd === null ? [] : [odd])]);
const key = fc.constantFrom('file', 'off', 'log', 'time', 'stream', '_p', '0', '__proto__', 'a"b', 'é');
const keys: fc.Arbitrary<RecordKeys> = fc.record({ key: fc.constant('log'), pathKey: fc.option(key, { nil: undefined }), offsetKey: fc.option(key, { nil: undefined }) });
/** What the file does between lines: nothing, a flush (end of file, stop), a timed flush. */
const step = fc.tuple(line, fc.constantFrom('none', 'none', 'none', 'flush', 'expired'));

interface Setup {
  readonly keys: RecordKeys;
  readonly path: string;
  /** The first block's read time. */
  readonly now: bigint;
  readonly bufferLimit: number;
  /** Where the lines start in their block. */
  readonly at: number;
}

/**
 * The lines through EncodedCriHandler (as bytes) and MultilineHandler (decoded), with the flushes
 * asked for after each: the records written, and the object path's events encoded. Undefined when
 * the keys make EncodedCriHandler refuse.
 */
function compare(steps: readonly (readonly [Buffer, string])[], s: Setup): { bytes: string; expected: string } | undefined {
  const { keys: k, path, now, bufferLimit, at } = s;
  const writer = new RecordWriter(16);
  const build = rawRecordBuilder(k, path);
  const bytes = batch(now, writer);
  const encoded = EncodedCriHandler.create(bytes, writer, createMultiline(['cri'], undefined, { bufferLimit }), 'f', false, k, path, build);
  if (encoded === undefined) return undefined;
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
  expect(writer.count).toBe(objects.events.length);
  return { bytes: writer.view().bytes.toString(), expected: objects.events.map(encodeEvent).join('') };
}

describe('EncodedCriHandler', () => {
  it('writes exactly the bytes of MultilineHandler records once encoded (whole lines, joined ones, flushed ones)', () => {
    let encodedRuns = 0;
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        times,
        keys,
        fc.string({ maxLength: 8 }),
        // Read times on whole seconds too: a zero time (1970-01-01T00:00:00.000000000Z) stands for the read time.
        fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 62n }), fc.bigInt({ min: 1n, max: 2n ** 32n }).map((s) => s * 1_000_000_000n)),
        fc.constantFrom(0, 16, 40, 2 * 1024 * 1024),
        fc.nat({ max: 5 }),
        (made, when, k, path, now, bufferLimit, at) => {
          const clash = [k.pathKey, k.offsetKey].some((x) => x !== undefined && ['time', 'stream', '_p', 'log', '0'].includes(x)) || (k.pathKey !== undefined && k.pathKey === k.offsetKey);
          const result = compare(
            made.map(([l, then]) => [l(when), then]),
            { keys: k, path, now, bufferLimit, at },
          );
          expect(result === undefined).toBe(clash);
          if (result === undefined) return;
          encodedRuns++;
          expect(result.bytes).toBe(result.expected);
        },
      ),
      { numRuns: 1000 },
    );
    expect(encodedRuns).toBeGreaterThan(200);
  });

  it('reuses the seconds of a time only for texts with the same seconds, read by position, not standing for the read time', () => {
    const lines = [
      '2024-06-01T23:59:59.123456789Z stdout F a',
      '2024-06-01T23:59:59.000000001Z stdout F b',
      '2024-06-01T23:59:58.999999999Z stderr F c',
      '2024-06-01T23:59:59.5Z stdout F d',
      '2024-06-01T23:59:59.000000002Z stdout F e',
      '1970-01-01T00:00:00.000000000Z stdout F zero: the read time',
      '1970-01-01T00:00:00.000000005Z stdout F f',
      '2024-13-01T00:00:00.000000001Z stdout F g',
      '2024-13-01T00:00:00.000000002Z stdout F h',
    ].map((l) => [Buffer.from(l), 'none'] as const);
    // The zero time's line is read at a whole second (each line's read time is 7 ns after the last one's).
    const result = compare(lines, { keys: { key: 'log', pathKey: undefined, offsetKey: 'off' }, path: 'p', now: 1_700_000_000_000_000_000n - 35n, bufferLimit: 0, at: 0 })!;
    expect(result.bytes).toBe(result.expected);
    expect(result.bytes.split('\n')[1]).toMatch(/^\["1717286399000000001",/);
    expect(result.bytes.split('\n')[6]).toMatch(/^\["5",/);
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
