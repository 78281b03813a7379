import { createServer } from 'node:net';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HotReload } from '../../src/cli/hot-reload.js';
import { runCommand } from '../../src/cli/run.js';
import { validateConfig } from '../../src/config/validate.js';
import { createLogger } from '../../src/engine/logger.js';
import type { Pipeline } from '../../src/engine/pipeline.js';
import { REPO_ROOT } from '../support/cli.js';
import { capture, planFrom } from '../support/pipeline.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-hot-reload-');

const CONFIG = (service: string, alias: string) =>
  `[SERVICE]\n    Flush 0.05\n    Grace 1\n${service}\n[INPUT]\n    Name lib\n    Tag t\n\n[OUTPUT]\n    Name lib\n    Match t\n    Alias ${alias}\n`;

function setup(service: string, next: () => string, receiver: () => Promise<void> | void = () => {}) {
  const logs: string[] = [];
  const stderr: string[] = [];
  const first = capture(planFrom(CONFIG(service, 'old')), { receiver });
  const created: Pipeline[] = [];
  const reload = new HotReload(first.pipeline, {
    load: () => validateConfig(`${REPO_ROOT}/inline.conf`, { text: next(), env: { HOSTNAME: 'h' } }),
    create: (plan) => {
      const p = capture(plan).pipeline;
      created.push(p);
      return p;
    },
    log: createLogger('info', (l) => logs.push(l)),
    stderr: (t) => stderr.push(t),
    fatal: (m) => logs.push(`fatal: ${m}`),
    abort: (m) => logs.push(`abort: ${m}`),
  });
  return { first, reload, logs, stderr, created };
}

describe('hot reload', () => {
  it('is refused while Hot_Reload is off in the running configuration', async () => {
    const { first, reload, logs } = setup('', () => CONFIG('    Hot_Reload On\n', 'new'));
    await first.pipeline.start();
    expect(await reload.request('signal')).toEqual({ status: 'not enabled' });
    expect(logs.join('')).toContain('hot reloading is not enabled');
    expect(reload.pipeline).toBe(first.pipeline);
    await first.pipeline.stop(0);
  });

  it('rejects an invalid configuration and leaves the running pipeline untouched', async () => {
    const { first, reload, stderr } = setup('    Hot_Reload On\n', () => CONFIG('    Hot_Reload On\n    Flush soon\n', 'new'));
    await first.pipeline.start();
    const outcome = await reload.request('http');
    expect(outcome).toMatchObject({ status: 'invalid', diagnostics: expect.arrayContaining([expect.objectContaining({ code: 'invalid-value', line: 5 })]) });
    expect(stderr.join('')).toContain("error[invalid-value]: Flush: 'soon' is not a number");
    expect(reload.pipeline).toBe(first.pipeline);
    expect(first.pipeline.status).toBe('running');
    first.pipeline.push([{ a: 1 }]);
    await first.pipeline.stop();
    expect(first.records()).toEqual([{ a: 1 }]);
    expect(reload.count).toBe(0);
  });

  it('delivers everything the old pipeline holds, refuses requests meanwhile, then runs the new one', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { first, reload, created } = setup('    Hot_Reload On\n', () => CONFIG('    Hot_Reload On\n', 'new'), () => gate);
    await first.pipeline.start();
    first.pipeline.push([{ n: 1 }, { n: 2 }]);
    expect(await reload.request('signal')).toEqual({ status: 'done' });
    // The old pipeline waits for its output (Grace -1 with hot_reload.ensure_thread_safety on).
    await new Promise((r) => setTimeout(r, 1300));
    expect(await reload.request('http')).toEqual({ status: 'in progress' });
    expect(first.pipeline.status).toBe('stopping');
    release();
    await reload.shutdown();
    expect(first.records()).toEqual([{ n: 1 }, { n: 2 }]);
    expect(first.pipeline.status).toBe('stopped');
    expect(reload.count).toBe(1);
    expect(reload.pipeline).toBe(created[0]);
    expect(reload.pipeline.status).toBe('running');
    expect(Object.keys(reload.pipeline.metrics().output)).toEqual(['new']);
    expect(await reload.request('http')).toEqual({ status: 'in progress' }); // shut down
    await reload.pipeline.stop();
  });

  it('a new pipeline that cannot start ends the agent (Fluent Bit aborts the reload and exits)', async () => {
    const broken = `[SERVICE]\n    Hot_Reload On\n[INPUT]\n    Name tail\n    Path ${tmp.path}/*.log\n    DB ${tmp.path}/missing/dir/tail.db\n[OUTPUT]\n    Name null\n`;
    const { first, reload, logs } = setup('    Hot_Reload On\n', () => broken);
    await first.pipeline.start();
    expect(await reload.request('signal')).toEqual({ status: 'done' });
    await reload.shutdown();
    expect(logs.join('')).toContain('fatal: loaded configuration contains error(s). Reloading is aborted');
    expect(reload.count).toBe(0);
    expect(reload.pipeline.status).toBe('stopped');
  });

  it('hot_reload.timeout: a swap that takes longer aborts the agent', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const { first, reload, logs } = setup('    Hot_Reload On\n    hot_reload.timeout 1\n', () => CONFIG('    Hot_Reload On\n', 'new'), () => gate);
    await first.pipeline.start();
    first.pipeline.push([{ n: 1 }]);
    expect(await reload.request('signal')).toEqual({ status: 'done' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(logs.join('')).toContain('abort: [hot_reload_watchdog] Hot reload timeout exceeded (1 seconds)');
    release();
    await reload.shutdown();
    await reload.pipeline.stop(0);
  });
});

describe('logferry run with the HTTP server', () => {
  function io() {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), env: { HOSTNAME: 'h' }, cwd: REPO_ROOT } };
  }

  it('a port in use stops the start with a message naming the address (exit 1)', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const conf = tmp.write('f.conf', `[SERVICE]\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port ${port}\n[INPUT]\n    Name dummy\n[OUTPUT]\n    Name null\n`);
    const { io: cio, out } = io();
    try {
      expect(await runCommand(['-c', conf], cio, new EventEmitter())).toBe(1);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    expect(out.stderr).toContain(`logferry run: HTTP monitoring server cannot listen on 127.0.0.1:${port}: address already in use`);
  });

  it('serves while running, follows SIGHUP only with Hot_Reload On, and closes on SIGTERM', async () => {
    const conf = tmp.write('f.conf', `[SERVICE]\n    Flush 0.05\n    HTTP_Server On\n    HTTP_Listen 127.0.0.1\n    HTTP_Port 0\n[INPUT]\n    Name dummy\n    Rate 50\n[OUTPUT]\n    Name null\n`);
    const { io: cio, out } = io();
    const signals = new EventEmitter();
    const done = runCommand(['-c', conf], cio, signals);
    const deadline = Date.now() + 10_000;
    while (!/tcp_port=\d+/.test(out.stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const base = `http://127.0.0.1:${/tcp_port=(\d+)/.exec(out.stderr)![1]}`;
    signals.emit('SIGHUP');
    expect(out.stderr).toContain('hot reloading is not enabled');
    expect(await (await fetch(`${base}/api/v2/reload`, { method: 'POST' })).json()).toEqual({ reload: 'not enabled', status: -1 });
    const m = (await (await fetch(`${base}/api/v1/metrics`)).json()) as { input: Record<string, { records: number }> };
    expect(m.input['dummy.0']).toBeDefined();
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
    await expect(fetch(`${base}/`)).rejects.toThrow();
  });
});
