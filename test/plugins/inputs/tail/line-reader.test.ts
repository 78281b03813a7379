import { describe, expect, it } from 'vitest';
import { LineReader, PushResult, type LineReaderOptions } from '../../../../src/plugins/inputs/tail/line-reader.js';

interface Line {
  text: string;
  offset: number;
  cr: boolean;
}

const OPTS: LineReaderOptions = { bufferMaxSize: 32768, skipLongLines: false, skipEmptyLines: false };

/** Feeds `input` in blocks of the given sizes (the last size repeats). */
function read(input: Buffer | string, sizes: number[] = [1 << 20], options: Partial<LineReaderOptions> = {}, start = 0) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const reader = new LineReader(start, { ...OPTS, ...options });
  const lines: Line[] = [];
  const sink = { line: (text: string, offset: number, cr: boolean) => lines.push({ text, offset, cr }) };
  let pos = 0;
  let i = 0;
  let result = PushResult.Ok;
  const block = Buffer.alloc(1 << 16);
  while (pos < bytes.length && result === PushResult.Ok) {
    const n = Math.min(sizes[Math.min(i++, sizes.length - 1)]!, bytes.length - pos, block.length);
    bytes.copy(block, 0, pos, pos + n);
    result = reader.push(block, n, sink);
    pos += n;
  }
  return { lines, reader, result };
}

describe('LineReader', () => {
  it('splits on \\n, carries the incomplete last line, and gives each line its start offset', () => {
    const { lines, reader } = read('ab\ncde\n\nf', [2]);
    expect(lines).toEqual([
      { text: 'ab', offset: 0, cr: false },
      { text: 'cde', offset: 3, cr: false },
      { text: '', offset: 7, cr: false },
    ]);
    expect(reader.consumed).toBe(8);
    expect(reader.position).toBe(9);
    expect(reader.pendingBytes).toBe(1);
  });

  it('removes one trailing \\r from lines of two bytes or more (a lone \\r stays, as in Fluent Bit)', () => {
    const { lines } = read('a\r\n\r\nxy\r\r\n');
    expect(lines.map((l) => [l.text, l.cr])).toEqual([
      ['a', true],
      ['\r', false],
      ['xy\r', true],
    ]);
  });

  it('Skip_Empty_Lines drops \\n-only and \\r\\n-only lines but counts their bytes as consumed', () => {
    const { lines, reader } = read('\n\r\na\n\n', [1, 3], { skipEmptyLines: true });
    expect(lines).toEqual([{ text: 'a', offset: 3, cr: false }]);
    expect(reader.consumed).toBe(6);
  });

  it('decodes UTF-8 once per line, also when a character is split across blocks', () => {
    const text = 'héllo wörld\n€uro 😀\nascii\n';
    for (const size of [1, 2, 3, 5, 64]) {
      const { lines } = read(text, [size]);
      expect(lines.map((l) => l.text)).toEqual(['héllo wörld', '€uro 😀', 'ascii']);
      expect(lines.map((l) => l.offset)).toEqual([0, Buffer.byteLength('héllo wörld\n'), Buffer.byteLength('héllo wörld\n€uro 😀\n')]);
    }
  });

  it('skips NUL bytes where reading starts (copytruncate) but keeps them inside lines', () => {
    const input = Buffer.concat([Buffer.alloc(5), Buffer.from('a\0b\n'), Buffer.from('\0c\n')]);
    const { lines } = read(input, [2]);
    expect(lines).toEqual([
      { text: 'a\0b', offset: 5, cr: false },
      { text: '\0c', offset: 9, cr: false },
    ]);
    const reset = read(Buffer.concat([Buffer.from('x\n'), Buffer.alloc(3), Buffer.from('y\n')]), [64]);
    expect(reset.lines.map((l) => l.text)).toEqual(['x', '\0\0\0y']);
  });

  it('with Skip_Long_Lines, drops a line that does not fit in Buffer_Max_Size - 1 bytes and goes on', () => {
    // buffer_max_size 10: a line may hold 8 content bytes (plus \n and Fluent Bit's NUL).
    const input = `12345678\n123456789\nok\n${'x'.repeat(40)}\nend\n`;
    for (const size of [1, 3, 7, 64]) {
      const { lines, reader } = read(input, [size], { bufferMaxSize: 10, skipLongLines: true });
      expect(lines.map((l) => l.text)).toEqual(['12345678', 'ok', 'end']);
      expect(lines.map((l) => l.offset)).toEqual([0, 19, 63]);
      expect(reader.longLines).toBe(2);
      expect(reader.consumed).toBe(input.length);
    }
  });

  it('without Skip_Long_Lines, stops at a long line after delivering the lines before it', () => {
    for (const size of [1, 4, 64]) {
      const { lines, reader, result } = read('ok\n123456789\nafter\n', [size], { bufferMaxSize: 10 });
      expect(result).toBe(PushResult.LongLine);
      expect(lines.map((l) => l.text)).toEqual(['ok']);
      expect(reader.consumed).toBe(3);
    }
  });

  it('reset starts over at an offset, dropping the carried bytes', () => {
    const reader = new LineReader(0, OPTS);
    const lines: string[] = [];
    const sink = { line: (t: string) => lines.push(t) };
    reader.push(Buffer.from('abc\npartial'), 11, sink);
    reader.reset(0);
    reader.push(Buffer.from('\0\0new\n'), 6, sink);
    expect(lines).toEqual(['abc', 'new']);
    expect(reader.consumed).toBe(6);
  });

  it('starts at a given offset', () => {
    const { lines } = read('x\ny\n', [64], {}, 100);
    expect(lines.map((l) => l.offset)).toEqual([100, 102]);
  });
});
