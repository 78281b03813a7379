/**
 * A writer appending every few milliseconds: the change events of one CHANGE_READ_GAP_MS window
 * share one read (one batch), and every line still arrives, the last one included.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import tail from '../../../../src/plugins/inputs/tail/index.js';
import { CHANGE_READ_GAP_MS, TailInput } from '../../../../src/plugins/inputs/tail/tail-input.js';
import { inputContext } from '../cpu/harness.js';
import { tempDir, waitFor } from './harness.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => void (dir = tempDir('tail-change-')));
afterEach(() => dir.cleanup());

describe('tail: change events while a file is written', () => {
  it('appends every 5 ms are read in batches of at least one window, none lost', async () => {
    const file = dir.path('a.log');
    writeFileSync(file, '');
    const h = inputContext(`[INPUT]\n    Name tail\n    Tag t\n    Path ${file}\n`, tail);
    const input = new TailInput(h.options, h.ctx);
    await input.start();
    const writes = 100;
    const t0 = performance.now();
    for (let i = 0; i < writes; i++) {
      appendFileSync(file, `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => h.records().length === writes, 10_000, 'every line');
    const elapsed = performance.now() - t0;
    await input.stop();
    expect(h.records().map((r) => r['log'])).toEqual(Array.from({ length: writes }, (_, i) => `line ${i}`));
    // One read per window (the first event reads at once), a few more from Progress_Check_Interval's polls.
    expect(h.emitted.length).toBeLessThanOrEqual(Math.ceil(elapsed / CHANGE_READ_GAP_MS) + 4);
  });
});
