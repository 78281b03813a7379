/**
 * Ingestion: what an input (or a filter's emitter) emits is queued on its slot and runs through
 * the filters its tag matches, in configuration order, then goes to the chunk buffer and the
 * input's limits apply. Jobs of one input run in order: an async filter holds its queue.
 */
import type { PlanInstance } from '../config/plan/types.js';
import type { LogEvent } from '../record/event.js';
import type { BufferLimits } from './buffer-limits.js';
import type { ChunkBuffer } from './chunk-buffer.js';
import type { IdleWaiters } from './idle.js';
import type { Logger } from './logger.js';
import { Counters } from './metrics.js';
import { encodedEmit } from './encoded-ingest.js';
import type { EmitterSettings, EncodedEmit } from './plugin.js';
import { countFilter, InputSlot, type FilterSlot, type IngestJob, type InputSlots, type Slot } from './slots.js';

/** The filters (in configuration order) and outputs of a tag, from the input instance `source`. */
export type RouteOf = (tag: string, source: string) => { readonly filters: readonly FilterSlot[]; readonly outputs: readonly Slot[] };

export class Ingestion {
  constructor(
    private readonly slots: InputSlots,
    private readonly buffer: ChunkBuffer,
    private readonly limits: BufferLimits,
    private readonly idle: IdleWaiters,
    private readonly routeOf: RouteOf,
    /** Once the pipeline has stopped, what is still emitted is dropped, counted. */
    private readonly stopped: () => boolean,
    private readonly log: Logger,
  ) {}

  /**
   * Takes a batch an input emitted: counted on the input, queued behind its earlier ones. `from`:
   * the first of its tag's filters to run (the input did the others: encoded-ingest.ts).
   */
  ingest(slot: InputSlot, tag: string, events: LogEvent[], committed: (() => void) | undefined, from = 0): void {
    if (events.length === 0) {
      committed?.();
      return;
    }
    if (this.stopped()) {
      slot.counters.drop('pipeline stopped', events.length);
      return;
    }
    slot.counters.add('records', events.length);
    slot.jobs.push({ tag, events, committed, next: from });
    if (!slot.busy) this.runJobs(slot);
  }

  /**
   * InputContext.encoded of an input without processors or routes (encoded-ingest.ts): its own
   * encoded records go straight to the chunk buffer when no filter matches their tag.
   */
  encodedEmit(slot: InputSlot): EncodedEmit {
    return encodedEmit({
      slot,
      route: (tag) => this.routeOf(tag, slot.stream),
      stopped: this.stopped,
      ingest: (tag, events, committed, from) => this.ingest(slot, tag, events, committed, from),
      append: (tag, records, committed, outputs) => {
        if (this.buffer.append(slot, tag, records, committed, outputs)) this.limits.apply(slot);
      },
      lend: (tag, writer, room, outputs) => this.buffer.lend(slot, tag, writer, room, outputs),
      appendLent: (chunk, committed) => {
        if (this.buffer.appendLent(slot, chunk, committed)) this.limits.apply(slot);
      },
      filterFailed: (f, err) => filterFailed(slot, f, err),
    });
  }

  /** What a filter re-emits under a new tag (rewrite_tag, multiline): ingested through its emitter's slot. */
  emitFromFilter(instance: PlanInstance<'filter'>, settings: EmitterSettings, tag: string, events: LogEvent[]): void {
    const name = settings.name ?? `emitter_for_${instance.displayName}`;
    let slot = this.slots.emitters.get(name);
    if (!slot) {
      slot = new InputSlot(name, settings.memBufLimit, new Counters(), this.log.child(name), 'emitter');
      this.slots.emitters.set(name, slot);
    }
    this.ingest(slot, tag, events, undefined);
  }

  /** Resolves once no input or emitter has a job queued or a filter running. */
  drained(): Promise<void> {
    return this.idle.until(() => this.slots.all().every((s) => !s.busy && s.jobs.length === 0));
  }

  /** Runs queued jobs through their filters in order; an async filter pauses the queue until it settles. */
  private runJobs(slot: InputSlot): void {
    while (slot.jobs.length > 0) {
      const job = slot.jobs[0]!;
      const route = this.routeOf(job.tag, slot.stream);
      let events = job.events;
      while (job.next < route.filters.length && events.length > 0) {
        const f = route.filters[job.next]!;
        const before = events.length;
        let out: LogEvent[] | Promise<LogEvent[]>;
        try {
          out = f.runtime.filter(job.tag, events);
        } catch (err) {
          filterFailed(slot, f, err);
          out = events;
        }
        if (out instanceof Promise) {
          slot.busy = true;
          out.then(
            (result) => this.afterAsyncFilter(slot, job, f, before, result),
            (err: unknown) => {
              filterFailed(slot, f, err);
              this.afterAsyncFilter(slot, job, f, before, job.events);
            },
          );
          return;
        }
        countFilter(f, before, events, out);
        events = out;
        (job as { events: LogEvent[] }).events = events;
        job.next++;
      }
      slot.jobs.shift();
      if (this.buffer.append(slot, job.tag, events, job.committed, route.outputs)) this.limits.apply(slot);
    }
    slot.busy = false;
    this.idle.notify();
  }

  private afterAsyncFilter(slot: InputSlot, job: IngestJob, f: FilterSlot, before: number, result: LogEvent[]): void {
    countFilter(f, before, job.events, result);
    (job as { events: LogEvent[] }).events = result;
    job.next++;
    this.runJobs(slot);
  }
}

/** A filter threw (or its promise failed): counted on it and logged; its records pass unchanged. */
function filterFailed(slot: InputSlot, f: FilterSlot, err: unknown): void {
  f.counters.add('errors');
  slot.log.error(`filter ${f.instance.displayName} failed, records passed unchanged: ${(err as Error).message}`);
}
