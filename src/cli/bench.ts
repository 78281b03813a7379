import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { isCompared, logferryCommand, ROOT, scenario, SCENARIOS, type BenchResult, type ComparedResult, type Scenario } from '../bench/index.js';
import { ProgressBar } from '../bench/progress.js';
import { isNodeSettingsMode, logferryEnvironment, NODE_SETTINGS_MODES } from '../bench/node-settings.js';
import { markdownReport, parseRun, si, svgChart, tabulate } from '../bench/report.js';
import { commandLine, EXIT, usageError, type CommandIo } from './io.js';

export const BENCH_USAGE = `usage: logferry bench [<scenario>... | all] [--compare <fluent-bit binary>] [--json] [--lines N]
                     [--node-settings image|restart]
       logferry bench report <run.jsonl> [<other.jsonl>] [--out docs/benchmarks.md] [--labels A,B] [--note TEXT]

Runs benchmark scenarios on generated (seeded) input and prints one JSON line per scenario:
{"bench", "lines_per_s", "mb_per_s", "cpu_s", "rss_peak_mb", ...}. With several scenarios each runs
in its own process, so its rss_peak_mb is its own. On a terminal a progress bar and a summary
go to stderr (not with --json, nor when CI is set).

Pipeline scenarios run 'logferry run' on a Fluent Bit configuration (tail with Exit_On_Eof, or
dummy; HTTP_Server On). --compare runs the same configuration and input through the given
Fluent Bit binary too and prints {"bench", "logferry": {...}, "fluent_bit": {...}, "ratio"}
(ratio = logferry lines/s / Fluent Bit lines/s). lines/s runs until the output had processed
every record ("timing": metrics or the agent's own 'stopped' log line; "lifetime" if neither
was seen); seconds_total is the whole process life. The AWS scenarios use the local endpoint
over HTTPS (Fluent Bit's AWS outputs speak nothing else; both agents get endpoint, Port and
tls.ca_file). Nothing is downloaded. logferry runs with the Node settings the container image
gives it in its environment (NODE_OPTIONS=--max-semi-space-size=4, MALLOC_ARENA_MAX=2), so Node
starts once as on a node; --node-settings restart runs it without, as 'npx logferry' starts it
(bin/logferry.js then starts Node a second time to apply them).

'report' turns JSON lines into a Markdown table and an SVG bar chart (next to it, .svg): one
run, a --compare run (logferry against Fluent Bit), or two runs (the first against the second).

options:
  --compare BIN   a Fluent Bit binary for the pipeline scenarios
  --json          JSON lines only (no progress bar, no summary)
  --lines N       input size of every scenario (default: each scenario's own, or BENCH_LINES)
  --node-settings image (default): logferry with the image's Node settings; restart: without
  --list          list the scenarios
  --out FILE      (report) Markdown file to write (default docs/benchmarks.md)
  --labels A,B    (report) names of the two runs (default: the file names)
  --note TEXT     (report) a paragraph under the title (machine, load)

environment: BENCH_LINES, BENCH_RSS_SECONDS (rss-steady, per rate; default 10),
BENCH_RSS_RATES (default 100,1000,10000), BENCH_BACKLOG_MB (default 100),
BENCH_VALIDATE_MS (default 3000), BENCH_CLI_RUNS (validate, default 5), BENCH_FIREHOSE_MBPS
(default 30), BENCH_CLOUDWATCH_MBPS (default 3), BENCH_SUSTAINED_SECONDS (default 10),
BENCH_SUSTAINED_TIMEOUT, BENCH_OUTAGE_SECONDS (memory, default 25), BENCH_KEEP=1 (keep temporary
files).

scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(26)}${s.doc}`).join('\n')}`;

function summary(r: BenchResult | ComparedResult): string {
  const one = (x: BenchResult) => `${si(x.lines_per_s)} lines/s  ${x.mb_per_s} MB/s  cpu ${x.cpu_s} s  rss ${x.rss_peak_mb} MB`;
  if (isCompared(r)) return `${r.bench.padEnd(26)} logferry ${one(r.logferry)} | fluent-bit ${one(r.fluent_bit)} | ratio ${r.ratio}`;
  return `${r.bench.padEnd(26)} ${one(r)}`;
}

/** Runs one scenario in a child process (`logferry bench <name> --json`), relaying its progress. */
function runIsolated(s: Scenario, args: readonly string[], io: CommandIo, progress: (f: number) => void): Promise<BenchResult | ComparedResult> {
  const cmd = logferryCommand();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd[0]!, [...cmd.slice(1), 'bench', s.name, '--json', '--ipc-progress', ...args], {
      cwd: io.cwd,
      env: { ...process.env, ...io.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('message', (m: unknown) => {
      if (typeof m === 'object' && m !== null && typeof (m as { progress?: unknown }).progress === 'number') progress((m as { progress: number }).progress);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`exited with ${code}\n${stderr.trim()}`));
        return;
      }
      resolvePromise(JSON.parse(line) as BenchResult | ComparedResult);
    });
  });
}

function reportCommand(files: readonly string[], values: { out?: string | undefined; labels?: string | undefined; note?: string | undefined }, io: CommandIo): number {
  if (files.length < 1 || files.length > 2) {
    return usageError('bench', BENCH_USAGE, io, 'report: give one or two JSON-lines files');
  }
  const labels = values.labels?.split(',');
  let runs;
  try {
    runs = files.map((f, i) => parseRun(labels?.[i] ?? basename(f).replace(/\.jsonl?$/, ''), readFileSync(resolve(io.cwd, f), 'utf8')));
  } catch (err) {
    io.stderr(`logferry bench report: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const out = resolve(io.cwd, values.out ?? 'docs/benchmarks.md');
  const svg = out.replace(/\.md$/, '') + '.svg';
  const table = tabulate(runs);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(svg, svgChart(table));
  writeFileSync(out, markdownReport(table, { svgName: basename(svg), ...(values.note !== undefined ? { note: values.note } : {}) }));
  io.stdout(`wrote ${out} and ${svg} (${table.rows.length} scenarios)\n`);
  return EXIT.ok;
}

export async function benchCommand(argv: string[], io: CommandIo): Promise<number> {
  const parsed = commandLine('bench', BENCH_USAGE, io, {
    args: argv,
    allowPositionals: true,
    options: {
      compare: { type: 'string' },
      json: { type: 'boolean' },
      lines: { type: 'string' },
      'node-settings': { type: 'string' },
      list: { type: 'boolean' },
      out: { type: 'string' },
      labels: { type: 'string' },
      note: { type: 'string' },
      'ipc-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals[0] === 'report') return reportCommand(positionals.slice(1), values, io);
  if (values.list) {
    for (const s of SCENARIOS) io.stdout(`${s.name.padEnd(26)}${s.kind.padEnd(12)}${s.doc}\n`);
    return EXIT.ok;
  }
  const names = positionals.length === 0 || positionals.includes('all') ? SCENARIOS.map((s) => s.name) : positionals;
  const chosen: Scenario[] = [];
  for (const n of names) {
    const s = scenario(n);
    if (s === undefined) {
      io.stderr(`logferry bench: unknown scenario '${n}'; one of: ${SCENARIOS.map((x) => x.name).join(', ')}, all\n`);
      return EXIT.usage;
    }
    chosen.push(s);
  }
  let lines: number | undefined;
  if (values.lines !== undefined) {
    lines = Number(values.lines.replace(/_/g, ''));
    if (!Number.isInteger(lines) || lines <= 0) {
      io.stderr(`logferry bench: --lines needs a positive integer, got '${values.lines}'\n`);
      return EXIT.usage;
    }
  }
  const nodeSettings = values['node-settings'] ?? 'image';
  if (!isNodeSettingsMode(nodeSettings)) {
    io.stderr(`logferry bench: --node-settings is one of ${NODE_SETTINGS_MODES.join(', ')}, got '${nodeSettings}'\n`);
    return EXIT.usage;
  }
  const compare = values.compare === undefined ? undefined : resolve(io.cwd, values.compare);
  const ci = io.env['CI'] !== undefined && io.env['CI'] !== '' && io.env['CI'] !== 'false';
  const bar = new ProgressBar(io.stderr, !values.json && !ci && process.stderr.isTTY === true);
  const ipc = values['ipc-progress'] === true && typeof process.send === 'function';
  let lastSent = 0;
  const childArgs = [...(compare !== undefined ? ['--compare', compare] : []), ...(lines !== undefined ? ['--lines', String(lines)] : []), '--node-settings', nodeSettings];
  let failed = 0;
  for (const [i, s] of chosen.entries()) {
    bar.start(`[${i + 1}/${chosen.length}] ${s.name}`);
    const progress = (f: number) => {
      bar.update(f);
      if (ipc && Date.now() - lastSent >= 200) {
        lastSent = Date.now();
        process.send!({ progress: f });
      }
    };
    try {
      const result =
        chosen.length > 1
          ? await runIsolated(s, childArgs, io, progress)
          : await s.run({ lines, env: io.env, root: ROOT, logferry: logferryCommand(), logferryEnv: logferryEnvironment(nodeSettings, io.env), compare, progress });
      bar.finish(summary(result));
      io.stdout(`${JSON.stringify(result)}\n`);
    } catch (err) {
      failed++;
      bar.finish();
      io.stderr(`logferry bench: ${s.name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed > 0 ? EXIT.problems : EXIT.ok;
}
