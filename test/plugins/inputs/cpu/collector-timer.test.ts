import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CollectorTimer } from '../../../../src/plugins/inputs/shared/collector-timer.js';

describe('CollectorTimer (Fluent Bit collector time: timerfd with an absolute first expiry)', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 10_250 }));
  afterEach(() => void vi.useRealTimers());

  /** A monotonic clock: the fake Date plus a jump the test adds (the loop busy elsewhere). */
  let jump = 0n;
  const clock = () => BigInt(Date.now()) * 1_000_000n + jump;

  it('first expiry at the whole second of the clock plus interval_sec, then every interval', async () => {
    jump = 0n;
    const at: number[] = [];
    const t = new CollectorTimer(2, 500_000_000, () => at.push(Date.now()), clock);
    t.start();
    await vi.advanceTimersByTimeAsync(6000);
    t.stop();
    // Clock at 10.25 s: first at 12 s, then 14.5 s, 17 s...
    expect(at).toEqual([12_000, 14_500]);
    await vi.advanceTimersByTimeAsync(6000);
    expect(at).toHaveLength(2);
  });

  it('expiries missed while the loop was busy collapse into one call, and the schedule keeps its phase', async () => {
    jump = 0n;
    const at: bigint[] = [];
    const t = new CollectorTimer(1, 0, () => {
      at.push(clock());
      if (at.length === 1) jump += 3_500_000_000n; // the clock moves 3.5 s past the next expiry
    }, clock);
    t.start();
    await vi.advanceTimersByTimeAsync(3000);
    t.stop();
    // Expiries 12, 13, 14 and 15 s give one late call (at 15.5 s), then the 16 s expiry is on time.
    expect(at.map((n) => Number(n / 1_000_000n))).toEqual([11_000, 15_500, 16_000]);
  });

  it('refuses a zero interval', () => {
    expect(() => new CollectorTimer(0, 0, () => {})).toThrow(RangeError);
  });
});
