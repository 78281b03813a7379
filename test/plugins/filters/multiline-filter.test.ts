import { describe, expect, it } from 'vitest';
import { capture, planFrom } from '../../support/pipeline.js';
import { filterSection } from './filter-harness.js';

const GO = [
  'panic: my panic',
  '\n',
  'goroutine 4 [running]:',
  'panic(0x45cb40, 0x47ad70)',
  '  /usr/local/go/src/runtime/panic.go:542 +0x46c fp=0xc42003f7b8 sp=0xc42003f710 pc=0x422f7c',
  'main.main.func1(0xc420024120)',
  'one more line, no multiline',
];

function pipeline(lines: string[], extra = '') {
  return capture(
    planFrom(
      '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n[INPUT]\n    Name lib\n    Tag app\n\n' +
        filterSection('multiline', ['multiline.key_content log', 'multiline.parser go', ...lines]) +
        extra +
        '[OUTPUT]\n    Name lib\n    Match *\n',
    ),
  );
}

describe('multiline filter', () => {
  it('buffered: joins the go panic into one record re-emitted under its tag (filter_multiline.c flb_test_multiline_buffered_one_output_record)', async () => {
    const run = pipeline([]);
    await run.pipeline.start();
    for (const log of GO.slice(0, 4)) run.pipeline.push([{ log }]);
    await new Promise((r) => setTimeout(r, 100));
    run.pipeline.push(GO.slice(4).map((log) => ({ log })));
    await run.pipeline.stop();
    const records = run.records();
    expect(records).toHaveLength(2);
    expect(Object.keys(records[0]!)).toEqual(['log']);
    expect(records[0]!['log']).toContain('panic: my panic');
    expect(records[0]!['log']).toContain('main.main.func1(0xc420024120)');
    expect(records[1]).toEqual({ log: 'one more line, no multiline' });
    const batches = [...run.received.values()].flat();
    expect(new Set(batches.map((b) => b.tag))).toEqual(new Set(['app']));
    const m = run.pipeline.metrics();
    expect(m.input['emitter_for_multiline.0']?.counters['records']).toBe(2);
  });

  it('buffered: a pending message is emitted by the flush timer, and on stop', async () => {
    const run = pipeline(['flush_ms 500']);
    await run.pipeline.start();
    run.pipeline.push(GO.slice(0, 4).map((log) => ({ log })));
    await new Promise((r) => setTimeout(r, 1200));
    expect(run.records()).toHaveLength(1);
    run.pipeline.push(GO.slice(0, 4).map((log) => ({ log })));
    await run.pipeline.stop(); // before the next timer tick
    expect(run.records()).toHaveLength(2);
    expect(run.records()[1]).toEqual(run.records()[0]);
  });

  it('unbuffered: each batch is joined and flushed on its own (flb_test_multiline_unbuffered)', async () => {
    const run = pipeline(['buffer off']);
    await run.pipeline.start();
    run.pipeline.push(GO.map((log) => ({ log })));
    await run.pipeline.stop();
    const records = run.records();
    expect(records).toHaveLength(2);
    expect(records[0]!['log']).toContain('main.main.func1');
    expect(run.pipeline.metrics().input['emitter_for_multiline.0']).toBeUndefined();
  });

  it('records the filter re-emits go through the following filters once', async () => {
    const run = pipeline([], filterSection('record_modifier', ['Record seen yes']));
    await run.pipeline.start();
    run.pipeline.push([{ log: 'single line' }]);
    await run.pipeline.stop();
    expect(run.records()).toEqual([{ log: 'single line', seen: 'yes' }]);
  });

  describe('mode partial_message', () => {
    const part = (log: string, id: string, ordinal: string, last: string, extra: Record<string, unknown> = {}) => ({
      log,
      partial_message: 'true',
      partial_id: id,
      partial_ordinal: ordinal,
      partial_last: last,
      ...extra,
    });
    const partial = (extra = '') =>
      capture(
        planFrom(
          '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n[INPUT]\n    Name lib\n    Tag app\n\n' +
            filterSection('multiline', ['mode partial_message', 'multiline.key_content log', ...(extra ? [extra] : [])]) +
            '[OUTPUT]\n    Name lib\n    Match *\n',
        ),
      );

    it('rejoins interlaced ids at their last part; other keys first, partial_* keys dropped (flb_test_multiline_partial_message_concat_two_ids)', async () => {
      const run = partial();
      await run.pipeline.start();
      run.pipeline.push([
        part('one..', '1', '1', 'false', { stream: 'stdout' }),
        part('three..', '2', '1', 'false'),
        { log: 'whole line' },
        part('two..', '1', '2', 'true'),
        part('two..', '2', '2', 'true'),
      ]);
      await run.pipeline.stop();
      expect(run.records().map((r) => Object.entries(r))).toEqual([
        [['log', 'whole line']],
        [
          ['stream', 'stdout'],
          ['log', 'one..two..'],
        ],
        [['log', 'three..two..']],
      ]);
    });

    it('parts without their last are emitted after Flush_ms (flb_test_multiline_partial_message_concat)', async () => {
      const run = partial('flush_ms 300');
      await run.pipeline.start();
      run.pipeline.push([part('one..', '1', '1', 'false'), part('two..', '1', '2', 'false')]);
      await new Promise((r) => setTimeout(r, 800));
      expect(run.records()).toEqual([{ log: 'one..two..' }]);
      await run.pipeline.stop();
      expect(run.pipeline.metrics().input['emitter_for_multiline.0']?.counters['records']).toBe(1);
    });
  });
});
