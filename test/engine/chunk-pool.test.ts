import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../src/engine/chunk-pool.js';
import { RecordWriter, encodeEvent } from '../../src/record/encoded.js';

const FULL = 64 * 1024;
const event = (n: number, text: string) => ({ time: BigInt(n) * 1_000_000_000n + 3n, record: { log: text, n } });

describe('ChunkPool: released chunk buffers reused', () => {
  it('a released writer’s buffer is the next writer’s: no new memory for a steady flow of chunks', () => {
    const pool = new ChunkPool(FULL);
    const first = new RecordWriter(1024, FULL, pool);
    first.append(encodeEvent(event(1, 'x'.repeat(2000))));
    const memory = first.view().bytes.buffer;
    first.free();
    expect(pool.waiting).toBe(1);
    const second = new RecordWriter(1024, FULL, pool);
    second.append(encodeEvent(event(2, 'y'.repeat(2000))));
    expect(second.view().bytes.buffer).toBe(memory);
    expect(pool.waiting).toBe(0);
  });

  it('keeps at most 4 buffers, only of the chunk size; the others are freed', () => {
    const pool = new ChunkPool(FULL);
    expect(pool.give(Buffer.allocUnsafeSlow(FULL / 2))).toBe(false);
    for (let i = 0; i < 4; i++) expect(pool.give(Buffer.allocUnsafeSlow(FULL))).toBe(true);
    expect(pool.give(Buffer.allocUnsafeSlow(FULL))).toBe(false);
    expect(pool.take(FULL + 1)).toBeUndefined();
    expect(pool.take(FULL)?.length).toBe(FULL);
  });

  it('the test suite poisons what is given back, so a read after release cannot pass unnoticed', () => {
    expect(process.env['LOGFERRY_POISON_RELEASED']).toBe('1');
    const pool = new ChunkPool(FULL);
    const w = new RecordWriter(1024, FULL, pool);
    w.append(encodeEvent(event(1, 'z'.repeat(3000))));
    const stale = Buffer.from(w.view().bytes.buffer, 0, 100);
    w.free();
    expect([...new Set(stale)]).toEqual([0xfe]);
  });

  it('records written into reused buffers read back exactly (property)', () => {
    const pool = new ChunkPool(FULL);
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 400 }), { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }), (chunks) => {
        for (const texts of chunks) {
          const w = new RecordWriter(256, FULL, pool);
          const written = texts.map((t, i) => event(i, t));
          for (const e of written) w.append(encodeEvent(e));
          const view = w.view();
          expect(view.events()).toEqual(written);
          w.free();
        }
      }),
      { numRuns: 50 },
    );
  });
});
