/**
 * dummy's timer: ticks shorter than DUMMY_WAKE_MS are emitted a few at a time, each stamped one
 * interval after the previous one, at the configured Rate; Samples, the 1 ms floor and pause hold.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import dummy from '../../../../src/plugins/inputs/dummy/index.js';
import { DummyInput, DUMMY_WAKE_MS, ticksPerWake } from '../../../../src/plugins/inputs/dummy/dummy-input.js';
import { recordsOf } from '../../../../src/record/batch.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { inputContext } from '../cpu/harness.js';

const MS = 1_000_000n;

function started(section: string): { input: DummyInput; emitted: ReturnType<typeof inputContext>['emitted'] } {
  const h = inputContext(`[INPUT]\n    Name dummy\n    Tag d\n${section}`, dummy);
  const input = new DummyInput(h.options, h.ctx);
  void input.start();
  return { input, emitted: h.emitted };
}

describe('dummy timer', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('Rate 100: five ticks per wake-up, each tick one interval after the previous, Copies records each', async () => {
    const { input, emitted } = started('    Rate 100\n    Copies 2\n');
    await vi.advanceTimersByTimeAsync(1000);
    await input.stop();
    expect(emitted).toHaveLength(1000 / DUMMY_WAKE_MS);
    expect(emitted.reduce((n, e) => n + e.events.length, 0)).toBe(100 * 2);
    for (const { events } of emitted) {
      const times = events.map((e) => e.time);
      const last = times.at(-1)!;
      expect(times).toEqual([40n, 40n, 30n, 30n, 20n, 20n, 10n, 10n, 0n, 0n].map((back) => last - back * MS));
    }
  });

  it('Samples counts ticks across wake-ups, then the timer stops', async () => {
    const { input, emitted } = started('    Rate 100\n    Samples 7\n');
    await vi.advanceTimersByTimeAsync(1000);
    expect(emitted.map((e) => e.events.length)).toEqual([5, 2]);
    expect(vi.getTimerCount()).toBe(0);
    await input.stop();
  });

  it('long intervals keep one tick per wake-up; Rate above 1,000 is held at 1,000 ticks a second', async () => {
    const slow = started('    Rate 10\n');
    const fast = started('    Rate 5000\n');
    await vi.advanceTimersByTimeAsync(1000);
    await slow.input.stop();
    await fast.input.stop();
    expect(slow.emitted.map((e) => e.events.length)).toEqual(Array(10).fill(1));
    expect(fast.emitted.reduce((n, e) => n + e.events.length, 0)).toBe(1000);
  });

  it('paused: nothing is emitted; resumed: the rate goes on', async () => {
    const { input, emitted } = started('    Rate 100\n');
    input.pause();
    await vi.advanceTimersByTimeAsync(500);
    expect(emitted).toHaveLength(0);
    input.resume();
    await vi.advanceTimersByTimeAsync(500);
    await input.stop();
    expect(emitted.reduce((n, e) => n + e.events.length, 0)).toBe(50);
  });

  it('a wake-up is the largest multiple of the interval within DUMMY_WAKE_MS (never less than one tick)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 100_000, noNaN: true }), (interval) => {
        const n = ticksPerWake(interval);
        expect(n).toBeGreaterThanOrEqual(1);
        // Within floating-point rounding (an interval of 50/3 ms).
        expect(n * interval).toBeLessThanOrEqual(Math.max(DUMMY_WAKE_MS, interval) + 1e-9);
        expect((n + 1) * interval).toBeGreaterThan(DUMMY_WAKE_MS - 1e-9);
      }),
    );
  });
});

describe('dummy through the engine (encoded records)', () => {
  it('every tick is delivered once, its copies with one time, the times in order and one interval apart within a wake-up', async () => {
    const config = '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n[INPUT]\n    Name dummy\n    Tag d\n    Rate 100\n    Copies 3\n    Samples 12\n\n[OUTPUT]\n    Name lib\n    Match *\n';
    const times: bigint[] = [];
    const c = capture(planFrom(config), {
      receiver: (_name, batch) => {
        for (const line of recordsOf(batch).bytes.toString('utf8').split('\n').filter(Boolean)) times.push(BigInt((JSON.parse(line) as [string])[0]));
      },
    });
    await c.pipeline.start();
    const deadline = Date.now() + 20_000;
    while (times.length < 36 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await c.pipeline.stop();
    expect(times).toHaveLength(36);
    const ticks = [...new Set(times)];
    expect(ticks).toHaveLength(12);
    expect(times).toEqual(ticks.flatMap((t) => [t, t, t]));
    // Wake-ups of 5, 5 and 2 ticks: within each, the ticks are exactly 10 ms apart.
    for (const [from, to] of [[0, 5], [5, 10], [10, 12]] as const) {
      for (let i = from + 1; i < to; i++) expect(ticks[i]! - ticks[i - 1]!).toBe(10n * MS);
    }
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! > ticks[i - 1]!).toBe(true);
  });
});
