/**
 * Request bodies reused across flushes. An output sending 2 MB bodies allocates 2 MB per attempt;
 * in Node that memory comes back only when the garbage collector finds the Buffer, so during an
 * outage (every chunk retried, again and again) dead bodies piled up to tens of MB of resident
 * memory. An output takes a buffer for a body and gives it back once its request is closed.
 */
const KEEP = 2;
const KEEP_MAX_BYTES = 8 * 1024 * 1024;

export class BodyBuffers {
  private readonly spare: Buffer[] = [];

  /** A buffer of at least `size` bytes (its content is not cleared): a spare one, or a new one. */
  take(size: number): Buffer {
    const i = this.spare.findIndex((b) => b.length >= size);
    if (i >= 0) return this.spare.splice(i, 1)[0]!;
    return Buffer.allocUnsafeSlow(Math.max(size, 64 * 1024));
  }

  /** `buffer` (from take) is no longer read by anything: it may hold the next body. */
  give(buffer: Buffer): void {
    if (buffer.length > KEEP_MAX_BYTES) return;
    if (this.spare.length >= KEEP) this.spare.shift();
    this.spare.push(buffer);
  }
}
