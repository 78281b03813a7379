/**
 * How a chunk waiting for its outputs holds its records packed (engine/raw-chunks.ts): zstd at
 * level 1 where Node has it (22.15+, 23.8+: the agent's Node), brotli at quality 1 otherwise.
 * Measured on 2.7 MB of CRI records (bench/NOTES.md, "Memory through an outage, fourth pass"):
 * zstd packs them to 15 % in 9 ms and unpacks them in 3 ms; brotli 16 % in 13 ms, 15 ms back.
 */
import * as zlib from 'node:zlib';

type Transform = (bytes: Buffer, options: zlib.ZlibOptions & { params?: Record<number, number> }) => Buffer;

interface Codec {
  readonly name: string;
  pack(bytes: Buffer): Buffer;
  /** The packed bytes back, into one buffer of exactly `size` bytes. */
  unpack(packed: Buffer, size: number): Buffer;
}

const z = zlib as unknown as { zstdCompressSync?: Transform; zstdDecompressSync?: Transform; constants: Record<string, number> };
/** Room past an unpacked chunk's size in its buffer (see `exact`). */
export const UNPACK_SLACK_BYTES = 64;
/** Output pieces while packing (joined once at the end). */
const PACK_PIECE = 64 * 1024;
const ZSTD_LEVEL = z.constants['ZSTD_c_compressionLevel'];

function codec(): Codec {
  const compress = z.zstdCompressSync;
  const decompress = z.zstdDecompressSync;
  if (compress && decompress && ZSTD_LEVEL !== undefined) {
    return {
      name: 'zstd',
      pack: (bytes) => compress(bytes, { chunkSize: PACK_PIECE, params: { [ZSTD_LEVEL]: 1 } }),
      unpack: (packed, size) => exact(decompress(packed, { chunkSize: size + UNPACK_SLACK_BYTES }), size),
    };
  }
  return {
    name: 'brotli',
    pack: (bytes) => zlib.brotliCompressSync(bytes, { chunkSize: PACK_PIECE, params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    unpack: (packed, size) => exact(zlib.brotliDecompressSync(packed, { chunkSize: size + UNPACK_SLACK_BYTES }), size),
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

export const chunkCodec: Codec = codec();
