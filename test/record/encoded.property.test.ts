/**
 * Records as bytes (src/record/encoded.ts): what the chunk holds decodes to the record that was
 * encoded, time to the nanosecond, keys in their order, any unicode, large values; the views
 * (slices, the JSON of one record, re-parsing the bytes as a chunk file holds them) agree.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../src/record/event.js';
import { ChunkBatch, recordCount, recordsOf } from '../../src/record/batch.js';
import { encodeEvent, EncodedRecords, RecordEncodeError, RecordWriter } from '../../src/record/encoded.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 60);

const key = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('log', 'time', 'a.b', '', '__proto__', '10', '2'));
const scalar = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;
/** Records as the pipeline has them: own keys in insertion order (`__proto__` as an own key, as JSON.parse makes it). */
const record = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((pairs) => {
  const r: Record<string, unknown> = {};
  for (const [k, v] of pairs) Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true });
  return r;
});
const time = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n });
const event: fc.Arbitrary<LogEvent> = fc.record({ time, record });

/** What JSON keeps of a record: its key order and values (JSON.parse(JSON.stringify)). */
const asJson = (r: unknown) => JSON.parse(JSON.stringify(r)) as unknown;

describe('encoded records (property)', () => {
  it('decode to the events encoded: time exact, keys in order, values equal', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), (events) => {
        const r = EncodedRecords.from(events);
        expect(r.count).toBe(events.length);
        const back = r.events();
        expect(back.map((e) => e.time)).toEqual(events.map((e) => e.time));
        for (let i = 0; i < events.length; i++) {
          const original = events[i]!.record;
          expect(Object.keys(back[i]!.record)).toEqual(Object.keys(original));
          expect(back[i]!.record).toEqual(asJson(original));
          expect(r.time(i)).toBe(events[i]!.time);
          expect(r.json(i)).toBe(JSON.stringify(original));
          expect(r.event(i)).toEqual(back[i]);
        }
        expect(r.byteLength).toBe(Buffer.byteLength(events.map(encodeEvent).join('')));
      }),
      { numRuns: RUNS },
    );
  });

  it('the bytes read back as a file holds them give the same records; slices are views of the same records', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), fc.nat(), fc.nat(), (events, a, b) => {
        const r = EncodedRecords.from(events);
        const parsed = EncodedRecords.parse(Buffer.from(r.bytes))!;
        expect(parsed.count).toBe(r.count);
        expect(parsed.events()).toEqual(r.events());
        const from = events.length === 0 ? 0 : a % (events.length + 1);
        const to = from + (events.length - from === 0 ? 0 : b % (events.length - from + 1));
        const s = r.slice(from, to);
        expect(s.count).toBe(to - from);
        expect(s.events()).toEqual(r.events().slice(from, to));
      }),
      { numRuns: RUNS },
    );
  });

  it('a writer appending in several steps holds what one encoding of all holds, and its views do not change', () => {
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 6 }), { maxLength: 6 }), fc.integer({ min: 0, max: 200 }), (batches, capacity) => {
        const w = new RecordWriter(capacity);
        const views: { view: EncodedRecords; bytes: string }[] = [];
        for (const batch of batches) {
          w.appendRecords(EncodedRecords.from(batch));
          const view = w.view();
          views.push({ view, bytes: view.bytes.toString('latin1') });
        }
        const all = batches.flat();
        expect(w.view().bytes.equals(EncodedRecords.from(all).bytes)).toBe(true);
        expect(w.view().events()).toEqual(EncodedRecords.from(all).events());
        for (const v of views) expect(v.view.bytes.toString('latin1')).toBe(v.bytes);
        w.compact();
        expect(w.view().events()).toEqual(EncodedRecords.from(all).events());
      }),
      { numRuns: RUNS },
    );
  });
});

describe('encoded records', () => {
  it('hold large values and long unicode text exactly', () => {
    const big = { log: 'é€😀'.repeat(300_000), n: Number.MAX_SAFE_INTEGER, f: 1.5e300, nested: { list: Array.from({ length: 1000 }, (_, i) => i) } };
    const r = EncodedRecords.from([{ time: 1_765_101_600_123_456_789n, record: big }]);
    expect(r.events()).toEqual([{ time: 1_765_101_600_123_456_789n, record: big }]);
    expect(r.byteLength).toBeGreaterThan(3 * 300_000 * 3);
  });

  it('write what JSON cannot hold as the outputs always wrote it: bigint as a number, undefined left out, NaN as null', () => {
    const r = EncodedRecords.from([{ time: 1n, record: { a: 5n, b: undefined, c: Number.NaN, d: [undefined] } }]);
    expect(r.events()[0]!.record).toEqual({ a: 5, c: null, d: [null] });
  });

  it('refuse, with a reason, a record JSON cannot write (a cycle, a throwing toJSON)', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => encodeEvent({ time: 1n, record: cyclic })).toThrow(RecordEncodeError);
    expect(() => encodeEvent({ time: 1n, record: { x: { toJSON: () => { throw new Error('no'); } } } })).toThrow(/record cannot be encoded: no/);
  });

  it('a chunk batch decodes its events on first read, once, and counts without decoding', () => {
    const events = [{ time: 2n, record: { a: 1 } }, { time: 3n, record: { b: 'x' } }];
    const batch = new ChunkBatch('t', EncodedRecords.from(events), 'mem:1', 'lib');
    expect(recordCount(batch)).toBe(2);
    expect(batch.events).toEqual(events);
    expect(batch.events).toBe(batch.events);
    expect(recordsOf(batch)).toBe(batch.records);
    expect(recordsOf({ tag: 't', events }).events()).toEqual(events);
  });
});
