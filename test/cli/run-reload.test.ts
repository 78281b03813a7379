import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-reload-');

/** A tail (with DB) -> file configuration writing to `out`; `service` adds [SERVICE] keys. */
function config(dir: string, out: string, service = ''): string {
  return `[SERVICE]
    Flush        0.1
    Grace        2
    Hot_Reload   On
    HTTP_Server  On
    HTTP_Listen  127.0.0.1
    HTTP_Port    0
${service}
[INPUT]
    Name             tail
    Path             ${join(dir, 'in.log')}
    DB               ${join(dir, 'tail.db')}
    Read_From_Head   On
    Refresh_Interval 1

[OUTPUT]
    Name   file
    Match  *
    Path   ${dir}
    File   ${out}
    Format plain
`;
}

interface Agent {
  child: ChildProcess;
  stderr: () => string;
  port: () => Promise<number>;
  exited: Promise<number | null>;
}

const agents: Agent[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) if (a.child.exitCode === null) a.child.kill('SIGKILL');
});

function runAgent(configFile: string): Agent {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', configFile], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  const agent: Agent = {
    child,
    stderr: () => stderr,
    port: async () => {
      await waitFor(() => /tcp_port=(\d+)/.test(stderr), 'the HTTP server to listen', () => stderr);
      return Number(/tcp_port=(\d+)/.exec(stderr)![1]);
    },
    exited,
  };
  agents.push(agent);
  return agent;
}

async function waitFor(condition: () => boolean, what: string, detail: () => string = () => '', ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${detail()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function outLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { log: string }).log);
}

/** Appends numbered lines to `in.log` every few milliseconds until stopped. */
function writer(dir: string) {
  let n = 0;
  const timer = setInterval(() => {
    appendFileSync(join(dir, 'in.log'), `line ${n++}\nline ${n++}\n`);
  }, 5);
  return {
    get count() {
      return n;
    },
    stop: () => clearInterval(timer),
  };
}

const expected = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);

describe('logferry run: hot reload (real processes)', () => {
  it('SIGHUP: an invalid configuration is rejected and the old pipeline keeps running; a valid one takes over without losing or repeating a line', async () => {
    const dir = tmp.path;
    const conf = join(dir, 'fluent-bit.conf');
    writeFileSync(conf, config(dir, 'out-a.log'));
    writeFileSync(join(dir, 'in.log'), '');
    const agent = runAgent(conf);
    const w = writer(dir);
    const a = join(dir, 'out-a.log');
    const b = join(dir, 'out-b.log');
    await waitFor(() => outLines(a).length > 20, 'lines in out-a.log', agent.stderr);

    // Invalid: a typo. Rejected with the diagnostics on stderr; the old pipeline goes on.
    writeFileSync(conf, config(dir, 'out-b.log').replace('Read_From_Head', 'Read_From_Haed'));
    agent.child.kill('SIGHUP');
    await waitFor(() => agent.stderr().includes('Reloading is halted'), 'the rejection', agent.stderr);
    expect(agent.stderr()).toContain("error[unknown-key]: unknown key 'Read_From_Haed'");
    const before = outLines(a).length;
    await waitFor(() => outLines(a).length > before + 20, 'more lines in out-a.log after the rejection', agent.stderr);
    expect(existsSync(b)).toBe(false);

    // Valid: the new output file gets what follows.
    writeFileSync(conf, config(dir, 'out-b.log'));
    agent.child.kill('SIGHUP');
    await waitFor(() => agent.stderr().includes('successful reload done'), 'the reload', agent.stderr);
    await waitFor(() => outLines(b).length > 20, 'lines in out-b.log', agent.stderr);
    w.stop();
    await waitFor(() => outLines(a).length + outLines(b).length >= w.count, 'every line delivered', agent.stderr);
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);

    const all = [...outLines(a), ...outLines(b)];
    expect(all).toEqual(expected(w.count));
    expect(agent.stderr()).toMatch(/\[ info\] \[reload\] reloading instance pid=\d+ \(SIGHUP\)/);
  }, 40_000);

  it('POST /api/v2/reload: 400 with the diagnostics for an invalid configuration, then 200 and the new configuration', async () => {
    const dir = tmp.path;
    const conf = join(dir, 'fluent-bit.conf');
    writeFileSync(conf, config(dir, 'out-a.log'));
    writeFileSync(join(dir, 'in.log'), 'first\n');
    const agent = runAgent(conf);
    const base = `http://127.0.0.1:${await agent.port()}`;
    const a = join(dir, 'out-a.log');
    const b = join(dir, 'out-b.log');
    await waitFor(() => outLines(a).length === 1, 'the first line', agent.stderr);

    writeFileSync(conf, config(dir, 'out-b.log').replace('Flush        0.1', 'Flush        0.1\n    Grace        soon'));
    const rejected = await fetch(`${base}/api/v2/reload`, { method: 'POST' });
    expect(rejected.status).toBe(400);
    const body = (await rejected.json()) as { reload: string; status: number; files: string[]; diagnostics: unknown[] };
    expect(body).toMatchObject({ reload: 'invalid', status: -3, files: [conf] });
    expect(body.diagnostics).toContainEqual(expect.objectContaining({ severity: 'error', code: 'invalid-value', file: conf, line: 3 }));
    expect(agent.stderr()).toContain(`${conf}:3:18: error[invalid-value]: Grace: 'soon' is not an integer`);
    expect(await (await fetch(`${base}/api/v2/reload`)).json()).toEqual({ hot_reload_count: 0 });
    appendFileSync(join(dir, 'in.log'), 'second\n');
    await waitFor(() => outLines(a).length === 2, 'the old pipeline to go on', agent.stderr);

    writeFileSync(conf, config(dir, 'out-b.log'));
    const accepted = await fetch(`${base}/api/v2/reload`, { method: 'PUT' });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ reload: 'done', status: 0 });
    await waitFor(() => agent.stderr().includes('successful reload done'), 'the reload', agent.stderr);
    expect(await (await fetch(`${base}/api/v2/reload`)).json()).toEqual({ hot_reload_count: 1 });
    appendFileSync(join(dir, 'in.log'), 'third\n');
    await waitFor(() => outLines(b).length === 1, 'the new pipeline to deliver', agent.stderr);
    // The server keeps running and reports the new pipeline.
    const metrics = (await (await fetch(`${base}/api/v1/metrics`)).json()) as { input: Record<string, { records: number }> };
    expect(metrics.input['tail.0']?.records).toBe(1);

    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(outLines(a)).toEqual(['first', 'second']);
    expect(outLines(b)).toEqual(['third']);
  }, 30_000);
});
