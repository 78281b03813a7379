/**
 * The real CLI on Fluent Bit 4.2.8's own monitoring configuration (`fixtures/fluent-bit-4.2.8/`):
 * what the Helm chart's dashboard and common alert rules query is served, and every metric Fluent
 * Bit 4.2.8 served for that configuration is served with the same label names, or is listed below
 * with the reason logferry does not serve it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/cli.js';
import { parsePrometheus } from '../../support/prometheus.js';
import { useTempDir } from '../../support/temp-dir.js';

const GOLDEN = join(REPO_ROOT, 'fixtures', 'fluent-bit-4.2.8');

/**
 * Names the official chart's Grafana dashboard (fluent/helm-charts `charts/fluent-bit`) and the
 * usual alert rules (no output bytes, retries failed, errors, dropped records, build info, uptime)
 * query. The chart cannot be fetched here: the names are those Fluent Bit 4.2.8 serves under them.
 */
const DASHBOARD_AND_ALERTS = [
  'fluentbit_input_records_total',
  'fluentbit_input_bytes_total',
  'fluentbit_output_proc_records_total',
  'fluentbit_output_proc_bytes_total',
  'fluentbit_output_errors_total',
  'fluentbit_output_retries_total',
  'fluentbit_output_retries_failed_total',
  'fluentbit_output_dropped_records_total',
  'fluentbit_output_retried_records_total',
  'fluentbit_filter_records_total',
  'fluentbit_filter_bytes_total',
  'fluentbit_filter_add_records_total',
  'fluentbit_filter_drop_records_total',
  'fluentbit_filter_drop_bytes_total',
  'fluentbit_uptime',
  'fluentbit_build_info',
  'fluentbit_hot_reloaded_times',
  'fluentbit_storage_chunks',
  'fluentbit_input_storage_chunks',
  'fluentbit_input_storage_overlimit',
  'fluentbit_input_storage_memory_bytes',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'nodejs_heap_size_used_bytes',
  'nodejs_eventloop_lag_seconds',
];

/** Fluent Bit 4.2.8 families logferry does not serve, and why. */
const NOT_SERVED: Readonly<Record<string, string>> = {
  fluentbit_output_upstream_total_connections: 'outputs keep their connections in their own clients',
  fluentbit_output_upstream_busy_connections: 'outputs keep their connections in their own clients',
};

/** Labels logferry adds to a Fluent Bit family. */
const EXTRA_LABELS: Readonly<Record<string, readonly string[]>> = {
  fluentbit_build_info: ['edition'],
};

/** Label names of each family (histogram series folded into their family, `le` left out). */
function labelNames(text: string): Map<string, string[]> {
  const p = parsePrometheus(text);
  const families = new Map<string, Set<string>>();
  for (const [name, samples] of p.samples) {
    const family = p.type.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    const set = families.get(family) ?? new Set<string>();
    for (const s of samples) for (const l of Object.keys(s.labels)) if (l !== 'le') set.add(l);
    families.set(family, set);
  }
  return new Map([...families].map(([f, set]) => [f, [...set].sort()]));
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) c.kill('SIGKILL');
});

/** Starts `logferry run` on the golden configuration; resolves to its monitoring base URL. */
async function startAgent(dir: { write(rel: string, text: string): string }): Promise<string> {
  const tailFile = dir.write('in.log', 'hello\n');
  const conf = readFileSync(join(GOLDEN, 'monitoring.conf'), 'utf8').replace('@HTTP_PORT@', '0').replace('@TAIL_FILE@', tailFile);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', dir.write('fluent-bit.conf', conf)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      const m = /tcp_port=(\d+)/.exec(stderr);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.on('exit', (code) => reject(new Error(`logferry exited ${code}: ${stderr}`)));
  });
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

/** The Prometheus text once the outputs delivered `records` records (within 20 s: the flush is 1 s). */
async function scrapeAfterDelivery(base: string, records: number): Promise<string> {
  let text = '';
  const deadline = Date.now() + 20_000;
  do {
    text = await scrape(`${base}/api/v2/metrics/prometheus`);
    if ((parsePrometheus(text).value('fluentbit_output_proc_records_total') ?? 0) >= records) break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  return text;
}

describe('monitoring v2 against Fluent Bit 4.2.8 (real CLI, golden answer)', () => {
  const dir = useTempDir('logferry-v2-metrics-');

  it('serves what the chart’s dashboard and alerts query, and Fluent Bit’s names with its label names', async () => {
    const base = await startAgent(dir);
    // The tail line and a dummy record have passed.
    const text = await scrapeAfterDelivery(base, 2);

    const served = labelNames(text);
    for (const name of DASHBOARD_AND_ALERTS) expect(served.has(name), name).toBe(true);

    const fluentBit = labelNames(readFileSync(join(GOLDEN, 'api-v2-metrics-prometheus.txt'), 'utf8'));
    for (const name of Object.keys(NOT_SERVED)) {
      expect(fluentBit.has(name), `${name} is in Fluent Bit's answer`).toBe(true);
      expect(served.has(name), `${name} is listed as not served`).toBe(false);
    }
    for (const [name, labels] of fluentBit) {
      if (name in NOT_SERVED) continue;
      expect(served.get(name), name).toEqual([...labels, ...(EXTRA_LABELS[name] ?? [])].sort());
    }
    // The values are the pipeline's: the tail line and dummy records went through grep to null.
    const p = parsePrometheus(text);
    expect(p.value('fluentbit_input_records_total', { name: 'tail.0' })).toBe(1);
    expect(p.value('fluentbit_input_files_opened_total', { name: 'tail.0' })).toBe(1);
    expect(p.value('fluentbit_filter_records_total', { name: 'grep.0' })).toBeGreaterThanOrEqual(2);
    // Routes and latency: the tail line reached null.0.
    const route = { input: 'tail.0', output: 'null.0' };
    expect(p.value('fluentbit_routing_logs_records_total', route)).toBe(1);
    expect(p.value('fluentbit_routing_logs_bytes_total', route)).toBeGreaterThan(0);
    expect(p.value('fluentbit_output_latency_seconds_count', route)).toBe(1);
    expect(p.value('fluentbit_output_latency_seconds_bucket', { ...route, le: '+Inf' })).toBe(1);
    expect(p.value('fluentbit_output_latency_seconds_sum', route)).toBeGreaterThan(0);
    expect(p.value('fluentbit_routing_logs_records_total', { input: 'dummy.0', output: 'null.0' })).toBeGreaterThanOrEqual(1);
    // No storage.total_limit_size: all of it free, as Fluent Bit says.
    expect(p.value('fluentbit_output_chunk_available_capacity_percent', { name: 'null.0' })).toBe(100);
    expect(p.value('fluentbit_input_ring_buffer_writes_total', { name: 'tail.0' })).toBe(0);
    // The agent logged its banner, start and listen lines at info, nothing at error.
    expect(p.value('fluentbit_logger_logs_total', { message_type: 'info' })).toBeGreaterThanOrEqual(3);
    expect(p.value('fluentbit_logger_logs_total', { message_type: 'error' })).toBe(0);
  }, 30_000);

  it('/api/v2/metrics lines have the form of Fluent Bit 4.2.8’s cmetrics text', async () => {
    const base = await startAgent(dir);
    const line = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ([a-z0-9_]+)(\{(?:[a-z_]+="[^"]*",?)*\})? = (-?[\d.e+-]+|\{ buckets = \{ .* \}, sum=\S+, count=\d+ \})$/;
    const golden = readFileSync(join(GOLDEN, 'api-v2-metrics.txt'), 'utf8').trimEnd().split('\n');
    for (const l of golden) expect(l).toMatch(line);
    // Routing and latency series exist once something was delivered, in Fluent Bit as here.
    await scrapeAfterDelivery(base, 2);
    const ours = (await scrape(`${base}/api/v2/metrics`)).trimEnd().split('\n');
    for (const l of ours) expect(l).toMatch(line);
    const names = new Set(ours.map((l) => line.exec(l)![1]));
    for (const l of golden) {
      const name = line.exec(l)![1]!;
      if (!(name in NOT_SERVED)) expect(names.has(name), name).toBe(true);
    }
  }, 30_000);
});
