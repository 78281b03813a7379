/**
 * FlushResult `wait` (an output keeping order, like cloudwatch_logs per log stream): a chunk that
 * must go after an earlier one is no failed attempt. It is not counted in the retry metrics nor
 * against Retry_Limit, has no backoff, and is flushed again as soon as the earlier chunk moves on,
 * whatever the number of workers and however the answers interleave (no lost wake-up).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { defineOutput } from '../../src/options/define.js';
import { registerPlugin } from '../../src/plugins/registry.js';
import { capture, planFrom } from '../support/pipeline.js';

const RUNS = Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 40);

/** What the test output is told to answer, per flush call, and what it answered. */
interface Script {
  /** Per flush call: fail it (retry) when true; calls past the end do not fail. */
  failures: boolean[];
  /** Per flush call: how many event-loop turns the answer takes (interleaves the workers). */
  turns: number[];
  calls: number;
  delivered: number[];
  retries: number;
  retriedRecords: number;
  waits: number;
}

/** The script of the pipeline created next. */
let current: Script = newScript([false], [0]);

function newScript(failures: boolean[], turns: number[]): Script {
  return { failures, turns, calls: 0, delivered: [], retries: 0, retriedRecords: 0, waits: 0 };
}

/**
 * Delivers chunks of records `{ n }` in order: while a chunk with smaller n is neither delivered
 * nor forgotten by the engine (dropped), a chunk answers `wait`.
 */
const unregister = registerPlugin(
  defineOutput({
    name: 'in_order_only',
    description: 'test output: delivers chunks in the order of their records only, fails some attempts',
    options: {},
    create: () => {
      const script = current;
      /** Chunks seen and not finished: id -> their first n. */
      const open = new Map<string, number>();
      return {
        flush: async (batch) => {
          const call = script.calls++;
          const first = batch.events[0]!.record['n'] as number;
          open.set(batch.id!, first);
          // Decided first, answered later (cloudwatch_logs sends other streams in between): the
          // earlier chunk may end meanwhile, and the engine must not lose that wake-up.
          const blocked = [...open.values()].some((n) => n < first);
          for (let i = script.turns[call % script.turns.length] ?? 0; i > 0; i--) await new Promise((r) => setImmediate(r));
          if (blocked) {
            script.waits++;
            return { status: 'wait', reason: `records before ${first} first` };
          }
          if (script.failures[call] === true) {
            script.retries++;
            script.retriedRecords += batch.events.length;
            return { status: 'retry', reason: 'scripted failure' };
          }
          for (const e of batch.events) script.delivered.push(e.record['n'] as number);
          open.delete(batch.id!);
          return { status: 'ok' };
        },
        forget: (id) => void open.delete(id),
      };
    },
  }),
);
afterAll(() => unregister());

const conf = (workers: number, retryLimit: string) =>
  planFrom(`[SERVICE]\n    Flush 60\n    Grace 5\n\n[INPUT]\n    Name lib\n    Tag t\n\n[OUTPUT]\n    Name in_order_only\n    Match t\n    workers ${workers}\n    Retry_Limit ${retryLimit}\n`);

async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
}

describe('FlushResult wait', () => {
  it('waits are neither retries nor attempts: every chunk is delivered once, in order, with no wake-up lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 10 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('no_limits', '2'),
        async (workers, chunkSizes, fails, turns, retryLimit) => {
          // With Retry_Limit 2 no chunk may fail 3 times: none fails then.
          const failures = retryLimit === 'no_limits' ? fails : fails.map(() => false);
          const script = (current = newScript(failures, turns));
          const run = capture(conf(workers, retryLimit), { retryDelayMs: () => 1 });
          await run.pipeline.start();
          let total = 0;
          for (const size of chunkSizes) {
            run.pipeline.push(Array.from({ length: size }, () => ({ n: total++ })));
            run.pipeline.flush();
          }
          await until(() => script.delivered.length === total, 5000);
          const out = run.pipeline.metrics().output['in_order_only.0']!;
          await run.pipeline.stop(0);
          expect(script.delivered).toEqual(Array.from({ length: total }, (_, i) => i));
          expect(out.counters['retries'] ?? 0).toBe(script.retries);
          expect(out.counters['retried_records'] ?? 0).toBe(script.retriedRecords);
          expect(out.counters['retries_failed'] ?? 0).toBe(0);
          expect(out.counters['proc_records']).toBe(total);
          expect(out.dropped).toEqual({});
        },
      ),
      { numRuns: RUNS },
    );
  }, 60_000);

  it('a chunk waiting behind one that runs out of retries goes on once that one is dropped', async () => {
    const script = (current = newScript([true, false], [2, 0]));
    // Chunk n=0 fails (late, two turns) and, with Retry_Limit no_retries, is dropped; chunk n=1 waits for it until then.
    const run = capture(conf(2, 'no_retries'), { retryDelayMs: () => 1 });
    await run.pipeline.start();
    run.pipeline.push([{ n: 0 }]);
    run.pipeline.flush();
    run.pipeline.push([{ n: 1 }]);
    run.pipeline.flush();
    await until(() => run.pipeline.metrics().buffered_records === 0, 5000);
    const out = run.pipeline.metrics().output['in_order_only.0']!;
    await run.pipeline.stop(0);
    expect(out.dropped).toEqual({ 'retries exhausted: scripted failure': 1 });
    expect(out.counters['retries'] ?? 0).toBe(0);
    expect(script.delivered).toEqual([1]);
    expect(script.waits).toBeGreaterThan(0);
  });
});
