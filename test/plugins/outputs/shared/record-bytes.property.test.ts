/**
 * The AWS outputs build their request bodies from the chunk's encoded records, without decoding
 * them. These properties compare what they build with what the outputs built before from the
 * decoded records (the reference functions below are the old code), and check the limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodedRecords } from '../../../../src/record/encoded.js';
import type { LogEvent, LogRecord } from '../../../../src/record/event.js';
import { EVENT_OVERHEAD_BYTES, MAX_MESSAGE_BYTES } from '../../../../src/plugins/outputs/cloudwatch_logs/batcher.js';
import { MessageReader, messageSlot } from '../../../../src/plugins/outputs/cloudwatch_logs/messages.js';
import { putRecordBatchBody, putRecordsBody } from '../../../../src/plugins/outputs/shared/record-batch-body.js';
import { aggregateRecords, type RecordDatas } from '../../../../src/plugins/outputs/shared/record-batches.js';
import { ByteWriter, RecordCursor, escapedCut, keyBytes, literalCut, topLevelValue, unescapedByteLength } from '../../../../src/plugins/outputs/shared/record-bytes.js';
import { RecordLines, recordJson, valueText } from '../../../../src/plugins/outputs/shared/record-json.js';
import { formatTimeKey } from '../../../../src/plugins/outputs/shared/time-key.js';
import { bodyOf, type TestEvent } from '../cloudwatch_logs/body-events.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 150);

// Text with what JSON escapes (quotes, backslashes, control characters, lone surrogates), what it
// does not (U+2028, non-ASCII, astral characters) and JSON punctuation.
const unit = fc.oneof(
  fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00', '😀', 'é', '{', '}', ':', ',', '[', ']'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit, maxLength: 24 });
/** Keys that often collide with log_key, prefix it, or hold quotes. */
const key = fc.oneof(fc.constantFrom('log', 'lo', 'log2', 'message', '"log"', 'lög', 'a'), text);
const value = fc.oneof(
  text,
  fc.string({ unit, minLength: 200, maxLength: 2000 }),
  fc.constantFrom('', '{}', '[]', 0, -0.5, 1e21, true, null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(key, text, { maxKeys: 3 }),
);
const record: fc.Arbitrary<LogRecord> = fc.dictionary(key, value, { maxKeys: 6 });
const event: fc.Arbitrary<LogEvent> = fc.record({ time: fc.bigInt({ min: 0n, max: 4_102_444_800_999_999_999n }), record });
const events = fc.array(event, { maxLength: 12 });
const logKey = fc.option(fc.constantFrom('log', 'message', '"log"', 'lög'), { nil: undefined });

/** The old kinesis_firehose / kinesis_streams record data, from the decoded record (record-json.ts recordLine). */
function oldRecordLine(e: LogEvent, o: { log_key?: string | undefined; time_key?: string | undefined; time_key_format: string }): string | undefined {
  let json: string;
  if (o.log_key !== undefined) {
    if (!Object.hasOwn(e.record, o.log_key)) return undefined;
    json = valueText(e.record[o.log_key]);
  } else {
    json = recordJson(e.record);
  }
  // The old code also took a log_key string "{}" for an empty map; Fluent Bit (and now logferry) sends it.
  const isString = o.log_key !== undefined && typeof e.record[o.log_key] === 'string';
  if (json === '' || (json === '{}' && !isString)) return '';
  if (o.time_key !== undefined && json.endsWith('}')) {
    json = `${json.slice(0, -1)},${JSON.stringify(o.time_key)}:${JSON.stringify(formatTimeKey(o.time_key_format, e.time))}}`;
  }
  return `${json}\n`;
}

/** The old cloudwatch_logs message of a decoded record: '' and '{}' are empty, undefined without log_key. */
function oldMessage(e: LogEvent, logKeyName: string | undefined): string | undefined {
  if (logKeyName === undefined) return recordJson(e.record);
  if (!Object.hasOwn(e.record, logKeyName)) return undefined;
  return valueText(e.record[logKeyName]);
}

/** Text as it reads back from UTF-8 (a lone surrogate becomes U+FFFD, as Buffer.from writes it). */
const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');
const datasOf = (d: RecordDatas): string[] => Array.from({ length: d.count }, (_, i) => d.data(i).toString('utf8'));
const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('reading encoded records in place', () => {
  it('topLevelValue finds exactly the value of a top-level key, whatever the other keys and values hold', () => {
    fc.assert(
      fc.property(record, key, (r, k) => {
        const records = EncodedRecords.from([{ time: 1n, record: r }]);
        const c = new RecordCursor(records).at(0);
        const found = topLevelValue(c.bytes, c.from, c.to, keyBytes(k));
        if (!Object.hasOwn(r, k)) expect(found).toBeUndefined();
        else expect(JSON.parse(c.bytes.toString('utf8', found![0], found![1]))).toEqual(JSON.parse(JSON.stringify(r[k])));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('RecordCursor reads the time in ms as Number(time / 1_000_000n), and the record JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ time: fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), record }), { maxLength: 5 }), (list) => {
        const records = EncodedRecords.from(list);
        const c = new RecordCursor(records);
        list.forEach((e, i) => {
          expect(c.timeMs(i)).toBe(Number(e.time / 1_000_000n));
          c.at(i);
          expect(c.ms()).toBe(Number(e.time / 1_000_000n));
          expect(c.bytes.toString('utf8', c.from, c.to)).toBe(JSON.stringify(e.record));
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('unescapedByteLength is the UTF-8 size of the string a literal stands for', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), (s) => {
        const lit = Buffer.from(JSON.stringify(s));
        expect(unescapedByteLength(lit, 1, lit.length - 1)).toBe(Buffer.byteLength(s));
      }),
      { numRuns: RUNS },
    );
  });

  it('ByteWriter.int writes any integer as String() does, base64/base64Line as Node encodes the bytes', () => {
    const w = new ByteWriter(4);
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 1e9 }), fc.maxSafeInteger(), fc.integer({ min: 1.7e12, max: 1.9e12 }), fc.double()), (n) => {
        w.int(n);
        expect(w.take().toString('latin1')).toBe(String(n));
      }),
      { numRuns: RUNS * 4 },
    );
    fc.assert(
      // Up to 400 bytes: short ranges are encoded by the writer's own loop, long ones by Node.
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(3), (data, skip) => {
        const src = Buffer.concat([Buffer.alloc(skip), data]);
        w.base64(src, skip, src.length);
        w.base64Line(src, skip, src.length);
        expect(w.take().toString('latin1')).toBe(Buffer.from(data).toString('base64') + Buffer.concat([data, Buffer.from('\n')]).toString('base64'));
      }),
      { numRuns: RUNS },
    );
  });

  it('ByteWriter.escapedJson escapes any JSON text as JSON.stringify does inside a string, short (byte by byte) or long (run by run)', () => {
    const w = new ByteWriter(8);
    // Long runs of plain text (as in a 1 KiB log line) and texts dense with quotes and backslashes.
    const long = fc.tuple(fc.string({ unit, maxLength: 8 }), fc.integer({ min: 1, max: 400 }), fc.string({ unit, maxLength: 40 })).map(([a, n, b]) => a + 'x'.repeat(n) + b + a);
    const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.array(long, { maxLength: 6 }), fc.string({ unit, maxLength: 600 })).map((v) => JSON.stringify(v) ?? 'null');
    fc.assert(
      fc.property(json, fc.nat(5), (jsonText, pad) => {
        const src = Buffer.concat([Buffer.alloc(pad, 34), Buffer.from(jsonText, 'utf8'), Buffer.alloc(pad, 92)]);
        w.ascii('<');
        w.escapedJson(src, pad, src.length - pad);
        w.ascii('>');
        expect(w.written().toString('utf8')).toBe(`<${JSON.stringify(jsonText).slice(1, -1)}>`);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('literalCut and escapedCut keep the longest start within the limit, never inside an escape or a character', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), fc.integer({ min: 0, max: 80 }), (s, limit) => {
        const lit = Buffer.from(JSON.stringify(s));
        const end = literalCut(lit, 1, lit.length - 1, limit);
        expect(end - 1).toBeLessThanOrEqual(Math.max(limit, 0));
        const kept = JSON.parse(`"${lit.toString('utf8', 1, end)}"`) as string;
        expect(s.startsWith(kept)).toBe(true);
        // Maximal: the next escape (6 bytes at most) or character (4 bytes) did not fit.
        if (end < lit.length - 1) expect(end - 1).toBeGreaterThan(limit - 6);

        const json = Buffer.from(JSON.stringify({ s }));
        const cut = escapedCut(json, 0, json.length, limit);
        const prefix = json.toString('utf8', 0, cut);
        expect(Buffer.from(prefix, 'utf8').equals(json.subarray(0, cut))).toBe(true); // whole characters
        expect(Buffer.byteLength(JSON.stringify(prefix)) - 2).toBeLessThanOrEqual(limit);
        if (cut < json.length) expect(Buffer.byteLength(JSON.stringify(prefix)) - 2).toBeGreaterThan(limit - 5);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('firehose and kinesis_streams record data and bodies from bytes', () => {
  const w = new ByteWriter(16);
  const options = fc.oneof(
    logKey.map((k) => ({ log_key: k, time_key: undefined, time_key_format: '%Y-%m-%dT%H:%M:%S' })),
    fc.record({ log_key: fc.constant(undefined), time_key: fc.constantFrom('time', 'ts"', 'é'), time_key_format: fc.constantFrom('%Y-%m-%dT%H:%M:%S', '%s.%3N', '%L "%Y"') }),
  );

  it('each record is the data the outputs wrote from the decoded record, in place or written, left out as before', () => {
    fc.assert(
      fc.property(events, options, fc.boolean(), fc.integer({ min: 8, max: 400 }), (list, o, inPlace, maxBytes) => {
        const records = EncodedRecords.from(list);
        const out = new RecordLines(o).datas(records, w, maxBytes, inPlace);
        const old = list.map((e) => oldRecordLine(e, o));
        const kept = old.filter((d): d is string => d !== undefined && d !== '' && Buffer.byteLength(d) <= maxBytes);
        expect(datasOf(out.datas)).toEqual(kept.map(utf8));
        expect(out.missing).toBe(old.filter((d) => d === undefined).length);
        expect(out.empty).toBe(old.filter((d) => d === '').length);
        expect(out.tooLarge).toBe(old.filter((d) => d !== undefined && d !== '' && Buffer.byteLength(d) > maxBytes).length);
        for (let i = 0; i < out.datas.count; i++) expect(out.datas.size(i)).toBe(Buffer.byteLength(kept[i]!));
      }),
      { numRuns: RUNS },
    );
  });

  it('PutRecordBatch and PutRecords bodies are JSON-equal to the old bodies of the decoded records; aggregation joins neighbours within the limit', () => {
    fc.assert(
      fc.property(events, options, fc.boolean(), fc.integer({ min: 1, max: 600 }), (list, o, inPlace, limit) => {
        const records = EncodedRecords.from(list);
        const { datas } = new RecordLines(o).datas(records, w, 1_024_000, inPlace);
        const old = list.map((e) => oldRecordLine(e, o)).filter((d): d is string => d !== undefined && d !== '');
        const b64 = (d: string) => Buffer.from(d, 'utf8').toString('base64');
        const fh = JSON.parse(putRecordBatchBody('stream"é', datas, all(datas.count), w).toString('utf8'));
        expect(fh).toEqual(JSON.parse(JSON.stringify({ DeliveryStreamName: 'stream"é', Records: old.map((d) => ({ Data: b64(d) })) })));
        const keys = old.map((_, i) => `k${i}"`);
        const ks = JSON.parse(putRecordsBody('s', datas, keys, all(datas.count), w).toString('utf8'));
        expect(ks).toEqual(JSON.parse(JSON.stringify({ Records: old.map((d, i) => ({ Data: b64(d), PartitionKey: keys[i] })), StreamName: 's' })));
        if (!inPlace && old.length > 0) {
          const { records: packed, events: n } = aggregateRecords(datas, limit);
          expect(datasOf(packed).join('')).toBe(utf8(old.join('')));
          expect(n.reduce((a, b) => a + b, 0)).toBe(old.length);
          for (let i = 0; i < packed.count; i++) if (n[i]! > 1) expect(packed.size(i)).toBeLessThanOrEqual(limit);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('cloudwatch_logs messages and bodies from bytes', () => {
  const w = new ByteWriter(16);

  it('each message is the old message of the decoded record; the body is JSON-equal to the old body', () => {
    fc.assert(
      fc.property(events, logKey, (list, k) => {
        const records = EncodedRecords.from(list);
        const reader = new MessageReader(k);
        const c = new RecordCursor(records);
        const body: TestEvent[] = [];
        const expected: { timestamp: number; message: string }[] = [];
        list.forEach((e, i) => {
          c.at(i);
          const slot = messageSlot();
          const outcome = reader.read(c.bytes, c.from, c.to, slot);
          const old = oldMessage(e, k);
          if (old === undefined) return expect(outcome).toBe('missing');
          const isString = k !== undefined && typeof e.record[k] === 'string';
          if (old === '' || (old === '{}' && !isString)) return expect(outcome).toBe('empty');
          expect(outcome).toBe('found');
          expect(slot.truncated).toBe(false);
          expect(slot.bytes).toBe(Buffer.byteLength(old));
          body.push({ timestamp: c.timeMs(i), src: slot.src, from: slot.from, to: slot.to, literal: slot.literal });
          expected.push({ timestamp: Number(e.time / 1_000_000n), message: old });
        });
        const ours = JSON.parse(bodyOf('g', 's"', body, w).toString('utf8'));
        expect(ours).toEqual(JSON.parse(JSON.stringify({ logGroupName: 'g', logStreamName: 's"', logEvents: expected })));
      }),
      { numRuns: RUNS },
    );
  });

  it('a message over 256 KiB is cut to 262,118 bytes as escaped in the body, a start of the old message, within the event limit', () => {
    fc.assert(
      fc.property(fc.string({ unit, minLength: 1, maxLength: 8 }), fc.integer({ min: 262_200, max: 270_000 }), logKey, (piece, size, k) => {
        const big = piece.repeat(Math.ceil(size / piece.length));
        const e: LogEvent = { time: 1n, record: { log: big, message: big, '"log"': big, lög: big, n: 1 } };
        const records = EncodedRecords.from([e]);
        const c = new RecordCursor(records).at(0);
        const slot = messageSlot();
        expect(new MessageReader(k).read(c.bytes, c.from, c.to, slot)).toBe('found');
        const lit = slot.src.toString('utf8', slot.from, slot.to);
        const message = slot.literal ? (JSON.parse(`"${lit}"`) as string) : lit;
        const escaped = Buffer.byteLength(JSON.stringify(message)) - 2;
        expect(escaped).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        expect(escaped).toBeGreaterThan(MAX_MESSAGE_BYTES - 12);
        expect(slot.bytes).toBe(Buffer.byteLength(message));
        expect(slot.bytes + EVENT_OVERHEAD_BYTES).toBeLessThanOrEqual(262_144);
        expect(oldMessage(e, k)!.startsWith(message)).toBe(true);
        expect(slot.truncated).toBe(true);
      }),
      { numRuns: Math.max(10, RUNS / 10) },
    );
  });
});
