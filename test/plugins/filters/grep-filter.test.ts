import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterSection, runFilters } from './filter-harness.js';

const squares = Array.from({ length: 256 }, (_, i) => ({ val: String(i * i), END_KEY: 'JSON_END' }));

describe('grep filter', () => {
  it('Regex keeps matching records (filter_grep.c flb_test_filter_grep_regex)', async () => {
    const { records } = await runFilters(filterSection('grep', ['Regex val 1']), squares);
    expect(records).toEqual(squares.filter((r) => r.val.includes('1')));
  });

  it('Exclude drops matching records', async () => {
    const { records, run } = await runFilters(filterSection('grep', ['Exclude val 1']), squares);
    expect(records).toEqual(squares.filter((r) => !r.val.includes('1')));
    expect(run.pipeline.metrics().filter['grep.0']?.counters['drop_records']).toBe(squares.filter((r) => r.val.includes('1')).length);
  });

  it('Exclude with a /regex/ containing spaces (flb_test_filter_grep_exclude_regex with spaces)', async () => {
    const input = [
      { val: '1', log: 'Using deprecated option' },
      { val: '2', log: 'Using option' },
    ];
    const { records } = await runFilters(filterSection('grep', ['Exclude log /Using deprecated option/']), input);
    expect(records).toEqual([{ val: '2', log: 'Using option' }]);
  });

  it('legacy: rules in file order, a matching Regex keeps at once', async () => {
    const input = [
      { a: 'x', b: 'bad' },
      { a: 'y', b: 'bad' },
      { a: 'x', b: 'ok' },
    ];
    // Exclude first: records with b=bad are dropped before the Regex is looked at.
    expect((await runFilters(filterSection('grep', ['Exclude b bad', 'Regex a x']), input)).records).toEqual([{ a: 'x', b: 'ok' }]);
    // Regex first: a matching Regex keeps the record, the Exclude is never evaluated.
    expect((await runFilters(filterSection('grep', ['Regex a x', 'Exclude b bad']), input)).records).toEqual([
      { a: 'x', b: 'bad' },
      { a: 'x', b: 'ok' },
    ]);
  });

  it('record accessor keys; non-string values and missing keys never match; subkeys of a top-level string are ignored', async () => {
    const input = [
      { kubernetes: { labels: { app: 'web' } }, n: 1 },
      { kubernetes: { labels: { app: 'db' } }, n: 12 },
      { kubernetes: 'web', n: true },
      { arr: ['web'] },
    ];
    // flb_ra_key_regex_match follows subkeys only into a map or array: kubernetes: 'web' is read as is
    // (Fluent Bit's tests/internal/record_accessor.c: "Array access on string - returns original string value")
    expect((await runFilters(filterSection('grep', ["Regex $kubernetes['labels']['app'] ^web$"]), input)).records).toEqual([input[0], input[2]]);
    expect((await runFilters(filterSection('grep', ['Regex n 1']), input)).records).toEqual([]);
    expect((await runFilters(filterSection('grep', ['Exclude n .']), input)).records).toEqual(input);
    expect((await runFilters(filterSection('grep', ['Regex $arr[0] web']), input)).records).toEqual([input[3]]);
  });

  it('AND / OR equal the boolean combination of the single rules', async () => {
    const value = fc.constantFrom('a', 'b', 'ab', '', 'c');
    const rec = fc.record({ x: value, y: value }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.array(rec, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.constantFrom('Regex', 'Exclude'), async (input, and, kind) => {
        const rules = [`${kind} x a`, `${kind} y b`];
        const m1 = (r: { x?: string }) => r.x !== undefined && r.x.includes('a');
        const m2 = (r: { y?: string }) => r.y !== undefined && r.y.includes('b');
        const { records } = await runFilters(filterSection('grep', [...rules, `Logical_Op ${and ? 'AND' : 'or'}`]), input);
        const combined = (r: { x?: string; y?: string }) => (and ? m1(r) && m2(r) : m1(r) || m2(r));
        expect(records).toEqual(input.filter((r) => (kind === 'Regex' ? combined(r) : !combined(r))));
      }),
      { numRuns: 25 },
    );
  });
});
