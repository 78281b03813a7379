import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagsConfigText, parseFluentBitArgs } from '../../src/cli/fluent-bit-args.js';
import { runCommand } from '../../src/cli/run.js';
import { packageVersion } from '../../src/cli/version.js';
import { REPO_ROOT } from '../support/cli.js';

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: { HOSTNAME: 'h' }, cwd: REPO_ROOT },
  };
}

describe('logferry run', () => {
  it("turns Fluent Bit's command-line flags into a configuration", () => {
    const r = parseFluentBitArgs(['-i', 'dummy', '-t', 'd', '-p', 'rate=5', '-o', 'stdout', '-m', '*', '-f', '1']);
    expect(typeof r !== 'string' && flagsConfigText(r)).toBe(
      '[SERVICE]\n    flush 1\n\n[INPUT]\n    Name dummy\n    Tag d\n    rate 5\n\n[OUTPUT]\n    Name stdout\n    Match *\n',
    );
    expect(parseFluentBitArgs(['-p', 'a=b'])).toBe('-p must follow -i, -F or -o (the plugin it sets a property of)');
  });

  it('prints the diagnostics and exits 1 before running an invalid configuration', async () => {
    const { io: cio, out } = io();
    const code = await runCommand(['-c', 'fixtures/configs/invalid/unknown-key-typo.conf'], cio, new EventEmitter());
    expect(code).toBe(1);
    expect(out.stderr).toContain("error[unknown-key]: unknown key 'Mem_Buf_Limt'");
    expect(out.stdout).toBe('');
  });

  it('FLB_LOG_LEVEL overrides Log_Level and -v, as Fluent Bit reads it after the command line; a value that is no level is ignored', async () => {
    const args = ['-v', '-i', 'dummy', '-p', 'samples=1', '-o', 'null', '-m', '*', '-f', '0.05'];
    const levels = async (env: Record<string, string>) => {
      const { io: cio, out } = io();
      const signals = new EventEmitter();
      const stop = setTimeout(() => signals.emit('SIGTERM'), 400);
      const code = await runCommand(args, { ...cio, env: { ...cio.env, ...env } }, signals);
      clearTimeout(stop);
      expect(code).toBe(0);
      return new Set([...out.stderr.matchAll(/^\[[^\]]+\] \[ *(\w+)\]/gm)].map((m) => m[1]));
    };
    expect(await levels({})).toContain('info');
    expect([...(await levels({ FLB_LOG_LEVEL: 'error' }))]).toEqual([]);
    expect(await levels({ FLB_LOG_LEVEL: 'loud' })).toContain('info');
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [[], ['-c'], ['-c', 'nope.conf'], ['-c', 'x.conf', '-i', 'dummy'], ['--confg', 'x.conf']]) {
      const { io: cio } = io();
      expect(await runCommand(args, cio, new EventEmitter()), args.join(' ')).toBe(2);
    }
  });

  it('runs until SIGTERM, then flushes and exits 0 (real process)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-i', 'dummy', '-t', 'demo', '-p', 'rate=20', '-p', 'dummy={"m":1}', '-o', 'stdout', '-m', '*', '-p', 'format=json_lines', '-f', '0.1'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    // Signal only once it runs (the handler is installed before the first record is printed).
    const deadline = Date.now() + 15_000;
    while (stdout.split('\n').length <= 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ m: 1 });
  }, 30_000);

  it('runs the fixtures/quickstart configuration to the end of its files', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/entry.ts'), 'run', '-c', 'fixtures/quickstart/fluent-bit.conf'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(0);
    // Fluent Bit's log line form, and its start banner first and once (the package version, no commit).
    const logLines = stderr.trim().split('\n');
    for (const l of logLines) expect(l).toMatch(/^\[\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3}\] \[(error| warn| info|debug|trace)\] /);
    expect(logLines[0]).toBe(`${logLines[0]!.slice(0, 26)}[ info] [logferry] version=${packageVersion()}, commit=none, pid=${child.pid}`);
    expect(logLines.filter((l) => l.includes('commit=none'))).toHaveLength(1);
    const records = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r['stream'], r['log'], r['cluster']])).toEqual([
      ['stdout', '{"level":"info","msg":"server listening on :8080"}', 'quickstart'],
      ['stdout', 'a long line that the container runtime split into two pieces', 'quickstart'],
      ['stderr', 'warning: cache miss for key user:42', 'quickstart'],
    ]);
    expect(Object.keys(records[0]!)).toEqual(['date', 'time', 'stream', '_p', 'log', 'cluster']);
  }, 30_000);
});
