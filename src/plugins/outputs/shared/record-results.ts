/** Reading the per-record results of a batch call (Firehose PutRecordBatch, Kinesis PutRecords). */

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
