import type { LogEvent } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import type { ThrottleOptions } from './options.js';

/**
 * Fluent Bit's throttle (`plugins/filter_throttle/throttle.c`, `window.c`): a ring of Window panes;
 * every Interval the oldest pane becomes the current one, emptied. A record is dropped while the
 * average count per pane is at or above Rate, else counted in the current pane. One window per
 * filter instance, whatever the tag. Drops are counted by the engine (drop_records).
 */
export class ThrottleFilter implements FilterRuntime {
  private readonly panes: number[];
  private current = 0;
  private total = 0;
  private readonly rate: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    o: ThrottleOptions,
    private readonly ctx: FilterContext,
  ) {
    this.rate = o.rate;
    this.panes = new Array<number>(o.window).fill(0);
    this.timer = setInterval(() => this.advance(o.print_status, o.interval), o.interval);
    this.timer.unref();
  }

  /** Moves to the next pane (the ticker thread's `window_add(now, 0)`). */
  advance(printStatus = false, intervalMs = 0): void {
    const panes = this.panes;
    this.current = (this.current + 1) % panes.length;
    this.total -= panes[this.current]!;
    panes[this.current] = 0;
    if (printStatus) {
      this.ctx.log.info(
        `limit is ${this.rate.toFixed(2)} per ${intervalMs / 1000}s with window size of ${panes.length}, current rate is: ${Math.trunc(this.total / panes.length)} per interval`,
      );
    }
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const size = this.panes.length;
    let out: LogEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      if (this.total / size >= this.rate) {
        out ??= events.slice(0, i);
        continue;
      }
      this.panes[this.current]!++;
      this.total++;
      out?.push(events[i]!);
    }
    return out ?? events;
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return Promise.resolve();
  }
}
