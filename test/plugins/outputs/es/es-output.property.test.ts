import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Counters } from '../../../../src/engine/metrics.js';
import { BulkOutput } from '../../../../src/plugins/outputs/es/es-output.js';
import es from '../../../../src/plugins/outputs/es/index.js';
import { pluginArgs } from '../../../support/plugin-args.js';
import { planFrom } from '../../../support/pipeline.js';
import { bulkServer, type BulkServer, type ItemOutcome } from './bulk-server.js';

type Outcome = 'ok' | 'busy' | 'unavailable' | 'mapping';

const OUTCOMES: Record<Outcome, ItemOutcome> = {
  ok: undefined,
  busy: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } },
  unavailable: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'no primary' } },
  mapping: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad field' } },
};

let server: BulkServer;
/** The outcome of each record's n-th attempt, set per property run. */
let script: Outcome[][] = [];
const attempts = new Map<number, number>();

beforeAll(async () => {
  server = await bulkServer({
    decide: (_req, _item, source) => {
      const n = source['n'] as number;
      const k = attempts.get(n) ?? 0;
      attempts.set(n, k + 1);
      return OUTCOMES[script[n]![k] ?? 'ok'];
    },
  });
});
afterAll(() => server.close());

function output(): { out: BulkOutput; counters: Counters } {
  const plan = planFrom(`[INPUT]\n    Name lib\n[OUTPUT]\n    Name es\n    Match *\n    Port ${server.port}\n    Retry_Limit no_limits\n    Suppress_Type_Name On\n`);
  const counters = new Counters();
  const { options, ctx } = pluginArgs(es, plan.outputs[0], plan, { counters });
  return { out: new BulkOutput(options, ctx, 'es'), counters };
}

describe('es output retries (property)', () => {
  it('indexes every record once or drops it with its reason, sending again only what failed, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom<Outcome>('ok', 'busy', 'unavailable', 'mapping'), { maxLength: 4 }), { minLength: 1, maxLength: 25 }),
        async (plan) => {
          script = plan;
          attempts.clear();
          server.requests.length = 0;
          server.indexed.length = 0;
          const { out, counters } = output();
          const batch = { tag: 'app', id: 'chunk-1', events: plan.map((_, n) => ({ time: 1_700_000_000_000_000_000n, record: { n } })) };
          let result;
          for (let i = 0; i < 10; i++) {
            result = await out.flush(batch, { attempt: i + 1, retriesLeft: Number.POSITIVE_INFINITY });
            if (result.status === 'ok') break;
          }
          await out.stop();
          expect(result?.status).toBe('ok');
          // The outcome each record finally got: the first of its attempts that was not a retry.
          const final = plan.map((steps) => steps.find((s) => s === 'ok' || s === 'mapping') ?? 'ok');
          const indexed = server.indexed.map((d) => d['n'] as number);
          expect([...indexed].sort((a, b) => a - b)).toEqual(final.flatMap((f, n) => (f === 'ok' ? [n] : [])));
          expect(counters.snapshot().dropped).toEqual(final.includes('mapping') ? { 'es: mapper_parsing_exception: bad field': final.filter((f) => f === 'mapping').length } : {});
          // Each request carries, in order, only records whose earlier attempts were all retries.
          const sent = new Map<number, number>();
          for (const req of server.requests) {
            const ns = req.pairs.map((p) => p.source['n'] as number);
            expect(ns).toEqual([...ns].sort((x, y) => x - y));
            for (const n of ns) {
              const before = plan[n]!.slice(0, sent.get(n) ?? 0);
              expect(before.every((step) => step === 'busy' || step === 'unavailable')).toBe(true);
              sent.set(n, (sent.get(n) ?? 0) + 1);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
