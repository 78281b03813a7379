/**
 * The tcp input's framing: whatever way a stream of messages is cut into reads, the messages read
 * are the ones sent (JSON values back to back; text records between separators), and a
 * Separator is unescaped as Fluent Bit's flb_unescape_string does. LOGFERRY_FUZZ_RUNS sets the runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJson, splitRecords, unescapeSeparator } from '../../../../src/plugins/inputs/tcp/frames.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 100);

/** Feeds `bytes` in the given cuts, as the input does: what a scan does not use waits for the next read. */
function feed<T>(bytes: Buffer, cuts: readonly number[], scan: (b: Buffer) => { items: T[]; consumed: number }): { items: T[]; rest: Buffer } {
  const items: T[] = [];
  let pending = Buffer.alloc(0);
  let at = 0;
  for (const end of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    if (end < at) continue;
    pending = Buffer.concat([pending, bytes.subarray(at, end)]);
    at = end;
    const r = scan(pending);
    items.push(...r.items);
    pending = pending.subarray(r.consumed);
  }
  return { items, rest: pending };
}

const jsonValue = fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }));
const spacing = fc.constantFrom('', ' ', '\n', '\r\n', '\t');

describe('scanJson', () => {
  it('reads back the objects and arrays sent, whatever the reads they arrive in', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(jsonValue, spacing), { maxLength: 6 }), fc.array(fc.nat(400), { maxLength: 8 }), (values, cuts) => {
        const bytes = Buffer.from(values.map(([v, s]) => JSON.stringify(v) + s).join(''), 'utf8');
        const { items, rest } = feed(bytes, cuts, (b) => {
          const r = scanJson(b);
          expect(r.invalid).toBeUndefined();
          return { items: r.messages, consumed: r.consumed };
        });
        // What was sent is the JSON text (-0 is written 0).
        expect(items).toEqual(values.map(([v]) => ({ ok: true, value: JSON.parse(JSON.stringify(v)) as unknown })));
        expect(rest.toString().trim()).toBe('');
      }),
      { numRuns: RUNS },
    );
  });

  it('waits for the end of an unfinished value, refuses scalars, and skips text that is not JSON through its line', () => {
    expect(scanJson(Buffer.from('{"a":1}{"b":'))).toEqual({ messages: [{ ok: true, value: { a: 1 } }], consumed: 7 });
    expect(scanJson(Buffer.from('{"a":"}{"}'))).toEqual({ messages: [{ ok: true, value: { a: '}{' } }], consumed: 10 });
    // A number at the end may go on in the next read (jsmn strict says partial); followed by a space it is complete.
    expect(scanJson(Buffer.from('12')).consumed).toBe(0);
    expect(scanJson(Buffer.from('12 "s" {}')).messages).toEqual([
      { ok: false, reason: 'a top-level JSON number is not an object or an array' },
      { ok: false, reason: 'a top-level JSON string is not an object or an array' },
      { ok: true, value: {} },
    ]);
    const bad = scanJson(Buffer.from('[1] {bad} {"a":1}'));
    expect(bad.messages).toEqual([{ ok: true, value: [1] }]);
    expect([bad.consumed, bad.lineUnfinished]).toEqual([17, true]);
    expect(bad.invalid).toMatch(/JSON/);
    const line = scanJson(Buffer.from('{bad} x\n{"a":1}\n'));
    expect([line.messages, line.consumed, line.lineUnfinished]).toEqual([[], 8, undefined]);
    expect(scanJson(Buffer.from('{"a":1}\n'))).toEqual({ messages: [{ ok: true, value: { a: 1 } }], consumed: 8 });
    expect(scanJson(Buffer.from(`${'['.repeat(70)}${']'.repeat(70)}`)).messages).toEqual([{ ok: false, reason: 'a JSON value nests deeper than 64 levels' }]);
  });
});

describe('splitRecords', () => {
  const separator = fc.constantFrom('\n', '\r\n', '|', '\t', 'END');
  it('reads back the non-empty records sent, whatever the reads, and keeps the unfinished one', () => {
    fc.assert(
      fc.property(separator, fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 8 }), fc.string({ maxLength: 5 }), fc.array(fc.nat(120), { maxLength: 6 }), (sep, raw, tail, cuts) => {
        const records = raw.filter((r) => !r.includes(sep) && !sep.includes(r.at(-1)!) && !sep.includes(r[0]!));
        const last = tail.includes(sep) || sep.includes(tail.at(-1) ?? '') ? '' : tail;
        const bytes = Buffer.from(records.map((r) => r + sep).join('') + last, 'utf8');
        const { items, rest } = feed(bytes, cuts, (b) => {
          const r = splitRecords(b, Buffer.from(sep));
          return { items: r.lines, consumed: r.consumed };
        });
        expect(items).toEqual(records);
        expect(rest.toString('utf8')).toBe(last);
      }),
      { numRuns: RUNS },
    );
  });

  it('skips empty records where Fluent Bit stalls', () => {
    expect(splitRecords(Buffer.from('a||b|c'), Buffer.from('|'))).toEqual({ lines: ['a', 'b'], consumed: 5, empty: 1 });
  });
});

describe('unescapeSeparator', () => {
  it('reads escapes as flb_unescape_string does', () => {
    expect(unescapeSeparator('\\n')).toBe('\n');
    expect(unescapeSeparator('\\r\\n')).toBe('\r\n');
    expect(unescapeSeparator('\\t|\\\\')).toBe('\t|\\');
    expect(unescapeSeparator('\\a\\b\\v\\f')).toBe('\x07\b\v\f');
    expect(unescapeSeparator('\\|')).toBe('|');
    expect(unescapeSeparator('ab\\')).toBe('ab');
    expect(unescapeSeparator('\\')).toBe('');
  });
});
