/**
 * Counters per instance, named as Fluent Bit's v1 metrics (`records`, `bytes`, `proc_records`,
 * `dropped_records`, ...). Drops always carry a reason so that every accepted record is accounted
 * for: delivered, still buffered, or dropped for a stated reason.
 */
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
    this.add('dropped_records', n);
    this.dropReasons.set(reason, (this.dropReasons.get(reason) ?? 0) + n);
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
