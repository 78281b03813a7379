// tail → null throughput: a generated 1,000,000-line CRI log (seeded; about 5% of the messages
// split into P fragments) read by `logferry run` in a child process with Read_from_Head and
// Exit_On_Eof, without and with `multiline.parser cri`. Prints one JSON line per scenario:
// {bench, lines, records, seconds, lines_per_s, mb_per_s, cpu_s, rss_peak_mb}.
// CPU is the child's user+system time (the parent's cutime/cstime after reaping it, Linux /proc);
// peak RSS is the child's VmHWM, sampled while it runs. Run with `npm run bench:tail` (builds first).
// Env: LINES (default 1000000), RUNS (best of, default 1), KEEP=1 keeps the temp dir.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = Number(process.env.LINES ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.RUNS ?? 1));
const TICKS = 100; // USER_HZ on Linux

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['GET', 'POST', '/api/v1/orders', 'user=42', 'status=200', 'latency_ms=13', 'cache=miss', 'request', 'handled', 'upstream', 'ok', 'retry', 'trace_id=9f2c1a', 'region=eu-west-1'];

/** Writes `lines` CRI lines; returns the number of complete records (a P..F run is one). */
function generate(path, lines) {
  const rand = mulberry32(20240601);
  const fd = openSync(path, 'w');
  let chunk = [];
  let size = 0;
  let records = 0;
  let ns = 0;
  const base = Date.UTC(2024, 5, 1) / 1000;
  const stamp = () => {
    ns += 1000 + Math.floor(rand() * 50_000);
    const sec = base + Math.floor(ns / 1e9);
    return `${new Date(sec * 1000).toISOString().slice(0, 19)}.${String(ns % 1e9).padStart(9, '0')}Z`;
  };
  const message = () => {
    const n = 4 + Math.floor(rand() * 14);
    let s = '';
    for (let i = 0; i < n; i++) s += (i ? ' ' : '') + WORDS[Math.floor(rand() * WORDS.length)];
    return s;
  };
  let written = 0;
  while (written < lines) {
    const stream = rand() < 0.8 ? 'stdout' : 'stderr';
    const parts = rand() < 0.05 ? Math.min(lines - written, 2 + Math.floor(rand() * 3)) : 1;
    for (let p = 0; p < parts; p++) {
      const flag = p === parts - 1 ? 'F' : 'P';
      const line = `${stamp()} ${stream} ${flag} ${message()}\n`;
      chunk.push(line);
      size += line.length;
      written++;
    }
    records++;
    if (size > 4 << 20) {
      writeSync(fd, chunk.join(''));
      chunk = [];
      size = 0;
    }
  }
  writeSync(fd, chunk.join(''));
  closeSync(fd);
  return records;
}

function childCpuTicks() {
  // /proc/self/stat: fields after the ")": state is field 3; cutime and cstime are fields 16 and 17.
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

function runOnce(config) {
  return new Promise((resolve, reject) => {
    const cpu0 = childCpuTicks();
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(root, 'bin/logferry.js'), 'run', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
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
      // The exit event comes after libuv reaped the child, so its CPU time is in cutime/cstime now.
      const cpu = (childCpuTicks() - cpu0) / TICKS;
      if (code !== 0) reject(new Error(`logferry run exited with ${code}:\n${stderr}`));
      else if (!stderr.includes('exit_on_eof')) reject(new Error(`logferry run did not reach the end of the file:\n${stderr}`));
      else resolve({ seconds, cpu, rssPeakMb: peakKb / 1024 });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-tail-'));
try {
  const log = join(dir, 'app.log');
  const records = generate(log, LINES);
  const bytes = statSync(log).size;
  const scenarios = [
    { bench: 'tail-null', extra: '', records: LINES },
    { bench: 'tail-cri-null', extra: '    multiline.parser cri\n', records },
  ];
  for (const s of scenarios) {
    const config = join(dir, `${s.bench}.conf`);
    writeFileSync(
      config,
      `[SERVICE]\n    Flush 1\n    Log_Level info\n\n[INPUT]\n    Name tail\n    Path ${log}\n    Read_from_Head On\n    Exit_On_Eof On\n    Buffer_Max_Size 64k\n${s.extra}\n[OUTPUT]\n    Name null\n    Match *\n`,
    );
    let best;
    for (let i = 0; i < RUNS; i++) {
      const r = await runOnce(config);
      if (!best || r.seconds < best.seconds) best = r;
    }
    const round = (n, d = 3) => Number(n.toFixed(d));
    console.log(
      JSON.stringify({
        bench: s.bench,
        lines: LINES,
        records: s.records,
        seconds: round(best.seconds),
        lines_per_s: Math.round(LINES / best.seconds),
        mb_per_s: round(bytes / 1e6 / best.seconds, 1),
        cpu_s: round(best.cpu, 2),
        rss_peak_mb: round(best.rssPeakMb, 1),
      }),
    );
  }
} finally {
  if (process.env.KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
