import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkFormatter } from '../../../../src/plugins/outputs/es/bulk.js';
import { BASE } from './bulk-options.js';

/** Records as JSON gives them, without the keys the output adds. */
const record = fc
  .dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
  .filter((r) => !Object.hasOwn(r, '@timestamp') && !Object.hasOwn(r, 'flb-key'))
  // As a JSON parser hands them over (-0 is 0).
  .map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);

function dotsReplaced(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dotsReplaced);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll('.', '_'), dotsReplaced(x)]));
  return v;
}

/** No two keys of a map become the same key once dots are replaced (JSON.parse would keep only one). */
function noCollisions(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(noCollisions);
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).map((k) => k.replaceAll('.', '_'));
    return new Set(keys).size === keys.length && Object.values(v).every(noCollisions);
  }
  return true;
}

describe('bulk bodies (property)', () => {
  it('are action/source line pairs whose source is the time key, the tag key, then the record', () => {
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 10 }),
        fc.boolean(),
        fc.boolean(),
        (records, tagKey, replaceDots) => {
          fc.pre(!replaceDots || records.every(noCollisions));
          const f = new BulkFormatter({ ...BASE, include_tag_key: tagKey, replace_dots: replaceDots }, 'es');
          const { items } = f.format('app.x', records.map((r) => ({ time: 1_700_000_000_123_456_789n, record: r })), 0n);
          expect(items).toHaveLength(records.length);
          items.forEach((item, i) => {
            expect(item.action).toBe('{"create":{"_index":"fluent-bit","_type":"_doc"}}\n');
            expect(item.source.endsWith('\n')).toBe(true);
            expect(item.source.indexOf('\n')).toBe(item.source.length - 1);
            const src = JSON.parse(item.source) as Record<string, unknown>;
            const expected = { '@timestamp': '2023-11-14T22:13:20.123Z', ...(tagKey ? { 'flb-key': 'app.x' } : {}), ...(replaceDots ? (dotsReplaced(records[i]) as object) : records[i]) };
            expect(Object.keys(src)).toEqual(Object.keys(expected));
            expect(src).toEqual(expected);
          });
        },
      ),
    );
  });
});
