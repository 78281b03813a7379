/**
 * Pipeline scenarios: the agent runs as a child process on a Fluent Bit-compatible configuration
 * (tail with Read_from_Head and Exit_On_Eof, or dummy; HTTP_Server On for `/api/v1/metrics`), so
 * the same configuration and input can be given to a Fluent Bit binary (`--compare`). CPU is the
 * child's user+system time (cutime/cstime of this process after reaping it, Linux /proc); peak
 * RSS is the child's VmHWM, sampled while it runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startAwsLocal, type AwsLocal } from '../aws-local/index.js';
import { appLines, criLines, writeLines } from './generate.js';
import { BENCH_PARSERS } from './in-process.js';
import { childrenCpuSeconds, envInt, load1, memoryKb, round } from './measure.js';
import type { BenchContext, BenchResult, ComparedResult, Scenario } from './types.js';

export type AgentName = 'logferry' | 'fluent-bit';

export interface AgentRunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** HTTP_Port of the config: `/api/v1/metrics` is polled for progress and counts. */
  readonly port?: number;
  /** Input records expected (progress = input records / this). */
  readonly expected?: number;
  readonly progress?: (fraction: number) => void;
  /** Send SIGTERM after this many ms (inputs that do not end by themselves). */
  readonly stopAfterMs?: number;
  /** RSS samples before this many ms are not part of `rss_mb` (start-up). */
  readonly settleMs?: number;
}

export interface AgentRun {
  readonly code: number | null;
  readonly seconds: number;
  readonly cpu_s: number;
  readonly rss_peak_mb: number;
  /** Median VmRSS after settleMs (steady state). */
  readonly rss_mb: number;
  /** Last `/api/v1/metrics` answer: records of inputs and outputs, and when it was read. */
  readonly input_records: number;
  readonly output_records: number;
  /** Output records per second between the first and the last metrics poll after settleMs. */
  readonly polled_rate: number | undefined;
  readonly stderr: string;
}

/** A free TCP port on 127.0.0.1 (for HTTP_Port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface V1Metrics {
  input?: Record<string, { records?: number }>;
  output?: Record<string, { proc_records?: number }>;
}

function sum(section: Record<string, Record<string, number | undefined>> | undefined, key: string): number {
  let n = 0;
  for (const v of Object.values(section ?? {})) n += v[key] ?? 0;
  return n;
}

/** Runs `command -c config` and measures it. */
export function runAgent(command: readonly string[], config: string, o: AgentRunOptions = {}): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    const cpu0 = childrenCpuSeconds();
    const t0 = performance.now();
    const child = spawn(command[0]!, [...command.slice(1), '-c', config], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...o.env } });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 65536) stderr = stderr.slice(-32768);
    });
    let peakKb = 0;
    const rss: number[] = [];
    const settle = o.settleMs ?? 0;
    const sampler = setInterval(() => {
      const m = memoryKb(child.pid ?? -1);
      peakKb = Math.max(peakKb, m.hwm);
      if (m.rss > 0 && performance.now() - t0 >= settle) rss.push(m.rss);
    }, 50);
    let inputRecords = 0;
    let outputRecords = 0;
    let first: { t: number; n: number } | undefined;
    let last: { t: number; n: number } | undefined;
    let polling = false;
    const poller =
      o.port === undefined
        ? undefined
        : setInterval(() => {
            if (polling) return;
            polling = true;
            fetch(`http://127.0.0.1:${o.port}/api/v1/metrics`, { signal: AbortSignal.timeout(500) })
              .then((r) => r.json() as Promise<V1Metrics>)
              .then((m) => {
                inputRecords = Math.max(inputRecords, sum(m.input as never, 'records'));
                outputRecords = Math.max(outputRecords, sum(m.output as never, 'proc_records'));
                const t = performance.now();
                if (t - t0 >= settle) {
                  first ??= { t, n: outputRecords };
                  last = { t, n: outputRecords };
                }
                if (o.expected) o.progress?.(Math.min(1, inputRecords / o.expected));
                else if (o.stopAfterMs) o.progress?.(Math.min(1, (t - t0) / o.stopAfterMs));
              })
              .catch(() => {})
              .finally(() => {
                polling = false;
              });
          }, 250);
    const stopper = o.stopAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), o.stopAfterMs);
    child.on('error', (err) => {
      clearInterval(sampler);
      if (poller) clearInterval(poller);
      if (stopper) clearTimeout(stopper);
      reject(err);
    });
    child.on('exit', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      if (poller) clearInterval(poller);
      if (stopper) clearTimeout(stopper);
      // The exit event comes after libuv reaped the child, so its CPU time is in cutime/cstime now.
      const cpu = childrenCpuSeconds() - cpu0;
      rss.sort((a, b) => a - b);
      const polled = first && last && last.t > first.t ? ((last.n - first.n) * 1000) / (last.t - first.t) : undefined;
      resolve({
        code,
        seconds,
        cpu_s: cpu,
        rss_peak_mb: peakKb / 1024,
        rss_mb: (rss[Math.floor(rss.length / 2)] ?? 0) / 1024,
        input_records: inputRecords,
        output_records: outputRecords,
        polled_rate: polled,
        stderr,
      });
    });
  });
}

interface Agent {
  readonly name: AgentName;
  readonly command: readonly string[];
}

function agents(ctx: BenchContext): Agent[] {
  const list: Agent[] = [{ name: 'logferry', command: [...ctx.logferry, 'run'] }];
  if (ctx.compare !== undefined) list.push({ name: 'fluent-bit', command: [ctx.compare] });
  return list;
}

function service(port: number, grace = 5): string {
  return `[SERVICE]\n    Flush        1\n    Grace        ${grace}\n    Log_Level    info\n    HTTP_Server  On\n    HTTP_Listen  127.0.0.1\n    HTTP_Port    ${port}\n    Parsers_File parsers.conf\n`;
}

function tailInput(path: string, extra = ''): string {
  return `\n[INPUT]\n    Name            tail\n    Tag             app\n    Path            ${path}\n    Read_from_Head  On\n    Exit_On_Eof     On\n    Buffer_Max_Size 64k\n${extra}`;
}

const NULL_OUTPUT = '\n[OUTPUT]\n    Name  null\n    Match *\n';

interface TailSetup {
  /** Writes the input into `dir`; returns its path and counts. */
  input(dir: string, lines: number): { path: string; lines: number; bytes: number };
  /** The configuration for one run. */
  config(input: string, port: number, run: string, aws: AwsLocal | undefined): string;
  /** Lines the endpoint holds after a run (AWS scenarios), checked for logferry. */
  delivered?(aws: AwsLocal, run: string): number;
  readonly aws?: boolean;
  readonly defaultLines: number;
  readonly extra?: Record<string, unknown>;
}

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

function agentResult(bench: string, agent: AgentName, run: AgentRun, lines: number, bytes: number, load: number, extra: Record<string, unknown>): BenchResult {
  return {
    bench,
    lines_per_s: Math.round(lines / run.seconds),
    mb_per_s: round(bytes / 1e6 / run.seconds, 1),
    cpu_s: round(run.cpu_s, 2),
    rss_peak_mb: round(run.rss_peak_mb, 1),
    agent,
    lines,
    seconds: round(run.seconds, 3),
    lines_per_cpu_s: run.cpu_s > 0 ? Math.round(lines / run.cpu_s) : undefined,
    load1: load,
    ...extra,
  };
}

function compared(bench: string, results: Map<AgentName, BenchResult>): BenchResult | ComparedResult {
  const lf = results.get('logferry')!;
  const fb = results.get('fluent-bit');
  if (fb === undefined) return lf;
  return { bench, logferry: lf, fluent_bit: fb, ratio: fb.lines_per_s > 0 ? round(lf.lines_per_s / fb.lines_per_s, 2) : 0 };
}

function tailScenario(name: string, doc: string, setup: TailSetup): Scenario {
  return {
    name,
    doc,
    kind: 'pipeline',
    async run(ctx) {
      const dir = mkdtempSync(join(tmpdir(), `logferry-bench-${name}-`));
      const aws = setup.aws ? await startAwsLocal() : undefined;
      try {
        writeFileSync(join(dir, 'parsers.conf'), BENCH_PARSERS);
        const input = setup.input(dir, ctx.lines ?? envInt(ctx.env, 'BENCH_LINES', setup.defaultLines));
        const list = agents(ctx);
        const results = new Map<AgentName, BenchResult>();
        for (const [i, agent] of list.entries()) {
          const port = await freePort();
          const config = join(dir, `${agent.name}.conf`);
          writeFileSync(config, setup.config(input.path, port, agent.name, aws));
          const load = load1();
          const run = await runAgent(agent.command, config, {
            env: setup.aws ? AWS_ENV : {},
            port,
            expected: input.lines,
            progress: (f) => ctx.progress((i + f) / list.length),
          });
          const fail = (why: string) => new Error(`${name}: ${agent.name} ${why} (config ${config}):\n${run.stderr.slice(-4000)}`);
          if (run.code !== 0) throw fail(`exited with ${run.code}`);
          const extra: Record<string, unknown> = { ...setup.extra };
          if (agent.name === 'logferry' && !setup.aws && !run.stderr.includes('exit_on_eof')) throw fail('did not reach the end of the file');
          if (aws && setup.delivered) {
            const delivered = setup.delivered(aws, agent.name);
            if (agent.name === 'logferry' && delivered !== input.lines) throw fail(`delivered ${delivered} of ${input.lines} lines`);
            extra['delivered'] = delivered;
          }
          results.set(agent.name, agentResult(name, agent.name, run, input.lines, input.bytes, load, extra));
        }
        return compared(name, results);
      } finally {
        await aws?.close();
        if (ctx.env['BENCH_KEEP'] === '1') process.stderr.write(`kept ${dir}\n`);
        else rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const criFile = (json: boolean) => (dir: string, lines: number) => {
  const path = join(dir, 'containers.log');
  return { path, ...writeLines(path, criLines(lines, 20240601, { splitRate: 0.05, maxParts: 4, json })) };
};

const appFile = (dir: string, lines: number) => {
  const path = join(dir, 'app.log');
  return { path, ...writeLines(path, appLines(lines, 120)) };
};

const awsOutput = (aws: AwsLocal | undefined) => `    region   us-east-1\n    endpoint ${aws?.endpoint ?? ''}\n`;

const pipelineScenarios: Scenario[] = [
  tailScenario('tail-null', 'tail 1,000,000 CRI lines -> null, file IO included (the real CLI)', {
    input: criFile(false),
    config: (path, port) => service(port) + tailInput(path) + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('tail-cri-null', 'tail -> cri multiline -> null (the real CLI)', {
    input: criFile(false),
    config: (path, port) => service(port) + tailInput(path, '    multiline.parser cri\n') + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('tail-cri-json-null', 'tail -> cri multiline -> parser filter (json on log) -> null (the real CLI)', {
    input: criFile(true),
    config: (path, port) =>
      service(port) + tailInput(path, '    multiline.parser cri\n') + '\n[FILTER]\n    Name         parser\n    Match        *\n    Key_Name     log\n    Parser       json\n    Reserve_Data On\n' + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('cloudwatch-local', 'tail -> cloudwatch_logs against the local endpoint (src/aws-local), every line checked', {
    aws: true,
    input: appFile,
    config: (path, port, run, aws) =>
      service(port, 60) + tailInput(path) + `\n[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    log_group_name    bench\n    log_stream_name   ${run}\n    auto_create_group On\n${awsOutput(aws)}`,
    delivered: (aws, run) => aws.store.logEvents('bench', run).length,
    defaultLines: 300_000,
  }),
  tailScenario('firehose-local', 'tail -> kinesis_firehose against the local endpoint (src/aws-local), every line checked', {
    aws: true,
    input: appFile,
    config: (path, port, run, aws) => service(port, 60) + tailInput(path) + `\n[OUTPUT]\n    Name            kinesis_firehose\n    Match           *\n    delivery_stream bench-${run}\n${awsOutput(aws)}`,
    delivered: (aws, run) => aws.store.firehoseRecords(`bench-${run}`).length,
    defaultLines: 300_000,
  }),
  tailScenario('firehose-local-aggregated', 'tail -> kinesis_firehose with simple_aggregation (records packed up to 1,000 KiB)', {
    aws: true,
    input: appFile,
    config: (path, port, run, aws) =>
      service(port, 60) + tailInput(path) + `\n[OUTPUT]\n    Name               kinesis_firehose\n    Match              *\n    delivery_stream    bench-${run}\n    simple_aggregation On\n${awsOutput(aws)}`,
    delivered: (aws, run) => aws.store.firehoseRecords(`bench-${run}`).reduce((n, b) => n + b.toString().split('\n').length - 1, 0),
    defaultLines: 300_000,
  }),
];

// ---------------------------------------------------------------------------------------------
// RSS at steady rates: the dummy input at 100, 1,000 and 10,000 lines/s into null.

/** Fluent Bit's RSS at these rates as AWS published it (tail -> CloudWatch Logs, MB). */
export const AWS_FLUENT_BIT_RSS_MB: Readonly<Record<string, number>> = { '100': 27, '1000': 44, '10000': 65 };

const DUMMY_RECORD = JSON.stringify({
  log: '2024-06-01T00:00:00.000Z INFO [req 42] GET /api/v1/orders/4242 user=42 status=200 latency_ms=13 cache=miss region=eu-west-1',
  stream: 'stdout',
  time: '2024-06-01T00:00:00.000000000Z',
});

function dummyConfig(port: number, rate: number): string {
  // At most 100 timer ticks per second (Node timers and Fluent Bit's are both steady there); Copies
  // makes up the rate.
  const ticks = Math.min(rate, 100);
  const copies = Math.max(1, Math.round(rate / ticks));
  return (
    service(port, 1) +
    `\n[INPUT]\n    Name   dummy\n    Tag    app\n    Rate   ${ticks}\n    Copies ${copies}\n    Dummy  ${DUMMY_RECORD}\n` +
    NULL_OUTPUT
  );
}

const rssSteady: Scenario = {
  name: 'rss-steady',
  doc: 'RSS at steady 100, 1,000, 10,000 lines/s (dummy -> null; BENCH_RSS_SECONDS per rate, default 10)',
  kind: 'pipeline',
  async run(ctx) {
    const seconds = envInt(ctx.env, 'BENCH_RSS_SECONDS', 10);
    const rates = (ctx.env['BENCH_RSS_RATES'] ?? '100,1000,10000').split(',').map(Number).filter((n) => n > 0);
    const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-rss-'));
    try {
      writeFileSync(join(dir, 'parsers.conf'), BENCH_PARSERS);
      const list = agents(ctx);
      const results = new Map<AgentName, BenchResult>();
      const steps = list.length * rates.length;
      let step = 0;
      for (const agent of list) {
        const load = load1();
        const perRate: Record<string, unknown> = {};
        let cpu = 0;
        let peak = 0;
        let top: { rate: number; bytes: number } = { rate: 0, bytes: 0 };
        for (const rate of rates) {
          const port = await freePort();
          const config = join(dir, `${agent.name}-${rate}.conf`);
          writeFileSync(config, dummyConfig(port, rate));
          const s = step++;
          const run = await runAgent(agent.command, config, {
            port,
            stopAfterMs: seconds * 1000,
            settleMs: Math.min(2000, (seconds * 1000) / 3),
            progress: (f) => ctx.progress((s + f) / steps),
          });
          if (run.code !== 0 && run.code !== null) throw new Error(`rss-steady: ${agent.name} at ${rate} lines/s exited with ${run.code}:\n${run.stderr.slice(-4000)}`);
          const achieved = run.polled_rate ?? run.output_records / run.seconds;
          perRate[`rss_mb_${rate}`] = round(run.rss_mb, 1);
          perRate[`rss_peak_mb_${rate}`] = round(run.rss_peak_mb, 1);
          perRate[`lines_per_s_${rate}`] = Math.round(achieved);
          perRate[`cpu_s_${rate}`] = round(run.cpu_s, 2);
          cpu += run.cpu_s;
          peak = Math.max(peak, run.rss_peak_mb);
          top = { rate: achieved, bytes: achieved * (DUMMY_RECORD.length + 1) };
        }
        results.set(agent.name, {
          bench: 'rss-steady',
          lines_per_s: Math.round(top.rate),
          mb_per_s: round(top.bytes / 1e6, 2),
          cpu_s: round(cpu, 2),
          rss_peak_mb: round(peak, 1),
          agent: agent.name,
          seconds_per_rate: seconds,
          ...perRate,
          aws_fluent_bit_rss_mb: AWS_FLUENT_BIT_RSS_MB,
          load1: load,
        });
      }
      return compared('rss-steady', results);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const PIPELINE_SCENARIOS: readonly Scenario[] = [...pipelineScenarios, rssSteady];
