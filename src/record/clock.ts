/** The current time as the engine and the parsers stamp records with it. */
import type { Nanos } from './event.js';

const NS_PER_MS = 1_000_000n;

/**
 * Wall clock at the first call, anchored to the monotonic high-resolution clock. Taken lazily, not
 * at module load: a module loaded ahead of use (a bundle, a start-up snapshot made at build time)
 * would otherwise keep a monotonic clock reading that means nothing after a reboot.
 */
let epochOffset: Nanos | undefined;

/** Current time in nanoseconds since the epoch: wall clock at first use plus monotonic time since. */
export function nowNanos(): Nanos {
  epochOffset ??= BigInt(Date.now()) * NS_PER_MS - process.hrtime.bigint();
  return epochOffset + process.hrtime.bigint();
}
