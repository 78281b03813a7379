/**
 * Scenarios measured inside this process: line splitting, multiline and parsers on generated
 * bytes (as the tail input reads them), filters through the engine, configuration validation, and
 * a filesystem backlog restart. Inputs are generated (seeded) before the clock starts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { validateConfig } from '../config/validate.js';
import { memoryFiles } from '../config/resolve/files.js';
import type { LogEvent } from '../record/event.js';
import { createLogger } from '../engine/logger.js';
import { Counters } from '../engine/metrics.js';
import type { PluginHost } from '../engine/plugin.js';
import { Pipeline } from '../engine/pipeline.js';
import { EncodedRecords } from '../record/encoded.js';
import { FsStorage } from '../engine/storage/fs-storage.js';
import { startKubeLocal, type KubeObject } from '../kube-local/index.js';
import { LineSplitter } from '../parsers/lines.js';
import { createMultiline } from '../parsers/multiline/multiline.js';
import { createParser } from '../parsers/runtime/create-parser.js';
import { apacheLines, BLOCK_BYTES, criLines, dockerLines, jsonLines, toBlocks, type Blocks } from './generate.js';
import { envInt, load1, round, selfRssPeakMb, timed, timedAsync, type Pass } from './measure.js';
import type { BenchContext, BenchResult, Scenario } from './types.js';
import { pluginContext } from '../engine/plugin-context.js';

const NOW = BigInt(Date.UTC(2024, 5, 1)) * 1_000_000n;

/** Stock parser definitions (Fluent Bit's conf/parsers.conf, and the crio parser of the EKS Fargate docs). */
export const BENCH_PARSERS = `[PARSER]
    Name   apache
    Format regex
    Regex  ^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \\[(?<time>[^\\]]*)\\] "(?<method>\\S+)(?: +(?<path>[^\\"]*?)(?: +\\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\\"]*)" "(?<agent>[^\\"]*)")?$
    Time_Key time
    Time_Format %d/%b/%Y:%H:%M:%S %z

[PARSER]
    Name         docker
    Format       json
    Time_Key     time
    Time_Format  %Y-%m-%dT%H:%M:%S.%L
    Time_Keep    On

[PARSER]
    Name        json
    Format      json
    Time_Key    time
    Time_Format %d/%b/%Y:%H:%M:%S %z

[PARSER]
    Name        crio
    Format      regex
    Regex       ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>P|F) (?<log>.*)$
    Time_Key    time
    Time_Format %Y-%m-%dT%H:%M:%S.%L%z
`;

function parserPlans() {
  const files = memoryFiles(
    new Map([
      ['/bench/fluent-bit.conf', '[SERVICE]\n    Parsers_File parsers.conf\n[INPUT]\n    Name dummy\n[OUTPUT]\n    Name null\n    Match *\n'],
      ['/bench/parsers.conf', BENCH_PARSERS],
    ]),
  );
  const { plan, diagnostics } = validateConfig('/bench/fluent-bit.conf', { files, env: {} });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (plan === undefined || errors.length > 0) throw new Error(`bench parsers: ${JSON.stringify(errors)}`);
  return plan.parsers;
}

function parser(name: string) {
  const p = parserPlans().get(name);
  if (p === undefined) throw new Error(`bench parser ${name} missing`);
  return createParser(p);
}

/** Splits the blocks into lines like the tail input and calls `onLines(lines)` per block. */
function eachBlock(blocks: readonly Buffer[], onLines: (lines: string[]) => void, progress?: (i: number) => void): void {
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for (let b = 0; b < blocks.length; b++) {
    splitter.push(blocks[b]!, lines);
    onLines(lines);
    lines.length = 0;
    if (progress && (b & 7) === 0) progress(b / blocks.length);
  }
}

type BlockPass = (blocks: readonly Buffer[], progress?: (f: number) => void) => number;

/**
 * Generates the input, runs `pass` once on a tenth of it (warm-up), then 3 times on all of it;
 * reports the fastest pass (wall) with its CPU time.
 */
function measureBlocks(ctx: BenchContext, name: string, input: Blocks, pass: BlockPass, extra: Record<string, unknown> = {}): BenchResult {
  const load = load1();
  const runs = 3;
  pass(input.blocks.slice(0, Math.ceil(input.blocks.length / 10)));
  ctx.progress(0.1);
  let best: Pass<number> | undefined;
  for (let i = 0; i < runs; i++) {
    const r = timed(() => pass(input.blocks, (f) => ctx.progress(0.1 + (0.9 * (i + f)) / runs)));
    if (best === undefined || r.wall < best.wall) best = r;
  }
  const b = best!;
  return {
    bench: name,
    lines_per_s: Math.round(input.lines / b.wall),
    mb_per_s: round(input.bytes / 1e6 / b.wall, 1),
    cpu_s: round(b.cpu, 3),
    rss_peak_mb: round(selfRssPeakMb(), 1),
    lines: input.lines,
    results: b.value,
    lines_per_cpu_s: Math.round(input.lines / b.cpu),
    seconds: round(b.wall, 3),
    load1: load,
    ...extra,
  };
}

function multilinePass(names: readonly string[]): BlockPass {
  return (blocks, progress) => {
    const stream = createMultiline(names).stream('f');
    const out: LogEvent[] = [];
    let events = 0;
    eachBlock(
      blocks,
      (lines) => {
        for (let i = 0; i < lines.length; i++) stream.push(lines[i]!, NOW, out);
        events += out.length;
        out.length = 0;
      },
      progress,
    );
    stream.flush(out);
    return events + out.length;
  };
}

function parserPass(name: string): BlockPass {
  const p = parser(name);
  return (blocks, progress) => {
    let ok = 0;
    eachBlock(
      blocks,
      (lines) => {
        for (let i = 0; i < lines.length; i++) if (p.parseRecord(lines[i]!, NOW) !== undefined) ok++;
      },
      progress,
    );
    return ok;
  };
}

const MILLION = 1_000_000;

function size(ctx: BenchContext, fallback: number): number {
  return ctx.lines ?? envInt(ctx.env, 'BENCH_LINES', fallback);
}

const parserScenarios: Scenario[] = [
  {
    name: 'split',
    doc: 'line splitting of 1 MiB blocks (the share of every parser scenario below)',
    kind: 'in-process',
    run: async (ctx) =>
      measureBlocks(ctx, 'split', toBlocks(criLines(size(ctx, MILLION))), (blocks, progress) => {
        let count = 0;
        eachBlock(blocks, (lines) => (count += lines.length), progress);
        return count;
      }, { block_bytes: BLOCK_BYTES }),
  },
  {
    name: 'cri',
    doc: 'cri multiline (P fragments joined) on CRI lines, 1 message in 5 split',
    kind: 'in-process',
    run: async (ctx) => measureBlocks(ctx, 'cri', toBlocks(criLines(size(ctx, MILLION), 1, { splitRate: 0.2, maxParts: 4 })), multilinePass(['cri']), { parsers: 'cri' }),
  },
  {
    name: 'docker',
    doc: 'docker multiline (json-file envelope, partial lines joined), 1 message in 10 split',
    kind: 'in-process',
    run: async (ctx) => measureBlocks(ctx, 'docker', toBlocks(dockerLines(size(ctx, MILLION))), multilinePass(['docker', 'cri']), { parsers: 'docker, cri' }),
  },
  {
    name: 'json',
    doc: 'the stock json parser on JSON application logs (what parsing `log` does)',
    kind: 'in-process',
    run: async (ctx) => measureBlocks(ctx, 'json', toBlocks(jsonLines(size(ctx, MILLION))), parserPass('json'), { parser: 'json (stock)' }),
  },
  {
    name: 'regex-apache',
    doc: 'the stock apache regex parser on combined-log lines',
    kind: 'in-process',
    run: async (ctx) => measureBlocks(ctx, 'regex-apache', toBlocks(apacheLines(size(ctx, MILLION))), parserPass('apache'), { parser: 'apache (stock regex)' }),
  },
  {
    name: 'regex-crio',
    doc: 'the EKS Fargate crio regex parser on CRI lines',
    kind: 'in-process',
    run: async (ctx) => measureBlocks(ctx, 'regex-crio', toBlocks(criLines(size(ctx, MILLION), 5, { splitRate: 0, maxParts: 1 })), parserPass('crio'), { parser: 'crio (EKS Fargate docs)' }),
  },
];

// ---------------------------------------------------------------------------------------------
// Filters through the engine: a lib input, the filters, the null output.

const BATCH = 1000;
const PODS = 100;
const HEX = 'a'.repeat(64);

function pod(i: number): KubeObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: `web-${i}`, namespace: 'shop', uid: `uid-${i}`, labels: { app: 'web', tier: 'front' }, annotations: { team: 'checkout' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'shop/web:1.2.3' }] },
    status: { podIP: '10.0.0.1', containerStatuses: [{ name: 'app', image: 'shop/web:1.2.3', imageID: 'docker-pullable://shop/web@sha256:abc', containerID: `containerd://${HEX}` }] },
  } as KubeObject;
}

async function filterRun(
  ctx: BenchContext,
  name: string,
  filters: string,
  makeRecord: (i: number) => Record<string, unknown>,
  tagOf: (batch: number) => string,
  extra: () => Record<string, unknown> = () => ({}),
): Promise<BenchResult> {
  const records = Math.max(BATCH, Math.ceil(size(ctx, 500_000) / BATCH) * BATCH);
  const conf = `[SERVICE]\n    Flush 1\n    Log_Level error\n\n[INPUT]\n    Name lib\n    Tag  bench\n\n${filters}\n[OUTPUT]\n    Name  null\n    Match *\n`;
  const result = validateConfig('/bench/fluent-bit.conf', { text: conf, env: { HOSTNAME: 'bench' } });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (result.plan === undefined || errors.length > 0) throw new Error(JSON.stringify(errors));
  const load = load1();
  const pipeline = new Pipeline(result.plan, { logSink: () => {} });
  await pipeline.start();
  // Warm-up batch (first lookups, JIT), not measured.
  pipeline.push(Array.from({ length: BATCH }, (_, i) => makeRecord(i)), { tag: tagOf(0) });
  await new Promise((r) => setTimeout(r, 200));
  const bytes = Buffer.byteLength(JSON.stringify(makeRecord(0))) * records;
  const r = await timedAsync(async () => {
    for (let n = 0; n < records; n += BATCH) {
      const batch = new Array<Record<string, unknown>>(BATCH);
      for (let i = 0; i < BATCH; i++) batch[i] = makeRecord(n + i);
      // Over the lib input's bound (8 MiB read ahead of the output): wait as an embedding program does.
      if (!pipeline.push(batch, { tag: tagOf(n / BATCH) })) await new Promise<void>((res) => pipeline.libInput()!.onceDrain(res));
      if ((n / BATCH) % 100 === 0) {
        ctx.progress(n / records);
        await new Promise((res) => setImmediate(res));
      }
    }
    await pipeline.stop();
  });
  const out = Object.values(pipeline.metrics().output)[0]?.counters ?? {};
  return {
    bench: name,
    lines_per_s: Math.round(records / r.wall),
    mb_per_s: round(bytes / 1e6 / r.wall, 1),
    cpu_s: round(r.cpu, 2),
    rss_peak_mb: round(selfRssPeakMb(), 1),
    records,
    lines_per_cpu_s: Math.round(records / r.cpu),
    delivered: (out['proc_records'] ?? 0) - BATCH,
    seconds: round(r.wall, 3),
    load1: load,
    ...extra(),
  };
}

/**
 * One filter's `filter()` calls alone, without the pipeline (steadier than the pipeline figures on
 * a busy machine): a warm-up pass, then a measured pass of batches of BATCH fresh records;
 * `seconds`, `lines_per_s` and `ns_per_record` count only the calls, `cpu_s` includes making the records.
 */
async function filterAlone(ctx: BenchContext, name: string, section: string, makeRecord: (i: number) => Record<string, unknown>): Promise<BenchResult> {
  const records = Math.max(BATCH, Math.ceil(size(ctx, 1_000_000) / BATCH) * BATCH);
  const conf = `[INPUT]\n    Name lib\n    Tag  bench\n\n${section}\n[OUTPUT]\n    Name  null\n    Match *\n`;
  const result = validateConfig('/bench/fluent-bit.conf', { text: conf, env: { HOSTNAME: 'bench' } });
  const instance = result.plan?.filters[0];
  if (result.plan === undefined || instance?.definition?.create === undefined) throw new Error(`${name}: ${JSON.stringify(result.diagnostics)}`);
  const quiet = () => {};
  const host: PluginHost = { stdout: process.stdout, attachLibInput: quiet, deliverLib: quiet };
  const parts = { counters: new Counters(), log: createLogger('error', quiet), host };
  const runtime = await instance.definition.create(instance.options, { ...pluginContext(instance, result.plan, parts), emitter: () => quiet });
  const load = load1();
  let ns = 0n;
  const cpu0 = process.cpuUsage();
  for (let pass = 0; pass < 2; pass++) {
    // pass 0 warms up (JIT), pass 1 is measured
    for (let n = 0; n < records; n += BATCH) {
      const batch = new Array<LogEvent>(BATCH);
      for (let i = 0; i < BATCH; i++) batch[i] = { time: 0n, record: makeRecord(n + i) };
      const t = process.hrtime.bigint();
      const kept = runtime.filter('bench', batch);
      if (kept instanceof Promise) await kept;
      if (pass === 1) ns += process.hrtime.bigint() - t;
      if ((n / BATCH) % 100 === 0) ctx.progress((pass + n / records) / 2);
    }
  }
  await runtime.stop?.();
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(ns) / 1e9;
  return {
    bench: name,
    lines_per_s: Math.round(records / seconds),
    mb_per_s: round((Buffer.byteLength(JSON.stringify(makeRecord(0))) * records) / 1e6 / seconds, 1),
    cpu_s: round((cpu.user + cpu.system) / 1e6, 2),
    rss_peak_mb: round(selfRssPeakMb(), 1),
    records,
    seconds: round(seconds, 3),
    ns_per_record: Math.round(Number(ns) / records),
    load1: load,
  };
}

const line = (i: number) => ({ log: `2024-05-01T10:00:00Z level=${i % 10 === 0 ? 'error' : 'info'} component=api request=${i} took=${i % 97}ms`, stream: 'stdout' });

const GREP = '[FILTER]\n    Name  grep\n    Match *\n    Regex log level=(info|error)\n    Exclude stream ^stderr$\n';
const MODIFY = '[FILTER]\n    Name  modify\n    Match *\n    Rename log message\n    Set    source api\n    Add    env prod\n    Copy   stream channel\n    Remove stream\n';
// The same reshaping as MODIFY, in Lua (inline code: one call per record, the record converted both ways).
const LUA =
  '[FILTER]\n    Name  lua\n    Match *\n    call  reshape\n    code  function reshape(tag, ts, r) r.message = r.log r.log = nil r.source = "api" r.env = "prod" r.channel = r.stream r.stream = nil return 2, ts, r end\n';
const RECORD_MODIFIER = '[FILTER]\n    Name       record_modifier\n    Match      *\n    Record     hostname ${HOSTNAME}\n    Record     cluster demo\n    Remove_key stream\n';

const filterScenarios: Scenario[] = [
  {
    name: 'k8s',
    doc: 'kubernetes filter (Merge_Log On) on cache hits: 100 pods from a local API server',
    kind: 'in-process',
    async run(ctx) {
      const api = await startKubeLocal(Array.from({ length: PODS }, (_, i) => pod(i)));
      try {
        return await filterRun(
          ctx,
          'k8s',
          `[FILTER]\n    Name            kubernetes\n    Match           kube.*\n    Kube_URL        ${api.url}\n    Kube_Token_File /dev/null\n    Kube_Tag_Prefix kube.var.log.containers.\n    Merge_Log       On\n    tls.verify      Off\n`,
          (i) => ({ log: `{"level":"info","request":${i}}\n`, stream: 'stdout', time: '2024-05-01T10:00:00.000000000Z' }),
          (b) => `kube.var.log.containers.web-${b % PODS}_shop_app-${HEX}.log`,
          () => ({ api_requests: [...api.requests.values()].reduce((a, b) => a + b, 0), pods: PODS }),
        );
      } finally {
        await api.close();
      }
    },
  },
  {
    name: 'filter-none',
    doc: 'lib input -> null output through the engine, no filter (the engine share of the filter scenarios)',
    kind: 'in-process',
    run: (ctx) => filterRun(ctx, 'filter-none', '', line, () => 'bench'),
  },
  { name: 'filter-grep', doc: 'grep Regex + Exclude', kind: 'in-process', run: (ctx) => filterRun(ctx, 'filter-grep', GREP, line, () => 'bench') },
  { name: 'filter-modify', doc: 'modify: Rename, Set, Add, Copy, Remove', kind: 'in-process', run: (ctx) => filterRun(ctx, 'filter-modify', MODIFY, line, () => 'bench') },
  { name: 'filter-record-modifier', doc: 'record_modifier: two Record keys, Remove_key', kind: 'in-process', run: (ctx) => filterRun(ctx, 'filter-record-modifier', RECORD_MODIFIER, line, () => 'bench') },
  { name: 'filter-grep-alone', doc: "grep's filter() alone, no pipeline (steadier on a busy machine)", kind: 'in-process', run: (ctx) => filterAlone(ctx, 'filter-grep-alone', GREP, line) },
  { name: 'filter-modify-alone', doc: "modify's filter() alone", kind: 'in-process', run: (ctx) => filterAlone(ctx, 'filter-modify-alone', MODIFY, line) },
  { name: 'filter-lua', doc: 'lua: the modify scenario\'s reshaping in a Lua function', kind: 'in-process', run: (ctx) => filterRun(ctx, 'filter-lua', LUA, line, () => 'bench') },
  { name: 'filter-lua-alone', doc: "lua's filter() alone", kind: 'in-process', run: (ctx) => filterAlone(ctx, 'filter-lua-alone', LUA, line) },
  { name: 'filter-record-modifier-alone', doc: "record_modifier's filter() alone", kind: 'in-process', run: (ctx) => filterAlone(ctx, 'filter-record-modifier-alone', RECORD_MODIFIER, line) },
];

// ---------------------------------------------------------------------------------------------
// Configuration validation.

export const CONTAINER_INSIGHTS_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  CLUSTER_NAME: 'bench',
  HOST_NAME: 'node-1',
  READ_FROM_HEAD: 'Off',
  HTTP_SERVER: 'On',
  HTTP_PORT: '2020',
  HOSTNAME: 'bench-host',
};

/** A deterministic config of `sections` sections: a quarter inputs, half filters, a quarter outputs. */
export function generatedConfig(sections: number): string {
  const out = ['[SERVICE]', '    Flush        1', '    Parsers_File parsers.conf', ''];
  const filters = [
    (i: number) => ['    Name  grep', `    Match app.${i % 50}.*`, `    Regex log ^level=(error|warn) ${i}`],
    (i: number) => ['    Name  modify', `    Match app.${i % 50}.*`, `    Set   shard ${i}`, '    Rename log message', '    Condition Key_exists log'],
    (i: number) => ['    Name  record_modifier', `    Match app.${i % 50}.*`, `    Record index ${i}`, '    Remove_key secret'],
    (i: number) => ['    Name  kubernetes', `    Match app.${i % 50}.*`, `    Kube_Tag_Prefix app.${i % 50}.var.log.containers.`, '    Merge_Log On', '    Buffer_Size 0'],
    (i: number) => ['    Name  parser', `    Match app.${i % 50}.*`, '    Key_Name log', '    Parser crio', '    Reserve_Data On'],
  ];
  for (let i = 0; i < sections; i++) {
    const slot = i % 4;
    if (slot === 0) {
      out.push('[INPUT]', '    Name             tail', `    Tag              app.${i % 50}.*`, `    Path             /var/log/containers/app-${i}-*.log`,
        '    multiline.parser docker, cri', '    Mem_Buf_Limit    5MB', '    Skip_Long_Lines  On', '    Refresh_Interval 10', '');
    } else if (slot === 3) {
      out.push('[OUTPUT]', '    Name              cloudwatch_logs', `    Match             app.${i % 50}.*`, '    region            us-east-1',
        `    log_group_name    /aws/bench/${i}`, '    log_stream_prefix node-', '    auto_create_group On', '');
    } else {
      out.push('[FILTER]', ...filters[i % filters.length]!(i), '');
    }
  }
  return out.join('\n');
}

/** Validates repeatedly for BENCH_VALIDATE_MS (default 3000, at least 5 runs); reports the median. */
function measureValidate(ctx: BenchContext, name: string, validate: () => ReturnType<typeof validateConfig>, text: string, extra: Record<string, unknown>): BenchResult {
  const load = load1();
  const lines = text.split('\n').length;
  const bytes = Buffer.byteLength(text);
  const budget = envInt(ctx.env, 'BENCH_VALIDATE_MS', 3000);
  const cpu0 = process.cpuUsage();
  const first0 = performance.now();
  const first = validate();
  const firstMs = performance.now() - first0;
  const runs: number[] = [];
  const start = performance.now();
  while (runs.length < 5 || (performance.now() - start < budget && runs.length < 500)) {
    const s = performance.now();
    validate();
    runs.push(performance.now() - s);
    ctx.progress(Math.min(1, (performance.now() - start) / budget));
  }
  const cpu = process.cpuUsage(cpu0);
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)]!;
  return {
    bench: name,
    lines_per_s: Math.round(lines / (median / 1000)),
    mb_per_s: round(bytes / 1e6 / (median / 1000)),
    cpu_s: round((cpu.user + cpu.system) / 1e6),
    rss_peak_mb: round(selfRssPeakMb(), 1),
    lines,
    runs: runs.length,
    ms_first: round(firstMs),
    ms_per_run: round(median),
    ms_p90: round(runs[Math.floor(runs.length * 0.9)]!),
    errors: first.diagnostics.filter((d) => d.severity === 'error').length,
    load1: load,
    ...extra,
  };
}

/** Wall time of `logferry validate <config>` as a new process (Node start included), best of `n`. */
/** The fastest of `n` runs of `command`, in ms, from spawn to exit (which must be 0). */
async function bestSpawnMs(command: readonly string[], n: number, cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const code = await new Promise<number | null>((res, rej) => {
      const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: 'ignore' });
      child.on('error', rej);
      child.on('exit', (c) => res(c));
    });
    if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}`);
    best = Math.min(best, performance.now() - t0);
  }
  return round(best, 1);
}

/**
 * `logferry validate` as a new process, the way a user starts it: the package's `bin/logferry.js`
 * (the bundled CLI, with Node's compile cache where Node has one), or the TypeScript entry when
 * the bench runs from source; and Node's own start (`node -e 0`) on the same machine for scale.
 */
async function cliValidateMs(ctx: BenchContext, config: string, n: number): Promise<{ ms_cli: number; ms_node: number; cli: string }> {
  const env = { ...process.env, ...CONTAINER_INSIGHTS_ENV };
  const fromBuild = ctx.logferry[1]?.endsWith('logferry.js') === true;
  const compileCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  return {
    ms_cli: await bestSpawnMs([...ctx.logferry, 'validate', config], n, ctx.root, env),
    ms_node: await bestSpawnMs([process.execPath, '-e', '0'], n, ctx.root, env),
    cli: fromBuild ? `bin/logferry.js (bundled${compileCache ? ', compile cache' : ''})` : 'source (tsx)',
  };
}

const validateScenarios: Scenario[] = [
  {
    name: 'validate',
    doc: "validating AWS's Container Insights set (in process; ms_cli: bin/logferry.js validate as a new process, Node start included; ms_node: node -e 0)",
    kind: 'in-process',
    async run(ctx) {
      const path = join(ctx.root, 'fixtures/container-insights/fluent-bit.conf');
      const files = validateConfig(path, { env: CONTAINER_INSIGHTS_ENV, cwd: ctx.root }).files;
      const text = files.map((f) => readFileSync(resolve(ctx.root, f), 'utf8')).join('');
      const result = measureValidate(ctx, 'validate', () => validateConfig(path, { env: CONTAINER_INSIGHTS_ENV, cwd: ctx.root }), text, { files: files.length });
      Object.assign(result, await cliValidateMs(ctx, 'fixtures/container-insights/fluent-bit.conf', envInt(ctx.env, 'BENCH_CLI_RUNS', 5)));
      return result;
    },
  },
  {
    name: 'validate-1000',
    doc: 'validating a generated 1,000-section config',
    kind: 'in-process',
    async run(ctx) {
      const sections = envInt(ctx.env, 'BENCH_SECTIONS', 1000);
      const text = generatedConfig(sections);
      const files = memoryFiles(
        new Map([
          ['/bench/generated.conf', text],
          ['/bench/parsers.conf', BENCH_PARSERS],
        ]),
      );
      return measureValidate(ctx, 'validate-1000', () => validateConfig('/bench/generated.conf', { files, env: { HOSTNAME: 'bench-host' } }), text, { sections });
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Filesystem backlog: a restart delivering what a previous run left in storage.path.

const backlog: Scenario = {
  name: 'backlog',
  doc: 'restart on a filesystem backlog (BENCH_BACKLOG_MB, default 100): time until all is delivered to null',
  kind: 'in-process',
  async run(ctx) {
    const mb = ctx.lines !== undefined ? Math.max(0.1, (ctx.lines * 150) / 1e6) : envInt(ctx.env, 'BENCH_BACKLOG_MB', 100);
    const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-backlog-'));
    try {
      const storagePath = join(dir, 'storage');
      const storage = new FsStorage({ root: storagePath, sync: 'normal', checksum: false, deleteIrrecoverable: false });
      let written = 0;
      let records = 0;
      let chunks = 0;
      const base = 1_700_000_000_000_000_000n;
      while (written < mb * 1e6) {
        const file = storage.create('tail.0', `kube.var.log.containers.web-${chunks % 7}_shop_app-abc.log`);
        let inChunk = 0;
        while (inChunk < Math.min(2_000_000, mb * 1e6)) {
          const events: LogEvent[] = [];
          for (let i = 0; i < 500; i++, records++) {
            events.push({
              time: base + BigInt(records) * 1000n,
              record: { time: '2024-06-01T00:00:00.000000000Z', stream: 'stdout', _p: 'F', log: `request ${records} handled status=200 latency_ms=${records % 97} path=/api/v1/orders/${records}` },
            });
          }
          file.append(EncodedRecords.from(events));
          inChunk += events.length * 150;
          written += events.length * 150;
        }
        file.seal();
        chunks++;
      }
      const conf = `[SERVICE]\n    Flush 1\n    Grace 30\n    Log_Level warn\n    storage.path ${storagePath}\n[INPUT]\n    Name lib\n    Tag other\n    storage.type filesystem\n[OUTPUT]\n    Name null\n    Match *\n`;
      const { plan, diagnostics } = validateConfig(join(dir, 'fluent-bit.conf'), { text: conf, env: {} });
      if (plan === undefined || diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(diagnostics));
      const load = load1();
      const pipeline = new Pipeline(plan, { logSink: () => {} });
      const r = await timedAsync(async () => {
        await pipeline.start();
        for (;;) {
          const left = pipeline.metrics().buffered_records;
          if (left === 0) break;
          ctx.progress(1 - left / records);
          await new Promise((res) => setTimeout(res, 5));
        }
      });
      await pipeline.stop();
      const delivered = pipeline.metrics().output['null.0']?.counters['proc_records'] ?? 0;
      if (delivered !== records) throw new Error(`backlog: delivered ${delivered} of ${records} records`);
      return {
        bench: 'backlog',
        lines_per_s: Math.round(records / r.wall),
        mb_per_s: round(written / 1e6 / r.wall, 1),
        cpu_s: round(r.cpu, 2),
        rss_peak_mb: round(selfRssPeakMb(), 1),
        backlog_mb: round(written / 1e6, 1),
        records,
        lines_per_cpu_s: Math.round(records / r.cpu),
        chunks,
        seconds: round(r.wall, 3),
        load1: load,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const IN_PROCESS_SCENARIOS: readonly Scenario[] = [...parserScenarios, ...filterScenarios, ...validateScenarios, backlog];
