import { gunzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../../src/record/event.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { expectOnlyUndeliveredDropped } from '../aws/partial-delivery.js';
import { useAwsLocal } from '../aws/use-aws-local.js';

const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 30\n    Log_Level warn\n\n';
const LIB_IN = '[INPUT]\n    Name lib\n    Tag  app.web\n\n';

const local = useAwsLocal(12);

const output = (name: string, extra: string) => `[OUTPUT]\n    Name ${name}\n    Match *\n    region eu-west-1\n    endpoint ${local.aws.endpoint}\n${extra}`;

async function run(extra: string, pushes: (LogEvent[] | Record<string, unknown>[])[], opts: { name?: string; pause?: number; until?: () => boolean } = {}) {
  const name = opts.name ?? 'kinesis_streams';
  const c = capture(planFrom(SERVICE + LIB_IN + output(name, extra)), { retryDelayMs: () => 20 });
  await c.pipeline.start();
  for (const p of pushes) {
    c.pipeline.push(p);
    if (opts.pause) await new Promise((r) => setTimeout(r, opts.pause));
  }
  for (let i = 0; i < 1500 && opts.until && !opts.until(); i++) await new Promise((r) => setTimeout(r, 20));
  await c.pipeline.stop();
  return { metrics: c.pipeline.metrics().output[`${name}.0`]!, logs: c.logs };
}

const records = (stream: string) => local.aws.store.kinesisRecords(stream);
const text = (stream: string) => records(stream).map((r) => r.data.toString('utf8'));
const T = 1_700_000_000_123_456_789n; // 2023-11-14T22:13:20.123456789Z

describe('kinesis_streams output against the local endpoint', () => {
  it('sends each record as JSON plus a newline, in order, with Fluent Bit random partition keys', async () => {
    await run('    stream s-basic\n', [[{ b: 1, a: 'x "q" <&>', n: { deep: [true, null] } }, { c: 2 }, { d: 3 }]]);
    expect(text('s-basic')).toEqual(['{"b":1,"a":"x \\"q\\" <&>","n":{"deep":[true,null]}}\n', '{"c":2}\n', '{"d":3}\n']);
    const keys = records('s-basic').map((r) => r.partitionKey);
    // 10 random characters of the instance, then the tag's and the time's hash (each < 7919) as decimals.
    for (const k of keys) expect(k).toMatch(/^[0-9A-Za-z]{10}\d{1,8}$/);
    expect(new Set(keys.map((k) => k.slice(0, 10))).size).toBe(1);
  });

  it('time_key adds the formatted UTC time (%3N milliseconds, %9N and %L nanoseconds) before the closing brace', async () => {
    await run('    stream s-time\n    time_key ts\n    time_key_format %Y-%m-%dT%H:%M:%S.%3N|%9N|%L %b %j\n', [[{ time: T, record: { a: 1 } }]]);
    expect(text('s-time')).toEqual(['{"a":1,"ts":"2023-11-14T22:13:20.123|123456789|123456789 Nov 318"}\n']);
  });

  it('log_key sends only the value; records without it and empty ones are counted as dropped', async () => {
    const { metrics } = await run('    stream s-key\n    log_key log\n', [[{ log: 'raw line "x"' }, { other: 1 }, { log: { m: 1 } }, { log: '' }, {}]]);
    expect(text('s-key')).toEqual(['raw line "x"\n', '{"m":1}\n']);
    expect(metrics.dropped).toEqual({ "log_key 'log' not found in the record": 2, 'empty record': 1 });
  });

  it('drops records of 1 MiB less 20 bytes or more with a reason and sends the rest', async () => {
    // '{"big":"' + x + '"}\n' is 11 bytes more than x: the first is 1 byte under Fluent Bit's MAX_EVENT_SIZE, the second at it.
    const fits = 'f'.repeat(1_048_556 - 12);
    const over = 'o'.repeat(1_048_556 - 11);
    const { metrics } = await run('    stream s-big\n', [[{ a: 1 }, { big: fits }, { big: over }, { a: 2 }]]);
    expect(text('s-big')).toEqual(['{"a":1}\n', `{"big":"${fits}"}\n`, '{"a":2}\n']);
    expect(metrics.dropped).toEqual({ 'record larger than 1 MiB less 20 bytes for the partition key (Kinesis limit)': 1 });
  });

  it('cuts large chunks into PutRecords calls of at most 500 records and 5 MiB', async () => {
    const pad = 'p'.repeat(20_000);
    await run('    stream s-cut\n', [Array.from({ length: 1200 }, (_, n) => ({ n, pad: n < 600 ? pad : '' }))]);
    expect(text('s-cut').map((t) => (JSON.parse(t) as { n: number }).n)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    // 600 records of ~20 KB need 3 calls for 5 MiB each, 600 small ones 2 more (1 shared).
    expect(local.aws.store.requests('PutRecords')).toBeGreaterThanOrEqual(4);
  });

  it('compression gzip compresses each record on its own; simple_aggregation packs records', async () => {
    await run('    stream s-gzip\n    compression gzip\n', [[{ a: 1 }, { a: 2 }]]);
    expect(records('s-gzip').map((r) => gunzipSync(r.data).toString())).toEqual(['{"a":1}\n', '{"a":2}\n']);
    await run('    stream s-agg\n    simple_aggregation on\n', [[{ a: 1 }, { a: 2 }, { a: 3 }]]);
    expect(text('s-agg')).toEqual(['{"a":1}\n{"a":2}\n{"a":3}\n']);
  });

  it('with 20% of records failing (and throttling), resends only the failed ones, in order: every record arrives exactly once', async () => {
    local.aws.setFaults({ partial: 0.2, throttle: 0.1 });
    try {
      const pushes: Record<string, unknown>[][] = [];
      let n = 0;
      for (let c = 0; c < 5; c++) pushes.push(Array.from({ length: 2000 }, () => ({ n: n++, pad: 'q'.repeat(200) })));
      const { metrics } = await run('    stream s-partial\n    Retry_Limit no_limits\n', pushes, { pause: 30, until: () => records('s-partial').length >= n });
      const got = text('s-partial').map((l) => (JSON.parse(l) as { n: number }).n);
      expect(got.length).toBe(n);
      expect(new Set(got).size).toBe(n);
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      // In order: what arrives out of order is only records that failed and came back in a later
      // call, and those come back in their own order, so the stream splits into few increasing runs.
      let runs = 1;
      for (let i = 1; i < got.length; i++) if (got[i]! < got[i - 1]!) runs++;
      expect(runs).toBeLessThan(local.aws.store.requests('PutRecords'));
      expect(metrics.counters['retries']).toBeGreaterThan(0);
      expect(metrics.counters['dropped_records'] ?? 0).toBe(0);
      // Only failed records were sent again: resending whole 500-record calls would take far more calls.
      expect(local.aws.store.requests('PutRecords')).toBeLessThan(150);
    } finally {
      local.aws.setFaults({});
    }
  }, 60_000);

  it('a chunk that runs out of retries after Kinesis took part of it counts only the log events not delivered as dropped, aggregated records included', async () => {
    local.aws.setFaults({ partial: 0.5 });
    try {
      // 100 KB records: simple_aggregation packs ten into each Kinesis record (1 MiB less 20 bytes).
      const pushed = Array.from({ length: 200 }, (_, n) => ({ n, pad: 'p'.repeat(100_000) }));
      const { metrics } = await run('    stream s-part-drop\n    simple_aggregation on\n    Retry_Limit 1\n', [pushed]);
      expectOnlyUndeliveredDropped(text('s-part-drop'), metrics, pushed.length);
    } finally {
      local.aws.setFaults({});
    }
  }, 30_000);

  it('refuses time_key with log_key and snappy at validation, with a clear error', () => {
    expect(() => planFrom(SERVICE + LIB_IN + output('kinesis_streams', '    stream s\n    time_key t\n    log_key log\n'))).toThrow(/'time_key' and 'log_key' can not be used together/);
    expect(() => planFrom(SERVICE + LIB_IN + output('kinesis_streams', '    stream s\n    compression snappy\n'))).toThrow(/compression snappy in \[OUTPUT\] kinesis_streams is not supported by logferry/);
  });
});

describe('kinesis (AWS Go plugin) output on the kinesis_streams runtime', () => {
  it('sends Go JSON (keys sorted, HTML escaped), no newline unless append_newline, partition_key from the record (a->b) or random', async () => {
    const rs = [{ z: 1, a: '<&>', k: { pod: 'web-1' } }, { z: 2, k: {} }];
    await run('    stream g-basic\n    partition_key k->pod\n', [rs], { name: 'kinesis' });
    expect(text('g-basic')).toEqual(['{"a":"\\u003c\\u0026\\u003e","k":{"pod":"web-1"},"z":1}', '{"k":{},"z":2}']);
    const keys = records('g-basic').map((r) => r.partitionKey);
    expect(keys[0]).toBe('web-1');
    expect(keys[1]).toMatch(/^[A-Za-z0-9]{8}$/);
    await run('    stream g-nl\n    append_newline true\n', [[{ a: 1 }]], { name: 'kinesis' });
    expect(text('g-nl')).toEqual(['{"a":1}\n']);
    await run('    stream g-on\n    append_newline On\n', [[{ a: 1 }]], { name: 'kinesis' });
    expect(text('g-on')).toEqual(['{"a":1}']);
  });

  it('time_key with Go strftime (%L milliseconds, %f microseconds), data_keys, replace_dots and log_key', async () => {
    await run('    stream g-time\n    time_key ts\n    time_key_format %Y-%m-%dT%H:%M:%S.%L|%f\n    data_keys ts,a.b\n    replace_dots _\n', [[{ time: T, record: { 'a.b': { 'c.d': 1 }, x: 2 } }]], { name: 'kinesis' });
    expect(text('g-time')).toEqual(['{"a_b":{"c_d":1},"ts":"2023-11-14T22:13:20.123|123456"}']);
    const { metrics } = await run('    stream g-log\n    log_key log\n', [[{ log: 'plain' }, { log: { m: 1 } }, { other: 1 }]], { name: 'kinesis' });
    expect(text('g-log')).toEqual(['plain', '{"m":1}']);
    expect(metrics.dropped).toEqual({ "log_key 'log' not found in the record": 1 });
  });

  it('truncates records over 1 MiB (with their partition key) with [Truncated...]; zlib compression', async () => {
    await run('    stream g-big\n    partition_key id\n', [[{ id: 'k1', big: 'z'.repeat(1_100_000) }]], { name: 'kinesis' });
    const [big] = records('g-big');
    expect(big!.data.length + 'k1'.length).toBe(1024 * 1024);
    expect(big!.data.toString().endsWith('zzz[Truncated...]')).toBe(true);
    await run('    stream g-zlib\n    compression zlib\n', [[{ a: 1 }]], { name: 'kinesis' });
    expect(records('g-zlib').map((r) => inflateSync(r.data).toString())).toEqual(['{"a":1}']);
  });
});
