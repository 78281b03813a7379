import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSize } from '../../src/engine/record-size.js';
import { capture, planFrom } from '../support/pipeline.js';

const CONFIG =
  '[SERVICE]\n    Flush 0.02\n    Grace 1\n\n' +
  '[INPUT]\n    Name lib\n    Tag app\n\n' +
  '[FILTER]\n    Name grep\n    Match app\n    Exclude drop yes\n\n' +
  '[OUTPUT]\n    Name lib\n    Match app\n    Alias sink\n';

describe('filter counters (fluentbit_filter_*_total)', () => {
  it('records in, records and bytes dropped, and the bytes of what the filter gave back add up', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ n: fc.nat(), drop: fc.constantFrom('yes', 'no'), s: fc.string({ maxLength: 30 }) }), { minLength: 1, maxLength: 20 }), async (records) => {
        const run = capture(planFrom(CONFIG));
        await run.pipeline.start();
        try {
          run.pipeline.push(records);
          const deadline = Date.now() + 10_000;
          while (run.records().length + records.filter((r) => r.drop === 'yes').length < records.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
          const grep = run.pipeline.metrics().filter['grep.0']!.counters;
          const kept = records.filter((r) => r.drop !== 'yes');
          const size = (list: typeof records) => list.reduce((n, r) => n + eventSize(r), 0);
          const dropped = records.length - kept.length;
          expect(grep['records']).toBe(records.length);
          expect(grep['drop_records'] ?? 0).toBe(dropped);
          expect(grep['add_records'] ?? 0).toBe(0);
          // Fluent Bit counts bytes only for a filter that changed the records (grep with nothing to drop does not).
          expect(grep['bytes']).toBe(dropped > 0 ? size(kept) : 0);
          expect(grep['drop_bytes'] ?? 0).toBe(dropped > 0 ? size(records) - size(kept) : 0);
        } finally {
          await run.pipeline.stop(0);
        }
      }),
      { numRuns: 15 },
    );
  });
});
