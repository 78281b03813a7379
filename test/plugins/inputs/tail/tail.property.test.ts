import { appendFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startTail, tailConfig, tempDir, waitFor } from './harness.js';

/** Fluent Bit's line rules on a whole text (Buffer_Max_Size 64, Skip_Long_Lines On). */
function expected(text: string): string[] {
  const parts = text.split('\n');
  parts.pop();
  return parts.filter((l) => Buffer.byteLength(l) <= 62).map((l) => (l.length >= 2 && l.endsWith('\r') ? l.slice(0, -1) : l));
}

const line = fc.string({ unit: fc.constantFrom('a', 'z', ' ', 'é', '€', '😀', '\r', '0'), maxLength: 70 });

describe('tail properties (through the pipeline)', () => {
  it('emits the same records however the file is written: any split points and write sizes, partial lines included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 25 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), async (ls, cuts, headStart) => {
        const t = tempDir();
        const bytes = Buffer.from(ls.join('\n') + '\n');
        const points = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        // Some bytes may already be there at start (Read_from_Head), the rest is appended in pieces.
        const first = headStart && points.length > 0 ? points.shift()! : 0;
        writeFileSync(t.path('a.log'), bytes.subarray(0, first));
        const run = await startTail(
          tailConfig({ Path: t.path('a.log'), Read_from_Head: 'On', Buffer_Chunk_Size: '32', Buffer_Max_Size: '64', Skip_Long_Lines: 'On', Refresh_Interval: '1' }),
        );
        try {
          let prev = first;
          for (const p of [...points, bytes.length]) {
            if (p <= prev) continue;
            appendFileSync(t.path('a.log'), bytes.subarray(prev, p));
            prev = p;
            await new Promise((r) => setTimeout(r, 2));
          }
          const want = expected(bytes.toString('utf8'));
          await waitFor(() => run.records().length >= want.length, 5000, `${want.length} records`);
          await new Promise((r) => setTimeout(r, 30));
          expect(run.lines()).toEqual(want);
        } finally {
          await run.stop();
          t.cleanup();
        }
      }),
      { numRuns: 12 },
    );
  }, 60_000);

  it('never fails on random bytes, with multiline, docker mode or a parser', async () => {
    const configs: Record<string, string>[] = [
      { 'multiline.parser': 'cri, docker, java', Path_Key: 'p', Offset_Key: 'o' },
      { Docker_Mode: 'On', Skip_Empty_Lines: 'On' },
      { Buffer_Chunk_Size: '16', Buffer_Max_Size: '24', Skip_Long_Lines: 'On', Key: 'msg' },
    ];
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 0, max: configs.length - 1 }), fc.array(fc.nat(), { maxLength: 5 }), async (data, which, cuts) => {
        const t = tempDir();
        writeFileSync(t.path('a.log'), '');
        const run = await startTail(tailConfig({ Path: t.path('a.log'), Read_from_Head: 'On', Refresh_Interval: '1', ...configs[which] }));
        try {
          let prev = 0;
          for (const p of [...[...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b), data.length]) {
            if (p <= prev) continue;
            appendFileSync(t.path('a.log'), data.subarray(prev, p));
            prev = p;
          }
          appendFileSync(t.path('a.log'), '\nend\n');
          await waitFor(() => run.records().some((r) => Object.values(r).some((v) => typeof v === 'string' && v.includes('end'))), 5000, 'the last line');
        } finally {
          await run.stop();
          t.cleanup();
        }
        expect(run.logged('internal error')).toBe(0);
        for (const r of run.records()) expect(typeof r).toBe('object');
      }),
      { numRuns: 15 },
    );
  }, 60_000);
});
