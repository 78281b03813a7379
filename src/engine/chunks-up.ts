/**
 * storage.max_chunks_up: the filesystem chunks whose records are in memory ("up"). Over the limit,
 * the oldest locked ones are put down (their records only on disk, read back when sent), as
 * Fluent Bit's chunkio keeps at most that many chunks up.
 */
export interface UpChunk {
  readonly isUp: boolean;
  readonly file?: unknown;
  readonly pending: { readonly size: number };
  putDown(): boolean;
}

export class ChunksUp<C extends UpChunk> {
  private readonly up = new Set<C>();
  /** storage.max_chunks_up (Fluent Bit's default 128). */
  limit = 128;

  get size(): number {
    return this.up.size;
  }

  /** At or over the limit (storage.pause_on_chunks_overlimit pauses inputs then). */
  get full(): boolean {
    return this.up.size >= this.limit;
  }

  add(chunk: C): void {
    this.up.add(chunk);
  }

  delete(chunk: C): void {
    this.up.delete(chunk);
  }

  /** Puts the oldest chunks down until the limit holds. Returns whether it was over the limit. */
  enforce(): boolean {
    if (this.up.size <= this.limit) return false;
    for (const c of this.up) {
      if (this.up.size <= this.limit) break;
      if (c.putDown()) this.up.delete(c);
    }
    return true;
  }

  /** After a send attempt: a chunk loaded from disk counts as up again. Returns enforce(). */
  afterSend(chunk: C): boolean {
    if (!chunk.file || chunk.pending.size === 0) return false;
    if (chunk.isUp) this.up.add(chunk);
    return this.enforce();
  }
}
