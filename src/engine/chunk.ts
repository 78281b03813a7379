import type { LogEvent } from './event.js';

/** Fluent Bit locks a chunk once its content passes this size (about 2 MB). */
export const CHUNK_MAX_BYTES = 2_048_000;

/**
 * Events of one (input, tag) pair on their way to outputs. A chunk takes appends until it is
 * full or dispatched; it is released when every output it routes to is done with it.
 */
export class Chunk<Source, Target> {
  readonly events: LogEvent[] = [];
  bytes = 0;
  /** No more appends: full, or handed to outputs. */
  locked = false;
  dispatched = false;
  /** Outputs that have not finished with this chunk. */
  readonly pending = new Set<Target>();
  /** Called once, when the chunk is released (delivered or its drops counted). */
  readonly onRelease: (() => void)[] = [];

  constructor(
    readonly id: number,
    readonly source: Source,
    readonly tag: string,
  ) {}

  append(events: readonly LogEvent[], bytes: number, committed: (() => void) | undefined): void {
    for (const e of events) this.events.push(e);
    this.bytes += bytes;
    if (committed) this.onRelease.push(committed);
    if (this.bytes >= CHUNK_MAX_BYTES) this.locked = true;
  }
}
