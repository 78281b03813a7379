/**
 * XXH3 128-bit with seed 0 and the default secret (Yann Collet's xxHash, BSD-2): the hash
 * `cfl_hash_128bits` that Fluent Bit's opensearch output uses for Generate_ID. Written from the
 * algorithm's description with BigInt (Generate_ID is opt-in, so clarity over speed); checked
 * against the C library's output for every length class in the tests.
 */

const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;
const P32_1 = 0x9e3779b1n;
const P32_2 = 0x85ebca77n;
const P32_3 = 0xc2b2ae3dn;
const P64_1 = 0x9e3779b185ebca87n;
const P64_2 = 0xc2b2ae3d27d4eb4fn;
const P64_3 = 0x165667b19e3779f9n;
const P64_4 = 0x85ebca77c2b2ae63n;
const P64_5 = 0x27d4eb2f165667c5n;
const PRIME_MX1 = 0x165667919e3779f9n;
const PRIME_MX2 = 0x9fb21c651e98df25n;

/** The default secret (192 bytes, from FARSH). */
const SECRET = Buffer.from(
  'b8fe6c3923a44bbe7c01812cf721ad1cded46de9839097db7240a4a4b7b3671fcb79e64eccc0e578825ad07dccff7221b8084674f743248ee03590e6813a264c' +
    '3c2852bb91c300cb88d0658b1b532ea371644897a20df94e3819ef46a9deacd8a8fa763fe39c343ff9dcbbc7c70b4f1d8a51e04bcdb45931c89f7ec9d9787364' +
    'eac5ac8334d3ebc3c581a0fffa1363eb170ddd51b7f0da49d316552629d4689e2b16be587d47a1fc8ff8b8d17ad031ce45cb3a8f95160428afd7fbcabb4b407e',
  'hex',
);

const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const add = (a: bigint, b: bigint): bigint => (a + b) & M64;
const rotl32 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) & M32;
const swap32 = (x: bigint): bigint => ((x & 0xffn) << 24n) | ((x & 0xff00n) << 8n) | ((x >> 8n) & 0xff00n) | (x >> 24n);
const swap64 = (x: bigint): bigint => (swap32(x & M32) << 32n) | swap32(x >> 32n);

function mult128(a: bigint, b: bigint): { lo: bigint; hi: bigint } {
  const p = a * b;
  return { lo: p & M64, hi: (p >> 64n) & M64 };
}

function fold64(a: bigint, b: bigint): bigint {
  const p = mult128(a, b);
  return p.lo ^ p.hi;
}

function avalanche(h: bigint): bigint {
  h ^= h >> 37n;
  h = mul(h, PRIME_MX1);
  return h ^ (h >> 32n);
}

function avalanche64(h: bigint): bigint {
  h ^= h >> 33n;
  h = mul(h, P64_2);
  h ^= h >> 29n;
  h = mul(h, P64_3);
  return h ^ (h >> 32n);
}

type Bytes = Uint8Array;

const le64 = (b: Bytes, at: number): bigint => new DataView(b.buffer, b.byteOffset + at, 8).getBigUint64(0, true);
const le32 = (b: Bytes, at: number): bigint => BigInt(new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true));

function mix16(input: Bytes, at: number, secretAt: number): bigint {
  return fold64(le64(input, at) ^ le64(SECRET, secretAt), le64(input, at + 8) ^ le64(SECRET, secretAt + 8));
}

interface H128 {
  lo: bigint;
  hi: bigint;
}

function mix32(acc: H128, input: Bytes, at1: number, at2: number, secretAt: number): H128 {
  const lo = add(acc.lo, mix16(input, at1, secretAt)) ^ add(le64(input, at2), le64(input, at2 + 8));
  const hi = add(acc.hi, mix16(input, at2, secretAt + 16)) ^ add(le64(input, at1), le64(input, at1 + 8));
  return { lo, hi };
}

function finishMid(acc: H128, len: bigint): H128 {
  const lo = add(acc.lo, acc.hi);
  const hi = add(add(mul(acc.lo, P64_1), mul(acc.hi, P64_4)), mul(len, P64_2));
  return { lo: avalanche(lo), hi: (M64 + 1n - avalanche(hi)) & M64 };
}

function upTo16(input: Bytes): H128 {
  const len = input.length;
  if (len > 8) {
    const bitflipl = le64(SECRET, 32) ^ le64(SECRET, 40);
    const bitfliph = le64(SECRET, 48) ^ le64(SECRET, 56);
    const inLo = le64(input, 0);
    const inHi = le64(input, len - 8) ^ bitfliph;
    const m = mult128(inLo ^ le64(input, len - 8) ^ bitflipl, P64_1);
    m.lo = add(m.lo, BigInt(len - 1) << 54n);
    m.hi = add(add(m.hi, inHi), (inHi & M32) * (P32_2 - 1n));
    m.lo ^= swap64(m.hi);
    const h = mult128(m.lo, P64_2);
    h.hi = add(h.hi, mul(m.hi, P64_2));
    return { lo: avalanche(h.lo), hi: avalanche(h.hi) };
  }
  if (len >= 4) {
    const input64 = le32(input, 0) + (le32(input, len - 4) << 32n);
    const keyed = input64 ^ (le64(SECRET, 16) ^ le64(SECRET, 24));
    const m = mult128(keyed, add(P64_1, BigInt(len) << 2n));
    m.hi = add(m.hi, (m.lo << 1n) & M64);
    m.lo ^= m.hi >> 3n;
    m.lo ^= m.lo >> 35n;
    m.lo = mul(m.lo, PRIME_MX2);
    m.lo ^= m.lo >> 28n;
    return { lo: m.lo, hi: avalanche(m.hi) };
  }
  if (len > 0) {
    const c1 = BigInt(input[0]!);
    const c2 = BigInt(input[len >> 1]!);
    const c3 = BigInt(input[len - 1]!);
    const combinedl = (c1 << 16n) | (c2 << 24n) | c3 | (BigInt(len) << 8n);
    const combinedh = rotl32(swap32(combinedl), 13n);
    const lo = combinedl ^ (le32(SECRET, 0) ^ le32(SECRET, 4));
    const hi = combinedh ^ (le32(SECRET, 8) ^ le32(SECRET, 12));
    return { lo: avalanche64(lo), hi: avalanche64(hi) };
  }
  return { lo: avalanche64(le64(SECRET, 64) ^ le64(SECRET, 72)), hi: avalanche64(le64(SECRET, 80) ^ le64(SECRET, 88)) };
}

function upTo128(input: Bytes): H128 {
  const len = input.length;
  let acc: H128 = { lo: mul(BigInt(len), P64_1), hi: 0n };
  if (len > 32) {
    if (len > 64) {
      if (len > 96) acc = mix32(acc, input, 48, len - 64, 96);
      acc = mix32(acc, input, 32, len - 48, 64);
    }
    acc = mix32(acc, input, 16, len - 32, 32);
  }
  acc = mix32(acc, input, 0, len - 16, 0);
  return finishMid(acc, BigInt(len));
}

function upTo240(input: Bytes): H128 {
  const len = input.length;
  let acc: H128 = { lo: mul(BigInt(len), P64_1), hi: 0n };
  for (let i = 32; i < 160; i += 32) acc = mix32(acc, input, i - 32, i - 16, i - 32);
  acc = { lo: avalanche(acc.lo), hi: avalanche(acc.hi) };
  for (let i = 160; i <= len; i += 32) acc = mix32(acc, input, i - 32, i - 16, 3 + i - 160);
  acc = mix32(acc, input, len - 16, len - 32, 136 - 17 - 16);
  return finishMid(acc, BigInt(len));
}

const STRIPE = 64;

function accumulate512(acc: bigint[], input: Bytes, at: number, secretAt: number): void {
  for (let lane = 0; lane < 8; lane++) {
    const value = le64(input, at + lane * 8);
    const key = value ^ le64(SECRET, secretAt + lane * 8);
    acc[lane ^ 1] = add(acc[lane ^ 1]!, value);
    acc[lane] = add(acc[lane]!, (key & M32) * (key >> 32n));
  }
}

function scramble(acc: bigint[], secretAt: number): void {
  for (let lane = 0; lane < 8; lane++) {
    let a = acc[lane]!;
    a ^= a >> 47n;
    a ^= le64(SECRET, secretAt + lane * 8);
    acc[lane] = mul(a, P32_1);
  }
}

function mergeAccs(acc: bigint[], secretAt: number, start: bigint): bigint {
  let r = start;
  for (let i = 0; i < 4; i++) r = add(r, fold64(acc[2 * i]! ^ le64(SECRET, secretAt + 16 * i), acc[2 * i + 1]! ^ le64(SECRET, secretAt + 16 * i + 8)));
  return avalanche(r);
}

function long(input: Bytes): H128 {
  const len = input.length;
  const acc = [P32_3, P64_1, P64_2, P64_3, P64_4, P32_2, P64_5, P32_1];
  const stripesPerBlock = (SECRET.length - STRIPE) / 8;
  const blockLen = STRIPE * stripesPerBlock;
  const blocks = Math.floor((len - 1) / blockLen);
  for (let n = 0; n < blocks; n++) {
    for (let s = 0; s < stripesPerBlock; s++) accumulate512(acc, input, n * blockLen + s * STRIPE, s * 8);
    scramble(acc, SECRET.length - STRIPE);
  }
  const stripes = Math.floor((len - 1 - blockLen * blocks) / STRIPE);
  for (let s = 0; s < stripes; s++) accumulate512(acc, input, blocks * blockLen + s * STRIPE, s * 8);
  accumulate512(acc, input, len - STRIPE, SECRET.length - STRIPE - 7);
  const n = BigInt(len);
  return { lo: mergeAccs(acc, 11, mul(n, P64_1)), hi: mergeAccs(acc, SECRET.length - STRIPE - 11, ~mul(n, P64_2) & M64) };
}

/** XXH3_128bits(data): the low and high 64-bit halves. */
export function xxh3_128(data: Bytes): { lo: bigint; hi: bigint } {
  if (data.length <= 16) return upTo16(data);
  if (data.length <= 128) return upTo128(data);
  if (data.length <= 240) return upTo240(data);
  return long(data);
}
