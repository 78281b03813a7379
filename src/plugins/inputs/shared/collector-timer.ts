const NS_PER_S = 1_000_000_000n;

/**
 * A timed collector as Fluent Bit runs one (flb_input_set_collector_time; the timer is
 * mk_event_timeout_create in lib/monkey/mk_core/mk_event_epoll.c): the first expiry is at the
 * monotonic clock's current whole second plus `sec` (its nanoseconds are dropped), then one every
 * sec + nsec. So with interval_sec 1 the first collection comes 0 to 1 s after start, and with
 * interval_sec 0 it comes at once. Expiries missed while the loop was busy collapse into one call,
 * as a timerfd read does. `stop` then `start` again (pause/resume) re-arms it the same way.
 */
export class CollectorTimer {
  private timer: NodeJS.Timeout | undefined;
  private next = 0n;
  private readonly period: bigint;

  constructor(
    private readonly sec: number,
    nsec: number,
    private readonly fire: () => void,
    private readonly clock: () => bigint = () => process.hrtime.bigint(),
  ) {
    this.period = BigInt(sec) * NS_PER_S + BigInt(nsec);
    if (this.period <= 0n) throw new RangeError(`collector interval must be positive (got ${sec} s ${nsec} ns)`);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.next = (this.clock() / NS_PER_S + BigInt(this.sec)) * NS_PER_S;
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    const delayMs = Number(this.next - this.clock()) / 1e6;
    this.timer = setTimeout(() => this.expire(), Math.max(0, delayMs));
  }

  private expire(): void {
    const now = this.clock();
    // Always step at least once: a timer due within the millisecond may run a little early.
    do this.next += this.period;
    while (this.next <= now);
    this.arm();
    this.fire();
  }
}
