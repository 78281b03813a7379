import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../src/record/event.js';
import { CHUNK_MAGIC, decodeChunk, encodeChunkStart, encodeEvents, type FrameLimits } from '../../../src/engine/storage/chunk-file.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 100);
const record = fc.dictionary(
  fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
  fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
  { maxKeys: 5 },
);
const event: fc.Arbitrary<LogEvent> = fc.record({ time: fc.bigInt({ min: 0n, max: 4_000_000_000_000_000_000n }), record });
const appends = fc.array(fc.array(event, { minLength: 1, maxLength: 7 }), { maxLength: 6 });
/** Small frames, so that appends span several of them. */
const SMALL: FrameLimits = { records: 3, bytes: 1_000_000 };

interface Layout {
  buf: Buffer;
  /** End of the first header frame, of the second (where data starts). */
  headerEnds: [number, number];
  /** Where every append ends. */
  appendEnds: number[];
  frames: { start: number; end: number; events: LogEvent[] }[];
}

/** A chunk file as ChunkFile writes it, with where each frame lies (frames are sized by encoding them alone). */
function file(batches: LogEvent[][], checksum: boolean): Layout {
  const start = encodeChunkStart({ tag: 'kube.var.log', created: 1, checksum });
  const headerEnds: [number, number] = [CHUNK_MAGIC.length + (start.length - CHUNK_MAGIC.length) / 2, start.length];
  const parts = [start];
  const frames: Layout['frames'] = [];
  const appendEnds: number[] = [];
  let end = start.length;
  let first = 0;
  for (const b of batches) {
    parts.push(encodeEvents(b, checksum, first, SMALL));
    for (let i = 0; i < b.length; i += SMALL.records) {
      const slice = b.slice(i, i + SMALL.records);
      const size = encodeEvents(slice, checksum, first + i).length;
      frames.push({ start: end, end: end + size, events: slice });
      end += size;
    }
    first += b.length;
    appendEnds.push(end);
  }
  const buf = Buffer.concat(parts);
  expect(buf.length).toBe(end);
  return { buf, headerEnds, appendEnds, frames };
}

function decoded(buf: Buffer) {
  const d = decodeChunk(buf);
  if ('error' in d) throw new Error(d.error);
  return { ...d, events: d.records.events() };
}

describe('chunk file format', () => {
  it('reads back every appended event, in order, with the tag', () => {
    fc.assert(
      fc.property(appends, fc.boolean(), (batches, checksum) => {
        const d = decoded(file(batches, checksum).buf);
        expect(d.damage).toBeUndefined();
        expect(d.lost).toBe(0);
        expect(d.header.tag).toBe('kube.var.log');
        expect(d.events).toEqual(batches.flat());
      }),
      { numRuns: RUNS },
    );
  });

  it('splits a big append into frames of at most FRAME_LIMITS records', () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ time: BigInt(i), record: { i } }));
    const bytes = encodeEvents(events, true);
    expect(bytes.toString('latin1').split('\xff\xfeLF').length - 1).toBe(4);
  });

  it('a file cut at any byte keeps exactly the whole appends before the cut (a crash tears at most the last append)', () => {
    fc.assert(
      fc.property(appends, fc.boolean(), fc.nat(), (batches, checksum, at) => {
        const { buf, headerEnds, appendEnds } = file(batches, checksum);
        const cut = at % (buf.length + 1);
        const d = decodeChunk(buf.subarray(0, cut));
        if (cut < headerEnds[0]) {
          expect('error' in d).toBe(true);
          return;
        }
        if ('error' in d) throw new Error(d.error);
        const whole = appendEnds.filter((e) => e <= cut).length;
        expect(d.records.events()).toEqual(batches.slice(0, whole).flat());
        expect(d.lost).toBe(0);
        // A cut between the two header copies loses nothing either.
        expect(d.damage !== undefined).toBe(!headerEnds.includes(cut) && !appendEnds.includes(cut));
      }),
      { numRuns: RUNS },
    );
  });

  it('with checksums, a damaged byte anywhere costs at most the records of the frame it is in, and they are counted', () => {
    fc.assert(
      fc.property(appends, fc.nat(), fc.integer({ min: 1, max: 255 }), (batches, at, xor) => {
        const { buf, frames } = file(batches, true);
        const pos = at % buf.length;
        const damaged = Buffer.from(buf);
        damaged[pos] = damaged[pos]! ^ xor;
        const d = decoded(damaged);
        if (d.damage === undefined && pos < CHUNK_MAGIC.length) {
          // The marker turned into an older format's whose reading is the same (an empty LFCHUNK3
          // file whose '3' became '2' is a valid, empty LFCHUNK2 file): nothing lost or changed.
          expect(d.events).toEqual(frames.flatMap((f) => f.events));
          expect(d.lost).toBe(0);
          return;
        }
        expect(d.damage).toBeDefined();
        const hit = frames.findIndex((f) => f.start <= pos && pos < f.end);
        expect(d.events).toEqual(frames.filter((_, i) => i !== hit).flatMap((f) => f.events));
        if (hit < 0) {
          expect(d.lost).toBe(0);
        } else if (hit === frames.length - 1 && pos < frames[hit]!.start + 24) {
          // The last frame's own header is damaged: nothing after it tells how many records it held.
          expect(d.damage).toMatch(/not counted/);
        } else {
          expect(d.lost).toBe(frames[hit]!.events.length);
        }
      }),
      { numRuns: RUNS, examples: [[[], 7, 1]] },
    );
  });

  it('without checksums, a damaged byte never costs the records of other frames', () => {
    fc.assert(
      fc.property(appends, fc.nat(), fc.integer({ min: 1, max: 255 }), (batches, at, xor) => {
        const { buf, frames } = file(batches, false);
        const pos = at % buf.length;
        const damaged = Buffer.from(buf);
        damaged[pos] = damaged[pos]! ^ xor;
        const d = decoded(damaged);
        const hit = frames.findIndex((f) => f.start <= pos && pos < f.end);
        if (hit < 0) {
          expect(d.events).toEqual(batches.flat());
          return;
        }
        const before = frames.slice(0, hit).flatMap((f) => f.events);
        const after = frames.slice(hit + 1).flatMap((f) => f.events);
        // The hit frame is either lost whole or (a changed letter no parser can see) read as it now is.
        expect([before.length + after.length, before.length + after.length + frames[hit]!.events.length]).toContain(d.events.length);
        expect(d.events.slice(0, before.length)).toEqual(before);
        expect(d.events.slice(d.events.length - after.length)).toEqual(after);
      }),
      { numRuns: RUNS },
    );
  });

  it('still reads files written by the previous version (LFCHUNK1)', () => {
    const frame = (payload: string, checksum: boolean) => {
      const p = Buffer.from(payload);
      const h = Buffer.alloc(8);
      h.writeUInt32LE(p.length, 0);
      h.writeUInt32LE(checksum ? crc32(p) : 0, 4);
      return Buffer.concat([h, p]);
    };
    const v1 = Buffer.concat([
      Buffer.from('LFCHUNK1\n', 'latin1'),
      frame('{"tag":"old","created":5,"checksum":true}', true),
      frame('[["1",{"a":1}],["2",{"a":2}]]', true),
      frame('[["3",{"a":3}]]', true),
    ]);
    const d = decoded(v1);
    expect(d.header).toEqual({ tag: 'old', created: 5, checksum: true });
    expect(d.events).toEqual([1n, 2n, 3n].map((time) => ({ time, record: { a: Number(time) } })));
    expect(d.damage).toBeUndefined();
  });

  it('refuses a file that is not a chunk file', () => {
    expect(decodeChunk(Buffer.from('hello world'))).toEqual({ error: 'not a logferry chunk file (bad magic)' });
  });

  it('writes bigint values as numbers (as the outputs always wrote them) instead of failing the append', () => {
    const buf = Buffer.concat([encodeChunkStart({ tag: 't', created: 1, checksum: false }), encodeEvents([{ time: 5n, record: { big: 2n ** 70n, small: 7n } }], false)]);
    expect(decoded(buf).events).toEqual([{ time: 5n, record: { big: Number(2n ** 70n), small: 7 } }]);
  });

  it('still reads files written by the previous version (LFCHUNK2: the same frames, JSON arrays of pairs)', () => {
    const frame = (payload: string, first: number, records: number) => {
      const p = Buffer.from(payload);
      const h = Buffer.alloc(24);
      h.writeUInt32LE(0x464cfeff, 0);
      h.writeUInt32LE((p.length | 0x40000000 | 0x80000000) >>> 0, 4);
      h.writeUInt32LE(first, 8);
      h.writeUInt32LE(records, 12);
      h.writeUInt32LE(crc32(p), 16);
      h.writeUInt32LE(crc32(h.subarray(0, 20)), 20);
      return Buffer.concat([h, p]);
    };
    const header = frame('{"tag":"v2","created":7,"checksum":true}', 0, 0);
    const v2 = Buffer.concat([Buffer.from('LFCHUNK2\n', 'latin1'), header, header, frame('[["1",{"a":1}],["2",{"a":2}]]', 0, 2), frame('[["3",{"a":3}]]', 2, 1)]);
    const d = decoded(v2);
    expect(d.header).toEqual({ tag: 'v2', created: 7, checksum: true });
    expect(d.events).toEqual([1n, 2n, 3n].map((time) => ({ time, record: { a: Number(time) } })));
    expect(d.damage).toBeUndefined();
    // Encoded again as they are read: the same bytes a new chunk of these records would hold.
    expect(d.records.bytes.toString()).toBe('["1",{"a":1}]\n["2",{"a":2}]\n["3",{"a":3}]\n');
  });
});
