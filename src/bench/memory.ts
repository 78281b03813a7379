/**
 * The `memory` scenario: peak RSS through an outage, as a user runs AWS's Container Insights
 * configuration. tail reads 1,000,000 CRI lines (multiline.parser cri, Mem_Buf_Limit 50MB) and an
 * http output sends them as JSON lines to a server on 127.0.0.1 that refuses everything (503) for
 * BENCH_OUTAGE_SECONDS (25) from the agent's first request, then accepts. Both agents run the
 * same configuration (scheduler.base 1, scheduler.cap 5, so that retries come within seconds
 * once the server accepts); the figures are peak RSS (VmHWM), CPU, and the records the server
 * received, which must be every record once for logferry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentResult, agents, compared, criFile, exitNote, runProblem, tailInput, type AgentName } from './agent.js';
import { freePort, runAgent } from './agent-run.js';
import { BENCH_PARSERS } from './in-process.js';
import { envInt, load1 } from './measure.js';
import type { BenchResult, Scenario } from './types.js';

interface Sink {
  readonly port: number;
  /** Records received (JSON lines) since the last reset, and requests refused. */
  received: number;
  refused: number;
  /** How long the outage lasts, from the first request (ms). */
  outageMs: number;
  /** When the first request came (ms since the epoch); undefined before it. */
  firstRequest: number | undefined;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const sink = { received: 0, refused: 0, outageMs: 0, firstRequest: undefined } as Sink;
  const server: Server = createServer((req, res) => {
    let lines = 0;
    req.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
    });
    req.on('end', () => {
      sink.firstRequest ??= Date.now();
      if (Date.now() < sink.firstRequest + sink.outageMs) {
        sink.refused++;
        res.writeHead(503).end();
        return;
      }
      sink.received += lines;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(sink, {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function config(input: string, metricsPort: number, sinkPort: number): string {
  return (
    `[SERVICE]\n    Flush          1\n    Grace          120\n    Log_Level      info\n    HTTP_Server    On\n    HTTP_Listen    127.0.0.1\n    HTTP_Port      ${metricsPort}\n` +
    `    Parsers_File   parsers.conf\n    scheduler.base 1\n    scheduler.cap  5\n` +
    tailInput(input, '    multiline.parser cri\n    Mem_Buf_Limit   50MB\n') +
    `\n[OUTPUT]\n    Name        http\n    Match       *\n    Host        127.0.0.1\n    Port        ${sinkPort}\n    URI         /logs\n    Format      json_lines\n    Retry_Limit no_limits\n`
  );
}

export const memoryScenario: Scenario = {
  name: 'memory',
  doc: 'peak RSS through an outage: tail 1,000,000 CRI lines (multiline cri, Mem_Buf_Limit 50MB) -> http whose server refuses everything for BENCH_OUTAGE_SECONDS (25), then accepts; records delivered',
  kind: 'pipeline',
  async run(ctx) {
    const outageS = envInt(ctx.env, 'BENCH_OUTAGE_SECONDS', 25);
    const dir = mkdtempSync(join(tmpdir(), 'logferry-bench-memory-'));
    const sink = await startSink();
    try {
      writeFileSync(join(dir, 'parsers.conf'), BENCH_PARSERS);
      const input = criFile(false, true)(dir, ctx.lines ?? envInt(ctx.env, 'BENCH_LINES', 1_000_000));
      const list = agents(ctx);
      const results = new Map<AgentName, BenchResult>();
      for (const [i, agent] of list.entries()) {
        const port = await freePort();
        const path = join(dir, `${agent.name}.conf`);
        writeFileSync(path, config(input.path, port, sink.port));
        sink.received = 0;
        sink.refused = 0;
        sink.outageMs = outageS * 1000;
        sink.firstRequest = undefined;
        const load = load1();
        const run = await runAgent(agent.command, path, {
          env: agent.env,
          port,
          expected: input.records,
          expectedOutput: input.records,
          progress: (f) => ctx.progress((i + f) / list.length),
        });
        const fail = (why: string) => new Error(`memory: ${agent.name} ${why} (config ${path}):\n${run.stderr.slice(-4000)}`);
        const problem = runProblem(agent.name, run, input.records);
        if (problem !== undefined) throw fail(problem);
        // Records a message the file leaves open at its end (flushed at shutdown) may add one.
        if (agent.name === 'logferry' && (sink.received < input.records || sink.received > input.records + 1)) {
          throw fail(`delivered ${sink.received} of ${input.records} records`);
        }
        const extra: Record<string, unknown> = { delivered: sink.received, refused_requests: sink.refused, outage_s: outageS, mem_buf_limit_mb: 50 };
        const exit = exitNote(run, input.records);
        if (exit !== undefined) extra['exit'] = exit;
        results.set(agent.name, agentResult('memory', agent.name, run, input, load, extra));
      }
      return compared('memory', results);
    } finally {
      await sink.close();
      if (ctx.env['BENCH_KEEP'] === '1') process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    }
  },
};
