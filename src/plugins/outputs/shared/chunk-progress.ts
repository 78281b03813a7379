/**
 * What an output remembers about a chunk between the engine's retries, so that a retry sends only
 * what did not arrive yet. A chunk is identified by the batch's `id` (the engine's chunk name, the
 * same on every retry) or, without one, by its `events` array, which the engine passes again on
 * every attempt of an in-memory chunk. An entry is forgotten when the chunk is done (ok or
 * dropped), when its last attempt allowed by Retry_Limit failed (the engine drops it then), or
 * when the engine has not brought it back for longer than any retry wait (it was discarded).
 */
export interface ChunkAttempt<S> {
  readonly state: S;
  /** Order in which this output first saw the chunk (the engine dispatches chunks in order). */
  readonly seq: number;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** If this attempt fails, the engine drops the chunk (Retry_Limit reached). */
  readonly last: boolean;
  /** Attempts the engine still allows if this one fails (Infinity with no_limits; 0 when last). */
  readonly left: number;
}

interface Entry<S> {
  readonly state: S;
  readonly seq: number;
  attempts: number;
  /** When the last attempt started (ms). */
  seen: number;
}

/** The key of a batch's chunk: its id when the engine gives one, else its events array. */
export function chunkKey(batch: { events: object; id?: unknown }): object | string {
  const id = (batch as { id?: unknown }).id;
  return typeof id === 'string' ? id : batch.events;
}

export class ChunkProgress<S> {
  private readonly entries = new Map<object | string, Entry<S>>();
  private nextSeq = 0;

  /**
   * `retryLimit`: the output's Retry_Limit (Infinity for no_limits); `staleMs`: longer than any
   * retry wait ([SERVICE] scheduler.cap + 1 s), after which an entry not seen again is forgotten.
   */
  constructor(
    private readonly retryLimit: number,
    private readonly staleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts an attempt: the chunk's remembered state, or a new one from `init`. */
  begin(key: object | string, init: () => S): ChunkAttempt<S> {
    const now = this.now();
    for (const [k, e] of this.entries) if (k !== key && now - e.seen > this.staleMs) this.entries.delete(k);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { state: init(), seq: this.nextSeq++, attempts: 0, seen: now };
      this.entries.set(key, entry);
    }
    entry.seen = now;
    entry.attempts++;
    // The engine retries after failure number n while n <= Retry_Limit.
    const left = Math.max(0, this.retryLimit - entry.attempts + 1);
    return { state: entry.state, seq: entry.seq, attempt: entry.attempts, last: left === 0, left };
  }

  /** The attempt ended: forget the chunk if it is done, or if the engine will now drop it. */
  end(key: object | string, done: boolean): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.seen = this.now();
    if (done || entry.attempts > this.retryLimit) this.entries.delete(key);
  }

  /** The attempt did not fail but waits for an earlier chunk (FlushResult `wait`): it does not count. */
  waited(key: object | string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.seen = this.now();
    entry.attempts--;
  }

  /** The engine is done with the chunk (OutputRuntime.forget): delivered, dropped or kept on disk. */
  forget(key: object | string): void {
    this.entries.delete(key);
  }

  /** Chunks seen and not finished, with their order. */
  *pending(): IterableIterator<{ seq: number; state: S }> {
    for (const e of this.entries.values()) yield { seq: e.seq, state: e.state };
  }

  get size(): number {
    return this.entries.size;
  }
}
