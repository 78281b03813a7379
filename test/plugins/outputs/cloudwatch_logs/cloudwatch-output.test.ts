import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localhostTls, startAwsLocal } from '../../../../src/aws-local/index.js';
import type { LogEvent } from '../../../../src/record/event.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { useAwsLocal } from '../aws/use-aws-local.js';

const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 30\n    Log_Level warn\n\n';
const LIB_IN = '[INPUT]\n    Name lib\n    Tag  app.web\n\n';

const local = useAwsLocal(7);

function output(extra: string): string {
  return `[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n    endpoint ${local.aws.endpoint}\n${extra}`;
}

/** Runs lib -> cloudwatch_logs with these output lines, pushing the events in batches. */
async function run(extra: string, pushes: (LogEvent[] | Record<string, unknown>[])[], opts: { retryDelayMs?: () => number; pause?: number; until?: () => boolean } = {}) {
  const c = capture(planFrom(SERVICE + LIB_IN + output(extra)), { retryDelayMs: opts.retryDelayMs ?? (() => 20) });
  await c.pipeline.start();
  for (const p of pushes) {
    c.pipeline.push(p);
    if (opts.pause) await new Promise((r) => setTimeout(r, opts.pause));
  }
  // Retries wait 20 ms while running (1 s once stopping): let them finish first when asked.
  for (let i = 0; i < 1000 && opts.until && !opts.until(); i++) await new Promise((r) => setTimeout(r, 20));
  await c.pipeline.stop();
  return { metrics: c.pipeline.metrics().output['cloudwatch_logs.0']!, logs: c.logs };
}

const at = (ms: number, record: Record<string, unknown>): LogEvent => ({ time: BigInt(ms) * 1_000_000n + 123_456n, record });

describe('cloudwatch_logs output against the local endpoint', () => {
  it('creates the group (class, retention) and stream, and sends each record as JSON in key order with its time in ms', async () => {
    const now = Date.now();
    const { metrics } = await run(
      '    log_group_name g-basic\n    log_stream_prefix from-\n    auto_create_group On\n    log_retention_days 7\n    log_group_class INFREQUENT_ACCESS\n    log_format json/emf\n',
      [[at(now, { z: 1, a: 'x', nested: { b: [1, 'two'] } }), at(now + 1, { msg: 'héllo "quoted"' })]],
    );
    expect(local.aws.store.logGroups().find((g) => g.name === 'g-basic')).toMatchObject({ retentionInDays: 7, logGroupClass: 'INFREQUENT_ACCESS' });
    expect(local.aws.store.logStreams('g-basic')).toEqual(['from-app.web']);
    expect(local.aws.store.logEvents('g-basic', 'from-app.web').map((e) => [e.timestamp, e.message])).toEqual([
      [now, '{"z":1,"a":"x","nested":{"b":[1,"two"]}}'],
      [now + 1, '{"msg":"héllo \\"quoted\\""}'],
    ]);
    expect(metrics.counters['proc_records']).toBe(2);
    const put = local.aws.store.calls('PutLogEvents').at(-1)!;
    expect(put.headers['x-amzn-logs-format']).toBe('json/emf');
    expect(put.accessKeyId).toBe('AKIDLOCAL');
  });

  it('routes records with log_group_template / log_stream_template, falling back to the fixed names', async () => {
    const now = Date.now();
    await run(
      "    log_group_name g-fallback\n    log_group_template g-$kubernetes['namespace_name']\n    log_stream_name fixed\n    log_stream_template $kubernetes['pod_name'].$TAG[1]\n    auto_create_group true\n",
      [[at(now, { kubernetes: { namespace_name: 'ns1', pod_name: 'p1' }, n: 1 }), at(now, { n: 2 }), at(now, { kubernetes: { namespace_name: 'ns1', pod_name: 'p2' }, n: 3 })]],
    );
    expect(local.aws.store.logStreams('g-ns1')).toEqual(['p1.web', 'p2.web']);
    expect(local.aws.store.logEvents('g-ns1', 'p1.web').map((e) => JSON.parse(e.message).n)).toEqual([1]);
    expect(local.aws.store.logEvents('g-fallback', 'fixed').map((e) => e.message)).toEqual(['{"n":2}']);
  });

  it('log_key sends only that value (strings as they are), counting records without it as dropped', async () => {
    const now = Date.now();
    const { metrics } = await run('    log_group_name g-key\n    log_stream_name s\n    auto_create_group on\n    log_key log\n', [
      [at(now, { log: 'plain "text"', other: 1 }), at(now, { other: 2 }), at(now, { log: { a: 1 } }), at(now, { log: '' }), at(now, { log: '{}' }), at(now, { log: {} })],
    ]);
    // The string "{}" is a message (Fluent Bit sends it); the empty map is not.
    expect(local.aws.store.logEvents('g-key', 's').map((e) => e.message)).toEqual(['plain "text"', '{"a":1}', '{}']);
    expect(metrics.dropped).toEqual({ "log_key 'log' not found in the record": 1, 'empty message': 2 });
  });

  it('sorts events by time within a batch, truncates events over 256 KiB and counts what CloudWatch rejects as too old', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const big = 'x'.repeat(300_000);
    const { metrics, logs } = await run('    log_group_name g-sort\n    log_stream_name s\n    auto_create_group on\n', [
      [at(now + 5, { n: 1 }), at(now, { n: 2 }), at(now + 5, { n: 3 }), at(now - 20 * day, { n: 4 }), at(now + 1, { big })],
    ]);
    const events = local.aws.store.logEvents('g-sort', 's');
    expect(events.map((e) => e.timestamp)).toEqual([now, now + 1, now + 5, now + 5]);
    expect(events.map((e) => e.message.slice(0, 12))).toEqual(['{"n":2}', `{"big":"xxxx`, '{"n":1}', '{"n":3}']);
    // Cut as Fluent Bit cuts it: 262,118 bytes of the message as escaped in the request body.
    expect(JSON.stringify(events[1]!.message).length - 2).toBe(262_118);
    expect(events[1]!.message).toBe(`{"big":"${'x'.repeat(262_118 - 11)}`);
    expect(metrics.counters['truncated_records']).toBe(1);
    expect(metrics.dropped).toEqual({ 'rejected by CloudWatch Logs: too old (over 14 days)': 1 });
    expect(logs.filter((l) => l.includes('truncating')).length).toBe(1);
  });

  it('on throttling and 5xx resends only the batches that failed: every event arrives once, in order', async () => {
    local.aws.setFaults({ throttle: 0.3, serverError: 0.15 });
    try {
      // 6 chunks of 4,000 events of ~400 bytes: several batches per chunk (1 MiB each).
      const pushes: LogEvent[][] = [];
      const now = Date.now();
      let n = 0;
      for (let c = 0; c < 6; c++) {
        const chunk: LogEvent[] = [];
        for (let i = 0; i < 4000; i++, n++) chunk.push(at(now + Math.floor(n / 100), { n, pad: 'p'.repeat(380) }));
        pushes.push(chunk);
      }
      const { metrics } = await run('    log_group_name g-faults\n    log_stream_name s\n    auto_create_group on\n    Retry_Limit no_limits\n', pushes, {
        pause: 60,
        until: () => local.aws.store.logEvents('g-faults', 's').length >= n,
      });
      const got = local.aws.store.logEvents('g-faults', 's').map((e) => JSON.parse(e.message).n as number);
      expect(got.length).toBe(n);
      expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(metrics.counters['retries']).toBeGreaterThan(0);
      expect(metrics.counters['dropped_records'] ?? 0).toBe(0);
    } finally {
      local.aws.setFaults({});
    }
  }, 60_000);

  it('without auto_create_group a missing group is retried, then dropped at Retry_Limit', async () => {
    const { metrics, logs } = await run('    log_group_name g-missing\n    log_stream_name s\n    Retry_Limit 1\n', [[{ a: 1 }]]);
    expect(local.aws.store.logGroups().some((g) => g.name === 'g-missing')).toBe(false);
    expect(metrics.counters['retries']).toBe(1);
    expect(Object.keys(metrics.dropped)[0]).toContain('log group g-missing does not exist and auto_create_group is off');
    expect(logs.join('\n')).toContain('dropped after 1 retries');
  });

  it('assumes role_arn through STS (external_id, sts_endpoint) and signs with the issued credentials', async () => {
    const before = local.aws.store.assumeRoleCalls().length;
    await run(
      `    log_group_name g-role\n    log_stream_name s\n    auto_create_group on\n    role_arn arn:aws:iam::123456789012:role/logs\n    external_id ext-42\n    sts_endpoint ${local.aws.endpoint}\n`,
      [[{ a: 1 }]],
    );
    const calls = local.aws.store.assumeRoleCalls().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ roleArn: 'arn:aws:iam::123456789012:role/logs', externalId: 'ext-42' });
    expect(calls[0]!.sessionName).toMatch(/^logferry-/);
    expect(local.aws.store.calls('PutLogEvents').at(-1)!.accessKeyId).toBe(calls[0]!.issuedAccessKeyId);
    expect(local.aws.store.logEvents('g-role', 's')).toHaveLength(1);
  });

  it('when a stream vanishes (ResourceNotFoundException on PutLogEvents) forgets it, creates group and stream again and resends', async () => {
    const first = await startAwsLocal();
    const c = capture(
      planFrom(SERVICE + LIB_IN + `[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n    endpoint ${first.endpoint}\n    log_group_name g-gone\n    log_stream_name s\n    auto_create_group on\n`),
      { retryDelayMs: () => 20 },
    );
    await c.pipeline.start();
    c.pipeline.push([{ n: 1 }]);
    for (let i = 0; i < 200 && first.store.logEvents('g-gone', 's').length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(first.store.logEvents('g-gone', 's')).toHaveLength(1);
    // The same address, but an endpoint that knows neither the group nor the stream.
    await first.close();
    const second = await startAwsLocal({ port: first.port });
    try {
      c.pipeline.push([{ n: 2 }]);
      await c.pipeline.stop();
      expect(second.store.logEvents('g-gone', 's').map((e) => e.message)).toEqual(['{"n":2}']);
      expect(c.pipeline.metrics().output['cloudwatch_logs.0']!.counters['retries'] ?? 0).toBe(0);
      expect(c.logs.join('\n')).toContain('not found; creating it again');
    } finally {
      await second.close();
    }
  });

  it('profile reads the shared credentials file; extra_user_agent is appended to the User-Agent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logferry-profile-'));
    const saved = { ...process.env };
    try {
      const file = join(dir, 'credentials');
      writeFileSync(file, '[team]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n');
      process.env['AWS_SHARED_CREDENTIALS_FILE'] = file;
      process.env['AWS_CONFIG_FILE'] = join(dir, 'config');
      await run('    log_group_name g-profile\n    log_stream_name s\n    auto_create_group on\n    profile team\n    extra_user_agent ci/7\n', [[{ a: 1 }]]);
      const put = local.aws.store.calls('PutLogEvents').at(-1)!;
      expect(put.accessKeyId).toBe('AKIDPROFILE');
      expect(put.headers['user-agent']).toMatch(/ci\/7$/);
    } finally {
      process.env = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('speaks HTTPS as Fluent Bit configures it: endpoint host + Port, the chain checked against tls.ca_file, tls.verify Off skips it', async () => {
    const tls = await startAwsLocal({ tls: localhostTls() });
    const dir = mkdtempSync(join(tmpdir(), 'logferry-tls-'));
    try {
      const ca = join(dir, 'ca.crt');
      writeFileSync(ca, localhostTls().cert);
      const https = (name: string, extra: string) =>
        `[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n    endpoint 127.0.0.1\n    Port ${tls.port}\n    log_group_name ${name}\n    log_stream_name s\n    auto_create_group On\n    Retry_Limit 1\n${extra}`;
      const send = async (name: string, extra: string) => {
        const c = capture(planFrom(SERVICE + LIB_IN + https(name, extra)), { retryDelayMs: () => 20 });
        await c.pipeline.start();
        c.pipeline.push([{ msg: name }]);
        await c.pipeline.stop();
        return { metrics: c.pipeline.metrics().output['cloudwatch_logs.0']!, logs: c.logs.join('\n') };
      };
      await send('g-ca', `    tls.ca_file ${ca}\n`);
      await send('g-noverify', '    tls.verify Off\n');
      const refused = await send('g-untrusted', '');
      expect(tls.store.logGroups().map((g) => g.name)).toEqual(['g-ca', 'g-noverify']);
      expect(tls.store.logEvents('g-ca', 's').map((e) => e.message)).toEqual(['{"msg":"g-ca"}']);
      expect(refused.metrics.counters['dropped_records']).toBe(1);
      expect(refused.logs).toMatch(/self[- ]signed|certificate/i);
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('net.io_timeout bounds the wait for an answer, as Fluent Bit\'s upstream does; without it a slow endpoint is waited for', async () => {
    const slow = await startAwsLocal({ faults: 'latency-ms=1500' });
    try {
      const send = async (name: string, extra: string) => {
        const config = `[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n    endpoint ${slow.endpoint}\n    log_group_name ${name}\n    log_stream_name s\n    auto_create_group On\n    Retry_Limit 1\n${extra}`;
        const c = capture(planFrom(SERVICE + LIB_IN + config), { retryDelayMs: () => 20 });
        await c.pipeline.start();
        c.pipeline.push([{ msg: name }]);
        await c.pipeline.stop();
        return { metrics: c.pipeline.metrics().output['cloudwatch_logs.0']!, logs: c.logs.join('\n') };
      };
      const timedOut = await send('g-timeout', '    net.io_timeout 1\n    net.keepalive off\n');
      expect(timedOut.metrics.counters['dropped_records']).toBe(1);
      // The endpoint still stores what it answers late: as with AWS, a timed-out request may have landed.
      expect(timedOut.metrics.dropped).toEqual({ 'retries exhausted: PutLogEvents failed: TimeoutError: a request has exceeded the configured 1000 ms requestTimeout': 1 });
      const waited = await send('g-waited', '');
      expect(waited.metrics.counters['proc_records']).toBe(1);
      expect(slow.store.logEvents('g-waited', 's').map((e) => e.message)).toEqual(['{"msg":"g-waited"}']);
    } finally {
      await slow.close();
    }
  }, 30_000);
});
