import { describe, expect, it } from 'vitest';
import { capture, planFrom } from '../../support/pipeline.js';
import { filterSection, runFilters } from './filter-harness.js';

const ten = (from: number) => Array.from({ length: 10 }, (_, i) => ({ n: from + i }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('throttle filter', () => {
  it('drops records once the average per pane reaches Rate, counted as drop_records', async () => {
    const { records, run } = await runFilters(filterSection('throttle', ['Rate 2', 'Window 2', 'Interval 1s']), ten(0));
    expect(records).toEqual(ten(0).slice(0, 4));
    expect(run.pipeline.metrics().filter['throttle.0']?.counters['drop_records']).toBe(6);
  });

  it('the window slides one pane every Interval: a full pane blocks until it leaves the window', async () => {
    const plan = planFrom(
      '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n[INPUT]\n    Name lib\n    Tag t\n\n' +
        filterSection('throttle', ['Rate 2', 'Window 2', 'Interval 1']) +
        '[OUTPUT]\n    Name lib\n    Match *\n',
    );
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push(ten(0)); // pane 0 takes 4
    await sleep(1300);
    run.pipeline.push(ten(100)); // pane 1: the window still averages 2 per pane
    await sleep(1300);
    run.pipeline.push(ten(200)); // pane 0 again, emptied
    await run.pipeline.stop();
    expect(run.records().map((r) => r['n'])).toEqual([0, 1, 2, 3, 200, 201, 202, 203]);
  });

  it('applies to all matching tags together (one window per instance)', async () => {
    const plan = planFrom(
      '[SERVICE]\n    Flush 0.05\n    Grace 2\n\n[INPUT]\n    Name lib\n    Tag a\n\n' +
        filterSection('throttle', ['Rate 3', 'Window 5']) +
        '[OUTPUT]\n    Name lib\n    Match *\n',
    );
    const run = capture(plan);
    await run.pipeline.start();
    run.pipeline.push(Array.from({ length: 10 }, (_, i) => ({ i })), { tag: 'a' });
    run.pipeline.push(Array.from({ length: 10 }, (_, i) => ({ i })), { tag: 'b' });
    await run.pipeline.stop();
    expect(run.records()).toHaveLength(15);
  });
});
