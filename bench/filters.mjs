// Filter chain throughput: records pushed through a lib input, the filters, and a null output.
// Prints one JSON line per scenario: {bench, records, seconds, records_per_s, cpu_s, rss_peak_mb}.
// Run with `npm run bench:filters` (builds first); RECORDS=n sets the count, ONLY=name[,name] picks scenarios;
// the *-alone scenarios time one filter's filter() calls without the pipeline (cpu_s there includes making the records). The kubernetes scenario measures cache hits:
// a local HTTP server on 127.0.0.1 answers the pod lookups once, then every record is served
// from the filter's cache.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { validateConfig } = await import(join(root, 'dist/config/validate.js'));
const { Pipeline } = await import(join(root, 'dist/engine/pipeline.js'));

const RECORDS = Number(process.env.RECORDS ?? 1_000_000);
const BATCH = 1000;
const PODS = 100;
const HEX = 'a'.repeat(64);

function pod(i) {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: `web-${i}`, namespace: 'shop', uid: `uid-${i}`, labels: { app: 'web', tier: 'front' }, annotations: { 'team': 'checkout' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'shop/web:1.2.3' }] },
    status: { podIP: '10.0.0.1', containerStatuses: [{ name: 'app', image: 'shop/web:1.2.3', imageID: 'docker-pullable://shop/web@sha256:abc', containerID: `containerd://${HEX}` }] },
  };
}

async function apiServer() {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/web-(\d+)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(pod(Number(m[2]))));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: server.address().port, requests: () => requests };
}

// ONLY=filter-modify (a comma-separated list of scenario names) runs just those, e.g. for profiling.
const ONLY = process.env.ONLY ? new Set(process.env.ONLY.split(',')) : undefined;

async function run(name, filters, makeRecord, tagOf, env = {}, report = true) {
  if (ONLY !== undefined && report && !ONLY.has(name)) return;
  const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-filters-'));
  try {
    const conf = join(dir, 'bench.conf');
    writeFileSync(
      conf,
      `[SERVICE]\n    Flush 1\n    Log_Level error\n\n[INPUT]\n    Name lib\n    Tag  bench\n\n${filters}\n[OUTPUT]\n    Name  null\n    Match *\n`,
    );
    const result = validateConfig(conf, { env: { HOSTNAME: 'bench', ...env } });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new Error(JSON.stringify(errors));
    const pipeline = new Pipeline(result.plan, { logSink: () => {} });
    await pipeline.start();
    // Warm-up batch (first lookups, JIT), not measured.
    pipeline.push(Array.from({ length: BATCH }, (_, i) => makeRecord(i)), { tag: tagOf(0) });
    await new Promise((r) => setTimeout(r, 200));
    let rss = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let n = 0; n < RECORDS; n += BATCH) {
      const batch = new Array(BATCH);
      for (let i = 0; i < BATCH; i++) batch[i] = makeRecord(n + i);
      pipeline.push(batch, { tag: tagOf(n / BATCH) });
      if ((n / BATCH) % 100 === 0) {
        rss = Math.max(rss, process.memoryUsage().rss);
        await new Promise((r) => setImmediate(r));
      }
    }
    await pipeline.stop();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const m = pipeline.metrics();
    const out = Object.values(m.output)[0]?.counters ?? {};
    if (!report) return;
    console.log(
      JSON.stringify({
        bench: name,
        records: RECORDS,
        delivered: (out.proc_records ?? 0) - BATCH,
        seconds: Math.round(seconds * 1000) / 1000,
        records_per_s: Math.round(RECORDS / seconds),
        cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
        rss_peak_mb: Math.round((rss / 1e6) * 10) / 10,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One filter's `filter()` alone, without the pipeline (steadier than the pipeline figures on a busy
 * machine): batches of BATCH fresh records, `seconds` and `records_per_s` count only the calls.
 */
async function alone(name, section, makeRecord) {
  if (ONLY !== undefined && !ONLY.has(name)) return;
  const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-filters-'));
  try {
    const conf = join(dir, 'bench.conf');
    writeFileSync(conf, `[INPUT]\n    Name lib\n    Tag  bench\n\n${section}\n[OUTPUT]\n    Name  null\n    Match *\n`);
    const result = validateConfig(conf, { env: { HOSTNAME: 'bench' } });
    const instance = result.plan.filters[0];
    const quiet = () => {};
    const runtime = await instance.definition.create({
      instance,
      plan: result.plan,
      counters: { add: quiet },
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
      emit: quiet,
    });
    let ns = 0n;
    let rss = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    for (let pass = 0; pass < 2; pass++) {
      // pass 0 warms up (JIT), pass 1 is measured
      for (let n = 0; n < RECORDS; n += BATCH) {
        const batch = new Array(BATCH);
        for (let i = 0; i < BATCH; i++) batch[i] = { time: 0n, record: makeRecord(n + i) };
        const t = process.hrtime.bigint();
        runtime.filter('bench', batch);
        if (pass === 1) ns += process.hrtime.bigint() - t;
        if ((n / BATCH) % 100 === 0) rss = Math.max(rss, process.memoryUsage().rss);
      }
    }
    await runtime.stop?.();
    const seconds = Number(ns) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      JSON.stringify({
        bench: name,
        records: RECORDS,
        seconds: Math.round(seconds * 1000) / 1000,
        records_per_s: Math.round(RECORDS / seconds),
        ns_per_record: Math.round(Number(ns) / RECORDS),
        cpu_s: Math.round(((cpu.user + cpu.system) / 1e6) * 100) / 100,
        rss_peak_mb: Math.round((rss / 1e6) * 10) / 10,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (i) => ({ log: `2024-05-01T10:00:00Z level=${i % 10 === 0 ? 'error' : 'info'} component=api request=${i} took=${i % 97}ms`, stream: 'stdout' });

// One unreported pass first, so the first scenario does not pay for the engine's JIT warm-up.
await run('warm-up', '', line, () => 'bench', {}, false);
await run('filter-none', '', line, () => 'bench');
const GREP = '[FILTER]\n    Name  grep\n    Match *\n    Regex log level=(info|error)\n    Exclude stream ^stderr$\n';
const MODIFY =
  '[FILTER]\n    Name  modify\n    Match *\n    Rename log message\n    Set    source api\n    Add    env prod\n    Copy   stream channel\n    Remove stream\n';
const RECORD_MODIFIER = '[FILTER]\n    Name       record_modifier\n    Match      *\n    Record     hostname ${HOSTNAME}\n    Record     cluster demo\n    Remove_key stream\n';
await run('filter-grep', GREP, line, () => 'bench');
await run('filter-modify', MODIFY, line, () => 'bench');
await run('filter-record-modifier', RECORD_MODIFIER, line, () => 'bench');
const api = ONLY === undefined || ONLY.has('filter-kubernetes-cache-hit') ? await apiServer() : undefined;
if (api !== undefined) {
  await run(
    'filter-kubernetes-cache-hit',
    `[FILTER]\n    Name            kubernetes\n    Match           kube.*\n    Kube_URL        http://127.0.0.1:${api.port}\n    Kube_Token_File /dev/null\n    Kube_Tag_Prefix kube.var.log.containers.\n    Merge_Log       On\n    tls.verify      Off\n`,
    (i) => ({ log: `{"level":"info","request":${i}}\n`, stream: 'stdout', time: '2024-05-01T10:00:00.000000000Z' }),
    (b) => `kube.var.log.containers.web-${b % PODS}_shop_app-${HEX}.log`,
  );
  console.log(JSON.stringify({ bench: 'filter-kubernetes-api-requests', requests: api.requests(), pods: PODS }));
  api.server.close();
}
await alone('filter-grep-alone', GREP, line);
await alone('filter-modify-alone', MODIFY, line);
await alone('filter-record-modifier-alone', RECORD_MODIFIER, line);
