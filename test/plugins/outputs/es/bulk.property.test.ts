import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkFormatter } from '../../../../src/plugins/outputs/es/bulk.js';
import type { BulkOptions } from '../../../../src/plugins/outputs/es/options.js';
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

describe('action lines built from record values (property)', () => {
  /** Strings rich in what could break out of the action line's JSON. */
  const value = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '\r', '\u0000', '}', ',', '{'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 140 });
  const safe = (v: string): boolean => !/["\\\u0000-\u001f]/.test(v);

  it('hold a record value only as a whole JSON string, else fall back as Fluent Bit does (Logstash_Prefix_Key, opensearch Index, Id_Key)', () => {
    fc.assert(
      fc.property(value, value, fc.constantFrom<'es' | 'opensearch'>('es', 'opensearch'), (ns, id, flavour) => {
        const options: BulkOptions =
          flavour === 'es'
            ? { ...BASE, logstash_format: true, logstash_prefix_key: 'ns', id_key: 'id', suppress_type_name: true }
            : { ...BASE, index: '$ns', id_key: 'id', suppress_type_name: true };
        const { items } = new BulkFormatter(options, flavour).format('app', [{ time: 1_700_000_000_000_000_000n, record: { ns, id } }], 0n);
        const line = items[0]!.action;
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const named = ns !== '' && safe(ns);
        const index = flavour === 'es' ? `${named ? ns.slice(0, 128) : 'logstash'}-2023.11.14` : named ? ns : '$ns';
        expect(JSON.parse(line)).toEqual({ create: { _index: index, ...(safe(id) ? { _id: id } : {}) } });
      }),
    );
  });
});
