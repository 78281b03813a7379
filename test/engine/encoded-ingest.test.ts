/**
 * Inputs that hand over encoded records (InputContext.encoded: dummy, raw tail) when no filter
 * matches their tag: the chunks hold the same bytes as when the records go the events' way through
 * a filter that changes nothing, and the counters are the same.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordsOf } from '../../src/record/batch.js';
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
