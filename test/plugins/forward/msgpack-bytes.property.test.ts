/** The frame scanner and byte-keeping decoder against msgpackr's encoder, on any value. */
import fc from 'fast-check';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeRaw, newScan, scanValue, valueEnd } from '../../../src/plugins/shared/forward/msgpack-bytes.js';
import { eventTimeBytes } from '../../../src/plugins/shared/forward/event-time.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 200);
const value = fc.jsonValue({ maxDepth: 4 });

describe('msgpack scanning', () => {
  it('a value cut anywhere: the resumed scan says incomplete until its last byte, then its exact length', () => {
    fc.assert(
      fc.property(value, fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 20 }), fc.uint8Array({ maxLength: 8 }), (v, steps, trailing) => {
        const bytes = pack(v);
        const buf = Buffer.concat([bytes, Buffer.from(trailing)]);
        const state = newScan();
        let len = 0;
        for (const step of steps) {
          len = Math.min(len + step, bytes.length - 1);
          if (len <= 0) continue;
          expect(scanValue(buf.subarray(0, len), state)).toBe(-1);
        }
        expect(scanValue(buf, state)).toBe(bytes.length);
        expect(valueEnd(buf, 0)).toBe(bytes.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('decodeRaw reads what msgpackr wrote, strings as their UTF-8 bytes', () => {
    const asRaw = (v: unknown): unknown =>
      typeof v === 'string' ? Buffer.from(v) : Object.is(v, -0) ? 0 : Array.isArray(v) ? v.map(asRaw) : v !== null && typeof v === 'object' ? new Map(Object.entries(v).map(([k, x]) => [k, asRaw(x)])) : v;
    fc.assert(
      fc.property(value, (v) => {
        // msgpackr writes -0 as the integer 0.
        expect(decodeRaw(pack(v))).toEqual(asRaw(v));
      }),
      { numRuns: RUNS },
    );
  });

  it('an EventTime is fixext 8 of type 0: u32 seconds, u32 nanoseconds, big-endian', () => {
    expect(eventTimeBytes(1_700_000_000_123_456_789n).toString('hex')).toBe('d700' + '6553f100' + '075bcd15');
  });
});
