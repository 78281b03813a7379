/**
 * A bounded cache with expiry (Kube_Meta_Cache_TTL; 0 = never) and a de-duplicator of in-flight
 * lookups, so that many chunks of one new pod cause one request.
 */

interface Entry<V> {
  readonly value: V;
  /** Epoch ms after which the entry is stale; 0 = never. */
  readonly expires: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expires !== 0 && e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores a value; when full, the oldest entry makes room (Fluent Bit evicts a random one). */
  set(key: string, value: V, ttlMs: number = this.ttlMs): void {
    if (!this.entries.delete(key) && this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expires: ttlMs > 0 ? this.now() + ttlMs : 0 });
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Runs one lookup per key at a time; callers asking while it runs share its promise. */
export class InFlight<V> {
  private readonly pending = new Map<string, Promise<V>>();

  run(key: string, start: () => Promise<V>): Promise<V> {
    const running = this.pending.get(key);
    if (running !== undefined) return running;
    const p = start().finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }
}
