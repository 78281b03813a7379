/**
 * Batching for the AWS record APIs (Firehose PutRecordBatch, Kinesis PutRecords), pure, on record
 * sizes: records go in order, each request within a record count and a byte limit.
 */

/** The most records and bytes one request may carry. */
export interface BatchLimits {
  readonly maxRecords: number;
  readonly maxBytes: number;
}

/**
 * Cuts `indexes` (positions of records, in send order) into batches within `limits`. `sizeOf(i)`
 * is what record i counts towards the byte limit, at most `limits.maxBytes`.
 */
export function cutBatches(indexes: readonly number[], sizeOf: (i: number) => number, limits: BatchLimits): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const i of indexes) {
    const size = sizeOf(i);
    if (current.length > 0 && (current.length >= limits.maxRecords || bytes + size > limits.maxBytes)) {
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
export function aggregateRanges(sizes: readonly number[], limit: number): [number, number][] {
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

/**
 * simple_aggregation applied to the records of a chunk: each run of consecutive records within
 * `limit` bytes becomes one service record, and `events` says how many log events each carries
 * (deliveries and drops are counted in log events).
 */
export function aggregateRecords(datas: readonly Buffer[], limit: number): { records: Buffer[]; events: Uint32Array } {
  const ranges = aggregateRanges(datas.map((d) => d.length), limit);
  const records = ranges.map(([start, end]) => (end - start === 1 ? datas[start]! : Buffer.concat(datas.slice(start, end))));
  const events = new Uint32Array(ranges.length);
  for (let i = 0; i < ranges.length; i++) events[i] = ranges[i]![1] - ranges[i]![0];
  return { records, events };
}
