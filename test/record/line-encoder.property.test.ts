import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEvent, RecordWriter } from '../../src/record/encoded.js';
import { LineEncoder, linesEncodable, type LineKeys } from '../../src/record/line-encoder.js';
import { rawRecordBuilder } from '../../src/plugins/inputs/tail/line-handlers.js';

/** Bytes of a line: mostly printable ASCII, with quotes, backslashes, controls, UTF-8 and bytes that are not UTF-8. */
const lineBytes = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 32, max: 126 }).map((c) => [c]) },
      { weight: 1, arbitrary: fc.constantFrom([34], [92], [9], [13], [0], [27], [31], [127]) },
      { weight: 1, arbitrary: fc.constantFrom('é', '€', '😀', '\u2028').map((s) => [...Buffer.from(s)]) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(128, 191, 192, 237, 255), fc.integer({ min: 128, max: 255 })).map((c) => [c]) },
    ),
    // Long enough for runs of plain bytes that the encoder copies four at a time.
    { maxLength: 160, size: 'max' },
  )
  .map((parts) => Buffer.from(parts.flat().filter((c) => c !== 10)));

const key = fc.oneof(fc.constantFrom('log', 'path', 'offset', '0', '7', '01', '__proto__', 'a"b', 'é'), fc.string({ maxLength: 4 }));
const keys: fc.Arbitrary<LineKeys> = fc.record({ key, pathKey: fc.option(key, { nil: undefined }), offsetKey: fc.option(key, { nil: undefined }) });
const time = fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n });

describe('LineEncoder', () => {
  it('writes exactly what encodeEvent writes for the raw record of the line', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lineBytes, fc.nat({ max: 2 ** 53 - 1 }), fc.boolean()), { minLength: 1, maxLength: 6 }), keys, fc.string({ maxLength: 8 }), time, (lines, k, path, t0) => {
        fc.pre(linesEncodable(k));
        const writer = new RecordWriter(16);
        const enc = new LineEncoder(writer, k, path);
        const build = rawRecordBuilder(k, path);
        let expected = '';
        for (const [bytes, offset, later] of lines) {
          const t = later ? t0 + 1n : t0;
          // The line sits inside other bytes, as in a block read from a file.
          const block = Buffer.concat([Buffer.from('x\n'), bytes, Buffer.from('\ny')]);
          enc.line(block, 2, 2 + bytes.length, offset, t);
          expected += encodeEvent({ time: t, record: build(bytes.toString('utf8'), offset) });
        }
        expect(writer.view().bytes.toString('hex')).toBe(Buffer.from(expected).toString('hex'));
        expect(writer.count).toBe(lines.length);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses keys whose objects would not keep their order or that repeat', () => {
    expect(linesEncodable({ key: 'log', pathKey: 'path', offsetKey: 'offset' })).toBe(true);
    expect(linesEncodable({ key: 'log', pathKey: undefined, offsetKey: undefined })).toBe(true);
    expect(linesEncodable({ key: 'log', pathKey: 'log', offsetKey: undefined })).toBe(false);
    expect(linesEncodable({ key: 'log', pathKey: '0', offsetKey: undefined })).toBe(false);
    expect(linesEncodable({ key: '01', pathKey: undefined, offsetKey: undefined })).toBe(true);
  });
});
