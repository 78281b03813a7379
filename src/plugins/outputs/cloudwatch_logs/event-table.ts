/**
 * A chunk's CloudWatch Logs events as columns (typed arrays), not an object per event: an object
 * per event lived until the chunk was delivered, so the young generation promoted every one of
 * them and the old space grew and was collected chunk after chunk (bench/NOTES.md, "CloudWatch
 * Logs CPU"). Event i's message is bytes [from[i], to[i]) of `srcOf(i)` (messages.ts MessageSlot),
 * its size as CloudWatch counts it `bytes[i]`, its destination `streams[stream[i]]`.
 */
import type { MessageSlot } from './messages.js';

/** A destination: a log group and one of its streams. */
export interface StreamName {
  readonly group: string;
  readonly stream: string;
}

export class EventTable {
  count = 0;
  /** Milliseconds since the epoch. */
  timestamp: Float64Array;
  /** UTF-8 bytes of each message, as CloudWatch Logs counts a batch. */
  bytes: Int32Array;
  from: Int32Array;
  to: Int32Array;
  /** 1: the message is the content of a JSON string literal (sent as it is); 0: JSON text (escaped). */
  literal: Uint8Array;
  /** Each event's index in `streams`; undefined while every event goes to streams[0]. */
  stream: Int32Array | undefined;
  /** Destinations in the order their first event came. */
  readonly streams: StreamName[] = [];
  /** Each event's buffer when not all messages are in `src` (EMF documents); else undefined. */
  srcs: Buffer[] | undefined;

  /** `src`: the buffer the messages are in (the chunk's bytes); `capacity`: events expected. */
  constructor(
    readonly src: Buffer,
    capacity = 16,
  ) {
    const n = Math.max(1, capacity);
    this.timestamp = new Float64Array(n);
    this.bytes = new Int32Array(n);
    this.from = new Int32Array(n);
    this.to = new Int32Array(n);
    this.literal = new Uint8Array(n);
  }

  /** Adds an event: its time, the message read into `slot`, its destination's index in `streams`. */
  push(timestamp: number, slot: MessageSlot, stream: number): void {
    const i = this.count;
    if (i === this.timestamp.length) this.grow();
    this.timestamp[i] = timestamp;
    this.bytes[i] = slot.bytes;
    this.from[i] = slot.from;
    this.to[i] = slot.to;
    this.literal[i] = slot.literal ? 1 : 0;
    if (stream !== 0) (this.stream ??= new Int32Array(this.timestamp.length))[i] = stream;
    if (slot.src !== this.src) (this.srcs ??= new Array<Buffer>(i).fill(this.src))[i] = slot.src;
    else if (this.srcs !== undefined) this.srcs[i] = this.src;
    this.count = i + 1;
  }

  /** The buffer event i's message is in. */
  srcOf(i: number): Buffer {
    return this.srcs === undefined ? this.src : this.srcs[i]!;
  }

  /** Event i's destination index in `streams`. */
  streamOf(i: number): number {
    return this.stream === undefined ? 0 : this.stream[i]!;
  }

  private grow(): void {
    const n = this.timestamp.length * 2;
    const wider = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.timestamp = wider(this.timestamp, (k) => new Float64Array(k));
    this.bytes = wider(this.bytes, (k) => new Int32Array(k));
    this.from = wider(this.from, (k) => new Int32Array(k));
    this.to = wider(this.to, (k) => new Int32Array(k));
    this.literal = wider(this.literal, (k) => new Uint8Array(k));
    if (this.stream !== undefined) this.stream = wider(this.stream, (k) => new Int32Array(k));
  }
}
