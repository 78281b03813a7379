import { describe, expect, it } from 'vitest';
import { esDocumentId, packDocument } from '../../../../src/plugins/outputs/es/document-id.js';

/** Ids printed by Fluent Bit's plugins/out_es/murmur3.c (seed 42, es.c's format), compiled with gcc. */
const VECTORS: [string, string][] = [
  ['', '8523fa1b-a77d-f02a-cbb9-da116610d101'],
  ['a', '26b0fdf6-9ca4-2825-2b15-25f8ca9125eb'],
  ['hello world', '78c047fc-92b7-c052-9315-19e5ab5e85bd'],
  ['0123456789abcdef', 'b2a4ed3c-a26b-818e-9fde-f926d245f604'],
  ['0123456789abcdefXYZ', '7bc6b0ef-0146-3fa9-ea00-7d54108171a7'],
  ['The quick brown fox jumps over the lazy dog, again and again and again!!', '90220621-f31b-8548-368a-b86dd8aa88cd'],
];

describe('Generate_ID', () => {
  it('hashes with MurmurHash3 x64 128 (seed 42) and prints the ids as es.c does', () => {
    for (const [input, id] of VECTORS) expect(esDocumentId(Buffer.from(input)), input).toBe(id);
  });

  it('packs the document as msgpack-c does: time key, tag key, then the record', () => {
    const packed = packDocument({ 'a.b': 1, n: -1, big: 300, f: 1.5, s: 'x'.repeat(40), t: true, z: null, l: [1], m: { k: 'v' } }, '@t', 'T', { key: 'tag', value: 'x' }, true);
    const expected = Buffer.concat([
      Buffer.from([0x8b, 0xa2, 0x40, 0x74, 0xa1, 0x54, 0xa3, ...Buffer.from('tag'), 0xa1, 0x78]),
      Buffer.from([0xa3, ...Buffer.from('a_b'), 0x01]),
      Buffer.from([0xa1, 0x6e, 0xff]),
      Buffer.from([0xa3, ...Buffer.from('big'), 0xcd, 0x01, 0x2c]),
      Buffer.from([0xa1, 0x66, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
      Buffer.from([0xa1, 0x73, 0xd9, 40, ...Buffer.from('x'.repeat(40))]),
      Buffer.from([0xa1, 0x74, 0xc3, 0xa1, 0x7a, 0xc0]),
      Buffer.from([0xa1, 0x6c, 0x91, 0x01]),
      Buffer.from([0xa1, 0x6d, 0x81, 0xa1, 0x6b, 0xa1, 0x76]),
    ]);
    expect(packed.toString('hex')).toBe(expected.toString('hex'));
  });

});
