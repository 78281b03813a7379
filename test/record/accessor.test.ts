import { describe, expect, it } from 'vitest';
import { accessorMatches, parseRecordAccessor, readAccessor, type RecordAccessor } from '../../src/record/accessor.js';

const acc = (text: string): RecordAccessor => {
  const r = parseRecordAccessor(text);
  if (!r.ok) throw new Error(r.message);
  return r.accessor;
};

describe('readAccessor (flb_ra_key lookups)', () => {
  it('follows map keys and array indexes; a missing step gives undefined', () => {
    const record = { k: { labels: { app: 'web' }, list: ['a', { b: 'c' }] } };
    expect(readAccessor(record, acc("$k['labels']['app']"))).toBe('web');
    expect(readAccessor(record, acc("$k['list'][1]['b']"))).toBe('c');
    expect(readAccessor(record, acc("$k['labels']['tier']"))).toBeUndefined();
    expect(readAccessor(record, acc("$k['list'][2]"))).toBeUndefined();
    expect(readAccessor(record, acc("$k['labels']['app']['x']"))).toBeUndefined();
    expect(readAccessor(record, acc("$k['labels'][0]"))).toBeUndefined();
    expect(readAccessor(record, acc("$missing['a']"))).toBeUndefined();
  });

  it('subkeys apply only to a top-level map or array: another top-level value is the result (flb_ra_key_to_value, flb_ra_key_regex_match)', () => {
    expect(readAccessor({ k: 'web' }, acc("$k['labels']['app']"))).toBe('web');
    expect(readAccessor({ k: 7 }, acc('$k[0]'))).toBe(7);
    expect(readAccessor({ k: null }, acc("$k['a']"))).toBeNull();
    expect(accessorMatches({ k: 'web' }, acc("$k['labels']['app']"), /^web$/)).toBe(true);
    expect(accessorMatches({ k: { labels: 'web' } }, acc("$k['labels']['app']"), /^web$/)).toBe(false);
  });
});
