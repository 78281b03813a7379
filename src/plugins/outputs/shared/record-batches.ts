import type { ByteWriter } from './record-bytes.js';

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
 * The data of a chunk's service records (Firehose or Kinesis records), without a Buffer per
 * record: record i is bytes [starts[i], ends[i]) of `bytes`, followed by a newline when `newline`
 * is set. Either the chunk's own bytes (each record's JSON text in place; the chunk does not hold
 * the newline after it) or data written one record after another (starts[i + 1] === ends[i]),
 * which simple_aggregation joins by taking a run's first start and last end.
 */
export class RecordDatas {
  constructor(
    readonly bytes: Buffer,
    readonly starts: Uint32Array,
    readonly ends: Uint32Array,
    readonly newline = false,
  ) {}

  /** Records from separate buffers (copied into one). */
  static of(parts: readonly Uint8Array[]): RecordDatas {
    const bounds = new Uint32Array(parts.length + 1);
    for (let i = 0; i < parts.length; i++) bounds[i + 1] = bounds[i]! + parts[i]!.length;
    const bytes = Buffer.allocUnsafeSlow(bounds[parts.length]!);
    for (let i = 0; i < parts.length; i++) bytes.set(parts[i]!, bounds[i]!);
    return RecordDatas.contiguous(bytes, bounds);
  }

  /** Records written one after another: record i is [bounds[i], bounds[i + 1]). */
  static contiguous(bytes: Buffer, bounds: Uint32Array): RecordDatas {
    return new RecordDatas(bytes, bounds.subarray(0, bounds.length - 1), bounds.subarray(1));
  }

  get count(): number {
    return this.starts.length;
  }

  size(i: number): number {
    return this.ends[i]! - this.starts[i]! + (this.newline ? 1 : 0);
  }

  /** Record i's bytes (a view, or a copy with its newline). */
  data(i: number): Buffer {
    const bytes = this.bytes.subarray(this.starts[i], this.ends[i]);
    return this.newline ? Buffer.concat([bytes, NEWLINE]) : bytes;
  }

  /** Record i in base64, written into `w`. */
  base64(i: number, w: ByteWriter): void {
    if (this.newline) w.base64Line(this.bytes, this.starts[i]!, this.ends[i]!);
    else w.base64(this.bytes, this.starts[i]!, this.ends[i]!);
  }
}

const NEWLINE = Buffer.from('\n');

/**
 * simple_aggregation applied to the records of a chunk: each run of consecutive records within
 * `limit` bytes becomes one service record, and `events` says how many log events each carries
 * (deliveries and drops are counted in log events).
 */
export function aggregateRecords(datas: RecordDatas, limit: number): { records: RecordDatas; events: Uint32Array } {
  if (datas.newline) throw new Error('aggregateRecords: records must be written one after another');
  const sizes = Array.from({ length: datas.count }, (_, i) => datas.size(i));
  const ranges = aggregateRanges(sizes, limit);
  const starts = new Uint32Array(ranges.length);
  const ends = new Uint32Array(ranges.length);
  const events = new Uint32Array(ranges.length);
  for (let i = 0; i < ranges.length; i++) {
    const [start, end] = ranges[i]!;
    starts[i] = datas.starts[start]!;
    ends[i] = datas.ends[end - 1]!;
    events[i] = end - start;
  }
  return { records: new RecordDatas(datas.bytes, starts, ends), events };
}

/** Each record compressed on its own (Fluent Bit's per-record compression), written through `w`. */
export function compressRecords(datas: RecordDatas, compress: (data: Buffer) => Buffer, w: ByteWriter): RecordDatas {
  const bounds = new Uint32Array(datas.count + 1);
  bounds[0] = w.pos;
  for (let i = 0; i < datas.count; i++) {
    const packed = compress(datas.data(i));
    w.copy(packed, 0, packed.length);
    bounds[i + 1] = w.pos;
  }
  return RecordDatas.contiguous(w.take(), bounds);
}
