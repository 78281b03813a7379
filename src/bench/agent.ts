/**
 * Pipeline scenarios: the agent runs as a child process on a Fluent Bit-compatible configuration
 * (tail with Read_from_Head and Exit_On_Eof, or dummy; HTTP_Server On for `/api/v1/metrics`), so
 * the same configuration and input can be given to a Fluent Bit binary (`--compare`). CPU is the
 * child's user+system time over its whole life (cutime/cstime of this process after reaping it,
 * Linux /proc); peak RSS is the child's VmHWM, sampled while it runs.
 *
 * Timing of the tail scenarios: `seconds`, `lines_per_s`, `mb_per_s` (and the ratio) run from the
 * spawn until `/api/v1/metrics` first showed the output's proc_records at the input's record count
 * (`timing: "metrics"`), so an agent's shutdown (Fluent Bit waits for its Flush and Grace timers
 * after Exit_On_Eof) is not counted; `seconds_total` is the lifetime. Fluent Bit publishes its
 * counts once a second and logferry closes its server milliseconds after the end of the file, so
 * the last count is often never seen: then the agent's log line saying its engine stopped with
 * nothing pending gives the time (`timing: "log"`, also when it comes before the count), and
 * without it the lifetime (`timing: "lifetime"`). A compared binary that dies by a signal after
 * its output processed every record (Fluent Bit 5.1.1 crashes in in_tail_exit with multiline
 * cri) keeps its figures with `exit: "SIGSEGV after all records were processed"`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCALHOST_CA_FILE, localhostTls, startAwsLocal, type AwsLocal } from '../aws-local/index.js';
import { freePort, runAgent, type AgentRun } from './agent-run.js';
import { nodeFloorCommand } from './node-floor.js';
import { apacheLines, appLines, criLines, writeLines } from './generate.js';
import { BENCH_PARSERS } from './in-process.js';
import { envInt, load1, round } from './measure.js';
import type { BenchContext, BenchResult, ComparedResult, Scenario } from './types.js';

export type AgentName = 'logferry' | 'fluent-bit';

export interface Agent {
  readonly name: AgentName;
  readonly command: readonly string[];
  /** Variables the agent runs with on top of the bench's environment (a scenario's own win). */
  readonly env: Readonly<Record<string, string>>;
}

/** logferry, and the --compare binary when given. */
export function agents(ctx: BenchContext): Agent[] {
  const list: Agent[] = [{ name: 'logferry', command: [...ctx.logferry, 'run'], env: ctx.logferryEnv }];
  if (ctx.compare !== undefined) list.push({ name: 'fluent-bit', command: [ctx.compare], env: {} });
  return list;
}

export function service(port: number, grace = 5): string {
  return `[SERVICE]\n    Flush        1\n    Grace        ${grace}\n    Log_Level    info\n    HTTP_Server  On\n    HTTP_Listen  127.0.0.1\n    HTTP_Port    ${port}\n    Parsers_File parsers.conf\n`;
}

function tail(path: string, exitOnEof: boolean): string {
  return `\n[INPUT]\n    Name            tail\n    Tag             app\n    Path            ${path}\n    Read_from_Head  On\n${exitOnEof ? '    Exit_On_Eof     On\n' : ''}    Buffer_Max_Size 64k\n`;
}

/** A tail input reading `path` from its head; the agent exits at its end (Exit_On_Eof). */
export function tailInput(path: string, extra = ''): string {
  return tail(path, true) + extra;
}

/** A tail input reading `path` from its head and following it (no Exit_On_Eof). */
export function tailInputFollow(path: string, extra = ''): string {
  return tail(path, false) + extra;
}

const NULL_OUTPUT = '\n[OUTPUT]\n    Name  null\n    Match *\n';

/** A generated input file: its lines, bytes, and the records the output must process. */
export interface TailFile {
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
  /** Records the output processes for the whole file (fewer than lines when multiline joins them). */
  readonly records: number;
}

interface TailSetup {
  /** Writes the input into `dir`. */
  input(dir: string, lines: number): TailFile;
  /** The configuration for one run. */
  config(input: string, port: number, run: string, aws: AwsLocal | undefined): string;
  /** Lines the endpoint holds after a run (AWS scenarios), checked for logferry. */
  delivered?(aws: AwsLocal, run: string): number;
  readonly aws?: boolean;
  readonly defaultLines: number;
  readonly extra?: Record<string, unknown>;
}

export const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: '/nonexistent',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
};

/**
 * When the agent's output had processed every record, seconds from the spawn, and how that is
 * known: the first /api/v1/metrics poll showing it (`metrics`) or the agent's log line saying its
 * engine stopped with nothing pending (`log`), whichever came first (both are at or after the
 * moment itself); the lifetime when neither was seen (`lifetime`).
 */
export function outputDone(run: AgentRun): { seconds: number; timing: 'metrics' | 'log' | 'lifetime' } {
  const m = run.outputDoneS;
  const l = run.drainedS;
  if (m !== undefined && (l === undefined || m <= l)) return { seconds: m, timing: 'metrics' };
  if (l !== undefined) return { seconds: l, timing: 'log' };
  return { seconds: run.seconds, timing: 'lifetime' };
}

/** The figures of one agent's run over `input`, timed until its output had processed every record (see outputDone). */
export function agentResult(bench: string, agent: AgentName, run: AgentRun, input: Omit<TailFile, 'path'>, load: number, extra: Record<string, unknown>): BenchResult {
  const { seconds, timing } = outputDone(run);
  return {
    bench,
    lines_per_s: Math.round(input.lines / seconds),
    mb_per_s: round(input.bytes / 1e6 / seconds, 1),
    cpu_s: round(run.cpu_s, 2),
    rss_peak_mb: round(run.rss_peak_mb, 1),
    agent,
    lines: input.lines,
    records: input.records,
    seconds: round(seconds, 3),
    seconds_total: round(run.seconds, 3),
    timing,
    ...(run.outputDoneS === undefined ? { output_records_seen: run.output_records } : {}),
    lines_per_cpu_s: run.cpu_s > 0 ? Math.round(input.lines / run.cpu_s) : undefined,
    load1: load,
    ...extra,
  };
}

/**
 * Why a run does not count, or undefined when it does. Every agent must exit 0, except that a
 * compared binary may die by a signal once its output had processed every record (then `exit`
 * says so in its result): shown by /api/v1/metrics, or, as Fluent Bit publishes its counts only
 * once a second and may die before the last one, by its log saying the engine stopped with
 * nothing pending. Missing records always fail.
 */
export function runProblem(agent: AgentName, run: AgentRun, records: number): string | undefined {
  if (run.code === 0) return undefined;
  if (run.signal === null) return `exited with ${run.code}`;
  if (agent !== 'logferry' && (run.outputDoneS !== undefined || run.drainedS !== undefined)) return undefined;
  const seen = run.outputDoneS === undefined ? ` (its output had processed ${run.output_records} of ${records} records as far as /api/v1/metrics showed)` : '';
  return `died by ${run.caughtSignal ?? run.signal}${seen}`;
}

/** The `exit` note of a run that `runProblem` accepted although a signal ended it. */
export function exitNote(run: AgentRun, records: number): string | undefined {
  if (run.signal === null) return undefined;
  const how = run.outputDoneS !== undefined ? '' : ` (its log: engine stopped with 0 pending tasks; /api/v1/metrics last showed ${run.output_records} of ${records})`;
  return `${run.caughtSignal ?? run.signal} after all records were processed${how}`;
}

export function compared(bench: string, results: Map<AgentName, BenchResult>): BenchResult | ComparedResult {
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
      // HTTPS, as AWS: Fluent Bit's AWS outputs speak nothing else, and both agents pay for TLS.
      const aws = setup.aws ? await startAwsLocal({ tls: localhostTls() }) : undefined;
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
            env: setup.aws ? { ...agent.env, ...AWS_ENV } : agent.env,
            port,
            expected: input.records,
            expectedOutput: input.records,
            progress: (f) => ctx.progress((i + f) / list.length),
          });
          const fail = (why: string) => new Error(`${name}: ${agent.name} ${why} (config ${config}):\n${run.stderr.slice(-4000)}`);
          const problem = runProblem(agent.name, run, input.records);
          if (problem !== undefined) throw fail(problem);
          const extra: Record<string, unknown> = { ...setup.extra };
          if (agent.name === 'logferry' && !setup.aws && !run.stderr.includes('exit_on_eof')) throw fail('did not reach the end of the file');
          if (aws && setup.delivered) {
            const delivered = setup.delivered(aws, agent.name);
            if (agent.name === 'logferry' && delivered !== input.lines) throw fail(`delivered ${delivered} of ${input.lines} lines`);
            extra['delivered'] = delivered;
          }
          const exit = exitNote(run, input.records);
          if (exit !== undefined) extra['exit'] = exit;
          results.set(agent.name, agentResult(name, agent.name, run, input, load, extra));
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

/** True for a CRI line whose tag is F (the last line of a message). */
function criFinal(line: string): boolean {
  const a = line.indexOf(' ');
  return line.charCodeAt(line.indexOf(' ', a + 1) + 1) === 70; // 'F'
}

/**
 * A CRI file. With `multiline` (the cri multiline parser joins P fragments) the output gets one
 * record per complete message; a message the file leaves open (its last line is P) is flushed at
 * shutdown, not counted.
 */
export const criFile = (json: boolean, multiline: boolean) => (dir: string, lines: number): TailFile => {
  const path = join(dir, 'containers.log');
  let complete = 0;
  function* counted(): Generator<string> {
    for (const line of criLines(lines, 20240601, { splitRate: 0.05, maxParts: 4, json })) {
      if (criFinal(line)) complete++;
      yield line;
    }
  }
  const written = writeLines(path, counted());
  return { path, ...written, records: multiline ? complete : written.lines };
};

const plainFile = (name: string, generate: (lines: number) => Iterable<string>) => (dir: string, lines: number): TailFile => {
  const path = join(dir, name);
  const written = writeLines(path, generate(lines));
  return { path, ...written, records: written.lines };
};

const appFile = plainFile('app.log', (n) => appLines(n, 120));

/**
 * The output lines that point an AWS output at the local endpoint: a URL for plain HTTP (logferry
 * only); for HTTPS as Fluent Bit writes it (host, Port, the CA file that trusts its certificate).
 */
export const awsOutput = (aws: AwsLocal | undefined) =>
  aws?.endpoint.startsWith('https:')
    ? `    region      us-east-1\n    endpoint    127.0.0.1\n    Port        ${aws.port}\n    tls.ca_file ${LOCALHOST_CA_FILE}\n`
    : `    region   us-east-1\n    endpoint ${aws?.endpoint ?? ''}\n`;

const pipelineScenarios: Scenario[] = [
  tailScenario('tail-null', 'tail 1,000,000 CRI lines -> null, file IO included (the real CLI); tail-* time until the output processed every record (timing: metrics or log), seconds_total = lifetime', {
    input: criFile(false, false),
    config: (path, port) => service(port) + tailInput(path) + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('tail-cri-null', 'tail -> cri multiline -> null (the real CLI)', {
    input: criFile(false, true),
    config: (path, port) => service(port) + tailInput(path, '    multiline.parser cri\n') + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('tail-docker-cri-null', "tail -> multiline.parser docker, cri (AWS's Container Insights setup) -> null (the real CLI)", {
    input: criFile(false, true),
    config: (path, port) => service(port) + tailInput(path, '    multiline.parser docker, cri\n') + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('tail-cri-json-null', 'tail -> cri multiline -> parser filter (json on log) -> null (the real CLI)', {
    input: criFile(true, true),
    config: (path, port) =>
      service(port) + tailInput(path, '    multiline.parser cri\n') + '\n[FILTER]\n    Name         parser\n    Match        *\n    Key_Name     log\n    Parser       json\n    Reserve_Data On\n' + NULL_OUTPUT,
    defaultLines: 1_000_000,
  }),
  tailScenario('tail-apache-null', 'tail with the stock apache regex parser (Parser apache on the input) on combined-log lines -> null (the real CLI)', {
    input: plainFile('access.log', (n) => apacheLines(n)),
    config: (path, port) => service(port) + tailInput(path, '    Parser          apache\n') + NULL_OUTPUT,
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

/** One agent's run of rss-steady at one rate. */
interface SteadyRun {
  readonly rate: number;
  readonly run: AgentRun;
  /** Output records per second achieved. */
  readonly achieved: number;
}

const rssSteady: Scenario = {
  name: 'rss-steady',
  doc: 'RSS at steady 100, 1,000, 10,000 lines/s (dummy -> null; BENCH_RSS_SECONDS per rate, default 10); also the Node floor (node-floor.ts; BENCH_NODE_FLOOR=0 skips it)',
  kind: 'pipeline',
  async run(ctx) {
    const seconds = envInt(ctx.env, 'BENCH_RSS_SECONDS', 10);
    const rates = (ctx.env['BENCH_RSS_RATES'] ?? '100,1000,10000').split(',').map(Number).filter((n) => n > 0);
    const floor = ctx.env['BENCH_NODE_FLOOR'] !== '0';
    const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-rss-'));
    try {
      writeFileSync(join(dir, 'parsers.conf'), BENCH_PARSERS);
      const list = agents(ctx);
      const results = new Map<AgentName, BenchResult>();
      const steps = (list.length + (floor ? 1 : 0)) * rates.length;
      let step = 0;
      /** Runs `command` at each rate for `seconds`, measured as an agent. */
      const atRates = async (name: string, command: readonly string[], env: Readonly<Record<string, string>>): Promise<SteadyRun[]> => {
        const runs: SteadyRun[] = [];
        for (const rate of rates) {
          const port = await freePort();
          const config = join(dir, `${name}-${rate}.conf`);
          writeFileSync(config, dummyConfig(port, rate));
          const s = step++;
          const run = await runAgent(command, config, {
            env,
            port,
            stopAfterMs: seconds * 1000,
            settleMs: Math.min(2000, (seconds * 1000) / 3),
            // A node's agent is scraped every 10-60 s, not 20 times a second: at the default 50 ms
            // poll, answering the bench cost logferry 10-20 ms of CPU a second, more than 100 lines/s.
            pollMs: 1000,
            progress: (f) => ctx.progress((s + f) / steps),
          });
          if (run.code !== 0 && run.code !== null) throw new Error(`rss-steady: ${name} at ${rate} lines/s exited with ${run.code}:\n${run.stderr.slice(-4000)}`);
          runs.push({ rate, run, achieved: run.polled_rate ?? run.output_records / run.seconds });
        }
        return runs;
      };
      for (const agent of list) {
        const load = load1();
        const runs = await atRates(agent.name, agent.command, agent.env);
        const perRate: Record<string, unknown> = {};
        for (const { rate, run, achieved } of runs) {
          perRate[`rss_mb_${rate}`] = round(run.rss_mb, 1);
          perRate[`rss_anon_mb_${rate}`] = round(run.rss_anon_mb, 1);
          perRate[`rss_peak_mb_${rate}`] = round(run.rss_peak_mb, 1);
          perRate[`lines_per_s_${rate}`] = Math.round(achieved);
          perRate[`cpu_s_${rate}`] = round(run.cpu_s, 2);
          // The start (Node's bootstrap, the config) is in cpu_s; this is the rate's own cost.
          if (run.steady_cores !== undefined) perRate[`steady_cores_${rate}`] = round(run.steady_cores, 3);
        }
        const top = runs[runs.length - 1];
        const achieved = top?.achieved ?? 0;
        results.set(agent.name, {
          bench: 'rss-steady',
          lines_per_s: Math.round(achieved),
          mb_per_s: round((achieved * (DUMMY_RECORD.length + 1)) / 1e6, 2),
          cpu_s: round(runs.reduce((n, r) => n + r.run.cpu_s, 0), 2),
          rss_peak_mb: round(Math.max(0, ...runs.map((r) => r.run.rss_peak_mb)), 1),
          agent: agent.name,
          seconds_per_rate: seconds,
          ...perRate,
          aws_fluent_bit_rss_mb: AWS_FLUENT_BIT_RSS_MB,
          load1: load,
        });
      }
      const logferry = results.get('logferry');
      if (floor && logferry !== undefined) {
        // The same Node and settings as logferry: what of its figures is Node's own.
        for (const { rate, run } of await atRates('node-floor', nodeFloorCommand(process.execPath), ctx.logferryEnv)) {
          logferry[`node_floor_rss_mb_${rate}`] = round(run.rss_mb, 1);
          logferry[`node_floor_rss_anon_mb_${rate}`] = round(run.rss_anon_mb, 1);
          if (run.steady_cores !== undefined) logferry[`node_floor_steady_cores_${rate}`] = round(run.steady_cores, 3);
        }
      }
      return compared('rss-steady', results);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const PIPELINE_SCENARIOS: readonly Scenario[] = [...pipelineScenarios, rssSteady];
