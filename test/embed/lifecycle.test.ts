import { once } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { createPipeline, defineFilter, registerPlugin, validateConfig, type LogEntry } from '../../src/index.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir('logferry-lifecycle-');
const quiet = { log: () => {} };
const BASIC = '[SERVICE]\n    Flush 0.05\n[INPUT]\n    Name lib\n    Tag  app\n[OUTPUT]\n    Name  lib\n    Match *\n';

describe('AbortSignal and disposal', () => {
  it('start with an aborted signal rejects with its reason and runs nothing', async () => {
    const p = createPipeline(BASIC, quiet);
    await expect(p.start({ signal: AbortSignal.abort(new Error('no')) })).rejects.toThrow('no');
    expect(p.status).toBe('created');
  });

  it('aborting start stops the pipeline and rejects', async () => {
    const p = createPipeline(BASIC, quiet);
    const ac = new AbortController();
    const started = p.start({ signal: ac.signal });
    ac.abort(new Error('shutting down'));
    await expect(started).rejects.toThrow('shutting down');
    expect(p.status).toBe('stopped');
  });

  it('stop with a signal: aborting ends the wait for outputs, and what is undelivered is counted as dropped', async () => {
    const p = createPipeline(BASIC, quiet);
    p.on('records', () => new Promise<void>(() => {}));
    await p.start();
    p.push('app', [{ n: 1 }, { n: 2 }]);
    await new Promise((r) => setTimeout(r, 100));
    const ac = new AbortController();
    const stopped = p.stop({ grace: -1, signal: ac.signal });
    ac.abort();
    await stopped;
    expect(p.status).toBe('stopped');
    expect(Object.values(p.metrics().output['lib.0']!.dropped).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('records({ signal }): aborting rejects next() and the batch it did not take goes to the next loop', async () => {
    const p = createPipeline(BASIC, quiet);
    await p.start();
    const ac = new AbortController();
    const first = p.records({ signal: ac.signal });
    const pending = first.next();
    ac.abort(new Error('enough'));
    await expect(pending).rejects.toThrow('enough');
    p.push('app', { n: 1 });
    // Nobody iterates now; the batch waits (retried) until a loop takes it.
    const second = p.records();
    const got = await second.next();
    expect(got.value?.events[0]?.record).toEqual({ n: 1 });
    await p.stop();
  });

  it('Symbol.asyncDispose stops the pipeline, delivering what it holds', async () => {
    const p = createPipeline(BASIC, quiet);
    const seen: unknown[] = [];
    p.on('records', (b) => void seen.push(...b.events.map((e) => e.record)));
    await p.start();
    p.push('app', { n: 1 });
    await p[Symbol.asyncDispose]();
    expect(p.status).toBe('stopped');
    expect(seen).toEqual([{ n: 1 }]);
  });
});

describe('events and the structured log', () => {
  it("once('records') takes one batch; 'warning' and 'error' carry the log entries", async () => {
    const entries: LogEntry[] = [];
    const p = createPipeline(BASIC.replace('Match *', 'Match app'), { logger: (e) => entries.push(e) });
    const warnings: LogEntry[] = [];
    p.on('warning', (w) => warnings.push(w));
    const onceBatch = once(p, 'records');
    await p.start();
    p.push('app', { n: 1 });
    p.push('other', { n: 2 });
    const [batch] = await onceBatch;
    expect(batch.events[0].record).toEqual({ n: 1 });
    await p.stop();
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/records with tag 'other' dropped: no output matches it/);
    expect(entries.find((e) => e.level === 'info' && e.message === 'stopped')).toEqual({ level: 'info', component: undefined, message: 'stopped', fields: {} });
    expect(entries.some((e) => e.level === 'warn' && e.component === 'lib.0')).toBe(true);
  });

  it("'error' is emitted with the entry for error lines, and never thrown when nobody listens", async () => {
    const unregister = registerPlugin(
      defineFilter({
        name: 'explode',
        description: 'fails',
        options: {},
        create: () => ({
          filter: () => {
            throw new Error('boom');
          },
        }),
      }),
    );
    try {
      const conf = BASIC + '[FILTER]\n    Name explode\n    Match *\n';
      const p = createPipeline(conf, quiet);
      const errors: [Error, LogEntry][] = [];
      p.on('error', (err, entry) => errors.push([err, entry]));
      await p.start();
      p.push('app', { n: 1 });
      await p.stop();
      expect(errors.map(([e, entry]) => [e.name, e.message, entry.component])).toEqual([
        ['PipelineError', 'lib.0: filter explode.0 failed, records passed unchanged: boom', 'lib.0'],
      ]);
      // Nobody listens to 'error' here: a bare EventEmitter would throw; the pipeline logs it only.
      const unheard = createPipeline(conf, quiet);
      await unheard.start();
      unheard.push('app', { n: 1 });
      await unheard.stop();
    } finally {
      unregister();
    }
  });

  it('a pino logger or a winston logger takes the entries as they are', async () => {
    const pinoLines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (pinoLines.push(JSON.parse(chunk.toString())), cb()) });
    const p = createPipeline(BASIC, { logger: pino({ level: 'info' }, sink) });
    await p.start();
    await p.stop();
    expect(pinoLines.some((l) => l['msg'] === 'stopped' && l['level'] === 30)).toBe(true);
    expect(pinoLines.some((l) => typeof l['msg'] === 'string' && (l['msg'] as string).startsWith('started'))).toBe(true);

    const winstonLines: Record<string, unknown>[] = [];
    const logger = winston.createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream: new Writable({ objectMode: true, write: (info: Record<string, unknown>, _e, cb) => (winstonLines.push(info), cb()) }) })] });
    const q = createPipeline(BASIC.replace('Flush 0.05', 'Flush 0.05\n    Log_Level debug'), { logger });
    await q.start();
    await q.stop();
    expect(winstonLines.some((l) => l['message'] === 'stopped' && l['level'] === 'info')).toBe(true);
  });
});

describe('ConfigSource', () => {
  it('a bare string that looks like a path and names nothing is "no such file", naming the path', () => {
    for (const path of ['ci/fluent-bit.cnf', 'fluent-bit.conf', 'conf/agent.yaml', './x']) {
      const d = validateConfig(path, { cwd: tmp.path });
      expect(d.map((x) => [x.code, x.message, x.file])).toEqual([['unreadable-file', `cannot read '${path}': no such file`, path]]);
    }
    expect(validateConfig({ path: 'missing.conf' }, { cwd: tmp.path })[0]?.message).toBe("cannot read 'missing.conf': no such file");
  });

  it('an existing file is read; text (lines, or a section header) stays text', () => {
    tmp.write('agent', BASIC);
    expect(validateConfig('agent', { cwd: tmp.path })).toEqual([]);
    expect(validateConfig(BASIC, { cwd: tmp.path })).toEqual([]);
    // One line with a path separator but a section header: text.
    expect(validateConfig('[INPUT] /x', { cwd: tmp.path }).some((d) => d.code === 'unreadable-file')).toBe(false);
  });
});
