/**
 * InputContext.encoded (plugin.ts): records an input encoded itself go straight to their chunk when
 * no filter matches their tag, and the input's earlier records are not waiting behind an
 * asynchronous filter (ingestion stays in order). Otherwise they are decoded and take the events'
 * way, so that filters always see objects.
 */
import type { EncodedRecords, RecordWriter } from '../record/encoded.js';
import type { LogEvent } from '../record/event.js';
import type { ChunkLease, EncodedEmit } from './plugin.js';
import type { InputSlot, PipelineChunk, Slot } from './slots.js';

/** What the pipeline lends the input's encoded emit. */
export interface EncodedIngest {
  readonly slot: InputSlot;
  route(tag: string): { readonly filters: readonly unknown[]; readonly outputs: readonly Slot[] };
  /** The pipeline is stopped (what arrives is dropped, counted, by `ingest`). */
  stopped(): boolean;
  /** The events' way: filters, then the chunk. */
  ingest(tag: string, events: LogEvent[], committed: (() => void) | undefined): void;
  /** Straight to the chunk (records counted already). */
  append(tag: string, records: EncodedRecords, committed: (() => void) | undefined, outputs: readonly Slot[]): void;
  /** The open chunk of `tag` lent to `writer` (ChunkBuffer.lend), or undefined. */
  lend(tag: string, writer: RecordWriter, room: number, outputs: readonly Slot[]): PipelineChunk | undefined;
  /** A lent chunk given back: what was written into it appended (ChunkBuffer.appendLent). */
  appendLent(chunk: PipelineChunk, committed: (() => void) | undefined): void;
}

export function encodedEmit(p: EncodedIngest): EncodedEmit {
  const takes = (tag: string) => p.route(tag).filters.length === 0;
  /** The outputs of `tag` when its records may go straight to their chunk now, else undefined. */
  const straight = (tag: string): readonly Slot[] | undefined => {
    const slot = p.slot;
    const route = p.route(tag);
    return route.filters.length > 0 || slot.busy || slot.jobs.length > 0 || p.stopped() ? undefined : route.outputs;
  };
  return {
    takes,
    emit(tag, records, committed) {
      const outputs = records.count === 0 ? undefined : straight(tag);
      if (outputs === undefined) {
        p.ingest(tag, records.events(), committed);
        return;
      }
      p.slot.counters.add('records', records.count);
      p.append(tag, records, committed, outputs);
    },
    lend(tag, writer, room) {
      const outputs = straight(tag);
      const chunk = outputs === undefined ? undefined : p.lend(tag, writer, room, outputs);
      return chunk === undefined ? undefined : new Lease(p, chunk);
    },
  };
}

class Lease implements ChunkLease {
  private given = false;

  constructor(
    private readonly p: EncodedIngest,
    private readonly chunk: PipelineChunk,
  ) {}

  get written(): number {
    return this.given ? 0 : this.chunk.written;
  }

  giveBack(committed?: () => void): void {
    if (this.given) throw new Error('a chunk lease was given back twice');
    this.given = true;
    this.p.slot.counters.add('records', this.chunk.written);
    this.p.appendLent(this.chunk, committed);
  }
}
