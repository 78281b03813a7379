/**
 * PutRecordBatch batching (pure, on record sizes): records are sent in order, at most 500 per
 * request and at most 4 MiB of data per request; a record is at most 1,000 KiB (larger ones are
 * dropped before batching). simple_aggregation packs consecutive records into one Firehose record
 * up to that size. The cutting itself is shared with kinesis_streams (../shared/record-batches.ts).
 */
import { aggregateRanges as aggregate, cutBatches } from '../shared/record-batches.js';

export const MAX_BATCH_RECORDS = 500;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Largest record Firehose accepts (1,000 KiB, before base64). */
export const MAX_RECORD_BYTES = 1_024_000;

const LIMITS = { maxRecords: MAX_BATCH_RECORDS, maxBytes: MAX_BATCH_BYTES } as const;

/**
 * Cuts `indexes` (positions of records, in send order) into batches within the record count and
 * byte limits. `sizeOf(i)` is the data size of record i, at most MAX_RECORD_BYTES.
 */
export function cutRecordBatches(indexes: readonly number[], sizeOf: (i: number) => number): number[][] {
  return cutBatches(indexes, sizeOf, LIMITS);
}

/** simple_aggregation ranges of at most `limit` bytes (see ../shared/record-batches.ts). */
export function aggregateRanges(sizes: readonly number[], limit = MAX_RECORD_BYTES): [number, number][] {
  return aggregate(sizes, limit);
}
