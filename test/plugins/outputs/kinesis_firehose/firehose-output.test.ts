import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../../src/record/event.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { expectOnlyUndeliveredDropped } from '../aws/partial-delivery.js';
import { useAwsLocal } from '../aws/use-aws-local.js';

const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 30\n    Log_Level warn\n\n';
const LIB_IN = '[INPUT]\n    Name lib\n    Tag  app\n\n';

const local = useAwsLocal(11);

const output = (extra: string) => `[OUTPUT]\n    Name kinesis_firehose\n    Match *\n    region eu-west-1\n    endpoint ${local.aws.endpoint}\n${extra}`;

async function run(extra: string, pushes: (LogEvent[] | Record<string, unknown>[])[], pause = 0, until?: () => boolean) {
  const c = capture(planFrom(SERVICE + LIB_IN + output(extra)), { retryDelayMs: () => 20 });
  await c.pipeline.start();
  for (const p of pushes) {
    c.pipeline.push(p);
    if (pause) await new Promise((r) => setTimeout(r, pause));
  }
  // Retries wait 20 ms while running (1 s once stopping): let them finish first when asked.
  for (let i = 0; i < 1000 && until && !until(); i++) await new Promise((r) => setTimeout(r, 20));
  await c.pipeline.stop();
  return { metrics: c.pipeline.metrics().output['kinesis_firehose.0']!, logs: c.logs };
}

const text = (stream: string) => local.aws.store.firehoseRecords(stream).map((b) => b.toString('utf8'));
const T = 1_700_000_000_123_456_789n; // 2023-11-14T22:13:20.123456789Z

describe('kinesis_firehose output against the local endpoint', () => {
  it('sends each record as JSON plus a newline, in key order', async () => {
    await run('    delivery_stream s-basic\n', [[{ b: 1, a: 'x "q"', n: { deep: [true, null] } }, { c: 2 }]]);
    expect(text('s-basic')).toEqual(['{"b":1,"a":"x \\"q\\"","n":{"deep":[true,null]}}\n', '{"c":2}\n']);
  });

  it('time_key adds the formatted UTC time (%3N milliseconds, %9N and %L nanoseconds) before the closing brace', async () => {
    await run('    delivery_stream s-time\n    time_key ts\n    time_key_format %Y-%m-%dT%H:%M:%S.%3N|%9N|%L %b %j\n', [[{ time: T, record: { a: 1 } }]]);
    expect(text('s-time')).toEqual(['{"a":1,"ts":"2023-11-14T22:13:20.123|123456789|123456789 Nov 318"}\n']);
  });

  it('log_key sends only the value; records without it and empty ones are counted as dropped', async () => {
    const { metrics } = await run('    delivery_stream s-key\n    log_key log\n', [[{ log: 'raw line "x"' }, { other: 1 }, { log: { m: 1 } }, { log: '' }]]);
    expect(text('s-key')).toEqual(['raw line "x"\n', '{"m":1}\n']);
    expect(metrics.dropped).toEqual({ "log_key 'log' not found in the record": 1, 'empty record': 1 });
  });

  it('compression gzip compresses each record on its own', async () => {
    await run('    delivery_stream s-gzip\n    compression gzip\n', [[{ a: 1 }, { a: 2 }]]);
    expect(local.aws.store.firehoseRecords('s-gzip').map((b) => gunzipSync(b).toString())).toEqual(['{"a":1}\n', '{"a":2}\n']);
  });

  it('simple_aggregation packs consecutive records into one Firehose record of at most 1,000 KiB', async () => {
    const big = 'y'.repeat(400_000);
    await run('    delivery_stream s-agg\n    simple_aggregation on\n', [[{ a: 1 }, { a: 2 }, { big }, { big }, { big }, { a: 3 }]]);
    const records = text('s-agg');
    expect(records.join('')).toBe(`{"a":1}\n{"a":2}\n{"big":"${big}"}\n{"big":"${big}"}\n{"big":"${big}"}\n{"a":3}\n`);
    expect(records).toHaveLength(2);
    for (const r of records) expect(Buffer.byteLength(r)).toBeLessThanOrEqual(1_024_000);
  });

  it('drops records over 1,000 KiB with a reason and sends the rest', async () => {
    const { metrics } = await run('    delivery_stream s-big\n', [[{ a: 1 }, { big: 'z'.repeat(1_100_000) }, { a: 2 }]]);
    expect(text('s-big')).toEqual(['{"a":1}\n', '{"a":2}\n']);
    expect(metrics.dropped).toEqual({ 'record larger than 1,000 KiB (Firehose limit)': 1 });
  });

  it('with 20% of records failing (and throttling), resends only the failed ones: every record arrives once', async () => {
    local.aws.setFaults({ partial: 0.2, throttle: 0.1 });
    try {
      const pushes: Record<string, unknown>[][] = [];
      let n = 0;
      for (let c = 0; c < 5; c++) pushes.push(Array.from({ length: 3000 }, () => ({ n: n++, pad: 'q'.repeat(200) })));
      const { metrics } = await run('    delivery_stream s-partial\n    Retry_Limit no_limits\n', pushes, 30, () => local.aws.store.firehoseRecords('s-partial').length >= n);
      const got = text('s-partial').map((l) => JSON.parse(l).n as number);
      expect(got.length).toBe(n);
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(metrics.counters['retries']).toBeGreaterThan(0);
      expect(metrics.counters['dropped_records'] ?? 0).toBe(0);
      // Only the failed records were sent again: far fewer requests than resending whole batches would take.
      expect(local.aws.store.requests('PutRecordBatch')).toBeLessThan(200);
    } finally {
      local.aws.setFaults({});
    }
  }, 60_000);

  it('a chunk that runs out of retries after Firehose took part of it counts only the log events not delivered as dropped, aggregated records included', async () => {
    local.aws.setFaults({ partial: 0.5 });
    try {
      // 100 KB records: simple_aggregation packs nine into each Firehose record.
      const pushed = Array.from({ length: 180 }, (_, n) => ({ n, pad: 'p'.repeat(100_000) }));
      const { metrics } = await run('    delivery_stream s-part-drop\n    simple_aggregation on\n    Retry_Limit 1\n', [pushed]);
      expectOnlyUndeliveredDropped(local.aws.store.firehoseRecords('s-part-drop').map((b) => b.toString('utf8')), metrics, pushed.length);
    } finally {
      local.aws.setFaults({});
    }
  }, 30_000);

  it('refuses zstd on a Node.js without zlib zstd and snappy in the plan (validate and run agree), with a clear error', async () => {
    for (const kind of ['snappy', ...(typeof (await import('node:zlib') as Record<string, unknown>)['zstdCompressSync'] === 'function' ? [] : ['zstd'])]) {
      expect(() => planFrom(SERVICE + LIB_IN + output(`    delivery_stream s\n    compression ${kind}\n`))).toThrow(new RegExp(`compression ${kind}.* is not supported by logferry`));
    }
  });
});
