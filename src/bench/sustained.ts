/**
 * Sustained-rate scenarios after AWS's own Fluent Bit load tests (aws/aws-for-fluent-bit
 * load_tests: log_generator.c writes ~1 KB lines at a fixed rate; the published targets are
 * Firehose 30 MB/s and CloudWatch Logs 3 MB/s per agent, under one core).
 *
 * A writer in this process appends 1 KiB lines (1,024 bytes with the newline) to a file in small
 * batches every 10 ms, at the target rate, for a fixed time; `logferry run` (then, with --compare, the
 * Fluent Bit binary, on its own file and stream) tails the file
 * (Read_from_Head On, no Exit_On_Eof) into the output on the local endpoint (src/aws-local, also in
 * this process). When the writer stops, the scenario waits until the agent's output has processed
 * every line (`/api/v1/metrics`) and the endpoint holds each of them, then sends SIGTERM.
 *
 * The writer is cheap on purpose (this process also serves the endpoint): one prebuilt buffer of
 * lines in which only the sequence numbers and the batch time are rewritten, one write per batch.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { localhostTls, startAwsLocal, type AwsLocal } from '../aws-local/index.js';
import { prng } from '../aws-local/faults.js';
import { agents, AWS_ENV, awsOutput, compared, service, tailInputFollow, type Agent, type AgentName } from './agent.js';
import { freePort, startAgent } from './agent-run.js';
import { BENCH_PARSERS } from './in-process.js';
import { envInt, load1, round } from './measure.js';
import type { BenchResult, Scenario } from './types.js';

/** Bytes of every line, the newline included. */
export const LINE_BYTES = 1024;
const SEQ_DIGITS = 10;
const MS_DIGITS = 13;
/** `SEQ_MS_TEXT\n`: sequence number, batch time in ms, then letters (as log_generator.c's `%d_%lld_%s`). */
const TEXT_AT = SEQ_DIGITS + 1 + MS_DIGITS + 1;
const TEXT_BYTES = LINE_BYTES - TEXT_AT - 1;
const TICK_MS = 10;

function putDigits(buf: Buffer, at: number, value: number, width: number): void {
  for (let i = width - 1; i >= 0; i--) {
    buf[at + i] = 48 + (value % 10);
    value = Math.floor(value / 10);
  }
}

/** The letters every line carries after its sequence number and time (seeded, so always the same). */
function lineText(): Buffer {
  const rand = prng(1024);
  const text = Buffer.allocUnsafe(TEXT_BYTES);
  for (let i = 0; i < TEXT_BYTES; i++) text[i] = 65 + Math.floor(rand() * 26);
  return text;
}

export interface Written {
  readonly lines: number;
  readonly bytes: number;
  /** From the first to the last write. */
  readonly seconds: number;
}

/**
 * Appends numbered 1 KiB lines to `path` at `bytesPerSecond`: every TICK_MS it writes the lines due
 * by then (the average rate holds when a timer fires late), at most one second's worth per tick.
 */
export class RateWriter {
  private readonly fd: number;
  private readonly buf: Buffer;
  private readonly capacity: number;
  private readonly linesPerSecond: number;
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private last = 0;
  private written = 0;

  constructor(path: string, bytesPerSecond: number) {
    this.linesPerSecond = bytesPerSecond / LINE_BYTES;
    this.capacity = Math.max(1, Math.ceil((this.linesPerSecond * TICK_MS * 4) / 1000));
    this.buf = Buffer.allocUnsafe(this.capacity * LINE_BYTES);
    const text = lineText();
    for (let i = 0; i < this.capacity; i++) {
      const at = i * LINE_BYTES;
      this.buf[at + SEQ_DIGITS] = 95; // '_'
      this.buf[at + SEQ_DIGITS + 1 + MS_DIGITS] = 95;
      text.copy(this.buf, at + TEXT_AT);
      this.buf[at + LINE_BYTES - 1] = 10;
    }
    this.fd = openSync(path, 'a');
  }

  start(): void {
    this.t0 = performance.now();
    this.last = this.t0;
    this.tick();
  }

  private tick(): void {
    const now = performance.now();
    const due = Math.min(Math.floor(((now - this.t0) / 1000) * this.linesPerSecond) - this.written, Math.ceil(this.linesPerSecond));
    this.writeLines(due);
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  private writeLines(n: number): void {
    const ms = Date.now();
    for (let left = n; left > 0; ) {
      const batch = Math.min(left, this.capacity);
      for (let i = 0; i < batch; i++) {
        const at = i * LINE_BYTES;
        putDigits(this.buf, at, this.written + i, SEQ_DIGITS);
        putDigits(this.buf, at + SEQ_DIGITS + 1, ms, MS_DIGITS);
      }
      writeSync(this.fd, this.buf, 0, batch * LINE_BYTES);
      this.written += batch;
      left -= batch;
      this.last = performance.now();
    }
  }

  /** Stops writing and closes the file. */
  stop(): Written {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    closeSync(this.fd);
    return { lines: this.written, bytes: this.written * LINE_BYTES, seconds: (this.last - this.t0) / 1000 };
  }
}

export interface Delivery {
  /** Distinct lines found, each with its whole text. */
  readonly delivered: number;
  /** Lines found more than once (at-least-once delivery may repeat a batch). */
  readonly duplicates: number;
  /** Records that are none of the written lines (wrong number or text). */
  readonly foreign: number;
}

const LOG_FIELD = Buffer.from('"log":"');

/**
 * Checks every stored record against the written lines: each must be one line (its number below
 * `written`, its letters intact), found once. A record is the line itself or a JSON record whose
 * `log` holds it.
 */
export function checkDelivery(records: Iterable<Buffer | string>, written: number): Delivery {
  const seen = new Uint8Array(written);
  const text = lineText();
  let delivered = 0;
  let duplicates = 0;
  let foreign = 0;
  for (const r of records) {
    const b = typeof r === 'string' ? Buffer.from(r, 'latin1') : r;
    const field = b.indexOf(LOG_FIELD);
    const at = field < 0 ? 0 : field + LOG_FIELD.length;
    let seq = 0;
    let ok = b.length >= at + LINE_BYTES - 1 && b[at + SEQ_DIGITS] === 95 && b.compare(text, 0, TEXT_BYTES, at + TEXT_AT, at + TEXT_AT + TEXT_BYTES) === 0;
    for (let i = 0; ok && i < SEQ_DIGITS; i++) {
      const d = b[at + i]! - 48;
      if (d < 0 || d > 9) ok = false;
      seq = seq * 10 + d;
    }
    if (!ok || seq >= written) foreign++;
    else if (seen[seq]) duplicates++;
    else {
      seen[seq] = 1;
      delivered++;
    }
  }
  return { delivered, duplicates, foreign };
}

interface SustainedSetup {
  readonly name: string;
  readonly doc: string;
  /** Environment variable of the target rate, MB/s (10^6 bytes). */
  readonly rateEnv: string;
  readonly defaultMbps: number;
  /** The output section sending to `stream` (a delivery stream, or a log stream of group bench). */
  output(aws: AwsLocal, stream: string): string;
  /** The records stored in `stream`. */
  records(aws: AwsLocal, stream: string): Iterable<Buffer | string>;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sustainedScenario(setup: SustainedSetup): Scenario {
  return {
    name: setup.name,
    doc: setup.doc,
    kind: 'pipeline',
    async run(ctx) {
      const mbps = envInt(ctx.env, setup.rateEnv, setup.defaultMbps);
      const seconds = envInt(ctx.env, 'BENCH_SUSTAINED_SECONDS', 10);
      const timeoutS = envInt(ctx.env, 'BENCH_SUSTAINED_TIMEOUT', Math.max(30, seconds * 3));
      const dir = mkdtempSync(join(tmpdir(), `logferry-bench-${setup.name}-`));
      // HTTPS, as AWS (and as cloudwatch-local / firehose-local): Fluent Bit's AWS outputs speak nothing else.
      const aws = await startAwsLocal({ tls: localhostTls() });
      try {
        writeFileSync(join(dir, 'parsers.conf'), BENCH_PARSERS);
        const list = agents(ctx);
        const results = new Map<AgentName, BenchResult>();
        for (const [i, agent] of list.entries()) {
          const progress = (f: number) => ctx.progress((i + f) / list.length);
          results.set(agent.name, await sustainedRun(setup, agent, { dir, aws, mbps, seconds, timeoutS, progress }));
        }
        return compared(setup.name, results);
      } finally {
        await aws.close();
        if (ctx.env['BENCH_KEEP'] === '1') process.stderr.write(`kept ${dir}\n`);
        else rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

interface RunSettings {
  readonly dir: string;
  readonly aws: AwsLocal;
  readonly mbps: number;
  readonly seconds: number;
  readonly timeoutS: number;
  readonly progress: (fraction: number) => void;
}

/** One agent tailing its own file, written at the rate, into its own stream; every line checked. */
async function sustainedRun(setup: SustainedSetup, agent: Agent, r: RunSettings): Promise<BenchResult> {
  const stream = `bench-${agent.name}`;
  const path = join(r.dir, `${agent.name}.log`);
  writeFileSync(path, '');
  const port = await freePort();
  const config = join(r.dir, `${agent.name}.conf`);
  writeFileSync(config, service(port) + tailInputFollow(path) + setup.output(r.aws, stream));
  const load = load1();
  // Polled once a second, as a scraper would be (every 10-60 s): answering a poll every 50 ms cost
  // logferry 0.017 cores, a third of what it spends on 3 MB/s (bench/NOTES.md).
  const handle = startAgent(agent.command, config, { env: { ...agent.env, ...AWS_ENV }, port, pollMs: 1000 });
  try {
    const fail = async (why: string) => {
      handle.stop();
      const run = await handle.done;
      return new Error(`${setup.name}: ${agent.name} ${why} (config ${config}):\n${run.stderr.slice(-4000)}`);
    };
    if (!(await handle.waitReady(15_000))) throw await fail('did not answer /api/v1/metrics within 15 s');

    // The measured window: from the first write until the endpoint holds every line.
    const writer = new RateWriter(path, r.mbps * 1e6);
    const cpu0 = handle.cpuSeconds();
    const t0 = performance.now();
    writer.start();
    for (let left = r.seconds * 1000; left > 0; left = r.seconds * 1000 - (performance.now() - t0)) {
      await sleep(Math.min(100, left));
      r.progress((0.9 * (performance.now() - t0)) / (r.seconds * 1000));
    }
    const written = writer.stop();
    const tStop = performance.now();
    const deadline = tStop + r.timeoutS * 1000;
    await handle.waitForOutput(written.lines, r.timeoutS * 1000);
    let tDone = performance.now();
    let cpu1 = handle.cpuSeconds();
    r.progress(0.95);
    // The agent's count says the endpoint acknowledged every line; the store says which.
    let delivery = checkDelivery(setup.records(r.aws, stream), written.lines);
    while (delivery.delivered < written.lines && performance.now() < deadline) {
      await sleep(500);
      delivery = checkDelivery(setup.records(r.aws, stream), written.lines);
      tDone = performance.now();
      cpu1 = handle.cpuSeconds();
    }
    handle.stop();
    const run = await handle.done;
    if (run.code !== 0) throw new Error(`${setup.name}: ${agent.name} exited with ${run.code ?? run.signal} (config ${config}):\n${run.stderr.slice(-4000)}`);
    if (delivery.delivered < written.lines) {
      throw new Error(
        `${setup.name}: the endpoint holds ${delivery.delivered} of ${written.lines} lines from ${agent.name} ${r.timeoutS} s after the writer stopped (the agent's output counted ${run.output_records}) (config ${config}):\n${run.stderr.slice(-4000)}`,
      );
    }
    const lag = (tDone - tStop) / 1000;
    const window = (tDone - t0) / 1000;
    const deliveredBytes = delivery.delivered * LINE_BYTES;
    return {
      bench: setup.name,
      lines_per_s: Math.round(delivery.delivered / window),
      mb_per_s: round(deliveredBytes / 1e6 / window, 1),
      cpu_s: round(run.cpu_s, 2),
      rss_peak_mb: round(run.rss_peak_mb, 1),
      agent: agent.name,
      target_mb_per_s: r.mbps,
      written_mb_per_s: round(written.bytes / 1e6 / written.seconds, 2),
      delivered_mb_per_s: round(deliveredBytes / 1e6 / window, 2),
      lag_s: round(lag, 3),
      cores: round((cpu1 - cpu0) / window, 2),
      written: written.lines,
      delivered: delivery.delivered,
      duplicates: delivery.duplicates,
      foreign: delivery.foreign,
      line_bytes: LINE_BYTES,
      seconds: round(written.seconds, 3),
      load1: load,
    };
  } finally {
    handle.stop();
    await handle.done.catch(() => {});
  }
}

export const SUSTAINED_SCENARIOS: readonly Scenario[] = [
  sustainedScenario({
    name: 'firehose-sustained',
    doc: 'tail of a file written at BENCH_FIREHOSE_MBPS (default 30) MB/s of 1 KiB lines for BENCH_SUSTAINED_SECONDS (default 10) -> kinesis_firehose on the local endpoint; lag, cores, every line checked (with --compare, Fluent Bit too)',
    rateEnv: 'BENCH_FIREHOSE_MBPS',
    defaultMbps: 30,
    output: (aws, stream) => `\n[OUTPUT]\n    Name            kinesis_firehose\n    Match           *\n    delivery_stream ${stream}\n${awsOutput(aws)}`,
    records: (aws, stream) => aws.store.firehoseRecords(stream),
  }),
  sustainedScenario({
    name: 'cloudwatch-sustained',
    doc: 'the same at BENCH_CLOUDWATCH_MBPS (default 3) MB/s -> cloudwatch_logs on the local endpoint (AWS targets: Firehose 30, CloudWatch 3 MB/s under one core)',
    rateEnv: 'BENCH_CLOUDWATCH_MBPS',
    defaultMbps: 3,
    output: (aws, stream) =>
      `\n[OUTPUT]\n    Name              cloudwatch_logs\n    Match             *\n    log_group_name    bench\n    log_stream_name   ${stream}\n    auto_create_group On\n${awsOutput(aws)}`,
    records: (aws, stream) => aws.store.logEvents('bench', stream).map((e) => e.message),
  }),
];
