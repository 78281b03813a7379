import { describe, expect, it } from 'vitest';
import { EncodedRecords, RecordWriter, encodeEvent } from '../../src/record/encoded.js';

const canDetach = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';
const event = (n: number) => ({ time: BigInt(n) * 1_000_000_000n + 7n, record: { log: `line ${n}`, n } });

describe('RecordWriter.free', () => {
  it.skipIf(!canDetach)('lets a released chunk’s memory go at once: views of it read as empty, not as other records', () => {
    const w = new RecordWriter(16 * 1024, 2_176_000);
    for (let i = 0; i < 100; i++) w.append(encodeEvent(event(i)));
    const view = w.view();
    expect(view.json(99)).toBe('{"log":"line 99","n":99}');
    const backing = view.bytes.buffer;
    w.free();
    expect(backing.byteLength).toBe(0);
    expect(view.bytes.length).toBe(0);
    expect(w.count).toBe(0);
    expect(w.byteLength).toBe(0);
  });

  it('frees nothing it did not allocate: bytes adopted from a file read may share Node’s buffer pool', () => {
    const text = `${encodeEvent(event(1))}${encodeEvent(event(2))}`;
    const pooled = Buffer.from(text); // small: a slice of Node's shared pool
    const neighbour = Buffer.from('still here'); // likely the same pool
    const w = RecordWriter.adopt(EncodedRecords.parse(pooled)!);
    w.free();
    expect(pooled.toString()).toBe(text);
    expect(neighbour.toString()).toBe('still here');
  });

  it('a writer can be freed twice and reports no records after', () => {
    const w = new RecordWriter(64);
    w.append(encodeEvent(event(3)));
    w.free();
    w.free();
    expect(w.view().count).toBe(0);
  });
});
