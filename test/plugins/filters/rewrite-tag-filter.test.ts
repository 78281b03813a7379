import { describe, expect, it } from 'vitest';
import { nanosFromSeconds } from '../../../src/record/event.js';
import { filterSection, runFilters } from './filter-harness.js';

const rt = (rules: string[], match = 'test') => filterSection('rewrite_tag', rules.map((r) => `Rule ${r}`), match);

async function rows(filters: string, records: Record<string, unknown>[], tag = 'test', match = '*') {
  const { records: out, tags, run } = await runFilters(filters, records, { tag, match });
  return { rows: out.map((record, i) => ({ tag: tags[i], record })), run };
}

describe('rewrite_tag filter', () => {
  it('re-emits a matching record under the new tag and drops the original (filter_rewrite_tag.c flb_test_matched)', async () => {
    const { rows: out, run } = await rows(rt(['$key ^(rewrite)$ updated false']), [{ key: 'rewrite' }, { key: 'not_match' }]);
    expect(out).toEqual([
      { tag: 'test', record: { key: 'not_match' } },
      { tag: 'updated', record: { key: 'rewrite' } },
    ]);
    const m = run.pipeline.metrics();
    expect(m.filter['rewrite_tag.0']?.counters['emitted']).toBe(1);
    expect(m.input['emitter_for_rewrite_tag.0']?.counters['records']).toBe(1);
  });

  it('KEEP true keeps the original too (flb_test_keep_true); the copy keeps the event time', async () => {
    const time = nanosFromSeconds(1700000000, 5);
    const { run } = await runFilters(rt(['$key ^(rewrite)$ updated true']), [{ time, record: { key: 'rewrite' } }] as unknown as Record<string, unknown>[]);
    const batches = [...run.received.values()].flat();
    expect(batches.map((b) => [b.tag, b.events.map((e) => [e.time, e.record])])).toEqual([
      ['test', [[time, { key: 'rewrite' }]]],
      ['updated', [[time, { key: 'rewrite' }]]],
    ]);
  });

  it('the first matching rule wins, in order (flb_test_rewrite_tag_multiple_rules)', async () => {
    const { rows: out } = await rows(rt(['$test3 ^(true)$ three false', '$test2 ^(true)$ two false', '$msg . any false']), [
      { msg: 'DEBUG', test2: 'true' },
      { msg: 'ERROR', test3: 'true', test2: 'true' },
      { msg: 'x' },
    ]);
    expect(out.map((r) => r.tag).sort()).toEqual(['any', 'three', 'two']);
  });

  it('new tag templates: $TAG, $TAG[n], capture groups and record accessors', async () => {
    const { rows: out } = await rows(
      rt(["$kubernetes['labels']['app'] ^(web)-(\\d+)$ $TAG[1].$1.$2.$kubernetes['ns'].$TAG.$n.$f.$b false"], 'app.*'),
      [{ kubernetes: { labels: { app: 'web-42' }, ns: 'prod' }, n: 7, f: 1.5, b: true }],
      'app.front.v1',
    );
    expect(out).toEqual([{ tag: 'front.web.42.prod.app.front.v1.7.1.500000.true', record: expect.any(Object) }]);
  });

  it('non-string values and missing keys never match', async () => {
    const { rows: out } = await rows(rt(['$n ^1$ x false']), [{ n: 1 }, { m: '1' }]);
    expect(out.map((r) => r.tag)).toEqual(['test', 'test']);
  });

  it('a record its own emitter brings back is kept, not emitted again (flb_test_self_cycle_issue_12189)', async () => {
    const { rows: out, run } = await rows(rt(['$key ^(cycle)$ rewrite false'], 'rewrite'), [{ key: 'cycle' }], 'rewrite', 'rewrite');
    expect(out).toEqual([{ tag: 'rewrite', record: { key: 'cycle' } }]);
    expect(run.logs.some((l) => l.includes('emitter cycle detected'))).toBe(true);
  });
});
