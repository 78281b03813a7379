/**
 * Waiting for the engine to settle: ingestion drained (shutdown), nothing buffered or nothing
 * queued at some outputs (Grace). A waiter's condition is checked now and again after each
 * notify(), which the engine calls whenever a job queue empties or a chunk is released.
 */
export class IdleWaiters {
  private readonly waiters: (() => void)[] = [];

  /** Resolves once `settled()` holds. */
  until(settled: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (settled()) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  /** Something moved: every waiter checks its condition again (those not yet met wait on). */
  notify(): void {
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }
}
