/**
 * MurmurHash3 x64 128 (Austin Appleby's public-domain algorithm), the hash of Fluent Bit's es
 * Generate_ID (plugins/out_es/murmur3.c). hash-wasm has no MurmurHash3, so it is written here, with
 * each 64-bit word as two unsigned 32-bit halves (high, low) in plain numbers: about 20 times
 * faster than BigInt arithmetic, and no allocation per operation. The 64-bit operations leave
 * their result in `hi` / `lo`.
 */

let hi = 0;
let lo = 0;

/**
 * (ah, al) * (bh, bl) modulo 2^64: the low half is Math.imul's, the high half the cross products'
 * low halves plus the high half of al * bl (from 16-bit limbs; every partial sum stays exact).
 */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const carry = (((a0 * b0) >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  const high = a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry;
  hi = (Math.imul(ah, bl) + Math.imul(al, bh) + high) >>> 0;
  lo = Math.imul(al, bl) >>> 0;
}

/** (h, l) rotated left by r bits, 0 < r < 64. */
function rotl(h: number, l: number, r: number): void {
  if (r >= 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  if (r === 0) {
    hi = h;
    lo = l;
    return;
  }
  hi = ((h << r) | (l >>> (32 - r))) >>> 0;
  lo = ((l << r) | (h >>> (32 - r))) >>> 0;
}

function add(ah: number, al: number, bh: number, bl: number): void {
  const l = al + bl;
  lo = l >>> 0;
  hi = (ah + bh + (l > 0xffffffff ? 1 : 0)) >>> 0;
}

const C1H = 0x87c37b91;
const C1L = 0x114253d5;
const C2H = 0x4cf5ad43;
const C2L = 0x2745937f;

/** k * a, rotated left by r, * b: a key word's mix. */
function mixK(kh: number, kl: number, ah: number, al: number, r: number, bh: number, bl: number): void {
  mul(kh, kl, ah, al);
  rotl(hi, lo, r);
  mul(hi, lo, bh, bl);
}

/** The finalisation mix: k ^= k >> 33; k *= 0xff51afd7ed558ccd; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53; k ^= k >> 33. */
function fmix(h: number, l: number): void {
  mul(h, (l ^ (h >>> 1)) >>> 0, 0xff51afd7, 0xed558ccd);
  mul(hi, (lo ^ (hi >>> 1)) >>> 0, 0xc4ceb9fe, 0x1a85ec53);
  lo = (lo ^ (hi >>> 1)) >>> 0;
}

/** Bytes at..at+3 of data as a little-endian unsigned 32-bit word. */
const le32 = (d: Uint8Array, at: number): number => (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;

/** Up to 8 bytes from `at` (fewer at the end) as a little-endian 64-bit word, into hi / lo. */
function tailWord(d: Uint8Array, at: number, n: number): void {
  let h = 0;
  let l = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (i >= 4) h |= d[at + i]! << ((i - 4) * 8);
    else l |= d[at + i]! << (i * 8);
  }
  hi = h >>> 0;
  lo = l >>> 0;
}

/** The hash's two 64-bit halves h1 and h2, as [h1 high, h1 low, h2 high, h2 low] (unsigned 32-bit). */
export function murmur3x64_128(data: Uint8Array, seed: number): [number, number, number, number] {
  const len = data.length;
  const blocks = Math.floor(len / 16);
  let h1h = 0;
  let h1l = seed >>> 0;
  let h2h = 0;
  let h2l = seed >>> 0;
  for (let i = 0; i < blocks; i++) {
    const at = i * 16;
    mixK(le32(data, at + 4), le32(data, at), C1H, C1L, 31, C2H, C2L);
    h1h = (h1h ^ hi) >>> 0;
    h1l = (h1l ^ lo) >>> 0;
    rotl(h1h, h1l, 27);
    add(hi, lo, h2h, h2l);
    mul(hi, lo, 0, 5);
    add(hi, lo, 0, 0x52dce729);
    h1h = hi;
    h1l = lo;
    mixK(le32(data, at + 12), le32(data, at + 8), C2H, C2L, 33, C1H, C1L);
    h2h = (h2h ^ hi) >>> 0;
    h2l = (h2l ^ lo) >>> 0;
    rotl(h2h, h2l, 31);
    add(hi, lo, h1h, h1l);
    mul(hi, lo, 0, 5);
    add(hi, lo, 0, 0x38495ab5);
    h2h = hi;
    h2l = lo;
  }
  const tail = blocks * 16;
  const rest = len & 15;
  if (rest > 8) {
    tailWord(data, tail + 8, rest - 8);
    mixK(hi, lo, C2H, C2L, 33, C1H, C1L);
    h2h = (h2h ^ hi) >>> 0;
    h2l = (h2l ^ lo) >>> 0;
  }
  if (rest > 0) {
    tailWord(data, tail, Math.min(rest, 8));
    mixK(hi, lo, C1H, C1L, 31, C2H, C2L);
    h1h = (h1h ^ hi) >>> 0;
    h1l = (h1l ^ lo) >>> 0;
  }
  // h ^= len (a length below 2^32 touches the low half only; above, the high half too).
  const lenHigh = Math.floor(len / 0x100000000) >>> 0;
  h1h = (h1h ^ lenHigh) >>> 0;
  h1l = (h1l ^ len) >>> 0;
  h2h = (h2h ^ lenHigh) >>> 0;
  h2l = (h2l ^ len) >>> 0;
  add(h1h, h1l, h2h, h2l);
  h1h = hi;
  h1l = lo;
  add(h2h, h2l, h1h, h1l);
  h2h = hi;
  h2l = lo;
  fmix(h1h, h1l);
  h1h = hi;
  h1l = lo;
  fmix(h2h, h2l);
  h2h = hi;
  h2l = lo;
  add(h1h, h1l, h2h, h2l);
  h1h = hi;
  h1l = lo;
  add(h2h, h2l, h1h, h1l);
  return [h1h, h1l, hi, lo];
}
