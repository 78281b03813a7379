import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Chunk } from '../../src/engine/chunk.js';
import type { ChunkBuffer } from '../../src/engine/chunk-buffer.js';
import { chunkCodec } from '../../src/engine/chunk-codec.js';
import { RawChunks } from '../../src/engine/raw-chunks.js';
import type { InputSlot, PipelineChunk, Slot } from '../../src/engine/slots.js';
import { EncodedRecords, encodeEvent } from '../../src/record/encoded.js';
import { planFrom } from '../support/pipeline.js';
import { Pipeline } from '../../src/engine/pipeline.js';

/** The parts of an input slot and an output slot RawChunks reads. */
const input = (memLimit: number) => ({ memLimit, storageType: 'memory' }) as unknown as InputSlot;
const output = (keepsNoRecordViews: boolean) => ({ runtime: { keepsNoRecordViews } }) as unknown as Slot;

let nextId = 1;
function chunkOf(texts: readonly string[], source = input(1_000_000)): { chunk: PipelineChunk; records: EncodedRecords } {
  const records = EncodedRecords.from(texts.map((log, i) => ({ time: BigInt(i) * 1_000_000_007n - 5n, record: { log, i } })));
  const chunk = new Chunk<InputSlot, Slot>(nextId++, source, 't');
  chunk.append(records);
  chunk.lock();
  return { chunk, records };
}

const sameRecords = (a: EncodedRecords, b: EncodedRecords) => {
  expect(a.count).toBe(b.count);
  expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
  for (let i = 0; i < a.count; i++) expect(a.end(i)).toBe(b.end(i));
};

describe('packed chunks', () => {
  it(`the codec (${chunkCodec.name}) gives back exactly the bytes, in a buffer of their own`, () => {
    const raw = Buffer.from(encodeEvent({ time: 1n, record: { log: 'é😀\u0000'.repeat(5000) } }));
    const out = chunkCodec.unpack(chunkCodec.pack(raw, 0), raw.length, 0);
    expect(Buffer.compare(out, raw)).toBe(0);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(raw.length + 64);
    expect(chunkCodec.unpack(chunkCodec.pack(raw, 1 << 20), raw.length, 1 << 20).buffer.byteLength).toBe(1 << 20);
    expect(() => chunkCodec.unpack(chunkCodec.pack(raw, 0), raw.length - 1, 0)).toThrow(/unpacked to/);
  });

  it('a packed chunk loads the same records, attempt after attempt; packing again does not pack twice (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (texts, attempts) => {
        const { chunk, records } = chunkOf(texts);
        for (let a = 0; a < attempts; a++) {
          expect(chunk.pack(1)).toBe(true);
          expect(chunk.isPacked).toBe(true);
          // Still in memory: /api/v1/storage counts it up, as Fluent Bit counts every memory chunk.
          expect(chunk.isUp).toBe(true);
          sameRecords(chunk.load(), records);
          expect(chunk.isPacked).toBe(false);
        }
        chunk.free();
      }),
      { numRuns: 60 },
    );
  });

  it('is not packed while an output sends it, before it is locked, below the minimum size, or with a file', () => {
    const { chunk } = chunkOf(['a'.repeat(100)]);
    chunk.holders = 1;
    expect(chunk.pack(1)).toBe(false);
    chunk.holders = 0;
    expect(chunk.pack(chunk.bytes + 1)).toBe(false);
    const open = new Chunk<InputSlot, Slot>(nextId++, input(1000), 't');
    open.append(EncodedRecords.from([{ time: 1n, record: { a: 1 } }]));
    expect(open.pack(1)).toBe(false);
    const filed = new Chunk<InputSlot, Slot>(nextId++, input(1000), 't', {} as never);
    filed.append(EncodedRecords.from([{ time: 1n, record: { a: 1 } }]));
    filed.locked = true;
    expect(filed.pack(1)).toBe(false);
  });

  it('packing frees the raw bytes at once (where Node can detach them), poisoned first in the test suite', () => {
    const { chunk } = chunkOf(['x'.repeat(5000)]);
    const before = chunk.load();
    const backing = new Uint8Array(before.bytes.buffer, before.bytes.byteOffset, before.bytes.length);
    expect(backing.length).toBeGreaterThan(0);
    chunk.pack(1);
    if (typeof (new ArrayBuffer(1) as { transfer?: unknown }).transfer === 'function') expect(before.bytes.length).toBe(0);
    else expect([...new Set(backing)]).toEqual([0xfe]);
    expect(chunk.load().count).toBe(1);
  });
});

describe('RawChunks: raw bytes of waiting chunks within the budget', () => {
  it('keeps raw bytes within the budget, never packing a chunk of an output keeping views or being sent (property)', () => {
    const chunkArb = fc.record({
      texts: fc.array(fc.string({ maxLength: 200 }), { minLength: 1, maxLength: 20 }),
      outputs: fc.option(fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      sending: fc.boolean(),
      memLimit: fc.constantFrom(0, 100_000),
    });
    fc.assert(
      fc.property(fc.array(chunkArb, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 4000 }), (specs, budget) => {
        const raw = new RawChunks({ budgetBytes: budget, minBytes: 1 });
        const made = specs.map((s) => {
          const { chunk, records } = chunkOf(s.texts, input(s.memLimit));
          if (s.outputs) {
            chunk.dispatched = true;
            for (const keeps of s.outputs) chunk.pending.add(output(keeps));
          }
          if (s.sending) chunk.holders = 1;
          raw.add(chunk);
          return { chunk, records, spec: s };
        });
        const packable = (spec: (typeof made)[number]['spec']) => spec.memLimit > 0 && !spec.sending && (spec.outputs ?? []).every((k) => k);
        let rawBytes = 0;
        for (const { chunk, spec } of made) {
          if (!packable(spec)) expect(chunk.isPacked).toBe(false);
          if (spec.memLimit > 0 && !chunk.isPacked) rawBytes += chunk.bytes;
        }
        expect(raw.bytes).toBe(rawBytes);
        // Over the budget only while nothing raw can be packed.
        if (raw.bytes > budget) for (const { chunk, spec } of made) if (!chunk.isPacked && spec.memLimit > 0) expect(packable(spec)).toBe(false);
        // What is packed loads back exactly.
        for (const { chunk, records } of made) sameRecords(chunk.load(), records);
        for (const m of made) {
          raw.delete(m.chunk);
          m.chunk.free();
        }
        expect(raw.bytes).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('RawChunks: which chunks are packed', () => {
  it('the newest first (they wait longest), and a chunk waiting for a retry joins as the newest', () => {
    const texts = Array.from({ length: 20 }, (_, i) => `record ${i}`);
    const [a, b, c] = [chunkOf(texts).chunk, chunkOf(texts).chunk, chunkOf(texts).chunk];
    const raw = new RawChunks({ budgetBytes: a.bytes, minBytes: 1 });
    for (const chunk of [a, b, c]) raw.add(chunk);
    expect([a.isPacked, b.isPacked, c.isPacked]).toEqual([false, true, true]);
    // c is sent (unpacked) and fails: it waits for its retry, newer than a.
    c.load();
    raw.add(c);
    expect([a.isPacked, c.isPacked]).toEqual([false, true]);
    expect(raw.packs).toBe(3);
    expect(raw.bytes).toBe(a.bytes);
  });
});

describe('through an outage, with waiting chunks packed', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  it('the http output delivers every record once after its server refused the first requests', async () => {
    const lines: string[] = [];
    let refuse = 6;
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        if (refuse-- > 0) return void res.writeHead(503).end();
        lines.push(...Buffer.concat(parts).toString().split('\n').filter((l) => l !== ''));
        res.writeHead(200).end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const plan = planFrom(
      `[SERVICE]\n    Flush 0.05\n    Grace 5\n[INPUT]\n    Name lib\n    Tag app\n    Mem_Buf_Limit 1MB\n` +
        `[OUTPUT]\n    Name http\n    Match *\n    Host 127.0.0.1\n    Port ${port}\n    Format json_lines\n    json_date_key false\n    Retry_Limit no_limits\n`,
    );
    const pipeline = new Pipeline(plan, { logSink: () => {}, retryDelayMs: () => 20, rawChunkLimits: { budgetBytes: 0, minBytes: 1 } });
    await pipeline.start();
    const sent: number[] = [];
    for (let batch = 0; batch < 8; batch++) {
      const records = Array.from({ length: 50 }, () => ({ n: sent.length, log: `line ${sent.push(sent.length)} ${'y'.repeat(80)}` }));
      pipeline.push(records);
      await new Promise((r) => setTimeout(r, 60));
    }
    await pipeline.stop();
    const raw = (pipeline as unknown as { buffer: ChunkBuffer }).buffer.raw;
    expect(raw.packs).toBeGreaterThan(0);
    const got = lines.map((l) => (JSON.parse(l) as { n: number }).n);
    expect(got.length).toBe(sent.length);
    expect(new Set(got).size).toBe(sent.length);
    expect(raw.bytes).toBe(0);
  }, 20_000);
});
