/**
 * PutLogEvents batching (pure): events of one chunk are split per (log group, log stream), sorted
 * by timestamp (stable: equal timestamps keep their order) and cut into batches that CloudWatch
 * Logs accepts: at most 10,000 events, at most 1,048,576 bytes counting each message's UTF-8 bytes
 * plus 26, and a span under 24 hours between the oldest and the newest event.
 */

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

export interface CwEvent {
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** UTF-8 bytes of the message. */
  readonly bytes: number;
}

/** An event with its destination (log group and stream) and its position in the chunk. */
export interface RoutedEvent extends CwEvent {
  readonly group: string;
  readonly stream: string;
}

export interface CwBatch<E extends CwEvent = CwEvent> {
  readonly group: string;
  readonly stream: string;
  readonly events: readonly E[];
  /** Sum of message bytes + 26 per event, as CloudWatch Logs counts the batch. */
  readonly bytes: number;
}

/** Cuts one stream's events (already in send order) into batches within every limit. */
export function cutBatches<E extends CwEvent>(group: string, stream: string, events: readonly E[]): CwBatch<E>[] {
  const batches: CwBatch<E>[] = [];
  let current: E[] = [];
  let bytes = 0;
  let oldest = 0;
  let newest = 0;
  for (const e of events) {
    const size = e.bytes + EVENT_OVERHEAD_BYTES;
    if (current.length > 0) {
      const lo = Math.min(oldest, e.timestamp);
      const hi = Math.max(newest, e.timestamp);
      if (current.length >= MAX_BATCH_EVENTS || bytes + size > MAX_BATCH_BYTES || hi - lo >= MAX_SPAN_MS) {
        batches.push({ group, stream, events: current, bytes });
        current = [];
        bytes = 0;
      }
    }
    if (current.length === 0) {
      oldest = e.timestamp;
      newest = e.timestamp;
    } else {
      if (e.timestamp < oldest) oldest = e.timestamp;
      if (e.timestamp > newest) newest = e.timestamp;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) batches.push({ group, stream, events: current, bytes });
  return batches;
}

/** Stable sort by timestamp (Array.prototype.sort is stable); skipped when already in order. */
export function sortByTime<E extends CwEvent>(events: E[]): E[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) return events.sort((a, b) => a.timestamp - b.timestamp);
  }
  return events;
}

/**
 * A chunk's events as PutLogEvents batches: grouped per (group, stream) in the order each stream
 * first appears, each stream's events sorted by time, then cut at the limits.
 */
export function planBatches<E extends RoutedEvent>(events: readonly E[]): CwBatch<E>[] {
  const streams = new Map<string, { group: string; stream: string; events: E[] }>();
  let last: { group: string; stream: string; events: E[] } | undefined;
  for (const e of events) {
    // Consecutive events of one stream (all of them without name templates) skip the lookup.
    let s = last !== undefined && last.group === e.group && last.stream === e.stream ? last : undefined;
    if (!s) {
      const key = `${e.group}\u0000${e.stream}`;
      s = streams.get(key);
      if (!s) {
        s = { group: e.group, stream: e.stream, events: [] };
        streams.set(key, s);
      }
      last = s;
    }
    s.events.push(e);
  }
  const batches: CwBatch<E>[] = [];
  for (const s of streams.values()) for (const b of cutBatches(s.group, s.stream, sortByTime(s.events))) batches.push(b);
  return batches;
}
