/**
 * PutLogEvents batching (pure): events of one chunk are split per (log group, log stream), sorted
 * by timestamp (stable: equal timestamps keep their order) and cut into batches that CloudWatch
 * Logs accepts: at most 10,000 events, at most 1,048,576 bytes counting each message's UTF-8 bytes
 * plus 26, and a span under 24 hours between the oldest and the newest event.
 */

import type { StreamName } from './event-table.js';

export const MAX_BATCH_EVENTS = 10_000;
export const MAX_BATCH_BYTES = 1_048_576;
/** Bytes CloudWatch Logs adds to each event's message when it sizes a batch. */
export const EVENT_OVERHEAD_BYTES = 26;
/**
 * Largest message: 256 KiB per event, overhead included (262,118 bytes, Fluent Bit's MAX_EVENT_LEN
 * before 4.2.2, which raised it to 1,000,000 when AWS raised its limit to 1 MiB; the local endpoint
 * keeps the 256 KiB limit). Fluent Bit measures it on the message as escaped in the body.
 */
export const MAX_MESSAGE_BYTES = 262_144 - EVENT_OVERHEAD_BYTES;
/** A batch must span less than this between its oldest and newest timestamps. */
export const MAX_SPAN_MS = 86_400_000;

/** What the batcher reads of a chunk's events (event-table.ts EventTable). */
export interface BatchInput {
  readonly count: number;
  /** Milliseconds since the epoch, per event. */
  readonly timestamp: Float64Array;
  /** UTF-8 bytes of each event's message. */
  readonly bytes: Int32Array;
  /** Each event's index in `streams`; undefined when all go to streams[0]. */
  readonly stream: Int32Array | undefined;
  readonly streams: readonly StreamName[];
}

/** Events `order[start..end)` of a plan, for one log stream. */
export interface CwBatch {
  readonly group: string;
  readonly stream: string;
  readonly start: number;
  readonly end: number;
  /** Sum of message bytes + 26 per event, as CloudWatch Logs counts the batch. */
  readonly bytes: number;
}

/** A chunk's batches: `order` holds event indexes in send order, each batch a range of it. */
export interface BatchPlan {
  readonly order: Int32Array;
  readonly batches: readonly CwBatch[];
}

/** Cuts order[lo..hi) (one stream's events, in send order) into batches within every limit. */
function cutBatches(e: BatchInput, order: Int32Array, lo: number, hi: number, name: StreamName, out: CwBatch[]): void {
  const { group, stream } = name;
  const ts = e.timestamp;
  let start = lo;
  let bytes = 0;
  let oldest = 0;
  let newest = 0;
  for (let k = lo; k < hi; k++) {
    const i = order[k]!;
    const t = ts[i]!;
    const size = e.bytes[i]! + EVENT_OVERHEAD_BYTES;
    if (k > start) {
      const span = Math.max(newest, t) - Math.min(oldest, t);
      if (k - start >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES || span >= MAX_SPAN_MS) {
        out.push({ group, stream, start, end: k, bytes });
        start = k;
        bytes = 0;
      }
    }
    if (k === start) {
      oldest = t;
      newest = t;
    } else {
      if (t < oldest) oldest = t;
      if (t > newest) newest = t;
    }
    bytes += size;
  }
  if (hi > start) out.push({ group, stream, start, end: hi, bytes });
}

/** Stable sort of order[lo..hi) by timestamp (ties keep their index order); skipped when already in order. */
function sortByTime(order: Int32Array, lo: number, hi: number, ts: Float64Array): void {
  for (let k = lo + 1; k < hi; k++) {
    if (ts[order[k]!]! < ts[order[k - 1]!]!) {
      order.subarray(lo, hi).sort((a, b) => ts[a]! - ts[b]! || a - b);
      return;
    }
  }
}

/**
 * A chunk's events as PutLogEvents batches: grouped per (group, stream) in the order of `streams`
 * (the order each stream's first event came), each stream's events sorted by time, then cut at the
 * limits.
 */
export function planBatches(e: BatchInput): BatchPlan {
  const n = e.count;
  const order = new Int32Array(n);
  const ns = e.streams.length;
  // Where each stream's events start in `order` (a counting sort by stream: stable).
  const starts = new Int32Array(ns + 1);
  if (e.stream === undefined) {
    for (let i = 0; i < n; i++) order[i] = i;
    starts.fill(n, 1);
  } else {
    const s = e.stream;
    for (let i = 0; i < n; i++) starts[s[i]! + 1]!++;
    for (let k = 1; k <= ns; k++) starts[k]! += starts[k - 1]!;
    const next = starts.slice(0, ns);
    for (let i = 0; i < n; i++) order[next[s[i]!]!++] = i;
  }
  const batches: CwBatch[] = [];
  for (let k = 0; k < ns; k++) {
    const lo = starts[k]!;
    const hi = starts[k + 1]!;
    if (hi === lo) continue;
    sortByTime(order, lo, hi, e.timestamp);
    cutBatches(e, order, lo, hi, e.streams[k]!, batches);
  }
  return { order, batches };
}
