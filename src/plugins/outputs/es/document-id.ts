/**
 * `Generate_ID`: Fluent Bit hashes the document as it packed it in MessagePack (time key first,
 * then the tag key, then the record with dots replaced) and formats 128 bits of hash as a UUID-like
 * text. es uses MurmurHash3 x64 128 with seed 42, printed as eight little-endian 16-bit words
 * (`%04x%04x-%04x-...`); opensearch uses XXH3 128 (`cfl_hash_128bits`), printed as its 16 bytes in
 * memory order, uppercase (`%02X%02X%02X%02X-%02X%02X-...`). The MessagePack bytes are written here the way msgpack-c packs them:
 * the smallest integer and string headers, doubles as float64.
 */
import { MAX_RECORD_DEPTH, TOO_DEEP } from '../../../engine/record-depth.js';
import { createXXHash128, type IHasher } from 'hash-wasm';
import { murmur3x64_128 } from './murmur3.js';

class Packer {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  private header(n: number, fix: number, fixMax: number, op8: number | undefined, op16: number, op32: number): void {
    if (n < fixMax) return this.byte(fix | n);
    this.room(5);
    if (op8 !== undefined && n < 0x100) {
      this.buf[this.len++] = op8;
      this.buf[this.len++] = n;
    } else if (n < 0x10000) {
      this.buf[this.len++] = op16;
      this.buf.writeUInt16BE(n, this.len);
      this.len += 2;
    } else {
      this.buf[this.len++] = op32;
      this.buf.writeUInt32BE(n, this.len);
      this.len += 4;
    }
  }

  str(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.header(n, 0xa0, 32, 0xd9, 0xda, 0xdb);
    this.room(n);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  map(n: number): void {
    this.header(n, 0x80, 16, undefined, 0xde, 0xdf);
  }

  array(n: number): void {
    this.header(n, 0x90, 16, undefined, 0xdc, 0xdd);
  }

  int(v: bigint): void {
    this.room(9);
    const b = this.buf;
    if (v >= 0n) {
      if (v < 0x80n) b[this.len++] = Number(v);
      else if (v < 0x100n) (b[this.len++] = 0xcc), (b[this.len++] = Number(v));
      else if (v < 0x10000n) (b[this.len++] = 0xcd), b.writeUInt16BE(Number(v), this.len), (this.len += 2);
      else if (v < 0x100000000n) (b[this.len++] = 0xce), b.writeUInt32BE(Number(v), this.len), (this.len += 4);
      else (b[this.len++] = 0xcf), b.writeBigUInt64BE(BigInt.asUintN(64, v), this.len), (this.len += 8);
    } else if (v >= -32n) {
      b[this.len++] = Number(v) & 0xff;
    } else if (v >= -0x80n) {
      (b[this.len++] = 0xd0), b.writeInt8(Number(v), this.len), (this.len += 1);
    } else if (v >= -0x8000n) {
      (b[this.len++] = 0xd1), b.writeInt16BE(Number(v), this.len), (this.len += 2);
    } else if (v >= -0x80000000n) {
      (b[this.len++] = 0xd2), b.writeInt32BE(Number(v), this.len), (this.len += 4);
    } else {
      (b[this.len++] = 0xd3), b.writeBigInt64BE(BigInt.asIntN(64, v), this.len), (this.len += 8);
    }
  }

  double(v: number): void {
    this.room(9);
    this.buf[this.len++] = 0xcb;
    this.buf.writeDoubleBE(v, this.len);
    this.len += 8;
  }

  /** A value; a container `room` levels down or more is packed as the string TOO_DEEP. */
  value(v: unknown, replaceDots: boolean, room = MAX_RECORD_DEPTH): void {
    if (v === null || v === undefined) return this.byte(0xc0);
    switch (typeof v) {
      case 'string':
        return this.str(v);
      case 'boolean':
        return this.byte(v ? 0xc3 : 0xc2);
      case 'bigint':
        return this.int(v);
      case 'number':
        return Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? this.int(BigInt(v)) : this.double(v);
      case 'object':
        if (room <= 0) return this.str(TOO_DEEP);
        if (Array.isArray(v)) {
          this.array(v.length);
          for (const e of v) this.value(e, replaceDots, room - 1);
          return;
        }
        return this.fields(Object.entries(v as Record<string, unknown>), replaceDots, true, room);
      default:
        return this.byte(0xc0);
    }
  }

  /** The keys and values of a map (and its header unless the caller wrote it with extra entries). */
  fields(entries: readonly (readonly [string, unknown])[], replaceDots: boolean, header: boolean, room = MAX_RECORD_DEPTH): void {
    if (header) this.map(entries.length);
    for (const [k, v] of entries) {
      this.str(replaceDots ? k.replaceAll('.', '_') : k);
      this.value(v, replaceDots, room - 1);
    }
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** The document as Fluent Bit packs it before hashing: time key, tag key, then the record. */
export function packDocument(
  record: Record<string, unknown>,
  timeKey: string,
  timeText: string,
  tag: { key: string; value: string } | undefined,
  replaceDots: boolean,
): Buffer {
  const p = new Packer();
  const entries = Object.entries(record);
  p.map(entries.length + 1 + (tag ? 1 : 0));
  p.str(timeKey);
  p.str(timeText);
  if (tag) {
    p.str(tag.key);
    p.str(tag.value);
  }
  p.fields(entries, replaceDots, false);
  return p.bytes();
}

/** es's `_id`: MurmurHash3 x64 128 (seed 42) as eight little-endian 16-bit words, `%04x%04x-%04x-%04x-%04x-%04x%04x%04x`. */
export function esDocumentId(packed: Uint8Array): string {
  const [h1h, h1l, h2h, h2l] = murmur3x64_128(packed, 42);
  return `${words(h1l)}-${words(h1h, '-')}-${words(h2l, '-')}${words(h2h)}`;
}

/** A 32-bit half's two 16-bit words, the low one first, each `%04x`, `between` them. */
const words = (n: number, between = ''): string => `${(n & 0xffff).toString(16).padStart(4, '0')}${between}${(n >>> 16).toString(16).padStart(4, '0')}`;

/** A Generate_ID hash: the packed document to its `_id`. */
export type DocumentIdOf = (packed: Uint8Array) => string;

/** Hex digits of each byte value, uppercase. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).toUpperCase().padStart(2, '0'));

let xxh3: Promise<IHasher> | undefined;

/**
 * opensearch's `_id` function: XXH3 128 (hash-wasm's WebAssembly build, instantiated once per
 * process, hence asynchronous; every id after that is synchronous), printed as the hash's bytes in
 * memory (low half, then high, little-endian), uppercase hex, 8-4-4-4-12. hash-wasm's digest is the
 * canonical form (high half, then low, big-endian): the same 16 bytes reversed.
 */
export async function opensearchDocumentIds(): Promise<DocumentIdOf> {
  const hasher = await (xxh3 ??= createXXHash128());
  return (packed) => {
    const d = hasher.init().update(packed).digest('binary');
    let x = '';
    for (let i = 15; i >= 0; i--) {
      x += HEX[d[i]!]!;
      if (i === 12 || i === 10 || i === 8 || i === 6) x += '-';
    }
    return x;
  };
}
