import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_RECORD_BYTES, cutPutRecordsBatches } from '../../../../src/plugins/outputs/kinesis_streams/batcher.js';
import { tagHash, timeHash } from '../../../../src/plugins/outputs/kinesis_streams/partition-key.js';

// Record sizes (data plus partition key): mostly small, some up to the 1 MiB a record may have.
const sizesArb = fc.array(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: MAX_RECORD_BYTES })), { maxLength: 1500 });

describe('kinesis_streams batcher', () => {
  it('keeps PutRecords batches within 500 records and 5 MiB, in order, nothing lost, for any subset of records', () => {
    fc.assert(
      fc.property(sizesArb, fc.func(fc.boolean()), (sizes, keep) => {
        const pending = sizes.map((_, i) => i).filter((i) => keep(i));
        const batches = cutPutRecordsBatches(pending, (i) => sizes[i]!);
        for (const b of batches) {
          expect(b.length).toBeGreaterThan(0);
          expect(b.length).toBeLessThanOrEqual(MAX_BATCH_RECORDS);
          expect(b.reduce((n, i) => n + sizes[i]!, 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
        }
        expect(batches.flat()).toEqual(pending);
        // Each cut was needed: the next record would not have fit into the batch before it.
        for (let j = 1; j < batches.length; j++) {
          const prev = batches[j - 1]!;
          const bytes = prev.reduce((n, i) => n + sizes[i]!, 0);
          expect(prev.length === MAX_BATCH_RECORDS || bytes + sizes[batches[j]![0]!]! > MAX_BATCH_BYTES).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('cuts at exactly 500 records and at exactly 5 MiB', () => {
    const idx = Array.from({ length: 1201 }, (_, i) => i);
    expect(cutPutRecordsBatches(idx, () => 10).map((b) => b.length)).toEqual([500, 500, 201]);
    expect(cutPutRecordsBatches([0, 1, 2, 3, 4, 5], () => MAX_RECORD_BYTES).map((b) => b.length)).toEqual([5, 1]);
  });
});

describe('kinesis_streams random partition keys', () => {
  it('hash the tag and the time as Fluent Bit does (djb2 and 5381 * sec * nsec in unsigned 64 bits, modulo 7919)', () => {
    // djb2('app') = ((5381 * 33 + 97) * 33 + 112) * 33 + 112 = 193486438
    expect(tagHash('app')).toBe(193486438 % 7919);
    expect(tagHash('')).toBe(5381 % 7919);
    expect(timeHash(2n, 3n)).toBe((5381 * 6) % 7919);
    const sec = 1_700_000_000n;
    const nsec = 999_999_999n;
    expect(timeHash(sec, nsec)).toBe(Number(((5381n * sec * nsec) % (1n << 64n)) % 7919n));
  });
});
