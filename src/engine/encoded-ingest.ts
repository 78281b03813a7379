/**
 * InputContext.encoded (plugin.ts): records an input encoded itself go straight to their chunk when
 * no filter matches their tag, or when every filter matching it declares a byte path
 * (FilterRuntime.bytePath) and the input wrote the records as those filters leave them; and the
 * input's earlier records are not waiting behind an asynchronous filter (ingestion stays in
 * order). Otherwise they are decoded and take the events' way (past the filters when the input
 * filtered them), so that filters always see objects.
 */
import type { EncodedRecords, RecordWriter } from '../record/encoded.js';
import type { LogEvent } from '../record/event.js';
import type { BytePathFilters, ChunkLease, EncodedEmit } from './plugin.js';
import type { FilterSlot, InputSlot, PipelineChunk, Slot } from './slots.js';

/** What the pipeline lends the input's encoded emit. */
export interface EncodedIngest {
  readonly slot: InputSlot;
  route(tag: string): { readonly filters: readonly FilterSlot[]; readonly outputs: readonly Slot[] };
  /** The pipeline is stopped (what arrives is dropped, counted, by `ingest`). */
  stopped(): boolean;
  /** The events' way: the filters from the `from`th on, then the chunk. */
  ingest(tag: string, events: LogEvent[], committed: (() => void) | undefined, from: number): void;
  /** Straight to the chunk (records counted already). */
  append(tag: string, records: EncodedRecords, committed: (() => void) | undefined, outputs: readonly Slot[]): void;
  /** The open chunk of `tag` lent to `writer` (ChunkBuffer.lend), or undefined. */
  lend(tag: string, writer: RecordWriter, room: number, outputs: readonly Slot[]): PipelineChunk | undefined;
  /** A lent chunk given back: what was written into it appended (ChunkBuffer.appendLent). */
  appendLent(chunk: PipelineChunk, committed: (() => void) | undefined): void;
  /** A filter threw: counted on it and logged; its records pass unchanged. */
  filterFailed(filter: FilterSlot, err: unknown): void;
}

/** Whether every filter has a byte path (true for none). */
function allOnBytes(filters: readonly FilterSlot[]): boolean {
  for (let i = 0; i < filters.length; i++) if (filters[i]!.runtime.bytePath === undefined) return false;
  return true;
}

/** `n` records went through filters that keep every record: counted as countFilter (slots.ts) counts them. */
function countPassed(filters: readonly FilterSlot[], n: number): void {
  for (let i = 0; i < filters.length; i++) {
    filters[i]!.counters.add('records', n);
    filters[i]!.counters.add('bytes', 0);
  }
}

export function encodedEmit(p: EncodedIngest): EncodedEmit {
  const takes = (tag: string) => p.route(tag).filters.length === 0;
  /** The route of `tag` when its records may go straight to their chunk now, else undefined. */
  const straight = (tag: string) => {
    const slot = p.slot;
    const route = p.route(tag);
    return !allOnBytes(route.filters) || slot.busy || slot.jobs.length > 0 || p.stopped() ? undefined : route;
  };
  return {
    takes,
    emit(tag, records, committed) {
      const route = records.count === 0 ? undefined : straight(tag);
      if (route === undefined) {
        // Records of a tag whose filters all have a byte path were filtered by the input: they
        // skip those filters and are counted on them; any other tag's run through its filters.
        const filters = p.route(tag).filters;
        const from = allOnBytes(filters) ? filters.length : 0;
        p.ingest(tag, records.events(), committed, from);
        if (from > 0 && records.count > 0 && !p.stopped()) countPassed(filters, records.count);
        return;
      }
      p.slot.counters.add('records', records.count);
      countPassed(route.filters, records.count);
      p.append(tag, records, committed, route.outputs);
    },
    lend(tag, writer, room) {
      const route = straight(tag);
      const chunk = route === undefined ? undefined : p.lend(tag, writer, room, route.outputs);
      return chunk === undefined ? undefined : new Lease(p, chunk, route!.filters);
    },
    filtersOnBytes(tag) {
      const filters = p.route(tag).filters;
      return filters.length === 0 || !allOnBytes(filters) ? undefined : new OnBytes(p, tag, filters);
    },
  };
}

class OnBytes implements BytePathFilters {
  readonly paths;

  constructor(
    private readonly p: EncodedIngest,
    private readonly tag: string,
    private readonly filters: readonly FilterSlot[],
  ) {
    this.paths = filters.map((f) => f.runtime.bytePath!);
  }

  run(events: LogEvent[]): LogEvent[] {
    let out = events;
    for (const f of this.filters) {
      try {
        const result = f.runtime.filter(this.tag, out);
        if (result instanceof Promise) throw new Error('a filter declaring a byte path returned a promise');
        out = result;
      } catch (err) {
        this.p.filterFailed(f, err);
      }
    }
    return out;
  }
}

class Lease implements ChunkLease {
  private given = false;

  constructor(
    private readonly p: EncodedIngest,
    private readonly chunk: PipelineChunk,
    private readonly filters: readonly FilterSlot[],
  ) {}

  get written(): number {
    return this.given ? 0 : this.chunk.written;
  }

  giveBack(committed?: () => void): void {
    if (this.given) throw new Error('a chunk lease was given back twice');
    this.given = true;
    this.p.slot.counters.add('records', this.chunk.written);
    countPassed(this.filters, this.chunk.written);
    this.p.appendLent(this.chunk, committed);
  }
}
