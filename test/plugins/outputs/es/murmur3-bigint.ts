/**
 * MurmurHash3 x64 128 written with BigInt, straight from the algorithm (the es output's first
 * implementation): the reference the 32-bit one in src/plugins/outputs/es/murmur3.ts is checked against.
 */
const M64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

const rotl64 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;

/** A key word's mix: multiply, rotate, multiply. */
const mixK = (k: bigint, a: bigint, b: bigint, r: bigint): bigint => (rotl64((k * a) & M64, r) * b) & M64;

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & M64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & M64;
  k ^= k >> 33n;
  return k;
}

/** MurmurHash3 x64 128 (Austin Appleby's public-domain algorithm): the two 64-bit halves. */
export function murmur3x64_128(data: Uint8Array, seed: number): [bigint, bigint] {
  const len = data.length;
  const nblocks = Math.floor(len / 16);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let h1 = BigInt(seed >>> 0);
  let h2 = h1;
  for (let i = 0; i < nblocks; i++) {
    h1 ^= mixK(view.getBigUint64(i * 16, true), C1, C2, 31n);
    h1 = (((rotl64(h1, 27n) + h2) & M64) * 5n + 0x52dce729n) & M64;
    h2 ^= mixK(view.getBigUint64(i * 16 + 8, true), C2, C1, 33n);
    h2 = (((rotl64(h2, 31n) + h1) & M64) * 5n + 0x38495ab5n) & M64;
  }
  const tail = nblocks * 16;
  const rest = len & 15;
  let k1 = 0n;
  let k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= BigInt(data[tail + i]!) << BigInt((i - 8) * 8);
  if (rest > 8) h2 ^= mixK(k2, C2, C1, 33n);
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 ^= BigInt(data[tail + i]!) << BigInt(i * 8);
  if (rest > 0) h1 ^= mixK(k1, C1, C2, 31n);
  const n = BigInt(len);
  h1 ^= n;
  h2 ^= n;
  h1 = (h1 + h2) & M64;
  h2 = (h2 + h1) & M64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & M64;
  h2 = (h2 + h1) & M64;
  return [h1, h2];
}

