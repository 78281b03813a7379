/**
 * PutRecords batching (pure, on record sizes): records go in order, at most 500 per request and
 * at most 5 MiB per request counting each record's data and partition key, as Kinesis Data
 * Streams limits them; one record (data and partition key) is at most 1 MiB.
 */
import { cutBatches } from '../shared/record-batches.js';

export const MAX_BATCH_RECORDS = 500;
/** Data plus partition keys of one PutRecords request. */
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;
/** Data plus partition key of one record. */
export const MAX_RECORD_BYTES = 1024 * 1024;
/**
 * Fluent Bit's MAX_EVENT_SIZE: the most data it puts in one record, 1 MiB less 20 bytes kept for
 * its partition key; a record whose text (newline included) reaches it is discarded.
 */
export const MAX_EVENT_BYTES = 1_048_556;

const LIMITS = { maxRecords: MAX_BATCH_RECORDS, maxBytes: MAX_BATCH_BYTES } as const;

/**
 * Cuts `indexes` (positions of records, in send order) into PutRecords batches. `sizeOf(i)` is
 * record i's data plus partition key in bytes, at most MAX_RECORD_BYTES.
 */
export function cutPutRecordsBatches(indexes: readonly number[], sizeOf: (i: number) => number): number[][] {
  return cutBatches(indexes, sizeOf, LIMITS);
}
