/**
 * A chunk as an output receives it: the encoded records, and their objects decoded only when an
 * output reads `events`.
 */
import type { EventBatch, LogEvent } from './event.js';
import { EncodedRecords } from './encoded.js';

export class ChunkBatch implements EventBatch {
  private decoded: LogEvent[] | undefined;

  constructor(
    readonly tag: string,
    readonly records: EncodedRecords,
    readonly id?: string,
    readonly inputPlugin?: string,
  ) {}

  get events(): LogEvent[] {
    this.decoded ??= this.records.events();
    return this.decoded;
  }
}

/** The batch's records encoded: a chunk's own bytes, or the events encoded now. */
export function recordsOf(batch: EventBatch): EncodedRecords {
  return batch.records ?? EncodedRecords.from(batch.events);
}

/** How many records the batch holds, without decoding them. */
export function recordCount(batch: EventBatch): number {
  return batch.records ? batch.records.count : batch.events.length;
}
