import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/engine/event.js';
import { decodeChunk, encodeChunkStart, encodeEvents } from '../../../src/engine/storage/chunk-file.js';

const record = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
  fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
  { maxKeys: 5 },
);
const event: fc.Arbitrary<LogEvent> = fc.record({ time: fc.bigInt({ min: 0n, max: 4_000_000_000_000_000_000n }), record });
const appends = fc.array(fc.array(event, { minLength: 1, maxLength: 5 }), { maxLength: 6 });

function file(batches: LogEvent[][], checksum: boolean): { buf: Buffer; frameEnds: number[] } {
  const parts = [encodeChunkStart({ tag: 'kube.var.log', created: 1, checksum })];
  let end = parts[0]!.length;
  const frameEnds = [end];
  for (const b of batches) {
    const f = encodeEvents(b, checksum);
    parts.push(f);
    end += f.length;
    frameEnds.push(end);
  }
  return { buf: Buffer.concat(parts), frameEnds };
}

describe('chunk file format', () => {
  it('reads back every appended event, in order, with the tag', () => {
    fc.assert(
      fc.property(appends, fc.boolean(), (batches, checksum) => {
        const decoded = decodeChunk(file(batches, checksum).buf);
        if ('error' in decoded) throw new Error(decoded.error);
        expect(decoded.damage).toBeUndefined();
        expect(decoded.header.tag).toBe('kube.var.log');
        expect(decoded.events).toEqual(batches.flat());
      }),
    );
  });

  it('a file cut at any byte keeps exactly the whole frames before the cut (a crash tears at most the last append)', () => {
    fc.assert(
      fc.property(appends, fc.boolean(), fc.nat(), (batches, checksum, at) => {
        const { buf, frameEnds } = file(batches, checksum);
        const cut = at % (buf.length + 1);
        const decoded = decodeChunk(buf.subarray(0, cut));
        if (cut < frameEnds[0]!) {
          expect('error' in decoded).toBe(true);
          return;
        }
        if ('error' in decoded) throw new Error(decoded.error);
        const whole = frameEnds.filter((e) => e <= cut).length - 1;
        expect(decoded.events).toEqual(batches.slice(0, whole).flat());
        expect(decoded.damage !== undefined).toBe(!frameEnds.includes(cut));
        expect(decoded.validLength).toBe(frameEnds[whole]);
      }),
    );
  });

  it('with checksums, a flipped byte in a frame is found and the frames before it are kept', () => {
    fc.assert(
      fc.property(fc.array(fc.array(event, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }), fc.nat(), (batches, at) => {
        const { buf, frameEnds } = file(batches, true);
        const pos = frameEnds[0]! + 8 + (at % (buf.length - frameEnds[0]! - 8));
        const damaged = Buffer.from(buf);
        damaged[pos] = damaged[pos]! ^ 0x55;
        const decoded = decodeChunk(damaged);
        if ('error' in decoded) throw new Error(decoded.error);
        expect(decoded.damage).toBeDefined();
        const intact = frameEnds.filter((e) => e <= pos).length - 1;
        // Frames wholly before the flipped byte survive; the damaged one and those after it do not.
        expect(decoded.events).toEqual(batches.slice(0, intact).flat());
      }),
    );
  });

  it('refuses a file that is not a chunk file', () => {
    expect(decodeChunk(Buffer.from('hello world'))).toEqual({ error: 'not a logferry chunk file (bad magic)' });
  });

  it('keeps bigint values as their decimal text instead of failing the append', () => {
    const buf = Buffer.concat([encodeChunkStart({ tag: 't', created: 1, checksum: false }), encodeEvents([{ time: 5n, record: { big: 2n ** 70n } }], false)]);
    const decoded = decodeChunk(buf);
    if ('error' in decoded) throw new Error(decoded.error);
    expect(decoded.events).toEqual([{ time: 5n, record: { big: '1180591620717411303424' } }]);
  });
});
