/**
 * Where records wait in the engine: an input's slot (its jobs, open and ready chunks, the bytes
 * Mem_Buf_Limit counts), a filter's slot and its counters, and what the pipeline reports of them
 * (`/api/v1/storage`).
 */
import type { PlanInstance } from '../config/plan/types.js';
import type { StorageType } from '../config/plan/storage-type.js';
import type { LogEvent } from '../record/event.js';
import type { Chunk } from './chunk.js';
import type { Logger } from './logger.js';
import type { Counters, InputStorageStatus, StorageStatus } from './metrics.js';
import type { OutputSlot } from './output-slot.js';
import type { FilterRuntime, InputRuntime } from './plugin.js';
import { eventSize } from './record-size.js';

export type Slot = OutputSlot<InputSlot>;

/**
 * How much a tail or systemd input without Mem_Buf_Limit may hold (in record bytes as Mem_Buf_Limit
 * counts them) before its chunks are sent early and it waits for them. Fluent Bit has no such
 * bound, but its records take about their size in memory; as JavaScript objects they take several
 * times that, and reading a large backlog at full speed between two flushes took 250-400 MB.
 * Pausing these inputs loses nothing, so the bound only paces reading.
 */
export const READ_AHEAD_BYTES = 8 * 1024 * 1024;
export type PipelineChunk = Chunk<InputSlot, Slot>;

export interface FilterSlot {
  readonly instance: PlanInstance<'filter'>;
  readonly runtime: FilterRuntime;
  readonly counters: Counters;
}

export interface IngestJob {
  readonly tag: string;
  readonly events: LogEvent[];
  readonly committed: (() => void) | undefined;
  /** Index of the next filter to run. */
  next: number;
}

/** Where events come from: an input instance, a filter's emitter (rewrite_tag), or the storage backlog. */
export class InputSlot {
  runtime: InputRuntime | undefined;
  /** memory, filesystem (chunks written to storage.path) or memrb (oldest chunks dropped at the limit). */
  storageType: StorageType = 'memory';
  /** Directory name of this input's chunk files (Fluent Bit's instance name, e.g. tail.0). */
  stream = '';
  pauseOnChunksOverlimit = false;
  /**
   * `Routable false`: the input's records go through its filters (what a filter re-emits under a
   * new tag is routed), then are discarded instead of buffered, as flb_input_chunk_append_raw does.
   */
  routable = true;
  /** Bytes of this input's chunks not yet released (Mem_Buf_Limit accounting). */
  bytes = 0;
  paused = false;
  /**
   * Without Mem_Buf_Limit, for an input that pauses without loss: the bytes it may hold before its
   * chunks go to the outputs early and it waits for them (0: no bound, Fluent Bit's behaviour).
   */
  readAhead = 0;
  /** The open (appendable) chunk per tag, and full chunks waiting for the flush. */
  readonly open = new Map<string, PipelineChunk>();
  readonly ready: PipelineChunk[] = [];
  /** Ingestion is ordered per input: jobs wait while an async filter runs. */
  readonly jobs: IngestJob[] = [];
  busy = false;

  constructor(
    readonly name: string,
    readonly memLimit: number,
    readonly counters: Counters,
    readonly log: Logger,
    /** Plugin name the outputs are told (EventBatch.inputPlugin): the input's, `emitter` or `storage_backlog`. */
    readonly plugin: string,
  ) {}
}

/**
 * Every InputSlot of a pipeline: its inputs in configuration order, then the emitters by name
 * (the storage backlog first when there is one, then each filter's emitter as it first emits).
 */
export class InputSlots {
  readonly inputs: InputSlot[] = [];
  readonly emitters = new Map<string, InputSlot>();

  all(): InputSlot[] {
    return [...this.inputs, ...this.emitters.values()];
  }
}

/** Chunks and bytes buffered per input (Fluent Bit's `/api/v1/storage`). */
export function storageStatusOf(slots: readonly InputSlot[], inFlight: ReadonlySet<PipelineChunk>): StorageStatus {
  const inputs: Record<string, InputStorageStatus> = {};
  let total = 0;
  let fs = 0;
  let fsUp = 0;
  for (const slot of slots) {
    const chunks = new Set<PipelineChunk>([...slot.open.values(), ...slot.ready]);
    for (const c of inFlight) if (c.source === slot) chunks.add(c);
    let busy = 0;
    let busyBytes = 0;
    let up = 0;
    for (const c of chunks) {
      if (c.dispatched) {
        busy++;
        busyBytes += c.bytes;
      }
      if (c.isUp) up++;
      if (c.file) {
        fs++;
        if (c.isUp) fsUp++;
      }
    }
    total += chunks.size;
    inputs[slot.name] = {
      overlimit: slot.paused && slot.readAhead === 0,
      memBytes: slot.bytes,
      memLimit: slot.memLimit,
      chunks: { total: chunks.size, up, down: chunks.size - up, busy, busyBytes },
    };
  }
  return { totalChunks: total, memChunks: total - fs, fsChunks: fs, fsChunksUp: fsUp, fsChunksDown: fs - fsUp, inputs };
}

/**
 * Fluent Bit's filter counters (`flb_filter_do`): the `before` records in, the `bytes` of what a
 * filter that changed them gave back, and the records (and bytes) it added or dropped.
 */
export function countFilter(f: FilterSlot, before: number, input: readonly LogEvent[], output: readonly LogEvent[]): void {
  const after = output.length;
  f.counters.add('records', before);
  const outBytes = output === input ? 0 : eventsSize(output);
  f.counters.add('bytes', outBytes);
  if (after < before) {
    f.counters.add('drop_records', before - after);
    f.counters.add('drop_bytes', Math.max(0, eventsSize(input) - outBytes));
  } else if (after > before) f.counters.add('add_records', after - before);
}

/** Bytes of the events' records (any too deep to measure count 0). */
function eventsSize(events: readonly LogEvent[]): number {
  let bytes = 0;
  for (const e of events) bytes += Math.max(0, eventSize(e.record));
  return bytes;
}
