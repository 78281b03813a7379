/**
 * Inputs that hand over encoded records (InputContext.encoded: dummy, raw tail) when no filter
 * matches their tag: the chunks hold the same bytes as when the records go the events' way through
 * a filter that changes nothing, and the counters are the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodedEmit, type EncodedIngest } from '../../src/engine/encoded-ingest.js';
import { Counters } from '../../src/engine/metrics.js';
import type { FilterSlot, InputSlot } from '../../src/engine/slots.js';
import { recordsOf } from '../../src/record/batch.js';
import { encodeEvent, RecordWriter } from '../../src/record/encoded.js';
import { capture, planFrom } from '../support/pipeline.js';

const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n';
const OUT = '[OUTPUT]\n    Name lib\n    Match *\n';
/** Changes nothing (no record has the key), but makes the records go the events' way. */
const PASS = '[FILTER]\n    Name grep\n    Match *\n    Exclude absent_key .\n\n';

async function run(config: string, expected: number): Promise<{ bytes: string; metrics: ReturnType<ReturnType<typeof capture>['pipeline']['metrics']> }> {
  const chunks: Buffer[] = [];
  let got = 0;
  const c = capture(planFrom(config), {
    receiver: (_name, batch) => {
      const r = recordsOf(batch);
      chunks.push(Buffer.from(r.bytes));
      got += r.count;
    },
  });
  await c.pipeline.start();
  const deadline = Date.now() + 20_000;
  while (got < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await c.pipeline.stop();
  return { bytes: Buffer.concat(chunks).toString('hex'), metrics: c.pipeline.metrics() };
}

describe('encoded ingestion', () => {
  it('dummy: the same bytes and counters with and without a filter on the tag', async () => {
    // 12 copies of this record pass the 1 KiB the dummy's writer starts with (it grows mid-tick).
    const input =
      '[INPUT]\n    Name dummy\n    Tag d\n    Rate 100\n    Copies 12\n    Samples 4\n    Start_time_sec 1700000000\n    Start_time_nsec 123456789\n' +
      '    Dummy {"log":"a \\"quoted\\" line é \\u2028","n":[1,{"x":null}],"big":12345678901234567890,"neg":-0.5}\n\n';
    const direct = await run(SERVICE + input + OUT, 48);
    const filtered = await run(SERVICE + input + PASS + OUT, 48);
    expect(direct.bytes.length).toBeGreaterThan(0);
    expect(direct.bytes).toBe(filtered.bytes);
    expect(direct.metrics.input['dummy.0']!.counters['records']).toBe(48);
    expect(filtered.metrics.input['dummy.0']!.counters['records']).toBe(48);
  });

  it('tail: raw records (path and offset keys, escapes, bytes that are not UTF-8) the same with and without a filter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'encoded-ingest-'));
    try {
      const file = join(dir, 'a.log');
      const lines = [Buffer.from('plain line'), Buffer.from('with "quotes" and \\ and \t tab\r'), Buffer.from([0x61, 0xff, 0xc3, 0x28, 0x62]), Buffer.from('ünïcødé 😀'), Buffer.alloc(0), Buffer.from('last')];
      writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
      const input = `[INPUT]\n    Name tail\n    Tag t\n    Path ${file}\n    Read_from_Head On\n    Path_Key path\n    Offset_Key offset\n\n`;
      const direct = await run(SERVICE + input + OUT, lines.length);
      const filtered = await run(SERVICE + input + PASS + OUT, lines.length);
      // The times are the read times: compare the records without them.
      const records = (hex: string) => Buffer.from(hex, 'hex').toString('utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('",') + 2));
      expect(records(direct.bytes)).toHaveLength(lines.length);
      expect(records(direct.bytes)).toEqual(records(filtered.bytes));
      expect(direct.metrics.input['tail.0']!.counters['records']).toBe(lines.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Routable false: encoded records are dropped and counted as events are', async () => {
    const input = '[INPUT]\n    Name dummy\n    Tag d\n    Rate 100\n    Samples 2\n    Routable false\n\n';
    const c = capture(planFrom(SERVICE + input + OUT));
    await c.pipeline.start();
    const deadline = Date.now() + 20_000;
    const dropped = () => c.pipeline.metrics().input['dummy.0']!.dropped?.['input not routable (Routable false)'] ?? 0;
    while (dropped() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await c.pipeline.stop();
    expect(dropped()).toBe(2);
    expect(c.records()).toEqual([]);
  });
});

describe('encodedEmit', () => {
  /** A tag with one filter, its runtime `bytePath` as given; `from` of every ingest recorded. */
  function emitter(bytePath: FilterSlot['runtime']['bytePath']) {
    const filter: FilterSlot = {
      instance: { displayName: 'f.0' } as FilterSlot['instance'],
      runtime: { filter: (_tag, events) => events, bytePath },
      counters: new Counters(),
    };
    const froms: number[] = [];
    const ingest: EncodedIngest = {
      // Busy: the records cannot go straight to their chunk, so `emit` hands them to `ingest`.
      slot: { busy: true, jobs: [], counters: new Counters() } as unknown as InputSlot,
      route: () => ({ filters: [filter], outputs: [] }),
      stopped: () => false,
      ingest: (_tag, _events, _committed, from) => froms.push(from),
      append: () => undefined,
      lend: () => undefined,
      appendLent: () => undefined,
      filterFailed: () => undefined,
    };
    return { emit: encodedEmit(ingest), filter, froms };
  }
  const records = () => {
    const w = new RecordWriter(64);
    for (const n of [1, 2]) w.append(encodeEvent({ time: 1n, record: { n } }));
    return w.view();
  };

  it('counts records on the filters the input did for it (a byte path), and only on those', () => {
    const onBytes = emitter({ kind: 'json-field', key: 'log', reserveData: true, objectPathKeys: [], maxDepth: 64 });
    onBytes.emit.emit('t', records());
    expect(onBytes.froms).toEqual([1]);
    expect(onBytes.filter.counters.get('records')).toBe(2);
    // A filter without a byte path runs on the records (from 0), which count them there, not here.
    const plain = emitter(undefined);
    plain.emit.emit('t', records());
    expect(plain.froms).toEqual([0]);
    expect(plain.filter.counters.get('records')).toBe(0);
  });
});
