import { nanosFromSeconds, nowNanos, type LogEvent } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import { recordText, RecordWriter } from '../../../record/encoded.js';
import type { DummyOptions } from './options.js';

/** `["<time>",` and `]\n` around a record's JSON: at most 20 digits of nanoseconds. */
const TIME_TEXT_BYTES = 26;

/**
 * The ticks due within this window are emitted together, at one timer wake-up (intervals of 25 ms
 * or less, Rate 40 and up): at Rate 100 the agent wakes 20 times a second instead of 100 (Node pays
 * ~150 us of CPU per wake-up on a VM, more than dummy's own work; bench/NOTES.md, "Low-rate CPU,
 * second pass"). Each record keeps its own tick's time, and the records wait at most this long
 * before the engine buffers them for the next flush.
 */
export const DUMMY_WAKE_MS = 50;

/** How many ticks of `intervalMs` one timer wake-up emits (1 when the interval is long). */
export function ticksPerWake(intervalMs: number): number {
  return Math.max(1, Math.floor(DUMMY_WAKE_MS / intervalMs));
}

/**
 * Emits copies of the `Dummy` record on a timer (Fluent Bit `in_dummy`): every 1/Rate seconds, or
 * every interval_sec + interval_nsec when set; stops emitting after `Samples` events. Short
 * intervals are emitted a few ticks at a time (DUMMY_WAKE_MS), each tick stamped with its own time.
 */
export class DummyInput implements InputRuntime {
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private paused = false;
  private readonly tag: string;
  private readonly intervalMs: number;
  /** The interval in nanoseconds: how far apart the ticks of one wake-up are stamped. */
  private readonly stepNanos: bigint;
  private readonly fixedTime: bigint | undefined;
  /** The record's JSON text and the writer its copies go into (InputContext.encoded). */
  private json: string | undefined;
  /** The bytes one copy of the record takes once encoded (its JSON in UTF-8 and its time). */
  private recordBytes = 0;
  private records: RecordWriter | undefined;

  constructor(
    private readonly o: DummyOptions,
    private readonly ctx: InputContext,
  ) {
    this.tag = ctx.tag;
    const sec = o.interval_sec;
    const nsec = o.interval_nsec;
    const rate = Math.max(1, o.rate);
    const intervalMs = sec >= 0 && nsec >= 0 && (sec > 0 || nsec > 0) ? sec * 1000 + nsec / 1e6 : 1000 / rate;
    // Node's timers count whole milliseconds: at most 1,000 ticks a second.
    this.intervalMs = Math.max(1, intervalMs);
    this.stepNanos = BigInt(Math.round(this.intervalMs * 1e6));
    const startSec = o.start_time_sec;
    const startNsec = o.start_time_nsec;
    this.fixedTime = startSec >= 0 || startNsec >= 0 ? nanosFromSeconds(Math.max(0, startSec), Math.max(0, startNsec)) : undefined;
  }

  async start(): Promise<void> {
    if (this.o.flush_on_startup) this.emitTicks(1);
    const perWake = ticksPerWake(this.intervalMs);
    this.timer = setInterval(() => this.emitTicks(perWake), this.intervalMs * perWake);
  }

  /**
   * Emits `ticks` events (each `Copies` records), the last one stamped now and each earlier one an
   * interval before the next: the times in_dummy's timer would have given them.
   */
  private emitTicks(ticks: number): void {
    if (this.paused) return;
    const o = this.o;
    const samples = o.samples;
    if (samples > 0 && this.sent >= samples) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const n = samples > 0 ? Math.min(ticks, samples - this.sent) : ticks;
    this.sent += n;
    const template = o.dummy;
    const copies = Math.max(0, o.copies);
    const now = this.fixedTime ?? nowNanos();
    const step = this.fixedTime === undefined ? this.stepNanos : 0n;
    const encoded = this.ctx.encoded;
    if (encoded !== undefined && encoded.takes(this.tag)) {
      // Nothing changes the records before their chunk: the record's JSON, written once, is copied
      // (Fluent Bit's in_dummy appends the msgpack it packed at start the same way).
      if (this.json === undefined) {
        this.json = recordText(template);
        this.recordBytes = Buffer.byteLength(this.json) + TIME_TEXT_BYTES;
      }
      const w = (this.records ??= new RecordWriter(1024));
      w.reset();
      // Written straight into the tag's chunk when the engine lends it (no copy of the tick's records).
      const lease = copies > 0 ? encoded.lend(this.tag, w, n * copies * this.recordBytes) : undefined;
      if (copies > 0) {
        for (let t = n - 1; t >= 0; t--) {
          // Written once as text, then copied as bytes: one UTF-8 encoding per tick, not per copy.
          const first = w.byteLength;
          const bytes = w.append(`["${t === 0 ? now : now - BigInt(t) * step}",${this.json}]\n`);
          for (let i = 1; i < copies; i++) {
            const at = w.byteLength;
            w.room(bytes).copyWithin(at, first, first + bytes);
            w.endRecord(at + bytes);
          }
        }
      }
      if (lease !== undefined) lease.giveBack();
      else encoded.emit(this.tag, w.view());
      return;
    }
    const events: LogEvent[] = [];
    for (let t = n - 1; t >= 0; t--) {
      const time = t === 0 ? now : now - BigInt(t) * step;
      for (let i = 0; i < copies; i++) events.push({ time, record: structuredClone(template) });
    }
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
