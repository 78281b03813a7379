/**
 * The commits of one file's batches, in read order. The pipeline releases batches (delivered, or
 * their drop counted) possibly out of order; the offset that may be persisted is the end of the
 * newest batch whose earlier batches are all released, so that a crash never skips a line that was
 * not delivered (it may deliver some twice).
 */
export class CommitQueue {
  /** Batch end offsets from `head` on are not yet committed in order. */
  private offsets: number[] = [];
  private done: boolean[] = [];
  private head = 0;
  /** Sequence number of `offsets[0]`. */
  private base = 0;
  /** Bumped by `reset`: callbacks of older batches are ignored. */
  private generation = 0;

  /**
   * @param committed the offset known to be safe (where reading started).
   * @param onAdvance called whenever batches become committed in order, with the new committed offset.
   */
  constructor(
    public committed: number,
    private readonly onAdvance: (offset: number) => void,
  ) {}

  /** Batches not yet committed in order. */
  get outstanding(): number {
    return this.offsets.length - this.head;
  }

  /** Registers a batch that ends at `offset`; returns the callback to call once it is released. */
  add(offset: number): () => void {
    const seq = this.base + this.offsets.length;
    const generation = this.generation;
    this.offsets.push(offset);
    this.done.push(false);
    let called = false;
    return () => {
      if (called || generation !== this.generation) return;
      called = true;
      this.done[seq - this.base] = true;
      this.advance();
    };
  }

  /** A position that needs no delivery (nothing emitted up to it): committed once all before it are. */
  addCommitted(offset: number): void {
    this.add(offset)();
  }

  /** Starts over at `offset` (file truncated): callbacks of earlier batches no longer count. */
  reset(offset: number): void {
    this.generation++;
    this.base += this.offsets.length;
    this.offsets = [];
    this.done = [];
    this.head = 0;
    this.committed = offset;
  }

  private advance(): void {
    const offsets = this.offsets;
    const done = this.done;
    let head = this.head;
    let last = -1;
    while (head < offsets.length && done[head] === true) {
      last = offsets[head]!;
      head++;
    }
    this.head = head;
    if (head > 1024 && head * 2 > offsets.length) {
      offsets.splice(0, head);
      done.splice(0, head);
      this.base += head;
      this.head = 0;
    }
    if (last >= 0) {
      this.committed = last;
      this.onAdvance(last);
    }
  }
}
