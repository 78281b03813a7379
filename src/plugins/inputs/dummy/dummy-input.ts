import { nanosFromSeconds, nowNanos, type LogEvent } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { recordText, RecordWriter } from '../../../record/encoded.js';
import type { DummyOptions } from './options.js';

/**
 * Emits copies of the `Dummy` record on a timer (Fluent Bit `in_dummy`): every 1/Rate seconds, or
 * every interval_sec + interval_nsec when set; stops emitting after `Samples` events.
 */
export class DummyInput implements InputRuntime {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private paused = false;
  private readonly tag: string;
  private readonly intervalMs: number;
  private readonly fixedTime: bigint | undefined;
  /** The record's JSON text and the writer its copies go into (InputContext.encoded). */
  private json: string | undefined;
  private records: RecordWriter | undefined;

  constructor(
    private readonly o: DummyOptions,
    private readonly ctx: InputContext,
  ) {
    this.tag = ctx.tag;
    const sec = o.interval_sec;
    const nsec = o.interval_nsec;
    const rate = Math.max(1, o.rate);
    this.intervalMs = sec >= 0 && nsec >= 0 && (sec > 0 || nsec > 0) ? sec * 1000 + nsec / 1e6 : 1000 / rate;
    const startSec = o.start_time_sec;
    const startNsec = o.start_time_nsec;
    this.fixedTime = startSec >= 0 || startNsec >= 0 ? nanosFromSeconds(Math.max(0, startSec), Math.max(0, startNsec)) : undefined;
  }

  async start(): Promise<void> {
    if (this.o.flush_on_startup) this.tick();
    this.timer = setInterval(() => this.tick(), Math.max(1, this.intervalMs));
  }

  private tick(): void {
    if (this.paused) return;
    const o = this.o;
    const samples = o.samples;
    if (samples > 0 && this.sent >= samples) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.sent++;
    const template = o.dummy;
    const copies = Math.max(0, o.copies);
    const time = this.fixedTime ?? nowNanos();
    const encoded = this.ctx.encoded;
    if (encoded !== undefined && encoded.takes(this.tag)) {
      // Nothing changes the records before their chunk: the record's JSON, written once, is copied
      // (Fluent Bit's in_dummy appends the msgpack it packed at start the same way).
      this.json ??= recordText(template);
      const w = (this.records ??= new RecordWriter(1024));
      w.reset();
      if (copies > 0) {
        // Written once as text, then copied as bytes: one UTF-8 encoding per tick, not per copy.
        const first = w.byteLength;
        const bytes = w.append(`["${time}",${this.json}]\n`);
        for (let i = 1; i < copies; i++) {
          const at = w.byteLength;
          w.room(bytes).copyWithin(at, first, first + bytes);
          w.endRecord(at + bytes);
        }
      }
      encoded.emit(this.tag, w.view());
      return;
    }
    const events: LogEvent[] = [];
    for (let i = 0; i < copies; i++) events.push({ time, record: structuredClone(template) });
    this.ctx.emit(this.tag, events);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
