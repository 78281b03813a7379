import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineOutput } from '../../src/options/define.js';
import { registerPlugin } from '../../src/plugins/registry.js';
import { capture, planFrom } from '../support/pipeline.js';

const LIB_IN = (tag: string, extra = '') => `[INPUT]\n    Name lib\n    Tag  ${tag}\n${extra}\n`;
const LIB_OUT = (match: string, extra = '') => `[OUTPUT]\n    Name  lib\n    Match ${match}\n${extra}\n`;
const SERVICE = '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n';

describe('pipeline routing and delivery', () => {
  it('routes each tag to the outputs whose Match or Match_Regex accepts it, in order', async () => {
    const plan = planFrom(
      SERVICE +
        LIB_IN('app.web') +
        LIB_OUT('app.*', '    Alias all_app') +
        LIB_OUT('*.db', '    Alias only_db') +
        '[OUTPUT]\n    Name lib\n    Match_Regex ^app\\.(web|api)\n    Alias regex\n',
    );
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push([{ n: 1 }, { n: 2 }]);
    run.pipeline.push([{ n: 3 }], { tag: 'app.db' });
    run.pipeline.push([{ n: 4 }], { tag: 'app.api.v2' });
    await run.pipeline.stop();
    expect(run.records('all_app')).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(run.records('only_db')).toEqual([{ n: 3 }]);
    expect(run.records('regex')).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    const m = run.pipeline.metrics();
    expect(m.output['all_app']?.counters['proc_records']).toBe(4);
    expect(m.buffered_records).toBe(0);
  });

  it('counts records no output matches as dropped with the reason (Fluent Bit drops them silently)', async () => {
    const run = capture(planFrom(SERVICE + LIB_IN('a') + LIB_OUT('a')));
    await run.pipeline.start();
    run.pipeline.push([{ x: 1 }, { x: 2 }], { tag: 'b' });
    await run.pipeline.stop();
    expect(run.records()).toEqual([]);
    expect(run.pipeline.routingDrops()).toEqual({ "no output matches tag 'b'": 2 });
  });

  it('Routable false: the input\'s records go through its filters, what they re-emit is routed, the rest is discarded and counted', async () => {
    const plan = planFrom(
      SERVICE +
        LIB_IN('app', '    Routable false') +
        '[FILTER]\n    Name rewrite_tag\n    Match app\n    Rule $keep ^yes$ kept false\n\n' +
        LIB_OUT('*'),
    );
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push([{ keep: 'yes', n: 1 }, { keep: 'no', n: 2 }]);
    await run.pipeline.stop();
    expect(run.records()).toEqual([{ keep: 'yes', n: 1 }]);
    expect(run.pipeline.metrics().input['lib.0']!.dropped).toEqual({ 'input not routable (Routable false)': 1 });
  });

  it('one input and one output without Match: the output gets everything', async () => {
    const run = capture(planFrom(SERVICE + LIB_IN('x') + '[OUTPUT]\n    Name lib\n'));
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }]);
    await run.pipeline.stop();
    expect(run.records()).toEqual([{ a: 1 }]);
  });

  it('retries a failed chunk up to Retry_Limit, then counts it as dropped with the reason', async () => {
    let calls = 0;
    const run = capture(planFrom(SERVICE + LIB_IN('t') + LIB_OUT('t', '    Retry_Limit 2')), {
      retryDelayMs: () => 10,
      receiver: () => {
        calls++;
        throw new Error('service unavailable');
      },
    });
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }, { a: 2 }]);
    await new Promise((r) => setTimeout(r, 300));
    await run.pipeline.stop();
    expect(calls).toBe(3);
    const out = run.pipeline.metrics().output['lib.0']!;
    expect(out.counters['retries']).toBe(2);
    expect(out.counters['retries_failed']).toBe(1);
    expect(out.dropped).toEqual({ 'retries exhausted: service unavailable': 2 });
    expect(run.pipeline.metrics().buffered_records).toBe(0);
  });

  it('delivers after transient failures, keeping order within a tag', async () => {
    let failures = 2;
    const run = capture(planFrom(SERVICE + LIB_IN('t') + LIB_OUT('t', '    Retry_Limit no_limits')), {
      retryDelayMs: () => 5,
      receiver: () => {
        if (failures-- > 0) throw new Error('throttled');
      },
    });
    await run.pipeline.start();
    run.pipeline.push([{ i: 1 }]);
    await new Promise((r) => setTimeout(r, 200));
    await run.pipeline.stop();
    expect(run.records()).toEqual([{ i: 1 }]);
    expect(run.pipeline.metrics().output['lib.0']?.counters['retries']).toBe(2);
  });

  it('on shutdown, what cannot be delivered within Grace is dropped and counted, not lost silently', async () => {
    const run = capture(planFrom('[SERVICE]\n    Flush 0.05\n    Grace 0\n\n' + LIB_IN('t') + LIB_OUT('t', '    Retry_Limit no_limits')), {
      retryDelayMs: () => 60_000,
      receiver: () => {
        throw new Error('down');
      },
    });
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }, { a: 2 }, { a: 3 }]);
    await new Promise((r) => setTimeout(r, 100));
    await run.pipeline.stop();
    expect(run.pipeline.metrics().output['lib.0']?.dropped).toEqual({ 'shutdown: grace period of 0s expired': 3 });
    expect(run.pipeline.metrics().buffered_records).toBe(0);
    expect(run.logs.some((l) => l.includes('grace period of 0s expired with 3 record(s) undelivered'))).toBe(true);
  });

  it('on shutdown, stdout writes what it holds however slow its reader, past Grace; other outputs are cut off', async () => {
    // A reader taking one write per 100 ms: each chunk waits for the one before (drain).
    const printed: string[] = [];
    const slowReader = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        printed.push(chunk.toString());
        setTimeout(done, 100);
      },
    });
    const run = capture(
      planFrom('[SERVICE]\n    Flush 0.02\n    Grace 0\n\n' + LIB_IN('t') + '[OUTPUT]\n    Name stdout\n    Match t\n    Format json_lines\n    json_date_key false\n\n' + LIB_OUT('t', '    Retry_Limit no_limits')),
      { stdout: slowReader, retryDelayMs: () => 60_000, receiver: () => Promise.reject(new Error('down')) },
    );
    await run.pipeline.start();
    // Five chunks, pushed faster than the reader takes them: several are queued at the stop.
    for (let n = 0; n < 20; n++) {
      run.pipeline.push([{ n }]);
      if (n % 4 === 3) await new Promise((r) => setTimeout(r, 30));
    }
    await run.pipeline.stop();
    const lines = printed.join('').split('\n').filter((l) => l !== '');
    expect(lines.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual([...Array(20).keys()]);
    const m = run.pipeline.metrics();
    expect(m.output['stdout.0']?.dropped).toEqual({});
    expect(m.output['lib.0']?.dropped).toEqual({ 'shutdown: grace period of 0s expired': 20 });
    expect(m.buffered_records).toBe(0);
    expect(run.logs.some((l) => l.includes('waiting for stdout.0 to write what is queued'))).toBe(true);
  });

  it('pauses an input over Mem_Buf_Limit and resumes it when outputs free the memory', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const plan = planFrom(
      SERVICE + '[INPUT]\n    Name dummy\n    Tag d\n    Rate 1000\n    Mem_Buf_Limit 200\n    Dummy {"message":"0123456789012345678901234567890123456789"}\n\n' + LIB_OUT('d'),
    );
    const run = capture(plan, { receiver: () => gate });
    await run.pipeline.start();
    await new Promise((r) => setTimeout(r, 150));
    const paused = run.pipeline.metrics().input['dummy.0']!.counters['paused'];
    expect(paused).toBe(1);
    expect(run.logs.some((l) => l.includes('paused (mem buf overlimit'))).toBe(true);
    release();
    await new Promise((r) => setTimeout(r, 150));
    expect(run.logs.some((l) => l.includes('resume (mem buf overlimit'))).toBe(true);
    await run.pipeline.stop();
    const m = run.pipeline.metrics();
    expect(m.output['lib.0']?.counters['proc_records']).toBe(m.input['dummy.0']?.counters['records']);
  });

  it('one input paused by Mem_Buf_Limit does not hold back the others', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const plan = planFrom(
      SERVICE +
        '[INPUT]\n    Name lib\n    Tag slow\n    Alias slow_in\n    Mem_Buf_Limit 100\n\n' +
        '[INPUT]\n    Name lib\n    Tag fast\n    Alias fast_in\n\n' +
        LIB_OUT('slow', '    Alias slow_out') +
        LIB_OUT('fast', '    Alias fast_out'),
    );
    const run = capture(plan, { receiver: (name) => (name === 'slow_out' ? gate : undefined) });
    await run.pipeline.start();
    for (let i = 0; i < 10; i++) run.pipeline.push([{ i, pad: 'p'.repeat(30) }], { input: 'slow_in' });
    for (let i = 0; i < 10; i++) run.pipeline.push([{ i }], { input: 'fast_in' });
    await new Promise((r) => setTimeout(r, 150));
    const m = run.pipeline.metrics();
    expect(m.input['slow_in']!.counters['paused']).toBe(1);
    expect(m.input['slow_in']!.counters['held_records']).toBeGreaterThan(0);
    expect(run.records('fast_out')).toHaveLength(10);
    release();
    await new Promise((r) => setTimeout(r, 150));
    await run.pipeline.stop();
    expect(run.records('slow_out').map((r) => r['i'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(run.logs.some((l) => l.includes('[slow_in] resume (mem buf overlimit'))).toBe(true);
  });

  it('records an output drops itself are counted once, as dropped, not also as delivered', async () => {
    const run = capture(planFrom(SERVICE + LIB_IN('t') + LIB_OUT('t', '    max_records 2')));
    await run.pipeline.start();
    run.pipeline.push([{ a: 1 }, { a: 2 }, { a: 3 }]);
    await run.pipeline.stop();
    const out = run.pipeline.metrics().output['lib.0']!;
    expect(run.records()).toEqual([{ a: 1 }, { a: 2 }]);
    expect(out.counters['proc_records']).toBe(2);
    expect(out.dropped).toEqual({ max_records: 1 });
  });

  it('an output that delivers part of a chunk, then runs out of retries, has only the rest counted as dropped', async () => {
    const unregister = registerPlugin(
      defineOutput({
        name: 'half_then_fail',
        description: 'test output: delivers the first record, fails the others',
        options: {},
        create: (_options, ctx) => ({
          flush: async () => {
            ctx.counters.delivered(1);
            return { status: 'retry', reason: 'the rest failed' };
          },
        }),
      }),
    );
    try {
      const run = capture(planFrom(SERVICE + LIB_IN('t') + '[OUTPUT]\n    Name half_then_fail\n    Match t\n    Retry_Limit no_retries\n'));
      await run.pipeline.start();
      run.pipeline.push([{ a: 1 }, { a: 2 }, { a: 3 }]);
      await run.pipeline.stop();
      const out = run.pipeline.metrics().output['half_then_fail.0']!;
      expect(out.counters['proc_records']).toBe(1);
      expect(out.dropped).toEqual({ 'retries exhausted: the rest failed': 2 });
      expect(run.pipeline.metrics().buffered_records).toBe(0);
    } finally {
      unregister();
    }
  });

  it('refuses to start a plan with a plugin logferry cannot run', async () => {
    const plan = planFrom(SERVICE + '[INPUT]\n    Name kmsg\n    Tag s\n\n' + LIB_OUT('*'));
    const run = capture(plan);
    await expect(run.pipeline.start()).rejects.toThrow(/input plugin 'kmsg'.*not supported/);
  });
});
