/**
 * The limits of the buffer, as Fluent Bit applies them after each append: Mem_Buf_Limit (memory:
 * the input is paused; memrb: its oldest chunks are dropped), storage.max_chunks_up and
 * storage.pause_on_chunks_overlimit (filesystem), and logferry's read-ahead bound; and when a
 * paused input resumes.
 */
import type { ChunksUp } from './chunks-up.js';
import type { InputSlot, InputSlots, PipelineChunk } from './slots.js';

/** What the limits ask of delivery. */
export interface LimitActions {
  /** Hands the input's open and ready chunks to their outputs now. */
  flushInput(slot: InputSlot): void;
  /** The chunk leaves the buffer (memrb drops it before any output had it). */
  release(chunk: PipelineChunk, keepFile: boolean): void;
}

export class BufferLimits {
  constructor(
    private readonly slots: InputSlots,
    /** Filesystem chunks whose records are in memory (storage.max_chunks_up). */
    private readonly chunksUp: ChunksUp<PipelineChunk>,
    /** Inputs resume only while the pipeline runs (not once it is stopping). */
    private readonly running: () => boolean,
    private readonly actions: LimitActions,
  ) {}

  /** After an append: Mem_Buf_Limit (memory: pause; memrb: drop oldest) and storage.pause_on_chunks_overlimit (filesystem). */
  apply(slot: InputSlot): void {
    if (!slot.runtime) return;
    if (slot.paused) {
      // Paused by the read-ahead bound (its only pause): what the input still emits (the rest of a
      // block it was reading) goes out at once too, so that releases, not the next Flush, resume it.
      if (slot.readAhead > 0) this.actions.flushInput(slot);
      return;
    }
    if (slot.storageType === 'filesystem') {
      if (slot.pauseOnChunksOverlimit && this.chunksUp.full) {
        this.pause(slot, `storage chunks overlimit: ${this.chunksUp.size} >= ${this.chunksUp.limit} chunks up`);
      }
      return;
    }
    if (slot.readAhead > 0) {
      if (slot.bytes >= slot.readAhead) {
        // Not Mem_Buf_Limit: no pause metric, no info log. What it holds goes out now, not at the
        // next Flush, and reading goes on once most of it is delivered.
        this.actions.flushInput(slot);
        slot.paused = true;
        slot.log.debug(`reading paused: ${slot.bytes} bytes read ahead of the outputs`);
        slot.runtime.pause();
      }
      return;
    }
    if (slot.memLimit <= 0 || slot.bytes < slot.memLimit) return;
    if (slot.storageType === 'memrb') {
      this.dropOldest(slot);
      return;
    }
    this.pause(slot, `mem buf overlimit: ${slot.bytes} >= ${slot.memLimit} bytes`);
  }

  /** After a release: a paused input resumes once under its limit. */
  maybeResume(source: InputSlot): void {
    if (!source.paused || !this.running()) return;
    if (source.storageType === 'filesystem') {
      if (this.chunksUp.full) return;
      source.paused = false;
      source.log.info(`resume (storage chunks: ${this.chunksUp.size} < ${this.chunksUp.limit} chunks up)`);
    } else if (source.readAhead > 0) {
      // The read-ahead bound: resume at half of it, so that reading goes on in long stretches.
      if (source.bytes >= source.readAhead / 2) return;
      source.paused = false;
      source.log.debug(`reading resumed: ${source.bytes} bytes read ahead of the outputs`);
    } else {
      if (source.bytes >= source.memLimit) return;
      source.paused = false;
      source.log.info(`resume (mem buf overlimit: ${source.bytes} < ${source.memLimit} bytes)`);
    }
    source.runtime?.resume();
  }

  /** storage.max_chunks_up: puts the oldest locked filesystem chunks down (records only on disk). */
  enforceChunksUp(): void {
    if (this.chunksUp.enforce()) for (const slot of this.slots.inputs) this.maybeResume(slot);
  }

  /** After a send attempt: a chunk loaded from disk counts as up again, then the up limit applies. */
  afterSend(chunk: PipelineChunk): void {
    if (this.chunksUp.afterSend(chunk)) for (const slot of this.slots.inputs) this.maybeResume(slot);
  }

  private pause(slot: InputSlot, why: string): void {
    slot.paused = true;
    slot.counters.add('paused');
    slot.log.info(`paused (${why})`);
    slot.runtime!.pause();
  }

  /** memrb: drops this input's oldest chunks not yet handed to outputs until it is under Mem_Buf_Limit. */
  private dropOldest(slot: InputSlot): void {
    while (slot.bytes >= slot.memLimit) {
      const victim = slot.ready.shift() ?? firstValue(slot.open);
      if (!victim) return;
      if (slot.open.get(victim.tag) === victim) slot.open.delete(victim.tag);
      const reason = `memrb: Mem_Buf_Limit of ${slot.memLimit} bytes reached, oldest chunk dropped`;
      slot.counters.drop(reason, victim.records);
      slot.log.warn(`${victim.records} record(s) of tag ${victim.tag} dropped (${reason})`);
      this.actions.release(victim, false);
    }
  }
}

function firstValue<K, V>(map: Map<K, V>): V | undefined {
  return map.values().next().value;
}
