import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_RECORD_BYTES, aggregateRanges, cutRecordBatches } from '../../../../src/plugins/outputs/kinesis_firehose/batcher.js';

const sizesArb = fc.array(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: MAX_RECORD_BYTES })), { maxLength: 1500 });

describe('kinesis_firehose batcher', () => {
  it('keeps batches within 500 records and 4 MiB, in order, nothing lost, for any subset of records', () => {
    fc.assert(
      fc.property(sizesArb, fc.func(fc.boolean()), (sizes, keep) => {
        const pending = sizes.map((_, i) => i).filter((i) => keep(i));
        const batches = cutRecordBatches(pending, (i) => sizes[i]!);
        for (const b of batches) {
          expect(b.length).toBeGreaterThan(0);
          expect(b.length).toBeLessThanOrEqual(MAX_BATCH_RECORDS);
          expect(b.reduce((n, i) => n + sizes[i]!, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
        }
        expect(batches.flat()).toEqual(pending);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts at exactly 500 records', () => {
    const idx = Array.from({ length: 1201 }, (_, i) => i);
    expect(cutRecordBatches(idx, () => 10).map((b) => b.length)).toEqual([500, 500, 201]);
  });

  it('aggregates consecutive records into ranges of at most 1,000 KiB, covering all records in order', () => {
    fc.assert(
      fc.property(sizesArb, (sizes) => {
        const ranges = aggregateRanges(sizes);
        let next = 0;
        for (const [start, end] of ranges) {
          expect(start).toBe(next);
          expect(end).toBeGreaterThan(start);
          expect(sizes.slice(start, end).reduce((n, s) => n + s, 0)).toBeLessThanOrEqual(MAX_RECORD_BYTES);
          next = end;
        }
        expect(next).toBe(sizes.length);
      }),
    );
  });
});
