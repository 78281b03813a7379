/**
 * The kinesis (Go plugin) records are written from the chunk's encoded records: keys sorted, Go's
 * escapes, time_key, data_keys, replace_dots, log_key and the partition key read from the bytes.
 * They must be the bytes the decoded-record path (goJson, kept for in-process batches) writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goJson, goKeyOrder } from '../../../../src/plugins/outputs/kinesis/go-json.js';
import { goEncoder, goStrftime, partitionKeyOf, type GoKinesisOptions } from '../../../../src/plugins/outputs/kinesis/go-records.js';
import { ByteWriter } from '../../../../src/plugins/outputs/shared/record-bytes.js';
import { ChunkBatch } from '../../../../src/record/batch.js';
import { EncodedRecords } from '../../../../src/record/encoded.js';
import type { LogEvent, LogRecord } from '../../../../src/record/event.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 150);

// What Go and JSON.stringify escape differently (<>&, U+2028/9, \b, \f, lone surrogates), escapes
// both write, characters that sort differently in UTF-16 and UTF-8 (U+FF61 against an emoji).
const unit = fc.oneof(
  fc.constantFrom('<', '>', '&', '\u2028', '\u2029', '\b', '\f', '\n', '\u0001', '"', '\\', '\ud800', '\udfff', '😀', '\uff61', 'é', '.', '{', ':'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit, maxLength: 12 });
const key = fc.oneof(fc.constantFrom('log', 'a.b', 'a_b', 'time', 'k8s', 'kubernetes', 'pod', 'b', 'a'), text);
const leaf = fc.oneof(text, fc.constantFrom('', 0, -1.5, 1e21, 5e-7, true, false, null, 2 ** 53));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof({ maxDepth: 3 }, leaf, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;
const record: fc.Arbitrary<LogRecord> = fc.dictionary(key, value, { maxKeys: 6 });
const event: fc.Arbitrary<LogEvent> = fc.record({ time: fc.bigInt({ min: 0n, max: 4_102_444_800_999_999_999n }), record });
const options = fc.record({
  partition_key: fc.option(fc.constantFrom('pod', 'kubernetes->pod', 'time', 'a.b', 'log'), { nil: undefined }),
  data_keys: fc.option(fc.constantFrom('log', 'log,time', 'a.b,pod, b'), { nil: undefined }),
  log_key: fc.option(fc.constantFrom('log', 'a_b', 'kubernetes'), { nil: undefined }),
  time_key: fc.option(fc.constantFrom('time', 'ts', ''), { nil: undefined }),
  time_key_format: fc.constantFrom('%Y-%m-%dT%H:%M:%S', '%s.%L', '%f'),
  replace_dots: fc.option(fc.constantFrom('_', '', '..'), { nil: undefined }),
  append_newline: fc.boolean(),
  compression: fc.constantFrom(undefined, 'gzip' as const, 'zlib' as const),
});

function encode(o: object, batch: ChunkBatch | { tag: string; events: LogEvent[] }) {
  const drops: [string, number][] = [];
  const warnings: string[] = [];
  const out = goEncoder({ stream: 's', region: 'r', ...o } as unknown as GoKinesisOptions, (m) => warnings.push(m))(batch, new ByteWriter(64), (r, n) => drops.push([r, n]));
  const datas = Array.from({ length: out.datas.count }, (_, i) => out.datas.data(i).toString('hex'));
  return { datas, partitionKeys: out.partitionKeys, drops, warnings };
}

describe('kinesis (Go plugin) records from encoded records', () => {
  it('are the bytes and partition keys the decoded records give, with the same records dropped', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), options, (events, o) => {
        const fromBytes = encode(o, new ChunkBatch('t', EncodedRecords.from(events)));
        const fromEvents = encode(o, { tag: 't', events });
        expect(fromBytes.datas).toEqual(fromEvents.datas);
        expect(fromBytes.drops).toEqual(fromEvents.drops);
        expect(fromBytes.warnings).toEqual(fromEvents.warnings);
        // A record without its partition key gets a random one of 8 characters.
        const path = o.partition_key?.split('->');
        const withTime = (e: LogEvent) => (o.time_key ? { ...e.record, [o.time_key]: goStrftime(o.time_key_format, e.time) } : e.record);
        const sent = (r: LogRecord) => replaced(o.data_keys ? Object.fromEntries(Object.entries(r).filter(([k]) => o.data_keys!.trim().split(',').includes(k))) : r, o.replace_dots || undefined);
        const kept = o.log_key === undefined ? events : events.filter((e) => Object.hasOwn(sent(withTime(e)), o.log_key!));
        expect(fromBytes.partitionKeys).toHaveLength(kept.length);
        kept.forEach((e, i) => {
          const expected = path ? partitionKeyOf(withTime(e), path) : undefined;
          if (expected !== undefined) expect(fromBytes.partitionKeys[i]).toBe(expected);
          else expect(fromBytes.partitionKeys[i]).toMatch(/^[a-zA-Z0-9]{8}$/);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("goJson writes Go's escapes and sorts keys by their UTF-8 bytes", () => {
    expect(goJson({ '\uff61': 1, '😀': 2, b: '<\b\f&\u2028>', a: '\ud800' })).toBe('{"a":"\\ufffd","b":"\\u003c\\u0008\\u000c\\u0026\\u2028\\u003e","\uff61":1,"😀":2}');
    expect(goKeyOrder('\uff61', '😀')).toBeLessThan(0);
    expect(goKeyOrder('a', 'b')).toBeLessThan(0);
  });
});

/** Only the top-level keys matter for log_key. */
function replaced(record: LogRecord, dots: string | undefined): LogRecord {
  if (dots === undefined) return record;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.replaceAll('.', dots), v]));
}
