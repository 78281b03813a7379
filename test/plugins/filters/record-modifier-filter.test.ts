import { describe, expect, it } from 'vitest';
import { filterSection, runFilters } from './filter-harness.js';

const rm = async (lines: string[], records: Record<string, unknown>[]) => (await runFilters(filterSection('record_modifier', lines), records)).records;

describe('record_modifier filter', () => {
  it('appends Record values as strings, in order, after the existing keys (filter_record_modifier.c flb_test_record_modifier_records)', async () => {
    const out = await rm(['Record new_key new_val', 'Record "key 2" "val 2"', 'Record hostname ${HOSTNAME}'], [{ k: 'sample' }]);
    expect(Object.entries(out[0]!)).toEqual([
      ['k', 'sample'],
      ['new_key', 'new_val'],
      ['key 2', 'val 2'],
      ['hostname', 'test-host'],
    ]);
  });

  it('an existing key is appended again: it moves to the end with the new value (Fluent Bit: a duplicate key, read last)', async () => {
    expect(Object.entries((await rm(['Record a x'], [{ a: 1, b: 2 }]))[0]!)).toEqual([['b', 2], ['a', 'x']]);
  });

  it('Remove_key is case-insensitive, a trailing * matches a prefix (flb_test_record_modifier_remove_keys)', async () => {
    const out = await rm(['Remove_key KEY', 'Remove_key pre*'], [{ key: 1, Key: 2, keys: 3, prefix: 4, PREfab: 5, pr: 6 }]);
    expect(out).toEqual([{ keys: 3, pr: 6 }]);
  });

  it('Allowlist_key (and Whitelist_key) keeps only the listed keys, in their order', async () => {
    expect(await rm(['Allowlist_key b', 'Whitelist_key A*'], [{ b: 1, c: 2, aa: 3, Ab: 4 }])).toEqual([{ b: 1, aa: 3, Ab: 4 }]);
  });

  it('a record left without keys is dropped', async () => {
    expect(await rm(['Allowlist_key z'], [{ a: 1 }, { z: 1 }])).toEqual([{ z: 1 }]);
  });

  it('UUID_key adds a version 4 UUID last', async () => {
    const out = await rm(['Record r 1', 'UUID_key id'], [{ a: 1 }, { a: 2 }]);
    expect(out.map((r) => Object.keys(r))).toEqual([['a', 'r', 'id'], ['a', 'r', 'id']]);
    expect(out[0]!['id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out[0]!['id']).not.toBe(out[1]!['id']);
  });

  it('records of many shapes in turn each get their own result (the work is planned per key sequence)', async () => {
    const shapes = [{ a: 1, tmp_x: 2 }, { tmp_y: 1 }, { b: 'x', host: 'h' }, { host: 'h', b: 'y' }, {}, { c: [1], a: { n: 1 } }];
    const input = [...shapes, ...shapes, ...shapes].map((r) => structuredClone(r));
    const out = await rm(['Remove_key tmp_*', 'Record host golden'], input);
    const want = [[['a', 1], ['host', 'golden']], [['host', 'golden']], [['b', 'x'], ['host', 'golden']], [['b', 'y'], ['host', 'golden']], [['host', 'golden']], [['c', [1]], ['a', { n: 1 }], ['host', 'golden']]];
    expect(out.map((r) => Object.entries(r))).toEqual([...want, ...want, ...want]);
    // without Record, a record emptied by Remove_key is dropped, one that came empty is not
    expect(await rm(['Remove_key tmp_*'], [{ tmp_a: 1 }, {}, { tmp_b: 1, k: 1 }, { tmp_c: 1 }])).toEqual([{}, { k: 1 }]);
  });
});
