import type { OutputBatch } from './output-batch.js';

interface Waiting {
  readonly batch: OutputBatch;
  readonly taken: () => void;
  readonly refused: (err: Error) => void;
}

/**
 * One `records()` loop: batches of `lib` outputs wait here until the loop takes them; a batch
 * counts as delivered when taken. A loop that ends (break, abort, stop) refuses what it has not
 * taken: the engine retries those chunks instead of counting them as delivered.
 */
export class RecordsQueue {
  private readonly waiting: Waiting[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(
    /** Only this output's batches (all when undefined). */
    readonly output: string | undefined,
    private readonly onEnd: (queue: RecordsQueue) => void,
  ) {}

  /** Resolves when the loop takes the batch; rejects if it ends first. */
  offer(batch: OutputBatch): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise<void>((taken, refused) => {
      this.waiting.push({ batch, taken, refused });
      this.wake?.();
    });
  }

  /** Ends the loop: `next` answers done once nothing is waiting for it. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
    for (const w of this.waiting.splice(0)) w.refused(new Error('the records() loop ended before taking this batch'));
    this.wake?.();
  }

  iterator(signal: AbortSignal | undefined): AsyncIterator<OutputBatch> & AsyncIterable<OutputBatch> {
    const onAbort = () => this.end();
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      signal?.removeEventListener('abort', onAbort);
      this.end();
    };
    const it: AsyncIterator<OutputBatch> & AsyncIterable<OutputBatch> = {
      next: async (): Promise<IteratorResult<OutputBatch>> => {
        for (;;) {
          if (signal?.aborted) {
            finish();
            throw signal.reason;
          }
          const item = this.waiting.shift();
          if (item) {
            item.taken();
            return { value: item.batch, done: false };
          }
          if (this.ended) {
            finish();
            return { value: undefined, done: true };
          }
          await new Promise<void>((r) => (this.wake = r));
          this.wake = undefined;
        }
      },
      return: async (): Promise<IteratorResult<OutputBatch>> => {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}
