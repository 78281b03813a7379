/** The current time as the engine and the parsers stamp records with it. */
import type { Nanos } from '../engine/event.js';

const NS_PER_MS = 1_000_000n;

/**
 * Wall clock at the first call, anchored to the monotonic high-resolution clock. Taken lazily, not
 * at module load: the CLI's start-up snapshot (scripts/build-snapshot.mjs) loads modules at build
 * time, and a monotonic clock reading from then means nothing after a reboot.
 */
let epochOffset: Nanos | undefined;

/** Current time in nanoseconds since the epoch: wall clock at first use plus monotonic time since. */
export function nowNanos(): Nanos {
  epochOffset ??= BigInt(Date.now()) * NS_PER_MS - process.hrtime.bigint();
  return epochOffset + process.hrtime.bigint();
}
