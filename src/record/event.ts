/**
 * The unit of data in the engine. One time representation everywhere: nanoseconds since the
 * Unix epoch as a bigint (Fluent Bit keeps seconds + nanoseconds; a bigint holds both exactly).
 */
export type Nanos = bigint;

/** A record as Fluent Bit sees it: a map of keys to JSON-like values, key order preserved. */
export type LogRecord = Record<string, unknown>;

export interface LogEvent {
  /** Event time in nanoseconds since the epoch. */
  time: Nanos;
  record: LogRecord;
}

/** Events of one tag, the way inputs append them and the router routes them (Fluent Bit chunks). */
export interface EventBatch {
  tag: string;
  /** The records as objects. For a chunk's batch, decoded from `records` on first read. */
  events: LogEvent[];
  /**
   * The records as the chunk holds them (src/record/encoded.ts), when the batch is a chunk: an
   * output that sends JSON builds its payload from these without decoding `events`.
   */
  readonly records?: EncodedRecords;
  /**
   * The chunk's name, the same on every retry of it (and across restarts with filesystem
   * storage): an output that sends a chunk in several requests can remember what already went.
   */
  id?: string;
  /**
   * The plugin name of the input whose chunk this is (Fluent Bit's `i_ins->p->name` in an output's
   * flush): `cpu`, `tail`... Records a filter re-emitted under a new tag (rewrite_tag) come from
   * `emitter`, chunks a previous run left on disk from `storage_backlog`, as in Fluent Bit.
   * cloudwatch_logs sends cpu and mem records as embedded metric format.
   */
  inputPlugin?: string;
}

import type { EncodedRecords } from './encoded.js';

const NS_PER_S = 1_000_000_000n;

// The clock lives with the parsers, which need it without loading the engine (docs/architecture.md).
export { nowNanos } from './clock.js';

export function nanosFromSeconds(sec: number, nsec = 0): Nanos {
  return BigInt(Math.trunc(sec)) * NS_PER_S + BigInt(Math.trunc(nsec));
}

/** Splits nanoseconds into whole seconds and the nanosecond remainder (remainder >= 0). */
export function splitNanos(t: Nanos): { sec: number; nsec: number } {
  let sec = t / NS_PER_S;
  let nsec = t % NS_PER_S;
  if (nsec < 0n) {
    nsec += NS_PER_S;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec) };
}
