import { appendFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTail, tailConfig, tempDir, waitFor } from './harness.js';

describe('tail smoke', () => {
  const t = tempDir();
  afterEach(() => t.cleanup());
  it('reads from head and follows appends', async () => {
    writeFileSync(t.path('a.log'), 'one\ntwo\n');
    const run = await startTail(tailConfig({ Path: t.path('*.log'), Read_from_Head: 'On', Refresh_Interval: '1' }));
    await waitFor(() => run.records().length === 2);
    appendFileSync(t.path('a.log'), 'three\nfou');
    await waitFor(() => run.records().length === 3);
    appendFileSync(t.path('a.log'), 'r\n');
    await waitFor(() => run.records().length === 4);
    await run.stop();
    expect(run.lines()).toEqual(['one', 'two', 'three', 'four']);
  });
});
