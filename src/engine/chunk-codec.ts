/**
 * How a chunk waiting for its outputs holds its records packed (engine/raw-chunks.ts): zstd at
 * level 1 where Node has it (22.15+, 23.8+: the agent's Node), brotli at quality 1 otherwise.
 * Measured on 2.7 MB of CRI records (bench/NOTES.md, "Memory through an outage, fourth pass"):
 * zstd packs them to 15 % in 9 ms and unpacks them in 3 ms; brotli 16 % in 13 ms, 15 ms back.
 * node:zlib is taken when the first chunk is packed: an agent whose chunks never wait packed does
 * not load it (bench/NOTES.md, "Builtins loaded at start").
 */
import type * as Zlib from 'node:zlib';
import { detach } from '../record/encoded.js';

type Transform = (bytes: Buffer, options: Zlib.ZlibOptions & { params?: Record<number, number>; pledgedSrcSize?: number }) => Buffer;

interface Codec {
  readonly name: string;
  /** `room`: zlib's output buffer (at least the input's size; see outputRoom). */
  pack(bytes: Buffer, room: number): Buffer;
  /** The packed bytes back, `size` of them, at the start of a buffer of its own of `room` (> size) bytes. */
  unpack(packed: Buffer, size: number, room: number): Buffer;
}

/**
 * Room for the packed output: one buffer at least as large as the input (records pack to a
 * fraction of it; should they not, zlib goes on in more pieces), freed as soon as the packed
 * bytes are copied out. Left to zlib's default of 16 KiB pieces, every pack's pieces waited for
 * the garbage collector. The engine gives a chunk's full size, so that these short-lived buffers
 * are of the size glibc's heap already has holes for (chunk buffers).
 */
function outputRoom(bytes: Buffer, room: number): number {
  return Math.max(MIN_OUTPUT_ROOM, bytes.length, room);
}

/** Past the output's size (see `exact`), and at least `room`. */
export function unpackRoom(size: number, room: number): number {
  return Math.max(size + 64, room);
}

/** At least this much: never a slice of Node's buffer pool (below 4 KiB), which must not be detached. */
const MIN_OUTPUT_ROOM = 64 * 1024;

/**
 * The packed bytes copied out of zlib's output buffer, which is freed at once when it is that
 * one buffer (zlib is done with it: the sync call closed its stream).
 */
function owned(out: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(out.length);
  out.copy(copy);
  if (out.byteOffset === 0 && out.buffer.byteLength >= MIN_OUTPUT_ROOM && out.buffer.byteLength > out.length) detach(out.buffer);
  return copy;
}

function codec(): Codec {
  const zlib = process.getBuiltinModule('node:zlib');
  const z = zlib as unknown as { zstdCompressSync?: Transform; zstdDecompressSync?: Transform; constants: Record<string, number> };
  const compress = z.zstdCompressSync;
  const decompress = z.zstdDecompressSync;
  const zstdLevel = z.constants['ZSTD_c_compressionLevel'];
  if (compress && decompress && zstdLevel !== undefined) {
    return {
      name: 'zstd',
      pack: (bytes, room) => owned(compress(bytes, { chunkSize: outputRoom(bytes, room), pledgedSrcSize: bytes.length, params: { [zstdLevel]: 1 } })),
      unpack: (packed, size, room) => exact(decompress(packed, { chunkSize: unpackRoom(size, room) }), size),
    };
  }
  return {
    name: 'brotli',
    pack: (bytes, room) => owned(zlib.brotliCompressSync(bytes, { chunkSize: outputRoom(bytes, room), params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })),
    unpack: (packed, size, room) => exact(zlib.brotliDecompressSync(packed, { chunkSize: unpackRoom(size, room) }), size),
  };
}

/**
 * With a chunkSize above the output's size Node's zlib writes it into one buffer of its own (an
 * exact chunkSize would make it allocate a second one to look for more output).
 */
function exact(bytes: Buffer, size: number): Buffer {
  if (bytes.length !== size) throw new Error(`packed chunk unpacked to ${bytes.length} bytes, expected ${size}`);
  return bytes;
}

let chosen: Codec | undefined;
const chosenCodec = (): Codec => (chosen ??= codec());

/** The codec this Node has, chosen at its first use. */
export const chunkCodec: Codec = {
  get name() {
    return chosenCodec().name;
  },
  pack: (bytes, room) => chosenCodec().pack(bytes, room),
  unpack: (packed, size, room) => chosenCodec().unpack(packed, size, room),
};
