import type { LogEvent } from '../../../engine/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import type { LibOptions } from './options.js';
import { MAX_RECORD_DEPTH, nestsDeeperThan, TOO_DEEP_REASON } from '../../../engine/record-depth.js';

/** Records pushed by the embedding program (`pipeline.push`), under the input's Tag by default. */
export class LibInput implements InputRuntime {
  private readonly tag: string;
  private stopped = false;
  private paused = false;
  /** Pushed while paused (Mem_Buf_Limit): emitted in order on resume, like Fluent Bit's lib pipe. */
  private held: { tag: string | undefined; events: LogEvent[] }[] = [];

  constructor(
    _options: LibOptions,
    private readonly ctx: InputContext,
  ) {
    this.tag = ctx.tag;
    ctx.host.attachLibInput(ctx.displayName, (tag, events) => this.push(tag, events));
  }

  private push(tag: string | undefined, pushed: LogEvent[]): void {
    if (this.stopped) {
      this.ctx.counters.drop('pushed after stop', pushed.length);
      return;
    }
    const events = this.withinDepth(pushed);
    if (this.paused) {
      this.held.push({ tag, events });
      this.ctx.counters.add('held_records', events.length);
      return;
    }
    this.ctx.emit(tag ?? this.tag, events);
  }

  /**
   * The only input whose records are not built from text with bounded parsers: a record nested
   * deeper than MAX_RECORD_DEPTH is dropped here (counted, logged once), before filters walk it.
   */
  private withinDepth(events: LogEvent[]): LogEvent[] {
    let kept: LogEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (!nestsDeeperThan(e.record, MAX_RECORD_DEPTH)) {
        kept?.push(e);
        continue;
      }
      kept ??= events.slice(0, i);
      if (this.ctx.counters.droppedFor(TOO_DEEP_REASON) === 0) this.ctx.log.warn(`a pushed record was dropped: ${TOO_DEEP_REASON} (counted in metrics; logged once)`);
      this.ctx.counters.drop(TOO_DEEP_REASON, 1);
    }
    return kept ?? events;
  }

  /** Records pushed while paused and not yet taken into the buffer. */
  get heldRecords(): number {
    let n = 0;
    for (const h of this.held) n += h.events.length;
    return n;
  }

  async start(): Promise<void> {}

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.release();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.paused = false;
    this.release();
  }

  private release(): void {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      this.ctx.counters.add('held_records', -h.events.length);
      this.ctx.emit(h.tag ?? this.tag, h.events);
      if (this.paused) {
        // Emitting reached the limit again: keep the rest for the next resume.
        this.held = held.slice(i + 1).concat(this.held);
        return;
      }
    }
  }
}
