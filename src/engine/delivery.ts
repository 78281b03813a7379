/**
 * Delivery: every Flush (or earlier, when a limit asks) chunks go to the outputs their tag routes
 * to; each output's outcome is collected, and a chunk is released once every output is done with
 * it: its inputs' positions are committed, paused inputs may resume, the backlog sends more.
 * Retries, workers and storage.total_limit_size are each output's (`output-slot.ts`).
 */
import type { StorageBacklog } from './backlog.js';
import type { BufferLimits } from './buffer-limits.js';
import type { ChunkBuffer } from './chunk-buffer.js';
import type { IdleWaiters } from './idle.js';
import type { Logger } from './logger.js';
import type { DeliveryMetrics } from './monitor/delivery-metrics.js';
import type { ChunkOutcome, SlotHooks } from './output-slot.js';
import type { InputSlot, InputSlots, PipelineChunk, Slot } from './slots.js';
import type { RejectedStore } from './storage/rejected.js';

/** The outputs a tag goes to, from the input instance `source` (its conditional routes). */
export type OutputsOf = (tag: string, source: string) => readonly Slot[];

export class Delivery {
  /** Chunks handed to outputs and not yet released. */
  readonly inFlight = new Set<PipelineChunk>();
  /** storage.keep.rejected: where a chunk an output dropped is written. */
  rejected: RejectedStore | undefined;
  /** Chunks a previous run left on disk, sent a few at a time. */
  backlog: StorageBacklog | undefined;

  /** What each output slot reports: done with a chunk, a send attempt ended, the chunk delivered. */
  readonly hooks: SlotHooks<InputSlot> = {
    done: (chunk, s, outcome, reason) => this.outputDone(chunk, s, outcome, reason),
    sent: (chunk) => this.limits.afterSend(chunk),
    retrying: (chunk) => this.buffer.raw.add(chunk),
    delivered: (chunk, s, records) => this.metrics.delivered(chunk, chunk.source.name, s.name, records, chunk.bytes),
  };

  constructor(
    private readonly slots: InputSlots,
    private readonly buffer: ChunkBuffer,
    private readonly limits: BufferLimits,
    private readonly idle: IdleWaiters,
    private readonly metrics: DeliveryMetrics,
    private readonly outputsOf: OutputsOf,
    private readonly log: Logger,
  ) {}

  /** Sends every buffered chunk to its outputs now (the backlog within its limit). */
  flush(): void {
    this.pumpBacklog();
    for (const slot of this.slots.all()) {
      if (slot !== this.backlog?.slot) this.flushInput(slot);
    }
  }

  /** Hands the input's full chunks, then its open ones, to their outputs. */
  flushInput(slot: InputSlot): void {
    for (const chunk of slot.ready) this.dispatch(chunk);
    slot.ready.length = 0;
    for (const chunk of slot.open.values()) this.dispatch(chunk);
    slot.open.clear();
  }

  /**
   * The chunk leaves the buffer: its inputs may commit positions, its file is removed (or kept
   * for the next start when shutdown left it undelivered), paused inputs may resume.
   */
  release(chunk: PipelineChunk, keepFile: boolean): void {
    this.inFlight.delete(chunk);
    const source = chunk.source;
    const fromBacklog = source === this.backlog?.slot;
    this.buffer.remove(chunk, keepFile);
    if (fromBacklog) this.backlog!.released(chunk);
    if (!keepFile) for (const cb of chunk.onRelease) cb();
    chunk.onRelease.length = 0;
    chunk.free();
    this.limits.maybeResume(source);
    if (fromBacklog) this.pumpBacklog();
    this.idle.notify();
  }

  private pumpBacklog(): void {
    this.backlog?.pump((chunk) => this.dispatch(chunk));
  }

  private dispatch(chunk: PipelineChunk): void {
    if (chunk.dispatched || chunk.records === 0) return;
    chunk.lock();
    chunk.dispatched = true;
    const outputs = this.outputsOf(chunk.tag, chunk.source.stream);
    for (const o of outputs) chunk.pending.add(o);
    if (outputs.length === 0) {
      // A backlog chunk whose tag no output of this configuration matches.
      this.buffer.routingDrop(chunk.source, chunk.tag, chunk.records);
      this.release(chunk, false);
      return;
    }
    this.inFlight.add(chunk);
    for (const o of outputs) o.enqueue(chunk);
    if (chunk.file) this.limits.enforceChunksUp();
    else this.buffer.raw.add(chunk);
  }

  private outputDone(chunk: PipelineChunk, slot: Slot, outcome: ChunkOutcome, reason: string | undefined): void {
    if (!chunk.pending.has(slot)) return;
    if (outcome === 'kept') chunk.kept = true;
    if (outcome === 'dropped' && this.rejected) this.reject(chunk, slot, reason ?? 'dropped');
    chunk.pending.delete(slot);
    if (chunk.pending.size > 0) return;
    this.release(chunk, chunk.kept);
  }

  /** storage.keep.rejected: the dropped chunk goes to the dead-letter directory. */
  private reject(chunk: PipelineChunk, slot: Slot, reason: string): void {
    try {
      const path = this.rejected!.write(slot.name, chunk.tag, reason, chunk.load());
      slot.counters.add('rejected_chunks');
      this.log.info(`dropped chunk of ${chunk.records} record(s) kept in ${path}`);
    } catch (err) {
      this.log.error(`cannot write the dropped chunk to ${this.rejected!.dir}: ${(err as Error).message}`);
    }
  }
}
