/**
 * Fluent Bit's delivery metrics: records and bytes per input and output pair, end-to-end latency
 * from a chunk's creation to its delivery, and each output's free share of
 * storage.total_limit_size, on a real pipeline and as properties of the histogram.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableCapacityPercent, deliveryFamilies, DeliveryMetrics, LATENCY_BUCKETS } from '../../../src/engine/monitor/delivery-metrics.js';
import { capture, planFrom } from '../../support/pipeline.js';
import { useTempDir } from '../../support/temp-dir.js';

const tmp = useTempDir('logferry-delivery-');

describe('delivery metrics on a pipeline', () => {
  it('count what each output delivered per input, its latency, and the free share of storage.total_limit_size', async () => {
    const limit = 10_000;
    const text =
      `[SERVICE]\n    Flush 0.05\n    Grace 1\n    storage.path ${join(tmp.path, 'buffer')}\n` +
      `[INPUT]\n    Name lib\n    Tag app\n    storage.type filesystem\n` +
      `[INPUT]\n    Name lib\n    Tag other\n` +
      `[OUTPUT]\n    Name lib\n    Match *\n    storage.total_limit_size ${limit}\n` +
      `[OUTPUT]\n    Name null\n    Match app\n`;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = capture(planFrom(text), { receiver: () => gate });
    await run.pipeline.start();
    expect(run.pipeline.deliveryStatus()).toEqual({ routes: [], outputCapacity: { 'lib.0': 100, 'null.0': 100 } });

    run.pipeline.push([{ i: 1, pad: 'x'.repeat(100) }, { i: 2 }]);
    run.pipeline.flush();
    run.pipeline.push([{ i: 3, pad: 'y'.repeat(200) }]);
    run.pipeline.flush();
    // Both chunks of lib.0 (filesystem) wait at lib.0's gate: what they hold is taken from its limit.
    const held = run.pipeline.storageStatus().inputs['lib.0']!.memBytes;
    expect(held).toBeGreaterThan(300);
    expect(run.pipeline.deliveryStatus().outputCapacity['lib.0']).toBeCloseTo(100 * (1 - held / limit), 6);

    await new Promise((r) => setTimeout(r, 30));
    release();
    await run.pipeline.stop();
    const status = run.pipeline.deliveryStatus();
    expect(status.outputCapacity['lib.0']).toBe(100);
    const byPair = new Map(status.routes.map((r) => [`${r.input}>${r.output}`, r]));
    expect([...byPair.keys()].sort()).toEqual(['lib.0>lib.0', 'lib.0>null.0']);
    for (const route of byPair.values()) {
      expect(route.records).toBe(3);
      expect(route.bytes).toBe(held);
      expect(route.latency.count).toBe(2);
    }
    // lib.0's chunks were created before the 30 ms wait at its gate and delivered after it.
    expect(byPair.get('lib.0>lib.0')!.latency.sum).toBeGreaterThan(0.05);
    // The same totals as the outputs' own counters.
    expect(run.pipeline.metrics().output['lib.0']!.counters['proc_records']).toBe(3);
    expect(run.pipeline.metrics().output['lib.0']!.counters['proc_bytes']).toBe(held);
  });
});

describe('DeliveryMetrics', () => {
  it('puts each latency in the first bucket at or above it; the histogram is cumulative and sums them', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40_000 }), { maxLength: 50 }), (latenciesMs) => {
        let now = 0;
        const metrics = new DeliveryMetrics(() => now);
        for (const ms of latenciesMs) {
          const chunk = metrics.born({});
          now += ms;
          metrics.delivered(chunk, 'in', 'out', 1, 10);
        }
        const routes = metrics.totals();
        expect(routes).toHaveLength(latenciesMs.length === 0 ? 0 : 1);
        if (latenciesMs.length === 0) return;
        const [family] = deliveryFamilies({ routes, outputCapacity: {} }).output.filter((f) => f.name === 'fluentbit_output_latency_seconds');
        const sample = family!.samples[0]! as { buckets: readonly (readonly [number, number])[]; sum: number; count: number };
        expect(sample.count).toBe(latenciesMs.length);
        expect(sample.sum).toBeCloseTo(latenciesMs.reduce((a, b) => a + b, 0) / 1000, 6);
        expect(sample.buckets.map(([le]) => le)).toEqual(LATENCY_BUCKETS);
        for (const [le, n] of sample.buckets) expect(n).toBe(latenciesMs.filter((ms) => ms / 1000 <= le).length);
        expect(routes[0]).toMatchObject({ records: latenciesMs.length, bytes: 10 * latenciesMs.length });
      }),
    );
  });

  it('counts a chunk it never saw created for the route, not for the latency (a backlog chunk from disk)', () => {
    const metrics = new DeliveryMetrics();
    metrics.delivered({}, 'storage_backlog.0', 'es.0', 5, 500);
    expect(metrics.totals()).toEqual([{ input: 'storage_backlog.0', output: 'es.0', records: 5, bytes: 500, latency: { perBucket: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 } }]);
    expect(deliveryFamilies({ routes: metrics.totals(), outputCapacity: {} }).output[1]!.samples).toEqual([]);
  });

  it('capacity is 100 without a limit, else the unused share of it', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1 }), (used, limit) => {
        expect(availableCapacityPercent(used, 0)).toBe(100);
        const expected = 100 - (100 * used) / limit;
        expect(Math.abs(availableCapacityPercent(used, limit) - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }),
    );
  });
});
