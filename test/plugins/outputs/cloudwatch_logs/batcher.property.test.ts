import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_MESSAGE_BYTES,
  MAX_SPAN_MS,
  planBatches,
} from '../../../../src/plugins/outputs/cloudwatch_logs/batcher.js';
import { EventTable } from '../../../../src/plugins/outputs/cloudwatch_logs/event-table.js';
import { messageSlot } from '../../../../src/plugins/outputs/cloudwatch_logs/messages.js';

interface Ev {
  readonly id: number;
  readonly group: string;
  readonly stream: string;
  readonly timestamp: number;
  readonly bytes: number;
}

/**
 * The events as a chunk's table (destinations in the order their first event comes, the table
 * grown from one row), planned; each batch with its events in send order.
 */
function plan(events: readonly Ev[]) {
  const table = new EventTable(Buffer.alloc(0), 1);
  const index = new Map<string, number>();
  const slot = messageSlot();
  for (const e of events) {
    const key = `${e.group}\u0000${e.stream}`;
    let k = index.get(key);
    if (k === undefined) {
      k = table.streams.length;
      index.set(key, k);
      table.streams.push({ group: e.group, stream: e.stream });
    }
    slot.bytes = e.bytes;
    table.push(e.timestamp, slot, k);
  }
  const { order, batches } = planBatches(table);
  return batches.map((b) => ({ ...b, events: Array.from(order.subarray(b.start, b.end), (i) => events[i]!) }));
}

const HOUR = 3_600_000;

/** Events with sizes up to the largest message and timestamps spread over a few days (often equal). */
const eventsArb = fc
  .array(
    fc.record({
      stream: fc.constantFrom('a', 'b', 'c'),
      group: fc.constantFrom('g1', 'g2'),
      bytes: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: MAX_MESSAGE_BYTES })),
      timestamp: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 80 * HOUR })),
    }),
    { maxLength: 400 },
  )
  .map((list) => list.map((e, id): Ev => ({ ...e, id })));

describe('cloudwatch_logs batcher', () => {
  it('keeps every batch within the PutLogEvents limits, loses nothing, keeps each stream in stable time order', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const batches = plan(events);
        for (const b of batches) {
          expect(b.events.length).toBeGreaterThan(0);
          expect(b.events.length).toBeLessThanOrEqual(MAX_BATCH_EVENTS);
          const bytes = b.events.reduce((n, e) => n + e.bytes + EVENT_OVERHEAD_BYTES, 0);
          expect(bytes).toBe(b.bytes);
          expect(bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
          const times = b.events.map((e) => e.timestamp);
          expect(Math.max(...times) - Math.min(...times)).toBeLessThan(MAX_SPAN_MS);
          for (const e of b.events) expect([e.group, e.stream]).toEqual([b.group, b.stream]);
        }
        // Nothing lost or duplicated.
        expect(batches.flatMap((b) => b.events.map((e) => e.id)).sort((x, y) => x - y)).toEqual(events.map((e) => e.id));
        // Per stream, the concatenated batches are the stable sort of that stream's events.
        const keys = new Set(events.map((e) => `${e.group}/${e.stream}`));
        for (const key of keys) {
          const expected = events.filter((e) => `${e.group}/${e.stream}` === key).sort((x, y) => x.timestamp - y.timestamp || x.id - y.id);
          const got = batches.filter((b) => `${b.group}/${b.stream}` === key).flatMap((b) => b.events);
          expect(got.map((e) => e.id)).toEqual(expected.map((e) => e.id));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('cuts at exactly 10,000 events when the events are tiny', () => {
    const events: Ev[] = Array.from({ length: 25_001 }, (_, id) => ({ id, group: 'g', stream: 's', timestamp: 1, bytes: 1 }));
    expect(plan(events).map((b) => b.events.length)).toEqual([10_000, 10_000, 5_001]);
  });

  it('cuts at 1,048,576 bytes counting 26 per event', () => {
    // 4 events of 262,118 + 26 = 262,144 bytes fill a batch exactly; the fifth starts a new one.
    const events: Ev[] = Array.from({ length: 5 }, (_, id) => ({ id, group: 'g', stream: 's', timestamp: 1, bytes: MAX_MESSAGE_BYTES }));
    expect(plan(events).map((b) => [b.events.length, b.bytes])).toEqual([
      [4, MAX_BATCH_BYTES],
      [1, 262_144],
    ]);
  });

  it('starts a new batch before the span reaches 24 hours', () => {
    const at = (id: number, timestamp: number): Ev => ({ id, group: 'g', stream: 's', timestamp, bytes: 1 });
    expect(plan([at(0, 0), at(1, MAX_SPAN_MS - 1), at(2, MAX_SPAN_MS)]).map((b) => b.events.map((e) => e.id))).toEqual([[0, 1], [2]]);
  });
});
