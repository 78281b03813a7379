import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/parsers/lines.js';

function splitAll(chunks: Buffer[]): { lines: string[]; ends: number[]; splitter: LineSplitter } {
  const splitter = new LineSplitter();
  const lines: string[] = [];
  const ends: number[] = [];
  for (const c of chunks) splitter.push(c, lines, ends);
  return { lines, ends, splitter };
}

describe('LineSplitter', () => {
  it('splits blocks at newlines and carries the partial line over', () => {
    const { lines, ends, splitter } = splitAll([Buffer.from('ab\ncd'), Buffer.from('ef\n\ngh'), Buffer.from('i')]);
    expect(lines).toEqual(['ab', 'cdef', '']);
    expect(ends).toEqual([3, 8, 9]);
    expect(splitter.pendingBytes).toBe(3);
    expect(splitter.offset).toBe(9);
    expect(splitter.takePartial()).toBe('ghi');
    expect(splitter.offset).toBe(12);
    expect(splitter.takePartial()).toBeUndefined();
  });

  it('drops one \\r before the newline of lines of two bytes or more (Fluent Bit tail)', () => {
    const { lines } = splitAll([Buffer.from('a\r\nbc\r\n\r\n\r\r\n')]);
    expect(lines).toEqual(['a', 'bc', '\r', '\r']);
  });

  it('decodes multi-byte characters cut between blocks', () => {
    const bytes = Buffer.from('é😀\nx\n');
    const { lines } = splitAll([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]);
    expect(lines).toEqual(['é😀', 'x']);
  });

  it('does not keep a reference to the caller block', () => {
    const block = Buffer.from('abc');
    const splitter = new LineSplitter();
    const out: string[] = [];
    splitter.push(block, out);
    block.fill(0x7a);
    splitter.push(Buffer.from('\n'), out);
    expect(out).toEqual(['abc']);
  });

  it('gives the lines of text.split("\\n") however the bytes are cut', () => {
    const line = fc.array(fc.constantFrom('a', 'b', ' ', 'é', '😀', '\r'), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(40), { maxLength: 10 }), (lines, cuts) => {
        const text = lines.map((l) => `${l}\n`).join('');
        const bytes = Buffer.from(text);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          chunks.push(bytes.subarray(prev, p));
          prev = p;
        }
        const got = splitAll(chunks);
        const expected = lines.map((l) => (Buffer.byteLength(l) >= 2 && l.endsWith('\r') ? l.slice(0, -1) : l));
        expect(got.lines).toEqual(expected);
        expect(got.splitter.offset).toBe(bytes.length);
        expect(got.ends.at(-1) ?? 0).toBe(bytes.length);
      }),
    );
  });
});
