import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMultiline } from '../../../../src/parsers/multiline/index.js';
import { EncodedCriHandler, MultilineHandler, rawRecordBuilder, type RecordKeys } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import { encodeEvent, RecordWriter } from '../../../../src/record/encoded.js';
import { batch } from './handler-batch.js';
import type { BytePathFilters, FilterContext, FilterRuntime } from '../../../../src/engine/plugin.js';
import type { LogEvent } from '../../../../src/record/event.js';
import { Counters } from '../../../../src/engine/metrics.js';
import { ParserFilter } from '../../../../src/plugins/filters/parser/parser-filter.js';
import type { ParserOptions } from '../../../../src/plugins/filters/parser/options.js';
import { planSource } from '../../../support/parser-plans.js';
import type { Given } from '../../../support/check.js';

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
  /** docker's JSON lines (whole, or a part without its newline), for a `docker, cri` setup. */
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.nat({ max: 3 }), fc.constantFrom('stdout', 'stderr'), log, fc.boolean(), fc.constantFrom('', ' '))
      .map(([t, stream, text, whole, lead]) => (times: readonly string[]) => Buffer.from(lead + JSON.stringify({ log: whole ? `${text}\n` : text, stream, time: times[t % times.length] }))),
  },
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
  /** The tag's filters, made once per side (the handler on bytes gets them as Batch.filters). */
  readonly filter?: () => FilterRuntime;
  /** multiline.parser (default `cri`). */
  readonly names?: readonly string[];
}

/** A filter with a byte path as EncodedEmit.filtersOnBytes gives it. */
function onBytes(filter: FilterRuntime): BytePathFilters {
  return { paths: [filter.bytePath!], run: (events) => filter.filter('t', events) as LogEvent[] };
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
  const bytes = { ...batch(now, writer), filters: s.filter === undefined ? undefined : onBytes(s.filter()) };
  const names = s.names ?? ['cri'];
  const encoded = EncodedCriHandler.create(bytes, writer, createMultiline(names, undefined, { bufferLimit }), 'f', false, k, path, build);
  if (encoded === undefined) return undefined;
  const objects = batch(now);
  const ml = createMultiline(names, undefined, { bufferLimit });
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
  const events = s.filter === undefined ? objects.events : (s.filter().filter('t', objects.events) as LogEvent[]);
  // Byte for byte (latin1 keeps every byte apart; a UTF-8 decode would hide bad sequences).
  return { bytes: writer.view().bytes.toString('latin1'), expected: Buffer.from(events.map(encodeEvent).join('')).toString('latin1') };
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
        // AWS's Container Insights configuration lists docker before cri.
        fc.constantFrom(['cri'], ['docker', 'cri']),
        (made, when, k, path, now, bufferLimit, at, names) => {
          const clash = [k.pathKey, k.offsetKey].some((x) => x !== undefined && ['time', 'stream', '_p', 'log', '0'].includes(x)) || (k.pathKey !== undefined && k.pathKey === k.offsetKey);
          const result = compare(
            made.map(([l, then]) => [l(when), then]),
            { keys: k, path, now, bufferLimit, at, names },
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

  it('is made for the built-in cri alone or after JSON parsers (docker), not before or after others', () => {
    const k: RecordKeys = { key: 'log', pathKey: 'file', offsetKey: undefined };
    const make = (names: string[]) => {
      const writer = new RecordWriter(16);
      return EncodedCriHandler.create(batch(1n, writer), writer, createMultiline(names), 'f', false, k, 'p', rawRecordBuilder(k, 'p'));
    };
    expect(make(['cri'])).toBeInstanceOf(EncodedCriHandler);
    expect(make(['docker'])).toBeUndefined();
    expect(make(['cri', 'docker'])).toBeUndefined();
    expect(make(['docker', 'cri'])).toBeInstanceOf(EncodedCriHandler);
    expect(make(['python', 'cri'])).toBeUndefined();
    expect(make(['docker', 'python', 'cri'])).toBeUndefined();
  });
});

/** [PARSER] json definitions: the stock one (Time_Key time), none, another key kept, and one with a decoder (no byte path). */
const JSON_PARSERS: Given[] = [
  { Format: 'json', Time_Key: 'time', Time_Format: '%d/%b/%Y:%H:%M:%S %z' },
  { Format: 'json' },
  { Format: 'json', Time_Key: 'ts', Time_Format: '%Y-%m-%dT%H:%M:%S.%L%z', Time_Keep: 'On' },
];

/** A parser filter on `log` with `definition` as its only parser. */
function parserFilter(definition: Given, reserve: boolean, counters = new Counters()): ParserFilter {
  const ctx = { parsers: planSource({ json: definition }), counters, log: { warn: () => undefined } } as unknown as FilterContext;
  const options = { key_name: 'log', parser: ['json'], reserve_data: reserve, preserve_key: false } as unknown as ParserOptions;
  return new ParserFilter(options, ctx);
}

/** JSON strings as JSON.stringify writes them, and in other forms (escapes it does not write, raw controls, broken ones). */
const jsonString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map((t) => JSON.stringify(t)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }).map((t) => JSON.stringify(t)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"\\/"', '"\\u0041"', '"\\u001F"', '"\\u001f"', '"\\u0000"', '"\\u0008"', '"\\u000a"', '"\\ud800"', '"\\ud83d\\ude00"', '"\\b\\f\\n\\r\\t"',
      '"a\tb"', '"\u0001"', '"\u007f"', '"é€😀"', '"\u2028"', '"\\\\"', '"\\""', '"\\x"', '"\\u00"', '"open',
    ),
  },
);
const jsonNumber = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('-0', '0', '1.0', '1e5', '1E5', '1e+21', '1e21', '12345678901234567890', '123456789012345', '1234567890123456', '9007199254740993', '0.1', '-1.5e-7', '01', '1.', '.5', '1e400', '-', '2e-7', '0.000001'),
);
const memberKey = fc.oneof(jsonString, fc.constantFrom('"time"', '"stream"', '"_p"', '"log"', '"file"', '"off"', '"0"', '"12"', '"01"', '"__proto__"', '"ts"', '"level"', '"level"'));
const { value: jsonText } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonString,
    jsonNumber,
    fc.constantFrom('true', 'false', 'null', 'nul', '"07/Dec/2026:10:00:00 +0100"', '"2024-06-01T10:00:00.5+0000"'),
    tie('object'),
    tie('array'),
  ),
  object: fc.array(fc.tuple(memberKey, tie('value')), { maxLength: 5 }).map((members) => `{${members.map(([k, v]) => `${String(k)}:${String(v)}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 4 }).map((values) => `[${values.join(',')}]`),
}));
/** Objects nested about MAX_JSON_DEPTH deep (64), in objects or arrays. */
const deep = fc.tuple(fc.integer({ min: 62, max: 66 }), fc.boolean()).map(([n, arrays]) => `{"a":${(arrays ? '[' : '{"b":').repeat(n - 1)}1${(arrays ? ']' : '}').repeat(n - 1)}}`);
/** Strings holding raw bytes: UTF-8 of every length, and sequences that are not UTF-8 (overlong, surrogates, past U+10FFFF, cut). */
const rawBytesString = fc
  .constantFrom('c3a9', 'e282ac', 'f09f9880', 'f48fbfbf', 'ed9fbf', 'ee8080', 'ff', 'c080', 'c1bf', 'eda080', 'edbfbf', 'e08080', 'f08f8080', 'f4908080', 'f5', 'e282', '80', 'c3')
  .map((hex) => Buffer.concat([Buffer.from('"a'), Buffer.from(hex, 'hex'), Buffer.from('b"')]));
/** One member that may not be in JSON.stringify's form among members that are (so that it alone decides). */
const oneTricky = fc
  .tuple(
    fc.array(fc.tuple(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }),
    memberKey,
    fc.oneof(jsonString.map((t) => Buffer.from(t)), jsonNumber.map((t) => Buffer.from(t)), rawBytesString),
    fc.nat(),
  )
  .map(([members, key, value, at]) => {
    const parts = members.map(([k, v]) => Buffer.from(`${JSON.stringify(`m${k}`)}:${JSON.stringify(v)}`));
    parts.splice(at % (parts.length + 1), 0, Buffer.concat([Buffer.from(`${key}:`), value]));
    return Buffer.concat([Buffer.from('{'), ...parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(','), p])), Buffer.from('}')]);
  });
/** A log: an object's text, changed at one place or not (white space, a cut, bytes that are not UTF-8), or another value. */
const jsonLog: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(memberKey, jsonText), { maxLength: 6 }).map((m) => Buffer.from(`{${m.map(([k, v]) => `${String(k)}:${String(v)}`).join(',')}}`)) },
  { weight: 4, arbitrary: oneTricky },
  { weight: 1, arbitrary: deep.map((t) => Buffer.from(t)) },
  { weight: 1, arbitrary: jsonText.map((t) => Buffer.from(String(t))) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.array(fc.tuple(memberKey, jsonText), { minLength: 1, maxLength: 4 }), fc.nat(), fc.constantFrom(' ', '\t', '\r', '', 'x', '}', '\xff', '\xed\xa0\x80', '\xc0\x80', '\xe2\x82', '\xf4\x90\x80\x80'))
      .map(([m, at, insert]) => {
        const text = Buffer.from(`{${m.map(([k, v]) => `${String(k)}:${String(v)}`).join(',')}}`);
        const i = at % (text.length + 1);
        // An empty insert cuts the text there.
        return insert === '' ? text.subarray(0, i) : Buffer.concat([text.subarray(0, i), Buffer.from(insert, 'latin1'), text.subarray(i)]);
      }),
  },
);
/** CRI lines holding JSON logs: whole ones mostly, and P fragments whose F line ends the message. */
const jsonLine = fc
  .tuple(fc.nat({ max: 3 }), fc.constantFrom('stdout', 'stdout', 'stderr'), fc.constantFrom('F', 'F', 'F', 'P'), jsonLog)
  .map(([t, stream, p, text]) => (when: readonly string[]) => Buffer.concat([Buffer.from(`${when[t % when.length]} ${stream} ${p} `), text]));
const jsonStep = fc.tuple(fc.oneof({ weight: 6, arbitrary: jsonLine }, { weight: 1, arbitrary: line }), fc.constantFrom('none', 'none', 'none', 'flush', 'expired'));

describe('EncodedCriHandler with a parser filter (json) on log', () => {
  it('writes exactly the bytes of the filter\'s records once encoded, with the same errors counted', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.array(jsonStep, { minLength: 1, maxLength: 10 }),
        times,
        keys,
        fc.constantFrom(...JSON_PARSERS),
        fc.boolean(),
        fc.bigInt({ min: 1n, max: 2n ** 62n }),
        fc.constantFrom(0, 40, 2 * 1024 * 1024),
        (made, when, k, definition, reserve, now, bufferLimit) => {
          // The filters' counters: the bytes' side's first, then the objects'.
          const counters: Counters[] = [];
          const filter = () => {
            counters.push(new Counters());
            return parserFilter(definition, reserve, counters[counters.length - 1]);
          };
          const result = compare(
            made.map(([l, then]) => [l(when), then]),
            { keys: k, path: 'p', now, bufferLimit, at: 1, filter },
          );
          if (result === undefined) return;
          runs++;
          expect(result.bytes).toBe(result.expected);
          expect(counters[0]!.snapshot()).toEqual(counters[1]!.snapshot());
        },
      ),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 1000) },
    );
    expect(runs).toBeGreaterThan(200);
  });

  it('has a byte path only for one json parser without decoders, on a plain key, without Preserve_Key', () => {
    expect(parserFilter(JSON_PARSERS[0]!, true).bytePath).toEqual({ kind: 'json-field', key: 'log', reserveData: true, objectPathKeys: ['time'], maxDepth: 64 });
    expect(parserFilter(JSON_PARSERS[1]!, false).bytePath).toEqual({ kind: 'json-field', key: 'log', reserveData: false, objectPathKeys: [], maxDepth: 64 });
    expect(parserFilter({ Format: 'json', Decode_Field: 'json log' }, true).bytePath).toBeUndefined();
    expect(parserFilter({ Format: 'regex', Regex: '(?<a>.*)' }, true).bytePath).toBeUndefined();
    const ctx = { parsers: planSource({ json: JSON_PARSERS[1]! }), counters: new Counters(), log: { warn: () => undefined } } as unknown as FilterContext;
    const make = (o: Record<string, unknown>) => new ParserFilter({ key_name: 'log', parser: ['json'], reserve_data: true, preserve_key: false, ...o } as unknown as ParserOptions, ctx).bytePath;
    expect(make({ preserve_key: true })).toBeUndefined();
    expect(make({ key_name: "$log['a']" })).toBeUndefined();
    expect(make({ parser: ['json', 'json'] })).toBeUndefined();
  });
});
