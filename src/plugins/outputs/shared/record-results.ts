/** Reading the per-record results of a batch call (Firehose PutRecordBatch, Kinesis PutRecords). */
import type { Logger } from '../../../engine/logger.js';
import type { Counters } from '../../../engine/metrics.js';

/** One record's result: an error code when it failed. */
export interface RecordResult {
  readonly ErrorCode?: string | undefined;
  readonly ErrorMessage?: string | undefined;
}

/** What an output remembers of a chunk's records: which are settled (accepted or finally dropped). */
export interface SettledRecords {
  readonly done: Uint8Array;
  left: number;
  /**
   * How many log events each record carries (simple_aggregation packs several into one service
   * record); one each when absent. Deliveries and drops are counted in log events.
   */
  readonly events?: Uint32Array | undefined;
}

/** Marks record i of a chunk as settled (once); returns the log events that settles (0 if it was). */
export function markSettled(state: SettledRecords, i: number): number {
  if (state.done[i] !== 0) return 0;
  state.done[i] = 1;
  state.left--;
  return state.events?.[i] ?? 1;
}

/**
 * Reads the per-record results of one request that carried records `indexes` of a chunk: the
 * records the service took are settled and their log events counted as delivered now (so a chunk
 * that later runs out of retries counts only the rest as dropped). Says how many records failed,
 * the first failure's text and every error code seen. A record without a result while
 * `failedCount` says some failed is taken as failed too.
 */
export function settleRecords(
  state: SettledRecords,
  indexes: readonly number[],
  results: readonly RecordResult[],
  failedCount: number,
  counters: Pick<Counters, 'delivered'>,
): { failed: number; firstError?: string; codes: Set<string> } {
  let failed = 0;
  let delivered = 0;
  let firstError: string | undefined;
  const codes = new Set<string>();
  for (let j = 0; j < indexes.length; j++) {
    const r = results[j];
    if (r?.ErrorCode !== undefined || (r === undefined && failedCount > 0)) {
      failed++;
      if (r?.ErrorCode !== undefined) codes.add(r.ErrorCode);
      firstError ??= r?.ErrorCode !== undefined ? `${r.ErrorCode}${r.ErrorMessage ? `: ${r.ErrorMessage}` : ''}` : 'no result';
      continue;
    }
    delivered += markSettled(state, indexes[j]!);
  }
  if (delivered > 0) counters.delivered(delivered);
  return firstError === undefined ? { failed, codes } : { failed, firstError, codes };
}

/** Indexes of the records of a chunk not settled yet, in order. */
export function unsettled(state: SettledRecords): number[] {
  const pending: number[] = [];
  for (let i = 0; i < state.done.length; i++) if (state.done[i] === 0) pending.push(i);
  return pending;
}

/**
 * A request the service can never accept: its records are dropped, their log events counted with
 * the reason, logged (`where`: what they were for), and settled so no retry sends them again.
 */
export function dropSettled(state: SettledRecords, indexes: readonly number[], ctx: { counters: Counters; log: Logger }, where: string, message: string): void {
  let events = 0;
  for (const i of indexes) events += markSettled(state, i);
  if (events === 0) return;
  ctx.counters.drop(`error: ${message}`, events);
  ctx.log.error(`${events} records for ${where} dropped: ${message}`);
}

/**
 * Whether a batch answer says no record failed: it holds `"<countKey>":0` followed by `,` or `}`
 * (the service writes its JSON without spaces; a key in a string value would have its quotes
 * escaped). Then its per-record results (500 for a full PutRecordBatch) need no parsing, as Fluent
 * Bit does not parse them (firehose_api.c looks for `"FailedPutCount":0`). Any other answer is
 * parsed and read record by record.
 */
export function noneFailed(answer: Buffer, countKey: Buffer): boolean {
  const at = answer.indexOf(countKey);
  if (at < 0) return false;
  const after = answer[at + countKey.length];
  return after === 44 || after === 125;
}

/** The text `noneFailed` looks for: `"<key>":0`. */
export function zeroCountKey(key: string): Buffer {
  return Buffer.from(`"${key}":0`, 'latin1');
}
