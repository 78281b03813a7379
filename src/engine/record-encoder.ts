/**
 * Where records become bytes: each append's events are encoded once (src/record/encoded.ts) into
 * a scratch writer: lent the open chunk (ChunkBuffer.append), so that they land in it, or empty,
 * and then the chunk copies the bytes. The chunk file writes the same bytes.
 */
import { EncodedRecords, RecordEncodeError, recordText, RecordWriter, timePrefix } from '../record/encoded.js';
import type { LogEvent } from '../record/event.js';
import type { Logger } from './logger.js';
import type { Counters } from './metrics.js';
import { MAX_RECORD_DEPTH, nestsDeeperThan, TOO_DEEP_REASON } from './record-depth.js';

/** The writer each append encodes into first; one that grew past SCRATCH_KEEP_BYTES is replaced. */
const SCRATCH_BYTES = 64 * 1024;
const SCRATCH_KEEP_BYTES = 4 * 1024 * 1024;

/** What a drop is counted on and logged by: the input whose records they are. */
export interface EncodingSource {
  readonly counters: Counters;
  readonly log: Logger;
}

/** Records in events or encoded. */
export function countRecords(records: readonly LogEvent[] | EncodedRecords): number {
  return records instanceof EncodedRecords ? records.count : records.length;
}

export class RecordEncoder {
  private scratch = new RecordWriter(SCRATCH_BYTES);

  /**
   * Encoded records (an input's own: InputContext.encoded) are taken as they are. Events are
   * encoded once (src/record/encoded.ts), into the scratch writer: the chunk copies the
   * bytes and the chunk file writes the same bytes. A record nested deeper than MAX_RECORD_DEPTH,
   * or one that cannot be encoded, is dropped on its own (counted, logged once per reason): the
   * rest of its batch goes on, and so does the input that read it.
   */
  encode(slot: EncodingSource, events: readonly LogEvent[] | EncodedRecords): EncodedRecords {
    if (events instanceof EncodedRecords) return events;
    this.scratch.reset();
    this.encodeInto(slot, events);
    return this.scratch.view();
  }

  /**
   * The writer `encodeInto` appends to: empty after `encode`'s records were taken, and the one a
   * chunk is lent to (ChunkBuffer.append), so that events are encoded straight into their chunk.
   */
  get writer(): RecordWriter {
    return this.scratch;
  }

  /** Encodes the events after what `writer` holds (see `encode` for what is dropped and why). */
  encodeInto(slot: EncodingSource, events: readonly LogEvent[]): void {
    const w = this.scratch;
    // encodeEvent's text, the time's decimal kept while it repeats (BigInt formatting is not cheap).
    let time: bigint | undefined;
    let prefix = '';
    for (const e of events) {
      let reason: string;
      try {
        if (!nestsDeeperThan(e.record, MAX_RECORD_DEPTH)) {
          if (e.time !== time) {
            time = e.time;
            prefix = timePrefix(time);
          }
          w.append(`${prefix}${recordText(e.record)}]\n`);
          continue;
        }
        reason = TOO_DEEP_REASON;
      } catch (err) {
        reason = err instanceof RecordEncodeError ? err.message : `record cannot be encoded: ${(err as Error)?.message ?? String(err)}`;
      }
      if (slot.counters.droppedFor(reason) === 0) slot.log.warn(`a record was dropped: ${reason} (counted in metrics; logged once per reason)`);
      slot.counters.drop(reason, 1);
    }
  }

  /** After the records of an encode are copied: a scratch writer a huge append grew is let go. */
  recycle(): void {
    if (this.scratch.capacity > SCRATCH_KEEP_BYTES) this.scratch = new RecordWriter(SCRATCH_BYTES);
  }
}
