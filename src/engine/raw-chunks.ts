/**
 * Memory chunks of inputs with a Mem_Buf_Limit hold their records raw (ready to send) for at
 * most RAW_CHUNK_LIMITS.budgetBytes in all; past that, the chunks waiting longest are packed (chunk.ts,
 * chunk-codec.ts) and unpacked when an output sends them. Mem_Buf_Limit still counts their
 * encoded size, as Fluent Bit counts msgpack, so the input pauses where it did; what it holds
 * while its outputs are down or slow takes a fraction of the memory (bench/NOTES.md, "Memory
 * through an outage, fourth pass"). Filesystem chunks have storage.max_chunks_up instead.
 *
 * Chunks wait longest the later they joined: the newest full chunk waits behind the others for
 * the Flush and the output's queue, and a chunk whose send failed waits for its retry; so the
 * newest raw chunks are packed first. A chunk an output has seen is packed only if every output
 * still to finish it keeps no views of its bytes between attempts (OutputRuntime.keepsNoRecordViews).
 */
import { CHUNK_MAX_BYTES } from './chunk.js';
import type { PipelineChunk } from './slots.js';

/** When chunks are packed (tests make both small). */
export interface RawChunkLimits {
  /** Raw bytes of locked, waiting chunks kept before packing. */
  readonly budgetBytes: number;
  /** Smaller chunks are never packed (little to gain). */
  readonly minBytes: number;
}

/** Two full chunks raw (four measured 8 MB more through an outage); chunks from 64 KiB packed. */
export const RAW_CHUNK_LIMITS: RawChunkLimits = { budgetBytes: 2 * CHUNK_MAX_BYTES, minBytes: 64 * 1024 };

export class RawChunks {
  /** Locked chunks holding raw records, in the order they joined. */
  private readonly raw: PipelineChunk[] = [];
  private rawBytes = 0;
  /** Times a chunk was packed (again after an attempt included). */
  packs = 0;

  constructor(private readonly limits: RawChunkLimits = RAW_CHUNK_LIMITS) {}

  /** Raw bytes of the chunks counted here (for tests and the memory figures). */
  get bytes(): number {
    return this.rawBytes;
  }

  /** A chunk locked (full, or handed to its outputs), or waiting for a retry: counted as the newest, then the budget applies. */
  add(chunk: PipelineChunk): void {
    const source = chunk.source;
    if (source.memLimit <= 0 || source.storageType === 'filesystem' || chunk.file || chunk.isPacked) return;
    this.delete(chunk);
    this.raw.push(chunk);
    this.rawBytes += chunk.bytes;
    this.enforce();
  }

  /** The chunk left the buffer (released). */
  delete(chunk: PipelineChunk): void {
    const i = this.raw.indexOf(chunk);
    if (i < 0) return;
    this.raw.splice(i, 1);
    this.rawBytes -= chunk.bytes;
  }

  private enforce(): void {
    for (let i = this.raw.length - 1; i >= 0 && this.rawBytes > this.limits.budgetBytes; i--) {
      const chunk = this.raw[i]!;
      if (!packable(chunk) || !chunk.pack(this.limits.minBytes)) continue;
      this.raw.splice(i, 1);
      this.rawBytes -= chunk.bytes;
      this.packs++;
    }
  }
}

/** Not yet handed to outputs, or every output still to finish it keeps no views of its bytes. */
function packable(chunk: PipelineChunk): boolean {
  if (!chunk.dispatched) return true;
  for (const output of chunk.pending) if (output.runtime.keepsNoRecordViews !== true) return false;
  return true;
}
