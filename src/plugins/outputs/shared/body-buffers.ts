/**
 * Request bodies reused across flushes. An output sending 2 MB bodies allocates 2 MB per attempt;
 * in Node that memory comes back only when the garbage collector finds the Buffer, so during an
 * outage (every chunk retried, again and again) dead bodies piled up to tens of MB of resident
 * memory. An output takes a buffer for a body and gives it back once its request is closed.
 */
import { detach } from '../../../record/encoded.js';

const KEEP = 2;
const KEEP_MAX_BYTES = 8 * 1024 * 1024;
const ROUND_BYTES = 256 * 1024;

export class BodyBuffers {
  private readonly spare: Buffer[] = [];

  /** A buffer of at least `size` bytes (its content is not cleared): a spare one, or a new one. */
  take(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.length >= size);
    if (i >= 0) return this.spare.splice(i, 1)[0]!;
    // Sizes rounded up, so that a spare fits the next body more often and glibc's heap sees few sizes.
    return Buffer.allocUnsafeSlow(Math.ceil(Math.max(size, 1) / ROUND_BYTES) * ROUND_BYTES);
  }

  /**
   * `buffer` (from take) is no longer read by anything: it may hold the next body. One not kept
   * is freed at once (detached): left to the collector, retries' bodies of a few MB each piled
   * up until the next full collection (bench/NOTES.md, "Memory through an outage, fourth pass").
   */
  give(buffer: Buffer): void {
    if (buffer.length > KEEP_MAX_BYTES) return void detach(buffer.buffer);
    if (this.spare.length >= KEEP) detach(this.spare.shift()!.buffer);
    this.spare.push(buffer);
  }
}
