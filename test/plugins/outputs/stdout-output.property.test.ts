import fc from 'fast-check';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { capture, planFrom } from '../../support/pipeline.js';

const PLAN = '[SERVICE]\n    Flush 0.01\n    Grace 0\n[INPUT]\n    Name lib\n    Tag t\n[OUTPUT]\n    Name stdout\n    Match *\n    Format json_lines\n    json_date_key false\n';

describe('stdout at shutdown', () => {
  it('writes every record once, in order, before stop() resolves, whatever the reader pace and Grace', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 8 }),
        async (batchSizes, delays) => {
          // A reader that takes each write after its own delay (ms): the output waits for it (drain).
          const printed: string[] = [];
          let writes = 0;
          const reader = new Writable({
            highWaterMark: 16,
            write(chunk: Buffer, _enc, done) {
              printed.push(chunk.toString());
              setTimeout(done, delays[writes++ % delays.length]);
            },
          });
          const run = capture(planFrom(PLAN), { stdout: reader });
          await run.pipeline.start();
          let n = 0;
          for (const size of batchSizes) {
            run.pipeline.push(Array.from({ length: size }, () => ({ n: n++ })));
            await new Promise((r) => setTimeout(r, 5));
          }
          await run.pipeline.stop();
          const got = printed.join('').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { n: number }).n);
          expect(got).toEqual([...Array(n).keys()]);
          expect(run.pipeline.metrics().output['stdout.0']?.dropped).toEqual({});
        },
      ),
      { numRuns: 10 },
    );
  });
});
