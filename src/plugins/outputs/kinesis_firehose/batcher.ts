/**
 * PutRecordBatch batching (pure, on record sizes): records are sent in order, at most 500 per
 * request and at most 4 MiB of data per request; a record is at most 1,000 KiB (larger ones are
 * dropped before batching). simple_aggregation packs consecutive records into one Firehose record
 * up to that size.
 */

export const MAX_BATCH_RECORDS = 500;
export const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Largest record Firehose accepts (1,000 KiB, before base64). */
export const MAX_RECORD_BYTES = 1_024_000;

/**
 * Cuts `indexes` (positions of records, in send order) into batches within the record count and
 * byte limits. `sizeOf(i)` is the data size of record i, at most MAX_RECORD_BYTES.
 */
export function cutRecordBatches(indexes: readonly number[], sizeOf: (i: number) => number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of indexes) {
    const size = sizeOf(i);
    if (current.length > 0 && (current.length >= MAX_BATCH_RECORDS || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(i);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * simple_aggregation: groups consecutive records (by their sizes) so that each group's total is
 * at most `limit`; returns the [start, end) ranges. A record alone is never over the limit here.
 */
export function aggregateRanges(sizes: readonly number[], limit = MAX_RECORD_BYTES): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    if (i > start && bytes + size > limit) {
      ranges.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (sizes.length > start) ranges.push([start, sizes.length]);
  return ranges;
}
