/**
 * Runs an agent (logferry or a Fluent Bit binary) as a child process on a configuration and
 * measures it: lifetime, CPU (user+system of the reaped child, Linux /proc), peak RSS (VmHWM,
 * sampled), and, through the agent's `/api/v1/metrics` (HTTP_Server On), its input and output
 * record counts and when the output had processed a given number of records.
 *
 * The metrics are polled every 50 ms over one keep-alive connection, one request at a time, so the
 * polling costs both sides little. Fluent Bit refreshes what `/api/v1/metrics` answers once a
 * second (flb_metrics_exporter.c), so its counts, and a time read from them, can be up to a second
 * late, and its last count may never be published before it exits. logferry answers live counts,
 * but with Exit_On_Eof it flushes and closes its server within milliseconds of the end of the
 * file, so its last count is rarely seen either. Both agents log when their engine has stopped
 * with nothing left to deliver; the time that line arrives is the other sign of the output's end.
 */
import { spawn } from 'node:child_process';
import { Agent as HttpAgent, get } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { childrenCpuSeconds, memoryKb, processCpuSeconds } from './measure.js';

export interface AgentRunOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** HTTP_Port of the config: `/api/v1/metrics` is polled for progress and counts. */
  readonly port?: number;
  /** Input records expected (progress = input records / this). */
  readonly expected?: number;
  /** `outputDoneS` is the time of the first poll where the output's proc_records reached this. */
  readonly expectedOutput?: number;
  readonly progress?: (fraction: number) => void;
  /** Send SIGTERM after this many ms (inputs that do not end by themselves). */
  readonly stopAfterMs?: number;
  /** RSS samples before this many ms are not part of `rss_mb` (start-up). */
  readonly settleMs?: number;
  /** Metrics poll period (default 50 ms). */
  readonly pollMs?: number;
}

export interface AgentRun {
  /** Exit code, null when a signal ended the process. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /**
   * The fatal signal the agent reported on stderr before dying (Fluent Bit catches SIGSEGV,
   * prints `caught signal (SIGSEGV)` and a stack, then aborts: `signal` is then SIGABRT).
   */
  readonly caughtSignal: string | undefined;
  /**
   * Spawn to the moment the agent logged that its engine had stopped with nothing left to deliver
   * (logferry `stopped`, Fluent Bit `service has stopped (0 pending tasks)`), seconds; undefined
   * without such a line, or when the log also tells of undelivered data (Fluent Bit's `pending chunk
   * count`, printed at a shutdown tick that still found chunks, logferry's `grace period ... expired`).
   */
  readonly drainedS: number | undefined;
  /** Lifetime: spawn to exit, seconds. */
  readonly seconds: number;
  /** Spawn to the first metrics poll whose output proc_records reached `expectedOutput`; undefined if never seen. */
  readonly outputDoneS: number | undefined;
  readonly cpu_s: number;
  readonly rss_peak_mb: number;
  /** Median VmRSS after settleMs (steady state). */
  readonly rss_mb: number;
  /** Median RssAnon after settleMs: VmRSS without the file pages (binary, libraries). */
  readonly rss_anon_mb: number;
  /** Highest counts `/api/v1/metrics` answered: records of inputs and outputs. */
  readonly input_records: number;
  readonly output_records: number;
  /** Successful metrics polls. */
  readonly polls: number;
  /** Output records per second between the first and the last metrics poll after settleMs. */
  readonly polled_rate: number | undefined;
  /**
   * CPU cores (user+system seconds per second, all threads) between the first and the last metrics
   * poll after settleMs: the steady state, without the start and the shutdown.
   */
  readonly steady_cores: number | undefined;
  readonly stderr: string;
}

export interface AgentHandle {
  readonly pid: number | undefined;
  /** The latest counts from `/api/v1/metrics` (0 before the first answer). */
  counts(): { readonly input: number; readonly output: number; readonly polls: number };
  /** Resolves true once the output's proc_records reached `n` (polled), false after `timeoutMs` or when the agent exits. */
  waitForOutput(n: number, timeoutMs: number): Promise<boolean>;
  /** Resolves true after the first metrics answer (the agent is up), false after `timeoutMs` or on exit. */
  waitReady(timeoutMs: number): Promise<boolean>;
  /** The agent's user+system CPU seconds so far (all threads; /proc/<pid>/stat), NaN when gone. */
  cpuSeconds(): number;
  stop(signal?: NodeJS.Signals): void;
  readonly done: Promise<AgentRun>;
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

/** One GET of `/api/v1/metrics` over the keep-alive agent. */
function getMetrics(port: number, agent: HttpAgent): Promise<V1Metrics> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/api/v1/metrics', agent, timeout: 1000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString()) as V1Metrics);
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('metrics request timed out')));
    req.on('error', reject);
  });
}

/** The log line of an engine that stopped with nothing pending (logferry, Fluent Bit). */
const STOPPED = /\] stopped$|service has stopped \(0 pending tasks\)/m;
/** Log lines telling that a shutdown left data undelivered. */
const UNDELIVERED = /pending chunk count|grace period of \S+ expired/;

/** Starts `command -c config` and measures it until it exits. */
export function startAgent(command: readonly string[], config: string, o: AgentRunOptions = {}): AgentHandle {
  const cpu0 = childrenCpuSeconds();
  const t0 = performance.now();
  const child = spawn(command[0]!, [...command.slice(1), '-c', config], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...o.env } });
  let exited = false;
  let stderr = '';
  let stopped: number | undefined;
  let undelivered = false;
  child.stderr!.on('data', (d: Buffer) => {
    const text = d.toString();
    stderr += text;
    if (stderr.length > 65536) stderr = stderr.slice(-32768);
    // A line may come in two pieces: look at the end of what came so far.
    const recent = stderr.slice(-(text.length + 200));
    if (UNDELIVERED.test(recent)) undelivered = true;
    if (stopped === undefined && STOPPED.test(recent)) stopped = performance.now();
  });
  let peakKb = 0;
  const rss: number[] = [];
  const anon: number[] = [];
  const settle = o.settleMs ?? 0;
  const sampler = setInterval(() => {
    const m = memoryKb(child.pid ?? -1);
    peakKb = Math.max(peakKb, m.hwm);
    if (m.rss > 0 && performance.now() - t0 >= settle) {
      rss.push(m.rss);
      anon.push(m.anon);
    }
  }, 50);

  let inputRecords = 0;
  let outputRecords = 0;
  let polls = 0;
  let outputDone: number | undefined;
  let first: { t: number; n: number; cpu: number } | undefined;
  let last: { t: number; n: number; cpu: number } | undefined;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const pollMs = o.pollMs ?? 50;
  let pollTimer: NodeJS.Timeout | undefined;
  const poll = () => {
    pollTimer = undefined;
    if (exited || o.port === undefined) return;
    const sent = performance.now();
    getMetrics(o.port, httpAgent)
      .then((m) => {
        polls++;
        inputRecords = Math.max(inputRecords, sum(m.input as never, 'records'));
        outputRecords = Math.max(outputRecords, sum(m.output as never, 'proc_records'));
        const t = performance.now();
        if (outputDone === undefined && o.expectedOutput !== undefined && outputRecords >= o.expectedOutput) outputDone = t;
        if (t - t0 >= settle) {
          const cpu = processCpuSeconds(child.pid ?? -1);
          if (Number.isFinite(cpu)) {
            first ??= { t, n: outputRecords, cpu };
            last = { t, n: outputRecords, cpu };
          }
        }
        if (o.expected) o.progress?.(Math.min(1, inputRecords / o.expected));
        else if (o.stopAfterMs) o.progress?.(Math.min(1, (t - t0) / o.stopAfterMs));
        notify();
      })
      .catch(() => {})
      .finally(() => {
        if (!exited) pollTimer = setTimeout(poll, Math.max(0, pollMs - (performance.now() - sent)));
      });
  };
  if (o.port !== undefined) pollTimer = setTimeout(poll, pollMs);
  const stopper = o.stopAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), o.stopAfterMs);

  const cleanup = () => {
    exited = true;
    clearInterval(sampler);
    if (pollTimer) clearTimeout(pollTimer);
    if (stopper) clearTimeout(stopper);
    httpAgent.destroy();
    notify();
  };
  const done = new Promise<AgentRun>((resolve, reject) => {
    child.on('error', (err) => {
      cleanup();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      const seconds = (performance.now() - t0) / 1000;
      cleanup();
      // The exit event comes after libuv reaped the child, so its CPU time is in cutime/cstime now.
      const cpu = childrenCpuSeconds() - cpu0;
      rss.sort((a, b) => a - b);
      anon.sort((a, b) => a - b);
      const polled = first && last && last.t > first.t ? ((last.n - first.n) * 1000) / (last.t - first.t) : undefined;
      const steadyCores = first && last && last.t > first.t ? ((last.cpu - first.cpu) * 1000) / (last.t - first.t) : undefined;
      resolve({
        code,
        signal,
        caughtSignal: /caught signal \((SIG[A-Z0-9]+)\)/.exec(stderr)?.[1],
        drainedS: stopped === undefined || undelivered ? undefined : (stopped - t0) / 1000,
        seconds,
        outputDoneS: outputDone === undefined ? undefined : (outputDone - t0) / 1000,
        cpu_s: cpu,
        rss_peak_mb: peakKb / 1024,
        rss_mb: (rss[Math.floor(rss.length / 2)] ?? 0) / 1024,
        rss_anon_mb: (anon[Math.floor(anon.length / 2)] ?? 0) / 1024,
        input_records: inputRecords,
        output_records: outputRecords,
        polls,
        polled_rate: polled,
        steady_cores: steadyCores,
        stderr,
      });
    });
  });

  const waitFor = (ok: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      const check = () => {
        if (ok()) finish(true);
        else if (exited) finish(false);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (v: boolean) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(v);
      };
      waiters.add(check);
      check();
    });

  return {
    pid: child.pid,
    counts: () => ({ input: inputRecords, output: outputRecords, polls }),
    waitForOutput: (n, timeoutMs) => waitFor(() => outputRecords >= n, timeoutMs),
    waitReady: (timeoutMs) => waitFor(() => polls > 0, timeoutMs),
    cpuSeconds: () => processCpuSeconds(child.pid ?? -1),
    stop: (signal = 'SIGTERM') => {
      if (!exited) child.kill(signal);
    },
    done,
  };
}

/** Runs `command -c config` until it exits, and measures it. */
export function runAgent(command: readonly string[], config: string, o: AgentRunOptions = {}): Promise<AgentRun> {
  return startAgent(command, config, o).done;
}
