/**
 * The memory of released chunks, reused by new ones. Filling a freshly allocated 2 MB buffer costs
 * its page faults (about 2.7 ms per MB on a VM, more than encoding the records), and glibc returns
 * or remaps freed blocks of that size, so a steady flow of chunks faulted on every chunk. A
 * released chunk's buffer goes here instead; a new chunk that takes its full size takes one. At
 * most KEEP buffers wait (about 8.7 MB); more are freed at once.
 *
 * Nothing reads a released chunk's bytes (outputs keep views only between attempts of a chunk,
 * engine/plugin.ts). With LOGFERRY_POISON_RELEASED set (the test suite sets it) a buffer given
 * back is overwritten with 0xFE bytes, which no encoded record holds, so a read after release
 * breaks loudly instead of reading another chunk's records.
 */
import type { BufferPool } from '../record/encoded.js';

const KEEP = 4;
const POISON = 0xfe;
const POISON_RELEASED = process.env['LOGFERRY_POISON_RELEASED'] !== undefined && process.env['LOGFERRY_POISON_RELEASED'] !== '';

/**
 * With LOGFERRY_POISON_RELEASED set, overwrites bytes nothing may read any more (a buffer given
 * back, a packed chunk's raw records) so that a late read fails loudly, also where Node cannot
 * detach their memory (Node 20).
 */
export function poisonReleased(bytes: Buffer): void {
  if (POISON_RELEASED) bytes.fill(POISON);
}

export class ChunkPool implements BufferPool {
  private readonly spare: Buffer[] = [];

  /** @param size the only buffer size kept: a chunk's full size */
  constructor(private readonly size: number) {}

  take(size: number): Buffer | undefined {
    return size <= this.size ? this.spare.pop() : undefined;
  }

  give(buffer: Buffer): boolean {
    if (buffer.length !== this.size || buffer.byteOffset !== 0 || this.spare.length >= KEEP) return false;
    poisonReleased(buffer);
    this.spare.push(buffer);
    return true;
  }

  /** Buffers waiting (for tests and the memory figures). */
  get waiting(): number {
    return this.spare.length;
  }
}
