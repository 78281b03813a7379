// AWS outputs throughput against the embedded local endpoint (src/aws-local): a generated log of
// LINES lines (LINE_BYTES each, default 120) read by `logferry run` in a child process with Read_from_Head
// and Exit_On_Eof, shipped to CloudWatch Logs (PutLogEvents) or Firehose (PutRecordBatch) on
// 127.0.0.1. The endpoint runs in this process, so the child's CPU is logferry's alone.
// Prints one JSON line per scenario: {bench, lines, seconds, lines_per_s, mb_per_s, cpu_s, rss_peak_mb,
// endpoint_cpu_s} (endpoint_cpu_s: this process, i.e. the local endpoint, which shares the machine).
// Every run is checked: the endpoint must hold every line once. The aggregated scenario packs
// lines into Firehose records of up to 1,000 KiB (simple_aggregation). Run with `npm run bench:aws`
// (builds first). Env: LINES (default 300000), LINE_BYTES (default 120), RUNS (best of, default 1), ONLY=cloudwatch,firehose,firehose-aggregated.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startAwsLocal } = await import(join(root, 'dist/aws-local/index.js'));

const LINES = Number(process.env.LINES ?? 300_000);
const RUNS = Math.max(1, Number(process.env.RUNS ?? 1));
const LINE_BYTES = Number(process.env.LINE_BYTES ?? 120);
const TICKS = 100; // USER_HZ on Linux

function generate(path, lines, lineBytes) {
  const parts = [];
  const base = Date.UTC(2024, 5, 1);
  for (let i = 0; i < lines; i++) {
    const line = `${new Date(base + i).toISOString()} INFO [req ${i}] GET /api/v1/orders/${i % 9973} user=${i % 97} status=200 latency_ms=${i % 31} cache=miss`;
    parts.push(line.length + 1 < lineBytes ? `${line} ${'x'.repeat(lineBytes - line.length - 2)}\n` : `${line}\n`);
  }
  writeFileSync(path, parts.join(''));
}

/** The reaped children's user+system CPU ticks (cutime + cstime of /proc/self/stat). */
function childCpuTicks() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[13]) + Number(fields[14]);
}

function vmHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function runAgent(config) {
  return new Promise((resolve, reject) => {
    const cpu0 = childCpuTicks();
    const self0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'bin/logferry.js'), 'run', '-c', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'AKIDLOCAL', AWS_SECRET_ACCESS_KEY: 'local', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let peakKb = 0;
    const sampler = setInterval(() => {
      peakKb = Math.max(peakKb, vmHwmKb(child.pid));
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      clearInterval(sampler);
      const cpu = (childCpuTicks() - cpu0) / TICKS;
      const self = process.cpuUsage(self0);
      if (code !== 0) reject(new Error(`logferry run exited with ${code}:\n${stderr}`));
      else resolve({ seconds, cpu, endpointCpu: (self.user + self.system) / 1e6, rssPeakMb: peakKb / 1024 });
    });
  });
}

const SCENARIOS = [
  {
    bench: 'tail-cloudwatch_logs',
    key: 'cloudwatch',
    output: (run) => `    Name cloudwatch_logs\n    log_group_name bench\n    log_stream_name run-${run}\n    auto_create_group On\n`,
    delivered: (aws, run) => aws.store.logEvents('bench', `run-${run}`).length,
  },
  {
    bench: 'tail-kinesis_firehose',
    key: 'firehose',
    output: (run) => `    Name kinesis_firehose\n    delivery_stream bench-${run}\n`,
    delivered: (aws, run) => aws.store.firehoseRecords(`bench-${run}`).length,
  },
  {
    bench: 'tail-kinesis_firehose-aggregated',
    key: 'firehose-aggregated',
    output: (run) => `    Name kinesis_firehose\n    delivery_stream bench-${run}\n    simple_aggregation On\n`,
    delivered: (aws, run) => aws.store.firehoseRecords(`bench-${run}`).reduce((n, b) => n + b.toString().split('\n').length - 1, 0),
  },
];

const only = process.env.ONLY?.split(',');
const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-aws-'));
const aws = await startAwsLocal();
try {
  const log = join(dir, 'app.log');
  generate(log, LINES, LINE_BYTES);
  const bytes = statSync(log).size;
  let run = 0;
  for (const s of SCENARIOS) {
    if (only && !only.includes(s.key)) continue;
    let best;
    for (let i = 0; i < RUNS; i++) {
      run++;
      const config = join(dir, `${s.bench}-${run}.conf`);
      writeFileSync(
        config,
        `[SERVICE]\n    Flush 1\n    Grace 60\n    Log_Level warn\n\n[INPUT]\n    Name tail\n    Path ${log}\n    Tag app\n    Read_from_Head On\n    Exit_On_Eof On\n    Buffer_Max_Size 64k\n\n[OUTPUT]\n    Match *\n    region us-east-1\n    endpoint ${aws.endpoint}\n${s.output(run)}`,
      );
      const r = await runAgent(config);
      const delivered = s.delivered(aws, run);
      if (delivered !== LINES) throw new Error(`${s.bench}: the endpoint holds ${delivered} of ${LINES} lines`);
      if (!best || r.seconds < best.seconds) best = r;
    }
    const round = (n, d = 3) => Number(n.toFixed(d));
    console.log(
      JSON.stringify({
        bench: s.bench,
        lines: LINES,
        line_bytes: Math.round(bytes / LINES),
        seconds: round(best.seconds),
        lines_per_s: Math.round(LINES / best.seconds),
        mb_per_s: round(bytes / 1e6 / best.seconds, 1),
        cpu_s: round(best.cpu, 2),
        rss_peak_mb: round(best.rssPeakMb, 1),
        endpoint_cpu_s: round(best.endpointCpu, 2),
      }),
    );
  }
} finally {
  await aws.close();
  if (process.env.KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
