import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/engine/logger.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from '../../../src/engine/monitor/connections.js';
import { MonitorServer } from '../../../src/engine/monitor/server.js';
import { osName } from '../../../src/engine/monitor/v2-metrics.js';
import type { ReloadControl, ReloadOutcome } from '../../../src/engine/monitor/reload-api.js';
import type { Pipeline } from '../../../src/engine/pipeline.js';
import { packageVersion } from '../../../src/cli/version.js';
import { capture, planFrom, type Captured } from '../../support/pipeline.js';
import { probe, rawRequest, slowClients } from '../../support/http-clients.js';
import { parsePrometheus } from '../../support/prometheus.js';

const SERVICE = (extra = '') => `[SERVICE]\n    Flush 0.05\n    Grace 1\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n${extra}\n`;
const CONFIG = (service = '', output = '') =>
  SERVICE(service) +
  '[INPUT]\n    Name lib\n    Tag app\n\n' +
  '[FILTER]\n    Name grep\n    Match app\n    Exclude drop yes\n\n' +
  `[OUTPUT]\n    Name lib\n    Match app\n    Alias sink\n${output}\n`;

interface Running {
  run: Captured;
  server: MonitorServer;
  port: number;
  base: string;
  logs: string[];
}

const open: Running[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.server.close();
    await r.run.pipeline.stop(0);
  }
});

async function start(config: string, options: Parameters<typeof capture>[1] = {}, reload?: ReloadControl, limits?: Partial<ConnectionLimits>): Promise<Running> {
  const run = capture(planFrom(config), options);
  await run.pipeline.start();
  const logs: string[] = [];
  const server = new MonitorServer({
    pipeline: () => run.pipeline,
    version: packageVersion(),
    log: createLogger('info', (l) => logs.push(l)),
    ...(reload ? { reload } : {}),
    ...(limits ? { limits } : {}),
  });
  const address = await server.start('127.0.0.1', 0);
  const r = { run, server, port: address.port, base: `http://127.0.0.1:${address.port}`, logs };
  open.push(r);
  return r;
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function delivered(p: Pipeline): Promise<void> {
  const deadline = Date.now() + 5000;
  while (p.metrics().buffered_records > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe('HTTP monitoring server', () => {
  it('serves build info, uptime and Fluent Bit-shaped v1 metrics of the running pipeline', async () => {
    const { run, base, logs } = await start(CONFIG());
    expect(logs.join('')).toMatch(/\[http_server\] listen iface=127\.0\.0\.1 tcp_port=\d+/);
    const root = await get(`${base}/`);
    expect(root.status).toBe(200);
    expect(root.type).toBe('application/json');
    expect(JSON.parse(root.text)).toEqual({ logferry: { version: packageVersion(), edition: 'Community', flags: expect.any(Array) } });

    const uptime = JSON.parse((await get(`${base}/api/v1/uptime`)).text) as { uptime_sec: number; uptime_hr: string };
    expect(uptime.uptime_sec).toBeGreaterThanOrEqual(0);
    expect(uptime.uptime_hr).toMatch(/^logferry has been running: {2}0 day, 0 hour, 0 minute and \d+ seconds?$/);

    // Every key is listed, with 0, before anything happened.
    expect(JSON.parse((await get(`${base}/api/v1/metrics`)).text)).toEqual({
      input: { 'lib.0': { records: 0, bytes: 0 } },
      filter: { 'grep.0': { drop_records: 0, add_records: 0 } },
      output: { sink: { proc_records: 0, proc_bytes: 0, errors: 0, retries: 0, retries_failed: 0, dropped_records: 0, retried_records: 0 } },
    });

    run.pipeline.push([{ m: 1 }, { m: 2, drop: 'yes' }, { m: 3 }]);
    await delivered(run.pipeline);
    const m = JSON.parse((await get(`${base}/api/v1/metrics`)).text) as {
      input: Record<string, Record<string, number>>;
      filter: Record<string, Record<string, number>>;
      output: Record<string, Record<string, number>>;
    };
    expect(m.input['lib.0']).toMatchObject({ records: 3 });
    expect(m.input['lib.0']!['bytes']).toBeGreaterThan(0);
    expect(m.filter['grep.0']).toEqual({ drop_records: 1, add_records: 0 });
    expect(m.output['sink']).toMatchObject({ proc_records: 2, errors: 0, retries: 0 });
    expect(m.output['sink']!['proc_bytes']).toBe(m.input['lib.0']!['bytes']);
    expect(run.records()).toEqual([{ m: 1 }, { m: 3 }]);
  });

  it('serves Prometheus text with Fluent Bit names, HELP/TYPE lines and logferry series', async () => {
    let fail = true;
    const { run, base } = await start(CONFIG('', '    Retry_Limit no_retries\n') + '[INPUT]\n    Name lib\n    Tag other\n    Alias we"ird\\name\n', {
      receiver: () => {
        if (fail) throw new Error('receiver down');
      },
    });
    run.pipeline.push([{ a: 1 }, { a: 2 }]);
    run.pipeline.push([{ b: 1 }], { tag: 'nowhere' });
    await delivered(run.pipeline);
    fail = false;
    run.pipeline.push([{ a: 3 }]);
    await delivered(run.pipeline);

    const res = await get(`${base}/api/v1/metrics/prometheus`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4');
    const p = parsePrometheus(res.text);
    expect(p.value('fluentbit_input_records_total', { name: 'lib.0' })).toBe(4);
    expect(p.value('fluentbit_input_records_total', { name: 'we"ird\\name' })).toBe(0);
    expect(p.value('fluentbit_input_bytes_total', { name: 'lib.0' })).toBeGreaterThan(0);
    expect(p.value('fluentbit_filter_drop_records_total', { name: 'grep.0' })).toBe(0);
    expect(p.value('fluentbit_filter_add_records_total', { name: 'grep.0' })).toBe(0);
    expect(p.value('fluentbit_output_proc_records_total', { name: 'sink' })).toBe(1);
    expect(p.value('fluentbit_output_proc_bytes_total', { name: 'sink' })).toBeGreaterThan(0);
    expect(p.value('fluentbit_output_errors_total', { name: 'sink' })).toBe(0);
    expect(p.value('fluentbit_output_retries_total', { name: 'sink' })).toBe(0);
    expect(p.value('fluentbit_output_retries_failed_total', { name: 'sink' })).toBe(1);
    expect(p.value('fluentbit_output_dropped_records_total', { name: 'sink' })).toBe(2);
    expect(p.value('fluentbit_output_retried_records_total', { name: 'sink' })).toBe(0);
    expect(p.help.get('fluentbit_input_records_total')).toBe('Number of input records.');
    expect(p.help.get('fluentbit_output_retries_failed_total')).toBe('Number of abandoned batches because the maximum number of re-tries was reached.');
    expect(p.type.get('fluentbit_output_proc_records_total')).toBe('counter');
    // v1 counter lines carry a millisecond timestamp; every sample name has HELP and TYPE.
    expect(Math.abs(p.samples.get('fluentbit_input_records_total')![0]!.timestamp! - Date.now())).toBeLessThan(60_000);
    for (const name of p.samples.keys()) expect(p.type.has(name), name).toBe(true);
    expect(p.value('fluentbit_uptime')).toBeGreaterThanOrEqual(0);
    expect(p.value('logferry_build_info', { version: packageVersion() })).toBe(1);
    // Fluent Bit's v1 line, its edition naming logferry.
    expect(p.samples.get('fluentbit_build_info')).toEqual([{ labels: { version: packageVersion(), edition: 'logferry' }, value: 1 }]);

    expect(p.value('logferry_dropped_records_total', { name: 'sink', reason: 'retries exhausted: receiver down' })).toBe(2);
    expect(p.value('logferry_dropped_records_total', { name: 'router', reason: "no output matches tag 'nowhere'" })).toBe(1);
    expect(p.value('logferry_dropped_records_total', { name: 'lib.0', reason: 'no output matches the tag' })).toBe(1);
    expect(p.value('logferry_input_paused_total', { name: 'lib.0' })).toBe(0);
    expect(p.value('logferry_input_overlimit', { name: 'lib.0' })).toBe(0);
    expect(p.type.get('logferry_input_overlimit')).toBe('gauge');
    expect(p.value('logferry_buffered_records')).toBe(0);

    // Sorted as Fluent Bit sorts them: each metric's lines are together.
    const names = res.text.split('\n').filter((l) => l.startsWith('fluentbit_') && l.includes('_total{')).map((l) => l.slice(0, l.indexOf('{')));
    expect(names).toEqual([...names].sort());
  });

  it('reports paused inputs and buffered records while an output holds them', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { run, base } = await start(
      SERVICE() + '[INPUT]\n    Name lib\n    Tag app\n    Mem_Buf_Limit 100\n\n[OUTPUT]\n    Name lib\n    Match app\n',
      { receiver: () => gate },
    );
    run.pipeline.push([{ msg: 'x'.repeat(200) }]);
    const p = parsePrometheus((await get(`${base}/api/v1/metrics/prometheus`)).text);
    expect(p.value('logferry_input_overlimit', { name: 'lib.0' })).toBe(1);
    expect(p.value('logferry_input_paused_total', { name: 'lib.0' })).toBe(1);
    expect(p.value('logferry_buffered_records')).toBe(1);
    const storage = JSON.parse((await get(`${base}/api/v1/storage`)).text) as { input_chunks: Record<string, { status: Record<string, unknown> }> };
    expect(storage.input_chunks['lib.0']!.status).toMatchObject({ overlimit: true, mem_limit: '100b' });
    release();
    await delivered(run.pipeline);
  });

  it('v2 Prometheus: Fluent Bit 4.2 families (filter records and bytes, storage, build info) and the process’ own metrics', async () => {
    const { run, base } = await start(CONFIG());
    run.pipeline.push([{ m: 1 }, { m: 2, drop: 'yes' }, { m: 3 }]);
    await delivered(run.pipeline);
    const res = await get(`${base}/api/v2/metrics/prometheus`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain; version=0.0.4');
    const p = parsePrometheus(res.text);
    const grep = { name: 'grep.0' };
    expect(p.value('fluentbit_filter_records_total', grep)).toBe(3);
    expect(p.value('fluentbit_filter_drop_records_total', grep)).toBe(1);
    expect(p.value('fluentbit_filter_add_records_total', grep)).toBe(0);
    // What grep gave back is what the output then took: filter bytes are msgpack sizes as Fluent Bit
    // counts them, the output's are the chunk's real bytes (JSON text, a little larger).
    const filtered = p.value('fluentbit_filter_bytes_total', grep)!;
    const sent = p.value('fluentbit_output_proc_bytes_total', { name: 'sink' })!;
    expect(filtered).toBeGreaterThan(0);
    expect(sent).toBeGreaterThanOrEqual(filtered);
    expect(sent).toBeLessThan(filtered * 2);
    expect(p.value('fluentbit_filter_drop_bytes_total', grep)).toBeGreaterThan(0);
    expect(p.value('fluentbit_input_records_total', { name: 'lib.0' })).toBe(3);
    expect(p.value('fluentbit_output_proc_records_total', { name: 'sink' })).toBe(2);
    expect(p.samples.get('fluentbit_build_info')).toEqual([
      { labels: { hostname: hostname(), version: packageVersion(), os: osName(), edition: 'logferry' }, value: Math.floor(run.pipeline.startedAt! / 1000) },
    ]);
    expect(p.value('fluentbit_hot_reloaded_times', { hostname: hostname() })).toBe(0);
    expect(p.value('fluentbit_storage_chunks')).toBe(0);
    expect(p.value('fluentbit_input_storage_chunks', { name: 'lib.0' })).toBe(0);
    expect(p.value('fluentbit_input_ingestion_paused', { name: 'lib.0' })).toBe(0);
    // v2 lines carry no timestamp; every sample belongs to a family with HELP and TYPE.
    for (const [name, list] of p.samples) {
      expect(p.type.has(name.replace(/_(bucket|sum|count)$/, '')) || p.type.has(name), name).toBe(true);
      for (const sample of list) expect(sample.timestamp, name).toBeUndefined();
    }

    // The server runs in this process: its process metrics are this process'.
    const rss = p.value('process_resident_memory_bytes')!;
    expect(rss).toBeGreaterThan(process.memoryUsage().rss / 2);
    expect(rss).toBeLessThan(process.memoryUsage().rss * 2);
    expect(p.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(p.value('nodejs_heap_size_used_bytes')).toBeLessThanOrEqual(p.value('nodejs_heap_size_total_bytes')!);
    expect(Math.abs(p.value('process_start_time_seconds')! - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    expect(p.value('process_cpu_seconds_total')).toBeCloseTo(p.value('process_cpu_user_seconds_total')! + p.value('process_cpu_system_seconds_total')!, 6);
    expect(p.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(p.value('nodejs_version_info', { version: process.version })).toBe(1);

    // A forced full collection shows in nodejs_gc_duration_seconds{kind="major"}, buckets cumulative.
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    await new Promise((r) => setTimeout(r, 50));
    const after = parsePrometheus((await get(`${base}/api/v2/metrics/prometheus`)).text);
    const major = { kind: 'major' };
    expect(after.value('nodejs_gc_duration_seconds_count', major)).toBeGreaterThanOrEqual(1);
    const buckets = after.samples.get('nodejs_gc_duration_seconds_bucket')!.filter((s) => s.labels['kind'] === 'major');
    expect(buckets.map((b) => b.labels['le'])).toEqual(['0.001', '0.01', '0.1', '1.0', '2.0', '5.0', '+Inf']);
    expect(buckets.map((b) => b.value)).toEqual([...buckets.map((b) => b.value)].sort((a, b) => a - b));
    expect(buckets.at(-1)!.value).toBe(after.value('nodejs_gc_duration_seconds_count', major));
    expect(after.type.get('nodejs_gc_duration_seconds')).toBe('histogram');
  });

  it('the event-loop delay statistics start with the first v2 scrape (no 10 ms timer in an agent nobody scrapes)', async () => {
    const { base } = await start(CONFIG());
    const url = `${base}/api/v2/metrics/prometheus`;
    // 150 ms of a sampling started with the server would have filled the histogram by now.
    await new Promise((r) => setTimeout(r, 150));
    const first = parsePrometheus((await get(url)).text);
    expect(first.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(first.samples.has('nodejs_eventloop_lag_max_seconds')).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
    const second = parsePrometheus((await get(url)).text);
    expect(second.value('nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0);
    expect(second.value('nodejs_eventloop_lag_min_seconds')).toBeLessThanOrEqual(second.value('nodejs_eventloop_lag_max_seconds')!);
  });

  it('v2 text (/api/v2/metrics): cmetrics’ `time name{labels} = value` lines, the samples of the Prometheus form', async () => {
    const { run, base } = await start(CONFIG());
    run.pipeline.push([{ m: 1 }]);
    await delivered(run.pipeline);
    const text = await get(`${base}/api/v2/metrics`);
    const prom = parsePrometheus((await get(`${base}/api/v2/metrics/prometheus`)).text);
    expect(text.status).toBe(200);
    const lines = text.text.trimEnd().split('\n');
    const fluentBit = lines.filter((l) => / fluentbit_/.test(l));
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z [a-z_0-9]+(\{[^}]*\})? = \S/);
    const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(labels)}`;
    // A histogram is one text line (`= { buckets = ... }`) and a `_count` sample (with `_bucket`s and `_sum`) in Prometheus.
    const fromText = fluentBit.map((l) => {
      const m = /Z (\w+)(?:\{([^}]*)\})? = (\{ buckets = .*\}|\S+)$/.exec(l)!;
      return key(m[3]!.startsWith('{') ? `${m[1]!}_count` : m[1]!, Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!])));
    });
    const histogram = (n: string) => prom.type.get(n.replace(/_(bucket|sum|count)$/, '')) === 'histogram';
    const fromProm = [...prom.samples]
      .filter(([n]) => n.startsWith('fluentbit_') && !(histogram(n) && !n.endsWith('_count')))
      .flatMap(([n, list]) => list.map((s) => key(n, s.labels)));
    expect(fromText.some((k) => k.startsWith('fluentbit_output_latency_seconds_count'))).toBe(true);
    expect(fromText.sort()).toEqual(fromProm.sort());
  });

  it('health (v1 and v2): 200 ok, then 500 error once failed retries in HC_Period exceed HC_Retry_Failure_Count', async () => {
    const { run, base } = await start(CONFIG('    Health_Check On\n    HC_Errors_Count 5\n    HC_Retry_Failure_Count 1\n    HC_Period 60\n', '    Retry_Limit no_retries\n'), {
      receiver: () => {
        throw new Error('boom');
      },
    });
    const health = async () => [await get(`${base}/api/v1/health`), await get(`${base}/api/v2/health`)];
    expect(await health()).toMatchObject([{ status: 200, text: 'ok\n' }, { status: 200, text: 'ok\n' }]);
    run.pipeline.push([{ a: 1 }]);
    await delivered(run.pipeline);
    // One failure is not above the limit of 1.
    expect(await health()).toMatchObject([{ status: 200, text: 'ok\n' }, { status: 200, text: 'ok\n' }]);
    run.pipeline.push([{ a: 2 }]);
    await delivered(run.pipeline);
    expect(run.pipeline.metrics().output['sink']?.counters['retries_failed']).toBe(2);
    expect(await health()).toMatchObject([{ status: 500, text: 'error\n' }, { status: 500, text: 'error\n' }]);
  });

  it('health is not served without Health_Check On, and unknown paths are 404', async () => {
    const { base } = await start(CONFIG());
    expect((await get(`${base}/api/v1/health`)).status).toBe(404);
    // Fluent Bit 4.2.8 has no /api/v2/health: its `/` handler answers it (200, the build info).
    expect(await get(`${base}/api/v2/health`)).toEqual(await get(`${base}/`));
    expect((await get(`${base}/api/v2/health`)).status).toBe(200);
    expect((await get(`${base}/api/v1/nope`)).status).toBe(404);
    expect((await get(`${base}/api/v1/metrics/`)).status).toBe(404);
  });

  it('storage: Fluent Bit’s storage_layer and input_chunks shape, sizes like "0b"; 404 with storage.metrics off', async () => {
    const { base } = await start(CONFIG());
    const res = await get(`${base}/api/v1/storage`);
    expect(res.type).toBe('application/json');
    expect(JSON.parse(res.text)).toEqual({
      storage_layer: { chunks: { total_chunks: 0, mem_chunks: 0, fs_chunks: 0, fs_chunks_up: 0, fs_chunks_down: 0 } },
      input_chunks: {
        'lib.0': { status: { overlimit: false, mem_size: '0b', mem_limit: '0b' }, chunks: { total: 0, up: 0, down: 0, busy: 0, busy_size: '0b' } },
      },
    });
    const off = await start(CONFIG('    storage.metrics off\n'));
    expect((await get(`${off.base}/api/v1/storage`)).status).toBe(404);
  });

  it('reload endpoint: GET gives the count; POST and PUT answer as Fluent Bit; other methods are 400', async () => {
    const answers: ReloadOutcome[] = [{ status: 'done' }, { status: 'in progress' }, { status: 'not enabled' }];
    const reload: ReloadControl = { count: 3, request: () => Promise.resolve(answers.shift()!) };
    const { base } = await start(CONFIG(), {}, reload);
    expect(await get(`${base}/api/v2/reload`)).toMatchObject({ status: 200, text: '{"hot_reload_count":3}' });
    expect(await get(`${base}/api/v2/reload`, { method: 'POST' })).toMatchObject({ status: 200, text: '{"reload":"done","status":0}' });
    expect(await get(`${base}/api/v2/reload`, { method: 'PUT' })).toMatchObject({ status: 400, text: '{"reload":"in progress","status":-2}' });
    expect(await get(`${base}/api/v2/reload`, { method: 'POST' })).toMatchObject({ status: 200, text: '{"reload":"not enabled","status":-1}' });
    expect((await get(`${base}/api/v2/reload`, { method: 'DELETE' })).status).toBe(400);
  });

  it('reload endpoint: refuses with 403 what a web page sends (cross-site form, DNS rebinding), accepts curl and scripts', async () => {
    let requests = 0;
    const reload: ReloadControl = { count: 0, request: () => (requests++, Promise.resolve({ status: 'done' })) };
    const { port, logs } = await start(CONFIG(), {}, reload);
    const DONE = { status: 200, body: '{"reload":"done","status":0}' };
    const reloadWith = (method: string, headers: Record<string, string>, body = '{}') => rawRequest(port, { method, path: '/api/v2/reload', headers, body });

    // Fluent Bit's documented `curl -X POST -d '{}' localhost:2020/api/v2/reload`, header for header:
    // a form content type, as a browser's form sends, but none of a browser's marks.
    const curl = { 'User-Agent': 'curl/8.5.0', Accept: '*/*', 'Content-Type': 'application/x-www-form-urlencoded' };
    expect(await reloadWith('POST', curl)).toEqual(DONE);
    expect(await reloadWith('PUT', curl)).toEqual(DONE);
    expect(await reloadWith('POST', {}, '')).toEqual(DONE);
    // Node's fetch sends `Sec-Fetch-Mode: cors` but no Origin nor Sec-Fetch-Site.
    expect(await get(`http://127.0.0.1:${port}/api/v2/reload`, { method: 'POST', body: '{}' })).toMatchObject({ status: 200, text: DONE.body });
    // A user typing the URL (Sec-Fetch-Site: none) is not a page.
    expect(await reloadWith('POST', { 'Sec-Fetch-Site': 'none' })).toEqual(DONE);
    expect(requests).toBe(5);

    const form = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'https://evil.example',
      Referer: 'https://evil.example/page.html',
      'Sec-Fetch-Site': 'cross-site',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Dest': 'document',
    };
    const refused = await reloadWith('POST', form);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({
      reload: 'refused',
      status: -4,
      error: 'the request comes from a web page (Origin: https://evil.example); reloads are accepted only from tools such as curl',
    });
    // DNS rebinding: a hostile name now resolving to the agent, so Origin and Host agree.
    const rebound = `rebind.example:${port}`;
    expect((await reloadWith('PUT', { Host: rebound, Origin: `http://${rebound}`, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' })).status).toBe(403);
    // A sandboxed page or a no-referrer policy sends `Origin: null`.
    expect((await reloadWith('POST', { Origin: 'null', 'Content-Type': 'text/plain' })).status).toBe(403);
    expect(JSON.parse((await reloadWith('POST', { 'Sec-Fetch-Site': 'same-site' })).body)).toMatchObject({ error: expect.stringContaining('(Sec-Fetch-Site: same-site)') });
    expect(requests).toBe(5);
    expect(logs.join('')).toContain('[http_server] reload refused: the request comes from a web page (Origin: https://evil.example)');
    // Reading the count stays open to anyone (a page cannot read the answer without CORS headers).
    expect(await reloadWith('GET', { Origin: 'https://evil.example' }, '')).toEqual({ status: 200, body: '{"hot_reload_count":0}' });
  });

  it('a port in use is a startup error naming the address', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const run = capture(planFrom(CONFIG()));
    const server = new MonitorServer({ pipeline: () => run.pipeline, version: '0', log: createLogger('off') });
    try {
      await expect(server.start('127.0.0.1', port)).rejects.toThrow(`HTTP monitoring server cannot listen on 127.0.0.1:${port}: address already in use`);
    } finally {
      await server.close();
      await new Promise((r) => blocker.close(r));
    }
  });
});

describe('HTTP monitoring server under slow connections (slowloris)', () => {
  const HEALTH = CONFIG('    Health_Check On\n');
  const OK = { status: 200, body: 'ok\n' };

  it('closes connections that dribble their headers once the headers timeout passes, answering health meanwhile', async () => {
    const limits = { headersTimeoutMs: 1000, checkIntervalMs: 100 };
    const { port } = await start(HEALTH, {}, undefined, limits);
    const slow = slowClients(port, 300, 200);
    try {
      await slow.settled;
      for (let i = 0; i < 10; i++) expect(await probe(port, '/api/v1/health')).toEqual(OK);
      await vi.waitFor(() => expect(slow.open).toBe(0), { timeout: 15_000, interval: 50 });
      expect(slow.lifetimes).toHaveLength(300);
      // Each went at the first check after its headers timeout (or earlier, evicted at the cap); the
      // margin is for a loaded machine, the default headers timeout being 60 s in Node.
      expect(Math.max(...slow.lifetimes)).toBeLessThan(limits.headersTimeoutMs + limits.checkIntervalMs + 5000);
    } finally {
      slow.destroy();
    }
  });

  it('with the default limits, more slow connections than the cap leave health answering and the connections capped', async () => {
    const { maxConnections, headersTimeoutMs, checkIntervalMs } = DEFAULT_CONNECTION_LIMITS;
    // Well below a 1024 nofile limit, and slow clients shed sooner than Fluent Bit does (15-30 s).
    expect(maxConnections).toBeLessThanOrEqual(512);
    expect(headersTimeoutMs + checkIntervalMs).toBeLessThanOrEqual(15_000);
    const { port, logs } = await start(HEALTH);
    const slow = slowClients(port, maxConnections + 44, 200);
    try {
      await slow.settled;
      // Each connection past the cap closed the oldest one still sending its headers.
      await vi.waitFor(() => expect(slow.open).toBeLessThanOrEqual(maxConnections), { timeout: 10_000, interval: 50 });
      expect(slow.lifetimes.length).toBeGreaterThanOrEqual(44);
      // Said once, not once per connection.
      expect(logs.filter((l) => l.includes('connection cap'))).toEqual([
        expect.stringContaining(`[http_server] connection cap (${maxConnections}) reached: closed the oldest connection not being answered; 1 closed at the cap since the last warning`),
      ]);
      // A probe arriving at the cap is answered: it takes the place of the oldest slow connection.
      for (let i = 0; i < 10; i++) expect(await probe(port, '/api/v1/health')).toEqual(OK);
      expect(slow.open).toBeLessThan(maxConnections);
      expect(slow.lifetimes.length).toBeGreaterThan(44);
    } finally {
      slow.destroy();
    }
  });
});
