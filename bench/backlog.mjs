// Filesystem backlog recovery: how long a restart takes to deliver what a previous run left in
// storage.path. Writes BACKLOG_MB (default 100) of chunk files (about 2 MB each, container-log
// shaped records), then starts a pipeline on that storage.path with a null output and times it
// until nothing is buffered. Prints one JSON line:
// {bench, backlog_mb, records, chunks, seconds, mb_per_s, records_per_s, cpu_s, rss_peak_mb}.
// Run with `npm run bench:backlog` (builds first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { validateConfig } = await import(join(root, 'dist/config/validate.js'));
const { Pipeline } = await import(join(root, 'dist/engine/pipeline.js'));
const { FsStorage } = await import(join(root, 'dist/engine/storage/fs-storage.js'));

const BACKLOG_MB = Number(process.env.BACKLOG_MB ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'logferry-backlog-'));
const storagePath = join(dir, 'storage');

// The previous run's leftovers.
const storage = new FsStorage({ root: storagePath, sync: 'normal', checksum: false, deleteIrrecoverable: false });
let written = 0;
let records = 0;
let chunks = 0;
const base = 1_700_000_000_000_000_000n;
while (written < BACKLOG_MB * 1e6) {
  const file = storage.create('tail.0', `kube.var.log.containers.web-${chunks % 7}_shop_app-abc.log`);
  let inChunk = 0;
  while (inChunk < 2_000_000) {
    const events = [];
    for (let i = 0; i < 500; i++, records++) {
      events.push({
        time: base + BigInt(records) * 1000n,
        record: { time: '2024-06-01T00:00:00.000000000Z', stream: 'stdout', _p: 'F', log: `request ${records} handled status=200 latency_ms=${records % 97} path=/api/v1/orders/${records}` },
      });
    }
    const before = inChunk;
    file.append(events);
    inChunk += events.length * 150;
    written += inChunk - before;
  }
  file.seal();
  chunks++;
}

const conf = `[SERVICE]\n    Flush 1\n    Grace 30\n    Log_Level warn\n    storage.path ${storagePath}\n[INPUT]\n    Name lib\n    Tag other\n    storage.type filesystem\n[OUTPUT]\n    Name null\n    Match *\n`;
const { plan, diagnostics } = validateConfig(join(dir, 'fluent-bit.conf'), { text: conf, env: {} });
if (diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(diagnostics));

let rssPeak = process.memoryUsage().rss;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const pipeline = new Pipeline(plan, { logSink: () => {} });
await pipeline.start();
while (pipeline.metrics().buffered_records > 0) await new Promise((r) => setTimeout(r, 5));
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await pipeline.stop();
clearInterval(sampler);
const delivered = pipeline.metrics().output['null.0'].counters.proc_records;
if (delivered !== records) throw new Error(`delivered ${delivered} of ${records} records`);
rmSync(dir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bench: 'backlog-recovery',
    backlog_mb: BACKLOG_MB,
    records,
    chunks,
    seconds: +seconds.toFixed(3),
    mb_per_s: +(BACKLOG_MB / seconds).toFixed(1),
    records_per_s: Math.round(records / seconds),
    cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    rss_peak_mb: Math.round(rssPeak / 1e6),
  }),
);
