/**
 * InputContext.encoded (plugin.ts): records an input encoded itself go straight to their chunk when
 * no filter matches their tag, and the input's earlier records are not waiting behind an
 * asynchronous filter (ingestion stays in order). Otherwise they are decoded and take the events'
 * way, so that filters always see objects.
 */
import type { EncodedRecords } from '../record/encoded.js';
import type { LogEvent } from '../record/event.js';
import type { EncodedEmit } from './plugin.js';
import type { InputSlot, Slot } from './slots.js';

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
}

export function encodedEmit(p: EncodedIngest): EncodedEmit {
  const takes = (tag: string) => p.route(tag).filters.length === 0;
  return {
    takes,
    emit(tag, records, committed) {
      const slot = p.slot;
      const route = p.route(tag);
      if (records.count === 0 || route.filters.length > 0 || slot.busy || slot.jobs.length > 0 || p.stopped()) {
        p.ingest(tag, records.events(), committed);
        return;
      }
      slot.counters.add('records', records.count);
      p.append(tag, records, committed, route.outputs);
    },
  };
}
