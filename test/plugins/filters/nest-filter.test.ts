import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterSection, runFilters } from './filter-harness.js';

const nest = async (lines: string[], records: Record<string, unknown>[]) => (await runFilters(filterSection('nest', lines), records)).records;

describe('nest filter', () => {
  it('nest: matching keys move into a map after the other keys (filter_nest.c flb_test_filter_nest_single)', async () => {
    const out = await nest(['Operation nest', 'Wildcard to_nest', 'Nest_under nested_key'], [{ to_nest: 'This is the data to nest', extra: 'Some more data' }]);
    expect(Object.entries(out[0]!)).toEqual([
      ['extra', 'Some more data'],
      ['nested_key', { to_nest: 'This is the data to nest' }],
    ]);
  });

  it('nest with a prefix wildcard and Add_prefix / Remove_prefix on the moved keys', async () => {
    const rec = () => ({ Mem_total: 1, a: 0, Mem_used: 2 });
    expect(await nest(['Operation nest', 'Wildcard Mem*', 'Nest_under mem', 'Remove_prefix Mem_'], [rec()])).toEqual([{ a: 0, mem: { total: 1, used: 2 } }]);
    expect(Object.keys((await nest(['Operation nest', 'Wildcard Mem*', 'Nest_under m', 'Add_prefix x.'], [rec()]))[0]!['m'] as object)).toEqual([
      'x.Mem_total',
      'x.Mem_used',
    ]);
    expect(await nest(['Operation nest', 'Wildcard zz*', 'Nest_under m'], [rec()])).toEqual([rec()]);
  });

  it('lift: the map entries replace it, after the other keys; a non-map value is left alone (flb_test_filter_nest_lift)', async () => {
    const out = await nest(['Operation lift', 'Nested_under nested', 'Add_prefix n_'], [
      { nested: { a: 1, b: { c: 2 } }, top: 'x' },
      { nested: 'not a map', top: 'y' },
    ]);
    expect(Object.entries(out[0]!)).toEqual([
      ['top', 'x'],
      ['n_a', 1],
      ['n_b', { c: 2 }],
    ]);
    expect(out[1]).toEqual({ nested: 'not a map', top: 'y' });
  });

  it('nest then lift with the same prefix restores the record (moved keys last)', async () => {
    const key = fc.constantFrom('p_a', 'p_b', 'p_', 'x', 'y', 'q_p_');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.oneof(fc.string({ maxLength: 3 }), fc.integer())), async (rec) => {
        const filters =
          filterSection('nest', ['Operation nest', 'Wildcard p_*', 'Nest_under inner', 'Remove_prefix p_']) +
          filterSection('nest', ['Operation lift', 'Nested_under inner', 'Add_prefix p_']);
        const { records } = await runFilters(filters, [{ ...rec }]);
        const keys = Object.keys(rec);
        const expected = [...keys.filter((k) => !k.startsWith('p_')), ...keys.filter((k) => k.startsWith('p_'))].map((k) => [k, rec[k]]);
        expect(Object.entries(records[0]!)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});
