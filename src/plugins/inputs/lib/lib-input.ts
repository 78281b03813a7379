import type { LogEvent } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { eventSize } from '../../../engine/record-size.js';
import { BackpressureError, PipelineError } from '../../../errors.js';
import type { LibOptions } from './options.js';
import { MAX_RECORD_DEPTH, nestsDeeperThan, TOO_DEEP_REASON } from '../../../engine/record-depth.js';

/**
 * What a paused lib input holds for the program at most: 64 KiB of records (as Mem_Buf_Limit
 * counts them), the pipe a Fluent Bit lib input reads (LIB_BUF_CHUNK, and Linux's pipe size) on
 * which flb_lib_push blocks while the input is paused. A single push larger than that is held
 * when nothing else is.
 */
export const HOLD_BYTES = 64 * 1024;

/**
 * Records pushed by the embedding program (`pipeline.push`), under the input's Tag by default.
 *
 * Backpressure, the `stream.Writable` convention: while the engine has this input paused
 * (Mem_Buf_Limit, or without it the engine's read-ahead bound: `pausesWithoutLoss`), pushes are
 * held here and answered `false`; on resume the held records go in, in order, and the drain
 * listeners are called. The hold queue is bounded (HOLD_BYTES, Fluent Bit's pipe): a push that
 * does not fit is refused whole with a BackpressureError, never dropped.
 */
export class LibInput implements InputRuntime {
  /** The program is told to wait (push returns false, or throws): nothing is lost by pausing. */
  readonly pausesWithoutLoss = true;
  private readonly tag: string;
  private stopped = false;
  private paused = false;
  /** Pushed while paused (Mem_Buf_Limit): emitted in order on resume, like Fluent Bit's lib pipe. */
  private held: { tag: string | undefined; events: LogEvent[]; bytes: number }[] = [];
  private heldBytes = 0;
  private drainListeners: (() => void)[] = [];

  constructor(
    _options: LibOptions,
    private readonly ctx: InputContext,
  ) {
    this.tag = ctx.tag;
    ctx.host.attachLibInput(ctx.displayName, {
      push: (tag, events) => this.push(tag, events),
      onceDrain: (listener) => void this.drainListeners.push(listener),
    });
  }

  private push(tag: string | undefined, pushed: LogEvent[]): boolean {
    if (this.stopped) throw new PipelineError(`lib input ${this.ctx.displayName} is stopped: ${pushed.length} record(s) not taken`);
    const events = this.withinDepth(pushed);
    if (!this.paused) {
      this.ctx.emit(tag ?? this.tag, events);
      // Emitting may have reached the limit: the engine paused this input synchronously.
      return !this.paused;
    }
    let bytes = 0;
    for (const e of events) bytes += eventSize(e.record);
    if (this.heldBytes > 0 && this.heldBytes + bytes > HOLD_BYTES) {
      throw new BackpressureError(
        `lib input ${this.ctx.displayName} is over its limit and holds ${this.heldBytes} bytes of records already (at most ${HOLD_BYTES}): ` +
          `${pushed.length} record(s) not taken; push them again on 'drain'`,
        pushed.length,
      );
    }
    this.held.push({ tag, events, bytes });
    this.heldBytes += bytes;
    this.ctx.counters.add('held_records', events.length);
    return false;
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
    if (!this.paused) this.drained();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.paused = false;
    this.release();
    // Pushes now throw: whoever waits for 'drain' learns it from the next push.
    this.drained();
  }

  private drained(): void {
    const listeners = this.drainListeners;
    this.drainListeners = [];
    for (const l of listeners) l();
  }

  private release(): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      this.ctx.counters.add('held_records', -h.events.length);
      this.ctx.emit(h.tag ?? this.tag, h.events);
      if (this.paused) {
        // Emitting reached the limit again: keep the rest for the next resume.
        this.held = held.slice(i + 1).concat(this.held);
        for (const rest of this.held) this.heldBytes += rest.bytes;
        return;
      }
    }
  }
}
