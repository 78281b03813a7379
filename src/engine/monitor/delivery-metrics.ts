/**
 * What Fluent Bit measures when an output has delivered a chunk (`flb_engine.c`, FLB_OK): records
 * and bytes per input and output pair (`fluentbit_routing_logs_records_total`/`_bytes_total`) and
 * the time from the chunk's creation to that delivery (`fluentbit_output_latency_seconds`, with
 * Fluent Bit's buckets). The pipeline stamps each chunk it creates (`born`) and reports each
 * delivery (`delivered`); a chunk read back from disk at start has no creation time here, so its
 * delivery counts for the routes but not for the latency.
 */
import type { HistogramSample, MetricFamily, Sample } from './cmetrics.js';

/** Fluent Bit's `output_latency_buckets` (seconds). */
export const LATENCY_BUCKETS: readonly number[] = [0.5, 1.0, 1.5, 2.5, 5.0, 10.0, 20.0, 30.0];

/** Totals of one input and output pair. */
export interface RouteTotals {
  readonly input: string;
  readonly output: string;
  readonly records: number;
  readonly bytes: number;
  /** Observations at or below each of LATENCY_BUCKETS (not cumulative), their sum and count. */
  readonly latency: { readonly perBucket: readonly number[]; readonly sum: number; readonly count: number };
}

/** An output's free share of `storage.total_limit_size` (100 without a limit), by output name. */
export type OutputCapacity = Readonly<Record<string, number>>;

/** What `fluentbit_routing_logs_*`, `fluentbit_output_latency_seconds` and the capacity gauge read. */
export interface DeliveryStatus {
  readonly routes: readonly RouteTotals[];
  readonly outputCapacity: OutputCapacity;
}

interface Route {
  records: number;
  bytes: number;
  perBucket: number[];
  sum: number;
  count: number;
}

export class DeliveryMetrics {
  private readonly births = new WeakMap<object, number>();
  private readonly routes = new Map<string, { input: string; output: string; totals: Route }>();

  /** `now`: ms since the epoch (tests may pin it). */
  constructor(private readonly now: () => number = Date.now) {}

  /** Notes `chunk`'s creation time; returns it. */
  born<C extends object>(chunk: C): C {
    this.births.set(chunk, this.now());
    return chunk;
  }

  /** `output` delivered `records` records (`bytes` bytes) of `chunk`, which came from `input`. */
  delivered(chunk: object, input: string, output: string, records: number, bytes: number): void {
    const key = `${input}\u0000${output}`;
    let route = this.routes.get(key);
    if (!route) {
      route = { input, output, totals: { records: 0, bytes: 0, perBucket: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 } };
      this.routes.set(key, route);
    }
    const t = route.totals;
    t.records += records;
    t.bytes += bytes;
    const born = this.births.get(chunk);
    if (born === undefined) return;
    const seconds = Math.max(0, this.now() - born) / 1000;
    const bucket = LATENCY_BUCKETS.findIndex((le) => seconds <= le);
    if (bucket >= 0) t.perBucket[bucket]!++;
    t.sum += seconds;
    t.count++;
  }

  /** Every pair that delivered something, in the order they first did. */
  totals(): RouteTotals[] {
    return [...this.routes.values()].map(({ input, output, totals: t }) => ({
      input,
      output,
      records: t.records,
      bytes: t.bytes,
      latency: { perBucket: [...t.perBucket], sum: t.sum, count: t.count },
    }));
  }
}

/** Fluent Bit's `calculate_chunk_capacity_percent`: 100 without a limit, else the unused share of it. */
export function availableCapacityPercent(bufferedBytes: number, limitBytes: number): number {
  return limitBytes > 0 ? 100 * (1 - bufferedBytes / limitBytes) : 100;
}

/** The families, with Fluent Bit 4.2.8's names, help texts and labels. */
export function deliveryFamilies(status: DeliveryStatus): { routing: MetricFamily[]; output: MetricFamily[] } {
  const pair = (r: RouteTotals) => [['input', r.input], ['output', r.output]] as const;
  const routing: MetricFamily[] = [
    { name: 'fluentbit_routing_logs_records_total', help: 'Total log records routed from input to output', type: 'counter', samples: status.routes.map((r): Sample => ({ labels: pair(r), value: r.records })) },
    { name: 'fluentbit_routing_logs_bytes_total', help: 'Total bytes routed from input to output (logs)', type: 'counter', samples: status.routes.map((r): Sample => ({ labels: pair(r), value: r.bytes })) },
  ];
  const latency = status.routes.filter((r) => r.latency.count > 0).map((r): HistogramSample => {
    let cumulative = 0;
    return {
      labels: pair(r),
      buckets: LATENCY_BUCKETS.map((le, i) => [le, (cumulative += r.latency.perBucket[i]!)] as const),
      sum: r.latency.sum,
      count: r.latency.count,
    };
  });
  const output: MetricFamily[] = [
    {
      name: 'fluentbit_output_chunk_available_capacity_percent',
      help: 'Available chunk capacity (percent)',
      type: 'gauge',
      samples: Object.entries(status.outputCapacity).map(([name, value]): Sample => ({ labels: [['name', name]], value })),
    },
    { name: 'fluentbit_output_latency_seconds', help: 'End-to-end latency in seconds', type: 'histogram', samples: latency },
  ];
  return { routing, output };
}
