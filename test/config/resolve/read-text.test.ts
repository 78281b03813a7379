import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigReadError, MAX_LINE_BYTES, readBounded } from '../../../src/config/resolve/read-text.js';
import { useTempDir } from '../../support/temp-dir.js';

const CLASSIC = { maxBytes: Infinity, lineLimit: true };

/** Writes `head`, then `length` bytes of `x`, then `tail`, without building the string in memory. */
function writeLong(path: string, head: string, length: number, tail: string): string {
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  const block = Buffer.alloc(1024 * 1024, 'x');
  for (let left = length; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(left, block.length));
  writeSync(fd, tail);
  closeSync(fd);
  return path;
}

function lineOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigReadError) return err.line;
    throw err;
  }
  return undefined;
}

describe('readBounded: Fluent Bit\'s classic line limit, counted in bytes', () => {
  const dir = useTempDir('logferry-read-');

  // fgets into a buffer doubled up to 32 MiB: a line fits when it and its newline take at most
  // 32 MiB - 1 bytes; at the end of the file a line without newline fits with 32 MiB - 1 bytes.
  it('accepts the longest line Fluent Bit reads and refuses one byte more, at its line', () => {
    const fits = writeLong(join(dir.path, 'fits.conf'), '[A]\n', MAX_LINE_BYTES - 2, '\nnext\n');
    expect(lineOf(() => readBounded(fits, CLASSIC))).toBeUndefined();
    const over = writeLong(join(dir.path, 'over.conf'), '[A]\n', MAX_LINE_BYTES - 1, '\nnext\n');
    expect(lineOf(() => readBounded(over, CLASSIC))).toBe(2);
    const last = writeLong(join(dir.path, 'last.conf'), '[A]\n', MAX_LINE_BYTES - 1, '');
    expect(lineOf(() => readBounded(last, CLASSIC))).toBeUndefined();
  });

  it('has no line limit for YAML, only the size budget, named at the line it is crossed', () => {
    const text = 'a: 1\nb: 2\nc: 3\n';
    const path = dir.write('x.yaml', text);
    expect(readBounded(path, { maxBytes: text.length, lineLimit: false })).toBe(text);
    expect(lineOf(() => readBounded(path, { maxBytes: 7, lineLimit: false }))).toBe(2);
  });
});
