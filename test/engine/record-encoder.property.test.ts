/**
 * The engine's encoder (src/engine/record-encoder.ts) writes every record as encodeEvent does, the
 * time's text kept while it repeats; records it cannot encode are dropped and counted alone.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../src/record/encoded.js';
import type { LogEvent } from '../../src/record/event.js';
import { createLogger } from '../../src/engine/logger.js';
import { Counters } from '../../src/engine/metrics.js';
import { RecordEncoder } from '../../src/engine/record-encoder.js';

const value = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));
const record = fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 5 });
/** Few distinct times, so that runs of one time and changes back and forth both occur. */
const time = fc.constantFrom(0n, -1n, 1700000000123456789n, 2n ** 64n, 1700000000123456790n);

describe('RecordEncoder', () => {
  it('writes what encodeEvent writes, whatever the order of times', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ time, record }), { maxLength: 20 }), (events: LogEvent[]) => {
        const source = { counters: new Counters(), log: createLogger('error', () => undefined) };
        const out = new RecordEncoder().encode(source, events);
        expect(out.bytes.toString('utf8')).toBe(events.map(encodeEvent).join(''));
        expect(out.count).toBe(events.length);
      }),
      { numRuns: 300 },
    );
  });

  it('drops a record it cannot encode, counted with its reason, and keeps the rest', () => {
    const source = { counters: new Counters(), log: createLogger('error', () => undefined) };
    const events: LogEvent[] = [
      { time: 5n, record: { a: 1 } },
      { time: 5n, record: { bad: 1n, nested: { toJSON: () => { throw new Error('no'); } } } },
      { time: 5n, record: { b: 2 } },
    ];
    const out = new RecordEncoder().encode(source, events);
    expect(out.bytes.toString('utf8')).toBe('["5",{"a":1}]\n["5",{"b":2}]\n');
    expect(source.counters.snapshot().dropped).toEqual({ 'record cannot be encoded: no': 1 });
  });
});
