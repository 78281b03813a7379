import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Counters per instance, named as Fluent Bit's v1 metrics (`records`, `bytes`, `proc_records`,
 * `dropped_records`, ...). Drops always carry a reason so that every accepted record is accounted
 * for: delivered, still buffered, or dropped for a stated reason.
 */
/**
 * Drops counted while an output flushes a chunk (the engine runs each flush in its own scope), so
 * records an output drops itself (too large, rejected by the service) are not also counted as
 * delivered or dropped a second time when the chunk ends.
 */
export const flushScope = new AsyncLocalStorage<{ dropped: number; delivered: number }>();

export class Counters {
  private readonly values = new Map<string, number>();
  private readonly dropReasons = new Map<string, number>();

  add(name: string, n = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Counts dropped records with the reason (also added to `dropped_records`). */
  drop(reason: string, n: number): void {
    if (n <= 0) return;
    const scope = flushScope.getStore();
    if (scope) scope.dropped += n;
    this.add('dropped_records', n);
    this.dropReasons.set(reason, (this.dropReasons.get(reason) ?? 0) + n);
  }

  /**
   * An output delivered `n` records of the chunk it is flushing (one request of several): they count
   * as delivered now, and the chunk's final outcome covers only the rest, so a chunk that later
   * exhausts its retries does not count them as dropped. Outside a flush it does nothing.
   */
  delivered(n: number): void {
    const scope = flushScope.getStore();
    if (!scope || n <= 0) return;
    scope.delivered += n;
    this.add('proc_records', n);
  }

  /** Records dropped so far for this reason. */
  droppedFor(reason: string): number {
    return this.dropReasons.get(reason) ?? 0;
  }

  snapshot(): { counters: Record<string, number>; dropped: Record<string, number> } {
    return { counters: Object.fromEntries(this.values), dropped: Object.fromEntries(this.dropReasons) };
  }
}

export interface MetricsSnapshot {
  input: Record<string, ReturnType<Counters['snapshot']>>;
  filter: Record<string, ReturnType<Counters['snapshot']>>;
  output: Record<string, ReturnType<Counters['snapshot']>>;
  /** Records accepted into buffers and not yet released (delivered or dropped). */
  buffered_records: number;
}

/** One input's buffer, as `/api/v1/storage` shows it (Fluent Bit's `input_chunks` entry). */
export interface InputStorageStatus {
  /** Paused by Mem_Buf_Limit (Fluent Bit's `overlimit`). */
  readonly overlimit: boolean;
  /** Bytes buffered in memory for this input and its limit (0 = none). */
  readonly memBytes: number;
  readonly memLimit: number;
  /** Chunks not yet released: total, in memory (up), only on disk (down), being flushed (busy). */
  readonly chunks: { readonly total: number; readonly up: number; readonly down: number; readonly busy: number; readonly busyBytes: number };
}

/** The buffer of the whole pipeline (`/api/v1/storage`). */
export interface StorageStatus {
  /** Chunks not yet released in the whole pipeline; fs* count those of filesystem-storage inputs. */
  readonly totalChunks: number;
  readonly memChunks: number;
  readonly fsChunks: number;
  readonly fsChunksUp: number;
  readonly fsChunksDown: number;
  readonly inputs: Record<string, InputStorageStatus>;
}
