import type { EventBatch } from '../../../record/event.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import type { LibOptions } from './options.js';

/**
 * Hands batches to the embedding program (`onLibRecords`); `max_records` caps each chunk, the rest
 * counted as dropped. A rejection means retry, unless the error has `retryable: false` (then dropped).
 */
export class LibOutput implements OutputRuntime {
  /** Unset or 0: every record. */
  private readonly maxRecords: number | undefined;

  constructor(
    o: LibOptions,
    private readonly ctx: OutputContext,
  ) {
    this.maxRecords = o.max_records;
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    let out = batch;
    if (this.maxRecords !== undefined && this.maxRecords > 0 && batch.events.length > this.maxRecords) {
      this.ctx.counters.drop('max_records', batch.events.length - this.maxRecords);
      out = { tag: batch.tag, events: batch.events.slice(0, this.maxRecords) };
    }
    try {
      await this.ctx.host.deliverLib(this.ctx.displayName, out);
      return { status: 'ok' };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      // An error that says it cannot succeed later (DeliveryError-like `retryable: false`) drops the chunk.
      if (typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false) return { status: 'error', reason };
      return { status: 'retry', reason };
    }
  }
}
