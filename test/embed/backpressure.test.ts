import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackpressureError, createPipeline, type EmbeddedPipeline } from '../../src/index.js';

const quiet = { log: () => {} };
const config = (inputKeys = '    Mem_Buf_Limit 2k\n') => `[SERVICE]\n    Flush 0.05\n    Grace 5\n[INPUT]\n    Name lib\n    Tag  app\n${inputKeys}[OUTPUT]\n    Name  lib\n    Match *\n`;

/** A `records` listener that holds every batch until `open()`; what it took, in order. */
function gatedReceiver(p: EmbeddedPipeline) {
  let open: () => void = () => {};
  const gate = new Promise<void>((r) => (open = r));
  const got: number[] = [];
  p.on('records', async (b) => {
    await gate;
    for (const e of b.events) got.push(e.record['n'] as number);
  });
  return { got, open: () => open() };
}

const pad = 'x'.repeat(200);

describe('push backpressure', () => {
  it('push returns false over Mem_Buf_Limit, holds a bounded queue, refuses beyond it, and drains', async () => {
    const p = createPipeline(config(), quiet);
    const rx = gatedReceiver(p);
    await p.start();
    const answers: boolean[] = [];
    let n = 0;
    let refused: BackpressureError | undefined;
    while (n < 10_000) {
      try {
        answers.push(p.push('app', { n, pad }));
        n++;
      } catch (err) {
        refused = err as BackpressureError;
        break;
      }
    }
    // Taken: everything up to the refusal; the first false came once the buffer reached 2k.
    expect(answers.indexOf(false)).toBeGreaterThan(0);
    expect(answers.indexOf(false)).toBeLessThan(15);
    expect(answers.slice(answers.indexOf(false)).every((a) => a === false)).toBe(true);
    expect(refused).toBeInstanceOf(BackpressureError);
    expect([refused!.code, refused!.records]).toEqual(['LOGFERRY_BACKPRESSURE', 1]);
    // The hold queue is 64 KiB of records: about 300 of these, not 10,000.
    const held = p.metrics().input['lib.0']!.counters['held_records']!;
    expect(held).toBeGreaterThan(250);
    expect(held).toBeLessThan(350);
    const drained = once(p, 'drain');
    rx.open();
    await drained;
    expect(p.push('app', { n, pad })).toBe(true);
    await p.stop();
    // Every record taken arrives once and in order; the refused one was never taken.
    expect(rx.got).toEqual([...Array.from({ length: n }, (_, i) => i), n]);
  });

  it('without Mem_Buf_Limit the lib input is bounded by the engine read-ahead (8 MiB) and drains', async () => {
    const p = createPipeline(config(''), quiet);
    const rx = gatedReceiver(p);
    await p.start();
    const big = 'y'.repeat(64 * 1024);
    let n = 0;
    while (p.push('app', { n, big })) n++;
    expect(n).toBeGreaterThan(100);
    expect(n).toBeLessThan(140);
    rx.open();
    await once(p, 'drain');
    await p.stop();
    expect(rx.got).toHaveLength(n + 1);
  });

  it('pushAsync never overflows the hold queue: any sequence of batches arrives once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), async (sizes) => {
        const p = createPipeline(config('    Mem_Buf_Limit 1k\n'), quiet);
        const got: number[] = [];
        p.on('records', async (b) => {
          await new Promise((r) => setTimeout(r, 1));
          for (const e of b.events) got.push(e.record['n'] as number);
        });
        await p.start();
        let n = 0;
        for (const size of sizes) {
          await p.pushAsync('app', Array.from({ length: size }, () => ({ n: n++, pad })));
        }
        await p.stop();
        expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 8) },
    );
  });

  it('writable(tag) is an object-mode Writable honouring highWaterMark while the input is over its limit', async () => {
    const p = createPipeline(config(), quiet);
    const rx = gatedReceiver(p);
    await p.start();
    const w = p.writable('app', { highWaterMark: 4 });
    expect(w.writableObjectMode).toBe(true);
    const paused = () => (p.metrics().input['lib.0']!.counters['paused'] ?? 0) > 0;
    let n = 0;
    // While the input takes records, the stream drains as fast as it is written.
    while (!paused()) if (!w.write({ n: n++, pad })) await once(w, 'drain');
    // Over the limit: the stream holds what is written (write() says so), the input only its hold.
    for (let i = 0; i < 20; i++) w.write({ n: n++, pad });
    await new Promise((r) => setImmediate(r));
    expect(w.writableNeedDrain).toBe(true);
    expect(w.writableLength).toBeGreaterThanOrEqual(16);
    expect(p.metrics().input['lib.0']!.counters['held_records'] ?? 0).toBeLessThanOrEqual(4);
    n--;
    const ended = streamPipeline(
      Readable.from(Array.from({ length: 500 }, (_, i) => ({ n: n + 1 + i, pad }))),
      w,
    );
    rx.open();
    await ended;
    await p.stop();
    expect(rx.got).toEqual(Array.from({ length: n + 501 }, (_, i) => i));
  });

  it('pushAsync with an aborted signal takes nothing', async () => {
    const p = createPipeline(config(), quiet);
    const rx = gatedReceiver(p);
    await p.start();
    let n = 0;
    while (p.push('app', { n, pad })) n++;
    n++;
    const ac = new AbortController();
    const waiting = p.pushAsync('app', { n: -1 }, { signal: ac.signal });
    ac.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    rx.open();
    await p.stop();
    expect(rx.got).not.toContain(-1);
    expect(rx.got).toHaveLength(n);
  });

  it('push after stop throws instead of dropping', async () => {
    const p = createPipeline(config(), quiet);
    await p.start();
    await p.stop();
    expect(() => p.push('app', { n: 1 })).toThrow(/lib input lib\.0 is stopped: 1 record\(s\) not taken/);
  });
});
