import { beforeAll, describe, expect, it } from 'vitest';
import { BulkFormatter } from '../../../../src/plugins/outputs/es/bulk.js';
import { esDocumentId, opensearchDocumentIds, packDocument, type DocumentIdOf } from '../../../../src/plugins/outputs/es/document-id.js';
import { EncodedRecords } from '../../../../src/record/encoded.js';
import { BASE } from './bulk-options.js';
import { murmur3x64_128 as murmurBigInt } from './murmur3-bigint.js';
import { murmur3x64_128 } from '../../../../src/plugins/outputs/es/murmur3.js';
import fc from 'fast-check';

let opensearchDocumentId: DocumentIdOf;
beforeAll(async () => {
  opensearchDocumentId = await opensearchDocumentIds();
});

/** An opensearch id as Fluent Bit prints the hash: low, then high half, each little-endian, uppercase, 8-4-4-4-12. */
function idOf(lo: bigint, hi: bigint): string {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(lo, 0);
  b.writeBigUInt64LE(hi, 8);
  const x = b.toString('hex').toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Ids printed by Fluent Bit's plugins/out_es/murmur3.c (seed 42, es.c's format), compiled with gcc. */
const VECTORS: [string, string][] = [
  ['', '8523fa1b-a77d-f02a-cbb9-da116610d101'],
  ['a', '26b0fdf6-9ca4-2825-2b15-25f8ca9125eb'],
  ['hello world', '78c047fc-92b7-c052-9315-19e5ab5e85bd'],
  ['0123456789abcdef', 'b2a4ed3c-a26b-818e-9fde-f926d245f604'],
  ['0123456789abcdefXYZ', '7bc6b0ef-0146-3fa9-ea00-7d54108171a7'],
  ['The quick brown fox jumps over the lazy dog, again and again and again!!', '90220621-f31b-8548-368a-b86dd8aa88cd'],
];

/** XXH3_128bits of bytes (golden: what Fluent Bit hashes with) (i * 31 + 7) & 255, by lengths covering every path, printed by lib/cfl/lib/xxhash (gcc): [length, low64, high64]. */
const XXH3_VECTORS: [number, string, string][] = [
  [0, '6001c324468d497f', '99aa06d3014798d8'],
  [1, '4c5cca45d0f4811f', '495b62073ef70ca4'],
  [2, 'a7e250c97710ff27', '12b2847aa0de5aaa'],
  [3, '15f7093b173d005c', '46f66cb935381565'],
  [4, 'b987ca5d9241572a', '7fefeeffb4d0eab3'],
  [5, '752a86982353f4f3', '2fbb16712b4bf1d5'],
  [8, '56bb836ceb6d4baa', '803c675a846cc6c2'],
  [9, '4376673580310154', 'd46556872d230f22'],
  [12, '2f65dbab90c80af2', '48480c880e4976fd'],
  [16, 'f853dd94614dfa07', '650fe308c566747d'],
  [17, '78c349fe81b2f26c', '18217300b5132d5a'],
  [32, '5726e079716c6a62', '3220ff5fe507b3c0'],
  [33, '3b25275300c8b44e', '91a4c56ad1b91d88'],
  [64, '36c5f7e547426bc4', 'f9bfa77da0891a96'],
  [65, 'd0d1d7884590a330', '5642c5d38e6e787d'],
  [96, '63451be079edd707', '59861d1adb3e51a2'],
  [97, 'fa4138b7dc44e45b', '0912f66857975b13'],
  [128, '1e04fad9f0cacb4d', 'b4f87b99d2db8a51'],
  [129, 'c51bc887976aef63', '6881633650cd8924'],
  [159, '4710980f58432f1d', '23d73d2cfa83c4b0'],
  [160, 'f661814e66697391', 'c000b788df6dbbc4'],
  [161, '3514442284da8d47', '9ab20efd5075007b'],
  [200, '60ea018811f9a437', '8d8629a1aef9ef90'],
  [240, '93e173833f75ab66', 'de57aab31e77a2ff'],
  [241, '0b3b630948ce4a00', '92b991a7192f3f08'],
  [500, 'e1e3ce93f69c5043', 'd5e1aac34f44cd16'],
  [1024, '23bc880ebf0d29c6', '4c17271c906df792'],
  [1025, 'c09fdfbc398c7d82', '70a4eb1b9691d77f'],
  [2048, '19f6f9c987331373', 'b318976b177a38c7'],
  [3000, '6eb4b5bfe14d9786', 'c3fae71e29f0c4af'],
];

describe('Generate_ID', () => {
  it('opensearch hashes with XXH3 128 as the C library does, at every length class', () => {
    const buf = Uint8Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) & 255);
    for (const [n, lo, hi] of XXH3_VECTORS) expect([n, opensearchDocumentId(buf.subarray(0, n))]).toEqual([n, idOf(BigInt(`0x${lo}`), BigInt(`0x${hi}`))]);
  });

  it("prints opensearch ids as the hash's 16 bytes in memory order, uppercase", () => {
    // XXH3_128bits(""): low 6001c324468d497f, high 99aa06d3014798d8, each little-endian in memory.
    expect(opensearchDocumentId(new Uint8Array(0))).toBe('7F498D46-24C3-0160-D898-4701D306AA99');
  });

  it('hashes with MurmurHash3 x64 128 (seed 42) and prints the ids as es.c does', () => {
    for (const [input, id] of VECTORS) expect(esDocumentId(Buffer.from(input)), input).toBe(id);
  });

  it('MurmurHash3 in 32-bit halves equals the BigInt algorithm for any bytes and seed', () => {
    const halves = (h: bigint) => [Number(h >> 32n), Number(h & 0xffffffffn)];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.oneof(fc.constant(42), fc.integer({ min: 0, max: 0xffffffff })), (bytes, seed) => {
        const [h1, h2] = murmurBigInt(bytes, seed);
        expect(murmur3x64_128(bytes, seed)).toEqual([...halves(h1), ...halves(h2)]);
      }),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 300) },
    );
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


  it('gives the Bulk lines Fluent Bit 4.2.8 sent for the same record (Generate_ID, Replace_Dots, Include_Tag_Key)', async () => {
    // Recorded from fluent-bit 4.2.8: dummy input (Fixed_Timestamp, Start_time_sec 1700000000, Start_time_nsec 500123456,
    // tag app.web) -> es / opensearch with Suppress_Type_Name, Generate_ID, Include_Tag_Key and Replace_Dots On.
    const record = { msg: 'hello', n: 42, neg: -7, f: 1.5, 'k.d': { 'x.y': [1, 'a.b', true, null] }, s: 'x'.repeat(40) };
    const source = `{"@timestamp":"2023-11-14T22:13:20.500Z","flb-key":"app.web","msg":"hello","n":42,"neg":-7,"f":1.5,"k_d":{"x_y":[1,"a.b",true,null]},"s":"${'x'.repeat(40)}"}\n`;
    const ids = { es: '6f4345cd-4831-12d8-80a5-e3947495485f', opensearch: 'A32BFC71-877E-5284-D895-F27F6AE855D0' };
    for (const flavour of ['es', 'opensearch'] as const) {
      const f = await BulkFormatter.open({ ...BASE, suppress_type_name: true, generate_id: true, include_tag_key: true, replace_dots: true }, flavour);
      const { items } = f.format('app.web', EncodedRecords.from([{ time: 1_700_000_000_500_123_456n, record }]), 0n);
      expect(items).toEqual([{ action: `{"create":{"_index":"fluent-bit","_id":"${ids[flavour]}"}}\n`, source }]);
    }
  });
});
