import type { LogEvent, LogRecord } from '../../../record/event.js';
import { setField } from '../../../parsers/runtime/types.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { createMultiline, MIN_FLUSH_INTERVAL_MS, type Multiline } from '../../../parsers/multiline/index.js';
import type { MultilineOptions } from './options.js';
import { emitterSettings } from '../shared/emitter.js';

/** A message being rejoined in partial_message mode (`struct split_message_packer`). */
interface Packer {
  readonly tag: string;
  readonly id: string;
  readonly time: bigint;
  /** The first part's other keys, without `partial_*` ones. */
  readonly base: LogRecord;
  content: string;
  lastWriteMs: number;
}

/** `ml_is_partial` / `ml_is_partial_last`: a string starting with `true`, any case. */
function isTrue(value: unknown): boolean {
  return typeof value === 'string' && value.slice(0, 4).toLowerCase() === 'true';
}

/** `ml_create_packer` skips keys compared with `partial_` over the key's length (at most 8 bytes). */
function isPartialKey(key: string): boolean {
  return key.startsWith('partial_') || 'partial_'.startsWith(key);
}

/** The stream of unbuffered mode: Fluent Bit keeps one for all tags and flushes it after each batch. */
const UNBUFFERED = '';

/**
 * Fluent Bit's multiline filter (`plugins/filter_multiline/ml.c`), mode parser.
 * Buffered (default): records join one multiline stream per tag; the filter returns nothing and
 * every completed record (joined or passed through) is re-emitted under its tag through the
 * emitter input. Every Flush_ms (at least 500, `flb_ml_auto_flush_init`) the timer flushes all
 * pending messages, whatever their age, as `cb_ml_flush_timer` does; stop flushes them too.
 * Mode partial_message (`ml_filter_partial`): records with `partial_message: true` and a
 * `partial_id` are rejoined per tag and id (the Multiline.Key_Content values concatenated, placed
 * last after the first part's other non-`partial_*` keys, at the first part's time) and returned
 * at the `partial_last: true` part; parts left without their last are emitted through the emitter
 * once nothing was added for Flush_ms (checked every Flush_ms / 2). Other records pass as they are.
 * Records the emitter brings back are not processed again: the engine runs them at once, so they
 * are those that reach the filter while it emits. Unbuffered: one stream, flushed after each batch.
 */
export class MultilineFilter implements FilterRuntime {
  private readonly ml: Multiline | undefined;
  private readonly buffered: boolean;
  private readonly timer: NodeJS.Timeout | undefined;
  private emitting = false;
  private readonly partial: Map<string, Packer> | undefined;
  private readonly keyContent: string | undefined;
  private readonly flushMs: number;
  private readonly emitToEmitter: (tag: string, events: LogEvent[]) => void;

  constructor(
    o: MultilineOptions,
    private readonly ctx: FilterContext,
  ) {
    this.buffered = o.buffer;
    this.emitToEmitter = ctx.emitter(emitterSettings(o));
    const keyContent = o['multiline.key_content'];
    this.keyContent = keyContent;
    this.flushMs = o.flush_ms;
    if (o.mode === 'partial_message') {
      this.partial = new Map();
      this.timer = setInterval(() => this.flushPartial(false), Math.max(1, Math.trunc(o.flush_ms / 2)));
      this.timer.unref();
      return;
    }
    const names = o['multiline.parser'].flat();
    this.ml = createMultiline(names, ctx.parsers, keyContent === undefined ? {} : { keyContent });
    if (this.buffered) {
      let every = o.flush_ms;
      if (every < MIN_FLUSH_INTERVAL_MS) {
        ctx.log.warn(`flush_ms ${every} is too low (Fluent Bit refuses it); using ${MIN_FLUSH_INTERVAL_MS}`);
        every = MIN_FLUSH_INTERVAL_MS;
      }
      this.timer = setInterval(() => this.flushPending(), every);
      this.timer.unref();
    }
  }

  filter(tag: string, events: LogEvent[]): LogEvent[] {
    if (this.emitting) return events;
    if (this.partial !== undefined) return this.filterPartial(tag, events, this.partial);
    const ml = this.ml;
    if (ml === undefined) return events;
    const out: LogEvent[] = [];
    const stream = ml.stream(this.buffered ? tag : UNBUFFERED);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      try {
        stream.pushRecord(e.record, e.time, out);
      } catch (err) {
        this.ctx.counters.add('errors');
        this.ctx.log.error(`multiline stream failed, record passed unchanged: ${(err as Error).message}`);
        out.push(e);
      }
    }
    if (!this.buffered) {
      stream.flush(out);
      return out;
    }
    this.emit(tag, out);
    return [];
  }

  private emit(tag: string, events: LogEvent[]): void {
    if (events.length === 0) return;
    this.ctx.counters.add('emitted', events.length);
    this.emitting = true;
    try {
      this.emitToEmitter(tag, events);
    } finally {
      this.emitting = false;
    }
  }

  private filterPartial(tag: string, events: LogEvent[], packers: Map<string, Packer>): LogEvent[] {
    const key = this.keyContent!;
    let out: LogEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const r = e.record;
      const id = r['partial_id'];
      const content = r[key];
      if (!isTrue(r['partial_message']) || typeof id !== 'string' || typeof content !== 'string') {
        out?.push(e);
        continue;
      }
      out ??= events.slice(0, i);
      const packerKey = `${tag}\u0000${id}`;
      let packer = packers.get(packerKey);
      if (packer === undefined) {
        const base: LogRecord = {};
        for (const k in r) if (k !== key && !isPartialKey(k)) setField(base, k, r[k]);
        packer = { tag, id, time: e.time, base, content: '', lastWriteMs: 0 };
        packers.set(packerKey, packer);
      }
      packer.content += content;
      packer.lastWriteMs = Date.now();
      if (isTrue(r['partial_last'])) {
        packers.delete(packerKey);
        out.push(complete(packer, key));
      }
    }
    return out ?? events;
  }

  /** Emits joined parts that got nothing new for Flush_ms (all of them on stop). */
  private flushPartial(all: boolean): void {
    const packers = this.partial;
    if (packers === undefined) return;
    const now = Date.now();
    for (const [k, packer] of packers) {
      if (!all && now - packer.lastWriteMs <= this.flushMs) continue;
      packers.delete(k);
      this.emit(packer.tag, [complete(packer, this.keyContent!)]);
    }
  }

  /** Emits every pending message of every stream (stream ids are tags in buffered mode). */
  private flushPending(): void {
    if (this.ml === undefined) return;
    for (const stream of this.ml.streams()) {
      if (!stream.pending) continue;
      const out: LogEvent[] = [];
      stream.flush(out);
      this.emit(String(stream.id), out);
    }
  }

  stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.partial !== undefined) this.flushPartial(true);
    else if (this.buffered) this.flushPending();
    return Promise.resolve();
  }
}

function complete(packer: Packer, key: string): LogEvent {
  const record = packer.base;
  setField(record, key, packer.content);
  return { time: packer.time, record };
}
