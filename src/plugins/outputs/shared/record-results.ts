/** Reading the per-record results of a batch call (Firehose PutRecordBatch, Kinesis PutRecords). */
import type { Logger } from '../../../engine/logger.js';
import type { Counters } from '../../../engine/metrics.js';

/** One record's result: an error code when it failed. */
export interface RecordResult {
  readonly ErrorCode?: string | undefined;
  readonly ErrorMessage?: string | undefined;
}

/**
 * Calls `accepted(j)` for each of the `count` records of the request that the service took, and
 * says how many failed, the first failure's text and every error code seen. A record without a
 * result while `failedCount` says some failed is taken as failed too.
 */
export function settleRecords(results: readonly RecordResult[], failedCount: number, count: number, accepted: (j: number) => void): { failed: number; firstError?: string; codes: Set<string> } {
  let failed = 0;
  let firstError: string | undefined;
  const codes = new Set<string>();
  for (let j = 0; j < count; j++) {
    const r = results[j];
    if (r?.ErrorCode !== undefined || (r === undefined && failedCount > 0)) {
      failed++;
      if (r?.ErrorCode !== undefined) codes.add(r.ErrorCode);
      firstError ??= r?.ErrorCode !== undefined ? `${r.ErrorCode}${r.ErrorMessage ? `: ${r.ErrorMessage}` : ''}` : 'no result';
      continue;
    }
    accepted(j);
  }
  return firstError === undefined ? { failed, codes } : { failed, firstError, codes };
}

/** What an output remembers of a chunk's records: which are settled (accepted or finally dropped). */
export interface SettledRecords {
  readonly done: Uint8Array;
  left: number;
}

/** Marks record i of a chunk as settled (once). */
export function markSettled(state: SettledRecords, i: number): void {
  if (state.done[i] === 0) {
    state.done[i] = 1;
    state.left--;
  }
}

/** Indexes of the records of a chunk not settled yet, in order. */
export function unsettled(state: SettledRecords): number[] {
  const pending: number[] = [];
  for (let i = 0; i < state.done.length; i++) if (state.done[i] === 0) pending.push(i);
  return pending;
}

/**
 * A request the service can never accept: its records are dropped, counted with the reason,
 * logged (`where`: what they were for), and settled so no retry sends them again.
 */
export function dropSettled(state: SettledRecords, indexes: readonly number[], ctx: { counters: Counters; log: Logger }, where: string, message: string): void {
  ctx.counters.drop(`error: ${message}`, indexes.length);
  ctx.log.error(`${indexes.length} records for ${where} dropped: ${message}`);
  for (const i of indexes) markSettled(state, i);
}
