/**
 * The filesystem backlog: [SERVICE] storage.path is opened at start, and the chunks a previous run
 * left there form the `storage_backlog.0` source, sent before new data a few at a time
 * (storage.backlog.mem_limit), like Fluent Bit's storage_backlog input.
 */
import { join, isAbsolute } from 'node:path';
import type { ServiceOptions } from '../config/plan/types.js';
import { Chunk } from './chunk.js';
import type { ChunkBuffer } from './chunk-buffer.js';
import type { Logger } from './logger.js';
import { Counters } from './metrics.js';
import { InputSlot, type InputSlots, type PipelineChunk, type Slot } from './slots.js';
import { FsStorage } from './storage/fs-storage.js';
import { RejectedStore } from './storage/rejected.js';

/** The chunks a previous run left on disk, queued on their own source. */
export class StorageBacklog {
  /** Bytes of backlog chunks handed to outputs and not yet released. */
  private inFlight = 0;

  constructor(
    readonly slot: InputSlot,
    /** storage.backlog.mem_limit. */
    private readonly limit: number,
  ) {}

  /**
   * Hands backlog chunks to outputs, oldest first, while the bytes of those not yet released stay
   * under storage.backlog.mem_limit (always at least one).
   */
  pump(dispatch: (chunk: PipelineChunk) => void): void {
    const b = this.slot;
    while (b.ready.length > 0 && (this.inFlight === 0 || this.inFlight + b.ready[0]!.bytes <= this.limit)) {
      const chunk = b.ready.shift()!;
      this.inFlight += chunk.bytes;
      dispatch(chunk);
    }
  }

  /** A chunk of the backlog left the buffer: its bytes make room for the next ones. */
  released(chunk: PipelineChunk): void {
    if (chunk.dispatched) this.inFlight -= chunk.bytes;
  }
}

export interface OpenedStorage {
  /** storage.keep.rejected: the dead-letter directory for chunks an output dropped. */
  readonly rejected: RejectedStore | undefined;
  /** What a previous run left, when there is anything (damaged files included). */
  readonly backlog: StorageBacklog | undefined;
}

/**
 * [SERVICE] storage.path: opens the store (the buffer's, for filesystem inputs' chunks) and queues
 * what a previous run left (the backlog), whose source joins the pipeline's emitters. Undefined
 * without storage.path.
 */
export function openStorage(service: ServiceOptions, log: Logger, buffer: ChunkBuffer, slots: InputSlots): OpenedStorage | undefined {
  const root = service['storage.path'];
  if (!root) return undefined;
  const base = isAbsolute(root) ? root : join(process.cwd(), root);
  const storage = (buffer.storage = new FsStorage({
    root: base,
    sync: service['storage.sync'],
    checksum: service['storage.checksum'],
    deleteIrrecoverable: service['storage.delete_irrecoverable_chunks'],
    skipDirs: service['storage.keep.rejected'] ? [service['storage.rejected.path']] : [],
    log: log.child('storage'),
  }));
  buffer.chunksUp.limit = service['storage.max_chunks_up'] > 0 ? service['storage.max_chunks_up'] : 128;
  const rejected = service['storage.keep.rejected'] ? new RejectedStore(join(base, service['storage.rejected.path'])) : undefined;
  const { entries, problems } = storage.loadBacklog();
  const source = new InputSlot('storage_backlog.0', 0, new Counters(), log.child('storage_backlog.0'), 'storage_backlog');
  for (const p of problems) {
    if (p.damaged) source.counters.add('quarantined_chunks');
    if (p.recovered > 0) source.counters.add('recovered_records', p.recovered);
    if (p.lost > 0) source.counters.drop('damaged chunk file', p.lost);
    source.log.warn(p.message);
  }
  if (entries.length === 0 && problems.length === 0) return { rejected, backlog: undefined };
  slots.emitters.set(source.name, source);
  const backlog = new StorageBacklog(source, service['storage.backlog.mem_limit']);
  let records = 0;
  for (const e of entries) {
    const chunk = Chunk.fromDisk<InputSlot, Slot>(buffer.newId(), source, e.tag, e.file, e.records, e.bytes);
    source.ready.push(chunk);
    source.bytes += e.bytes;
    records += chunk.records;
  }
  source.counters.add('records', records);
  buffer.bufferedRecords += records;
  if (entries.length > 0) source.log.info(`${entries.length} chunk(s) with ${records} record(s) left by a previous run queued for delivery`);
  return { rejected, backlog };
}
