/** A tail line handler's batch for tests: no events yet, records written into `records`, errors thrown. */
import type { Batch } from '../../../../src/plugins/inputs/tail/line-handlers.js';
import type { RecordWriter } from '../../../../src/record/encoded.js';

export function batch(time: bigint, records?: RecordWriter): Batch {
  return {
    events: [],
    time,
    records,
    onError: (err) => {
      throw err;
    },
  };
}
