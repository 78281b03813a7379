/**
 * The forward protocol's EventTime: msgpack ext type 0 holding 8 bytes, seconds then nanoseconds,
 * each a big-endian u32 (Fluentd forward protocol v1). msgpackr decodes it through the extension
 * registered here (msgpackr's extensions are process-wide; type 0 means EventTime wherever msgpack
 * reaches logferry).
 */
import { addExtension } from 'msgpackr';
import { nanosFromSeconds, splitNanos, type Nanos } from '../../../record/event.js';

/** An EventTime as msgpackr decodes ext type 0 (`valid` is false when its size is not 8 bytes). */
export class EventTime {
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly valid = true,
  ) {}

  get nanos(): Nanos {
    return nanosFromSeconds(this.sec, this.nsec);
  }
}

addExtension({
  type: 0,
  unpack: (data: Buffer | Uint8Array) => {
    const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return b.length === 8 ? new EventTime(b.readUInt32BE(0), b.readUInt32BE(4)) : new EventTime(0, 0, false);
  },
});

/** The 10 bytes of an EventTime (fixext 8, type 0) for `time`. */
export function eventTimeBytes(time: Nanos): Buffer {
  const { sec, nsec } = splitNanos(time);
  const b = Buffer.alloc(10);
  b[0] = 0xd7;
  b[1] = 0x00;
  b.writeUInt32BE(sec >>> 0, 2);
  b.writeUInt32BE(nsec, 6);
  return b;
}

/** Whole seconds as a msgpack integer (Time_as_Integer, Fluentd v0.12). */
export function integerTimeBytes(time: Nanos): Buffer {
  const { sec } = splitNanos(time);
  const b = Buffer.alloc(5);
  b[0] = 0xce;
  b.writeUInt32BE(sec >>> 0, 1);
  return b;
}

/**
 * A decoded time field as Fluent Bit's flb_log_event_decoder_decode_timestamp reads it: a
 * non-negative integer (seconds), a float (seconds, nanoseconds truncated) or an EventTime;
 * undefined for anything else.
 */
export function timeOf(value: unknown, allowFloat: boolean): Nanos | undefined {
  if (value instanceof EventTime) return value.valid ? value.nanos : undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    if (Number.isInteger(value)) return nanosFromSeconds(value);
    if (!allowFloat) return undefined;
    const sec = Math.trunc(value);
    return nanosFromSeconds(sec, Math.trunc((value - sec) * 1e9));
  }
  if (typeof value === 'bigint' && value >= 0n) return value * 1_000_000_000n;
  return undefined;
}
