import { once } from 'node:events';
import fc from 'fast-check';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { ConfigError, PipelineError } from '../../src/index.js';
import { shorthandConfig, transportPipeline } from '../../src/transports/options.js';
import { jsonRecord, pinoEvent, winstonEvent } from '../../src/transports/records.js';
import { LogferryTransport } from '../../src/transports/winston.js';

describe('record mapping', () => {
  it('pino: time becomes the record time, a numeric level gains its label, msg and bindings stay', () => {
    const e = pinoEvent({ level: 50, time: 1_700_000_000_123, pid: 7, hostname: 'h', service: 'checkout', msg: 'failed', err: { message: 'x' } }, undefined);
    expect(e.time).toBe(1_700_000_000_123_000_000n);
    expect(e.record).toEqual({ level: 50, level_label: 'error', pid: 7, hostname: 'h', service: 'checkout', msg: 'failed', err: { message: 'x' } });
    // Custom levels come from pino's configuration; a string time is parsed; a level pino named stays.
    expect(pinoEvent({ level: 35, time: '2024-01-02T03:04:05.006Z', msg: 'm' }, { 35: 'notice' }).record).toEqual({ level: 35, level_label: 'notice', msg: 'm' });
    expect(pinoEvent({ level: 'info', msg: 'm', time: 'not a date' }, undefined).record).toEqual({ level: 'info', msg: 'm', time: 'not a date' });
  });

  it('winston: own string keys as JSON values, errors spelled out, timestamp becomes the record time', () => {
    const err = new Error('boom');
    const info = { level: 'error', message: 'failed', timestamp: '2024-01-02T03:04:05.006Z', err, big: 10n, skip: undefined, fn: () => 1, [Symbol.for('level')]: 'error' };
    const e = winstonEvent(info);
    expect(e.time).toBe(BigInt(Date.parse('2024-01-02T03:04:05.006Z')) * 1_000_000n);
    expect(e.record).toEqual({ level: 'error', message: 'failed', err: { name: 'Error', message: 'boom', stack: err.stack }, big: '10' });
  });

  it('jsonRecord holds JSON values only, whatever the object', () => {
    fc.assert(
      fc.property(fc.object({ values: [fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withBoxedValues: true })] }), (o) => {
        const r = jsonRecord(o);
        expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 200) },
    );
    const cyclic: Record<string, unknown> = { message: 'loop' };
    cyclic['self'] = cyclic;
    expect(jsonRecord(cyclic)).toMatchObject({ message: 'loop', logferry_error: expect.stringMatching(/could not be serialized/) });
  });
});

describe('transport options', () => {
  it('a shorthand is one lib input and one output; its keys are validated as the configuration is', () => {
    expect(shorthandConfig({ output: 'cloudwatch_logs', region: 'us-east-1', auto_create_group: true, service: { Flush: 1 }, input: { Mem_Buf_Limit: '1M' } }, 'pino')).toBe(
      '[SERVICE]\n    Flush 1\n\n[INPUT]\n    Name lib\n    Tag pino\n    Mem_Buf_Limit 1M\n\n[OUTPUT]\n    Name cloudwatch_logs\n    Match *\n    region us-east-1\n    auto_create_group On\n',
    );
    try {
      transportPipeline({ output: 'null', Matchh: 'x' }, 'pino');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).diagnostics.map((d) => [d.file, d.line, d.message])).toEqual([['logferry-pino.conf', 8, "unknown key 'Matchh' in [OUTPUT] null"]]);
    }
    expect(() => shorthandConfig({ output: 'null', 'log_key': 'a\n[OUTPUT]' }, 'pino')).toThrow("transport option 'log_key' cannot hold a line break");
    expect(() => transportPipeline({ config: { text: '[INPUT]\n    Name dummy\n[OUTPUT]\n    Name null\n    Match *\n' } }, 'pino')).toThrow(PipelineError);
    expect(() => transportPipeline({} as never, 'pino')).toThrow(/need 'config'/);
  });
});

describe('logferry/winston', () => {
  it("log() calls back once the record is buffered: winston waits while the input is over its limit, and nothing is lost on end", async () => {
    const transport = new LogferryTransport({
      config: { text: '[SERVICE]\n    Flush 0.05\n    Log_Level off\n[INPUT]\n    Name lib\n    Mem_Buf_Limit 2k\n[OUTPUT]\n    Name lib\n    Match *\n' },
    });
    let open: () => void = () => {};
    const gate = new Promise<void>((r) => (open = r));
    const got: number[] = [];
    transport.pipeline.on('records', async (b) => {
      await gate;
      for (const e of b.events) got.push(e.record['n'] as number);
    });
    await transport.ready();
    const logger = winston.createLogger({ transports: [transport] });
    let logged = 0;
    transport.on('logged', () => logged++);
    let n = 0;
    const full = () => logger.writableLength >= logger.writableHighWaterMark;
    // Log until winston's stream is full: the transport stopped answering (the input is over 2k).
    while (!full()) logger.info('line', { n: n++, pad: 'x'.repeat(200) });
    await new Promise((r) => setTimeout(r, 100));
    const answered = logged;
    await new Promise((r) => setTimeout(r, 100));
    // The input holds at most its bound; the transport answers nothing more until it drains.
    expect(logged).toBe(answered);
    expect(answered).toBeLessThan(n);
    expect(n).toBeLessThan(100);
    expect(transport.pipeline.metrics().input['lib.0']!.counters['paused']).toBe(1);
    expect(transport.pipeline.metrics().input['lib.0']!.counters['held_records'] ?? 0).toBeLessThanOrEqual(1);
    open();
    const finished = once(transport, 'finish');
    logger.end();
    await finished;
    expect(transport.pipeline.status).toBe('stopped');
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
  });
});
