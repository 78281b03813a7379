/**
 * logferry's forward output into logferry's forward input: over TLS, over a Unix socket, and for
 * any batch with any combination of the output's message settings, the records arrive identical.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../src/record/event.js';
import { createLogger } from '../../../src/engine/logger.js';
import { Counters } from '../../../src/engine/metrics.js';
import type { PlanInstance } from '../../../src/config/plan/types.js';
import { pluginContext } from '../../../src/engine/plugin-context.js';
import type { OutputRuntime } from '../../../src/engine/plugin.js';
import { ForwardOutput } from '../../../src/plugins/outputs/forward/forward-output.js';
import type { ForwardOutputOptions } from '../../../src/plugins/outputs/forward/options.js';
import { planFrom } from '../../support/pipeline.js';
import { startInput, type RunningInput } from './input-harness.js';
import { LOCAL_TLS } from './wire.js';

function output(keys: Record<string, string>): OutputRuntime {
  const lines = Object.entries(keys).map(([k, v]) => `    ${k} ${v}\n`);
  const plan = planFrom(`[INPUT]\n    Name dummy\n\n[OUTPUT]\n    Name forward\n    Match *\n${lines.join('')}`);
  const instance = plan.outputs[0] as PlanInstance<'output'>;
  const ctx = pluginContext(instance, plan, { log: createLogger('off'), counters: new Counters(), host: { stdout: process.stdout, attachLibInput: () => undefined, deliverLib: () => undefined } });
  return new ForwardOutput(instance.options as unknown as ForwardOutputOptions, ctx);
}

const FIRST = { attempt: 1, retriesLeft: 1 };
const asRows = (b: EventBatch) => b.events.map((e) => [b.tag, e.time, e.record]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'logferry-forward-rt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(inputKeys: Record<string, string>, outputKeys: (i: RunningInput) => Record<string, string>, batch: EventBatch): Promise<unknown[]> {
  const i = await startInput(inputKeys);
  const o = output(outputKeys(i));
  try {
    expect(await o.flush(batch, FIRST)).toEqual({ status: 'ok' });
    await i.waitFor(batch.events.length);
    return i.emitted.flatMap((b) => asRows({ tag: b.tag, events: b.events }));
  } finally {
    await o.stop?.();
    await i.input.stop();
  }
}

const sample: EventBatch = { tag: 'rt.tag', events: [{ time: 1_700_000_000_987_654_321n, record: { message: 'round trip', n: 1.5, list: [null, true, 'x'] } }] };

describe('forward output into forward input', () => {
  it('over TLS (the output checks the certificate with tls.ca_file)', async () => {
    const { cert, key } = LOCAL_TLS;
    const got = await roundTrip(
      { tls: 'on', 'tls.verify': 'off', 'tls.crt_file': cert, 'tls.key_file': key, shared_key: 'k' },
      (i) => ({ host: 'localhost', port: String((i.where as { port: number }).port), tls: 'on', 'tls.ca_file': cert, 'tls.verify_hostname': 'on', shared_key: 'k', require_ack_response: 'on' }),
      sample,
    );
    expect(got).toEqual(asRows(sample));
  });

  it('over a Unix socket', async () => {
    const path = join(dir, 'rt.sock');
    expect(await roundTrip({ unix_path: path }, () => ({ unix_path: path }), sample)).toEqual(asRows(sample));
  });

  it('any batch, any message settings: the records arrive identical (times to the nanosecond unless Time_as_Integer)', async () => {
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const record = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), value, { maxKeys: 2 })), { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ time: fc.bigInt({ min: 0n, max: 4_294_967_295_999_999_999n }), record }), { minLength: 1, maxLength: 5 }),
        fc.record({ gzip: fc.boolean(), ack: fc.boolean(), integer: fc.boolean(), metadata: fc.boolean(), options: fc.boolean(), key: fc.boolean() }),
        async (events, s) => {
          const batch: EventBatch = { tag: 'prop.tag', events };
          const got = await roundTrip(
            s.key ? { shared_key: 'sk' } : {},
            (i) => ({
              host: '127.0.0.1',
              port: String((i.where as { port: number }).port),
              ...(s.gzip && !s.integer ? { compress: 'gzip' } : {}),
              require_ack_response: String(s.ack),
              time_as_integer: String(s.integer),
              retain_metadata_in_forward_mode: String(s.metadata),
              send_options: String(s.options),
              ...(s.key ? { shared_key: 'sk' } : {}),
            }),
            batch,
          );
          const time = (t: bigint) => (s.integer ? (t / 1_000_000_000n) * 1_000_000_000n : t);
          // -0 is sent as the integer 0 (msgpack has no negative zero integer).
          expect(got).toEqual(JSON.parse(JSON.stringify(events.map((e) => ['prop.tag', String(time(e.time)), e.record]))).map((r: [string, string, unknown]) => [r[0], BigInt(r[1]), r[2]]));
        },
      ),
      { numRuns: Number(process.env['LOGFERRY_FUZZ_RUNS'] ?? 25) },
    );
  });
});
