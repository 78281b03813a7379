import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodedRawHandler, rawRecordBuilder } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import { LineReader, PushResult, type LineSink } from '../../../../src/plugins/inputs/tail/line-reader.js';
import { encodeEvent, RecordWriter } from '../../../../src/record/encoded.js';

interface Out {
  lines: [string, number, boolean][];
  consumed: number;
  result: PushResult;
  longLines: number;
}

function feed(bytes: Uint8Array, cuts: number[], bufferMaxSize: number, skipLongLines: boolean, skipEmptyLines: boolean, decodeWindow?: number): Out {
  const lines: [string, number, boolean][] = [];
  const sink = { line: (t: string, o: number, cr: boolean) => lines.push([t, o, cr]) };
  return { lines, ...push(sink, bytes, cuts, bufferMaxSize, skipLongLines, skipEmptyLines, decodeWindow) };
}

function push(sink: LineSink, bytes: Uint8Array, cuts: number[], bufferMaxSize: number, skipLongLines: boolean, skipEmptyLines: boolean, decodeWindow?: number): Omit<Out, 'lines'> {
  const reader = new LineReader(0, { bufferMaxSize, skipLongLines, skipEmptyLines, ...(decodeWindow !== undefined ? { decodeWindow } : {}) });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  let result = PushResult.Ok;
  for (const p of [...points, bytes.length]) {
    if (p <= prev) continue;
    // A bigger, reused block with stale bytes after the data, as the input's shared buffer is.
    const block = Buffer.alloc(p - prev + 7, 10);
    block.set(bytes.subarray(prev, p));
    result = reader.push(block, p - prev, sink);
    prev = p;
    if (result !== PushResult.Ok) break;
  }
  return { consumed: reader.consumed, result, longLines: reader.longLines };
}

/** What Fluent Bit's rules give for a whole input read at once (the model). */
function model(text: string, bufferMaxSize: number, skipEmpty: boolean): string[] {
  const out: string[] = [];
  const parts = text.split('\n');
  parts.pop();
  for (const raw of parts) {
    if (Buffer.byteLength(raw) > bufferMaxSize - 2) continue;
    if (skipEmpty && (raw === '' || raw === '\r')) continue;
    out.push(raw.length >= 2 && raw.endsWith('\r') ? raw.slice(0, -1) : raw);
  }
  return out;
}

/** Lines mostly of plain ASCII (long runs copied four bytes at a time), with `"`, `\\`, `\r`, controls, UTF-8, empty and long lines. */
const mostlyPlain = fc
  .array(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 32, max: 126 }) }, { weight: 1, arbitrary: fc.constantFrom(10, 10, 10, 13, 34, 92, 9, 0, 0xc3, 0xa9, 0xff) }), { maxLength: 400, size: 'max' })
  .map((b) => Uint8Array.from(b));

const lineText = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '€', '😀', '\r', ' ', 'x'), maxLength: 12 });

describe('LineReader properties', () => {
  it('gives the same lines, offsets and position however the bytes are split into blocks and decoded', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 3, max: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 50 }),
        (bytes, cuts, max, skipLong, skipEmpty, window) => {
          const whole = feed(bytes, [], max, skipLong, skipEmpty);
          const split = feed(bytes, cuts, max, skipLong, skipEmpty, window);
          expect(split).toEqual(whole);
          for (const [, offset] of whole.lines) expect(offset).toBeLessThan(bytes.length);
          expect(whole.consumed).toBeLessThanOrEqual(bytes.length);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("tail's records written from bytes (one pass per plain line, or cut first) are the encoded records of the lines the reader cuts", () => {
    const time = 1733600000123456789n;
    fc.assert(
      fc.property(mostlyPlain, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 3, max: 120 }), fc.boolean(), fc.boolean(), fc.boolean(), (bytes, cuts, max, skipLong, skipEmpty, withKeys) => {
        const keys = withKeys ? { key: 'log', pathKey: 'path', offsetKey: 'offset' } : { key: 'log', pathKey: undefined, offsetKey: undefined };
        const records = new RecordWriter(16);
        const encoded = push(new EncodedRawHandler({ events: [], time, onError: () => undefined, records }, records, keys, '/var/log/a.log'), bytes, cuts, max, skipLong, skipEmpty);
        const decoded = feed(bytes, cuts, max, skipLong, skipEmpty);
        const build = rawRecordBuilder(keys, '/var/log/a.log');
        const expected = decoded.lines.map(([text, offset]) => encodeEvent({ time, record: build(text, offset) })).join('');
        expect(records.view().bytes.toString('latin1')).toBe(Buffer.from(expected).toString('latin1'));
        expect(encoded).toEqual({ consumed: decoded.consumed, result: decoded.result, longLines: decoded.longLines });
      }),
      { numRuns: 400 },
    );
  });

  it('gives a sink with lineAt the same lines, each with bytes that are its units where those are ASCII', () => {
    let withBytes = 0;
    fc.assert(
      fc.property(mostlyPlain, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 3, max: 120 }), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 50 }), (bytes, cuts, max, skipLong, skipEmpty, window) => {
        const lines: [string, number, boolean][] = [];
        const sink: LineSink = {
          line: (t, o, cr) => lines.push([t, o, cr]),
          lineAt: (t, buf, start, o, cr) => {
            lines.push([t, o, cr]);
            withBytes++;
            for (let i = 0; i < t.length; i++) {
              const u = t.charCodeAt(i);
              if (u < 0x80) expect(buf[start + i]).toBe(u);
              else expect([u, buf[start + i]! >= 0x80]).toEqual([0xfffd, true]);
            }
          },
        };
        const result = push(sink, bytes, cuts, max, skipLong, skipEmpty, window);
        expect({ lines, ...result }).toEqual(feed(bytes, cuts, max, skipLong, skipEmpty, window));
      }),
      { numRuns: 300 },
    );
    expect(withBytes).toBeGreaterThan(300);
  });

  it('matches the line rules on text (no NUL): \\r removal, empty and long lines', () => {
    fc.assert(
      fc.property(fc.array(lineText, { maxLength: 15 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 4, max: 30 }), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 40 }), (ls, cuts, max, skipEmpty, trailing, window) => {
        const text = ls.join('\n') + (trailing ? '\n' : '');
        const out = feed(Buffer.from(text), cuts, max, true, skipEmpty, window);
        expect(out.lines.map((l) => l[0])).toEqual(model(text, max, skipEmpty));
      }),
      { numRuns: 300 },
    );
  });
});
