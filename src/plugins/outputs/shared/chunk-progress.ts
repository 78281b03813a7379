/**
 * What an output remembers about a chunk between the engine's retries, so that a retry sends only
 * what did not arrive yet. A chunk is identified by the batch's `id` (the engine's chunk name, the
 * same on every retry) or, without one, by its `events` array, which the engine passes again on
 * every attempt of an in-memory chunk. An entry is forgotten when the chunk is done (ok or
 * dropped), when an attempt the engine said was the last (FlushAttempt.retriesLeft 0) failed, or
 * when the engine says it is done with the chunk (OutputRuntime.forget). Retry_Limit and the retry
 * schedule are the engine's: this only follows what the engine passes with each flush.
 */
import type { FlushAttempt } from '../../../engine/plugin.js';

interface Entry<S> {
  readonly state: S;
  /** Order in which this output first saw the chunk (the engine dispatches chunks in order). */
  readonly seq: number;
}

/** The key of a batch's chunk: its id when the engine gives one, else its events array. */
export function chunkKey(batch: { events: object; id?: unknown }): object | string {
  const id = (batch as { id?: unknown }).id;
  return typeof id === 'string' ? id : batch.events;
}

export class ChunkProgress<S> {
  private readonly entries = new Map<object | string, Entry<S>>();
  private nextSeq = 0;

  /** Starts an attempt: the chunk's remembered state (and order), or a new one from `init`. */
  begin(key: object | string, init: () => S): Entry<S> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { state: init(), seq: this.nextSeq++ };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** The attempt ended: forget the chunk if it is done, or if it failed on its last attempt (the engine drops it). */
  end(key: object | string, done: boolean, attempt: FlushAttempt): void {
    if (done || attempt.retriesLeft === 0) this.entries.delete(key);
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
