/**
 * out_s3's upload text is written from the chunk's encoded records. It must be what the output
 * wrote from the decoded records (the events path, kept for batches made in-process), byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkLines, firstLogTime } from '../../../../src/plugins/outputs/s3/lines.js';
import { ChunkBatch } from '../../../../src/record/batch.js';
import { EncodedRecords } from '../../../../src/record/encoded.js';
import type { EventBatch, LogEvent, LogRecord } from '../../../../src/record/event.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 150);

const unit = fc.oneof(
  fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', '\ud800', '😀', 'é', '{', '}', ':', ','),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit, maxLength: 16 });
const key = fc.oneof(fc.constantFrom('log', 'lo', 'log2', '"log"', 'lög'), text);
const value = fc.oneof(text, fc.constantFrom('', '{}', 0, -0.5, 1e21, true, null), fc.jsonValue({ maxDepth: 3 }), fc.dictionary(key, text, { maxKeys: 3 }));
const record: fc.Arbitrary<LogRecord> = fc.dictionary(key, value, { maxKeys: 5 });
const event: fc.Arbitrary<LogEvent> = fc.record({ time: fc.bigInt({ min: 0n, max: 4_102_444_800_999_999_999n }), record });
const options = fc.record({
  dateKey: fc.option(fc.constantFrom('date', 'ts', '"d"'), { nil: undefined }),
  dateFormat: fc.constantFrom('double' as const, 'iso8601' as const, 'epoch' as const, 'java_sql_timestamp' as const),
});
const logKey = fc.option(fc.constantFrom('log', '"log"', 'lög'), { nil: undefined });

describe('out_s3 lines from encoded records', () => {
  it('are the bytes the decoded records give, with the same records left out for a missing log_key', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 10 }), logKey, options, (events, k, json) => {
        const decoded: EventBatch = { tag: 't', events };
        const encoded = new ChunkBatch('t', EncodedRecords.from(events));
        const a = chunkLines(encoded, k, json);
        const b = chunkLines(decoded, k, json);
        expect(a.data.toString('hex')).toBe(b.data.toString('hex'));
        expect(a.missing).toBe(b.missing);
        expect(a.missing).toBe(k === undefined ? 0 : events.filter((e) => !Object.hasOwn(e.record, k)).length);
        expect(firstLogTime(encoded)).toBe(firstLogTime(decoded));
      }),
      { numRuns: RUNS },
    );
  });
});
