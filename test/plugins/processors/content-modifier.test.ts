import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convert, formatG17, ContentModifier } from '../../../src/plugins/processors/content_modifier/content-modifier.js';
import type { ContentModifierOptions } from '../../../src/plugins/processors/content_modifier/options.js';
import { compileRegex } from '../../../src/parsers/regex.js';

function apply(o: Partial<ContentModifierOptions>, record: Record<string, unknown>): Record<string, unknown> {
  return new ContentModifier(o as ContentModifierOptions).filter('t', [{ time: 0n, record }])[0]!.record;
}

describe('the content_modifier processor (cm_logs.c)', () => {
  it('moves a key to the end on upsert and convert, keeps its place on rename', () => {
    expect(Object.keys(apply({ action: 'upsert', key: 'a', value: 'x' }, { a: 1, b: 2 }))).toEqual(['b', 'a']);
    expect(Object.keys(apply({ action: 'convert', key: 'a', converted_type: 'string' }, { a: 1, b: 2 }))).toEqual(['b', 'a']);
    expect(apply({ action: 'rename', key: 'a', value: 'z' }, { a: 1, b: 2 })).toEqual({ z: 1, b: 2 });
    expect(Object.keys(apply({ action: 'rename', key: 'a', value: 'z' }, { a: 1, b: 2 }))).toEqual(['z', 'b']);
    expect(apply({ action: 'insert', key: 'a', value: 'x' }, { a: 1 })).toEqual({ a: 1 });
  });

  it('extracts named groups of a string value', () => {
    const compiled = compileRegex('^(?<method>\\w+) (?<path>\\S+)');
    const pattern = compiled.ok ? compiled.regex : undefined;
    expect(apply({ action: 'extract', key: 'msg', pattern }, { method: 'old', msg: 'GET /a' })).toEqual({ msg: 'GET /a', method: 'GET', path: '/a' });
    expect(apply({ action: 'extract', key: 'msg', pattern }, { msg: 42 })).toEqual({ msg: 42 });
  });

  it('hashes the text of a value with SHA-256; an empty text stays', () => {
    expect(apply({ action: 'hash', key: 'u' }, { u: 'null' })).toEqual(apply({ action: 'hash', key: 'u' }, { u: null }));
    expect(apply({ action: 'hash', key: 'u' }, { u: '' })).toEqual({ u: '' });
    expect(apply({ action: 'hash', key: 'u' }, { u: 'ann' })['u']).toBe('49915e0d7d4b402e3017d010bc1c0e83cac6c797d6c16e66340fe3268693a6a1');
  });

  it('converts as cm_utils_variant_convert does', () => {
    expect(convert('42', 'int')).toEqual({ ok: true, value: 42 });
    expect(convert('-3', 'int')).toEqual({ ok: true, value: -3 });
    expect(convert('', 'int')).toEqual({ ok: true, value: 0 });
    expect(convert('4x', 'int')).toEqual({ ok: false });
    expect(convert('4294967296', 'int')).toEqual({ ok: false });
    expect(convert('2.5kg', 'double')).toEqual({ ok: true, value: 2.5 });
    expect(convert('kg', 'double')).toEqual({ ok: false });
    expect(convert('TRUE', 'boolean')).toEqual({ ok: true, value: true });
    expect(convert('yes', 'boolean')).toEqual({ ok: true, value: false });
    expect(convert(2.5, 'int')).toEqual({ ok: true, value: 3 });
    expect(convert(null, 'string')).toEqual({ ok: true, value: 'null' });
    expect(convert({ a: 1 }, 'string')).toEqual({ ok: false });
  });

  it("prints a double with C's %.17g, which reads back as the same number", () => {
    expect(formatG17(0.1)).toBe('0.10000000000000001');
    expect(formatG17(1e21)).toBe('1e+21');
    expect(formatG17(1.5e-7)).toBe('1.4999999999999999e-07');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Number(formatG17(x)) === x).toBe(true);
      }),
    );
  });
});
