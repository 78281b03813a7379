/**
 * The msgpack pieces the forward protocol needs beside msgpackr (which decodes and encodes
 * records): where a value ends in a stream (frames arrive in pieces), a decoder that keeps strings
 * as bytes (the handshake's nonce and salt are random bytes sent as msgpack str), and headers and
 * strings written byte for byte.
 */

/** A msgpack value with str and bin as bytes (map keys as UTF-8 text). */
export type RawValue = null | boolean | number | Buffer | RawValue[] | Map<string, RawValue>;

/** The stream holds bytes that are not msgpack (0xc1, a value the decoder cannot read). */
export class MsgpackError extends Error {}

/** Length of the fixed-size part after the first byte for 0xc0..0xdf (-1: never used, 0xc1). */
function fixedTail(b: number): number {
  switch (b) {
    case 0xc0:
    case 0xc2:
    case 0xc3:
      return 0;
    case 0xcc:
    case 0xd0:
      return 1;
    case 0xcd:
    case 0xd1:
      return 2;
    case 0xca:
    case 0xce:
    case 0xd2:
      return 4;
    case 0xcb:
    case 0xcf:
    case 0xd3:
      return 8;
    case 0xd4:
      return 2;
    case 0xd5:
      return 3;
    case 0xd6:
      return 5;
    case 0xd7:
      return 9;
    case 0xd8:
      return 17;
    default:
      return -1;
  }
}

/** Bytes of the length field of a variable-size type (bin, ext, str, array, map), 0 when fixed. */
function lengthBytes(b: number): number {
  switch (b) {
    case 0xc4:
    case 0xc7:
    case 0xd9:
      return 1;
    case 0xc5:
    case 0xc8:
    case 0xda:
    case 0xdc:
    case 0xde:
      return 2;
    case 0xc6:
    case 0xc9:
    case 0xdb:
    case 0xdd:
    case 0xdf:
      return 4;
    default:
      return 0;
  }
}

function readLength(buf: Buffer, at: number, bytes: number): number {
  return bytes === 1 ? buf[at]! : bytes === 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
}

/** Where a scan of one msgpack value stands: the next byte to read and the values still to skip. */
export interface ScanState {
  pos: number;
  pending: number;
}

/** A scan of the value at the start of a buffer (pass it again as the buffer grows). */
export function newScan(): ScanState {
  return { pos: 0, pending: 1 };
}

/**
 * Where the msgpack value being scanned ends, or -1 when `buf` does not hold all of it yet; `state`
 * keeps how far the scan got, so a frame arriving in many pieces is scanned once in all (headers
 * only, no allocation) when the same state is passed with the grown buffer.
 */
export function scanValue(buf: Buffer, state: ScanState): number {
  let { pos, pending } = state;
  while (pending > 0 && pos < buf.length) {
    const b = buf[pos]!;
    let next: number;
    let add = 0;
    if (b <= 0x7f || b >= 0xe0) next = pos + 1;
    else if (b <= 0x8f) {
      add = 2 * (b & 0x0f);
      next = pos + 1;
    } else if (b <= 0x9f) {
      add = b & 0x0f;
      next = pos + 1;
    } else if (b <= 0xbf) next = pos + 1 + (b & 0x1f);
    else {
      const fixed = fixedTail(b);
      if (fixed >= 0) next = pos + 1 + fixed;
      else {
        const n = lengthBytes(b);
        if (n === 0) throw new MsgpackError(`byte 0x${b.toString(16)} at offset ${pos} is not msgpack`);
        if (pos + 1 + n > buf.length) break; // the length field has not arrived yet
        const len = readLength(buf, pos + 1, n);
        next = pos + 1 + n;
        if (b === 0xdc || b === 0xdd) add = len;
        else if (b === 0xde || b === 0xdf) add = 2 * len;
        else if (b >= 0xc7 && b <= 0xc9) next += 1 + len; // ext: type byte, then data
        else next += len;
      }
    }
    pos = next;
    pending += add - 1;
  }
  state.pos = pos;
  state.pending = pending;
  return pending === 0 && pos <= buf.length ? pos : -1;
}

/** Where the msgpack value starting at `start` ends, or -1 when `buf` does not hold all of it yet. */
export function valueEnd(buf: Buffer, start: number): number {
  return scanValue(buf, { pos: start, pending: 1 });
}

/** Decodes one complete msgpack value (from `valueEnd`), keeping str and bin as bytes. */
export function decodeRaw(buf: Buffer): RawValue {
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new MsgpackError('truncated msgpack value');
  };
  const bytes = (n: number): Buffer => {
    need(n);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  const uint = (n: number): number => {
    need(n);
    const v = n === 1 ? buf[pos]! : n === 2 ? buf.readUInt16BE(pos) : n === 4 ? buf.readUInt32BE(pos) : Number(buf.readBigUInt64BE(pos));
    pos += n;
    return v;
  };
  const int = (n: number): number => {
    need(n);
    const v = n === 1 ? buf.readInt8(pos) : n === 2 ? buf.readInt16BE(pos) : n === 4 ? buf.readInt32BE(pos) : Number(buf.readBigInt64BE(pos));
    pos += n;
    return v;
  };
  const array = (n: number): RawValue[] => Array.from({ length: n }, () => read());
  const map = (n: number): Map<string, RawValue> => {
    const out = new Map<string, RawValue>();
    for (let i = 0; i < n; i++) {
      const k = read();
      out.set(Buffer.isBuffer(k) ? k.toString('utf8') : String(k), read());
    }
    return out;
  };
  const read = (): RawValue => {
    const b = uint(1);
    if (b <= 0x7f) return b;
    if (b >= 0xe0) return b - 0x100;
    if (b <= 0x8f) return map(b & 0x0f);
    if (b <= 0x9f) return array(b & 0x0f);
    if (b <= 0xbf) return bytes(b & 0x1f);
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xd9:
        return bytes(uint(1));
      case 0xc5:
      case 0xda:
        return bytes(uint(2));
      case 0xc6:
      case 0xdb:
        return bytes(uint(4));
      case 0xca:
        need(4);
        pos += 4;
        return buf.readFloatBE(pos - 4);
      case 0xcb:
        need(8);
        pos += 8;
        return buf.readDoubleBE(pos - 8);
      case 0xcc:
      case 0xcd:
      case 0xce:
      case 0xcf:
        return uint(1 << (b - 0xcc));
      case 0xd0:
      case 0xd1:
      case 0xd2:
      case 0xd3:
        return int(1 << (b - 0xd0));
      case 0xdc:
        return array(uint(2));
      case 0xdd:
        return array(uint(4));
      case 0xde:
        return map(uint(2));
      case 0xdf:
        return map(uint(4));
      default:
        throw new MsgpackError(`msgpack type 0x${b.toString(16)} is not expected in a handshake or ack message`);
    }
  };
  return read();
}

/** msgpack array header for `n` elements. */
export function arrayHeader(n: number): Buffer {
  if (n < 16) return Buffer.from([0x90 | n]);
  if (n < 0x10000) return Buffer.from([0xdc, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0xdd;
  b.writeUInt32BE(n, 1);
  return b;
}

/** msgpack map header for `n` pairs. */
export function mapHeader(n: number): Buffer {
  if (n < 16) return Buffer.from([0x80 | n]);
  const b = Buffer.alloc(3);
  b[0] = 0xde;
  b.writeUInt16BE(n, 1);
  return b;
}

/** msgpack bin header for `n` bytes. */
export function binHeader(n: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0xc6;
  b.writeUInt32BE(n, 1);
  return b;
}

/** A msgpack str holding exactly these bytes (text is written as UTF-8). */
export function strBytes(value: Buffer | string): Buffer {
  const data = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const n = data.length;
  let head: Buffer;
  if (n < 32) head = Buffer.from([0xa0 | n]);
  else if (n < 0x100) head = Buffer.from([0xd9, n]);
  else if (n < 0x10000) head = Buffer.from([0xda, n >> 8, n & 0xff]);
  else {
    head = Buffer.alloc(5);
    head[0] = 0xdb;
    head.writeUInt32BE(n, 1);
  }
  return Buffer.concat([head, data]);
}

/** msgpack true/false. */
export function boolByte(v: boolean): Buffer {
  return Buffer.from([v ? 0xc3 : 0xc2]);
}
