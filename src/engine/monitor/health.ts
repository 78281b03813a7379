/**
 * Fluent Bit's health check (`api/v1/health.c`): every second the summed output `errors` and
 * `retries_failed` are sampled into a window of `HC_Period` samples; the agent is unhealthy when,
 * since the oldest sample, errors rose by more than `HC_Errors_Count` or failed retries by more
 * than `HC_Retry_Failure_Count`. With no sample yet it is healthy.
 */
import type { MetricsSnapshot } from '../metrics.js';

export interface HealthTotals {
  readonly errors: number;
  readonly retriesFailed: number;
}

export interface HealthLimits {
  readonly errors: number;
  readonly retriesFailed: number;
  /** Samples kept (one a second): `HC_Period`. */
  readonly period: number;
}

export interface HealthState extends HealthTotals {
  readonly healthy: boolean;
}

/** Output `errors` and `retries_failed` summed over every output. */
export function outputTotals(snapshot: MetricsSnapshot): HealthTotals {
  let errors = 0;
  let retriesFailed = 0;
  for (const { counters } of Object.values(snapshot.output)) {
    errors += counters['errors'] ?? 0;
    retriesFailed += counters['retries_failed'] ?? 0;
  }
  return { errors, retriesFailed };
}

/** The ring of per-second samples. */
export class HealthWindow {
  private samples: HealthTotals[] = [];

  /** Adds a sample, dropping the oldest ones beyond `period`. */
  sample(totals: HealthTotals, period: number): void {
    this.samples.push(totals);
    const keep = Math.max(1, period);
    if (this.samples.length > keep) this.samples.splice(0, this.samples.length - keep);
  }

  /** Forgets every sample (the pipeline was replaced: its counters start again at 0). */
  reset(): void {
    this.samples = [];
  }

  get size(): number {
    return this.samples.length;
  }

  /** The state given the current totals (Fluent Bit uses the newest sample; logferry the live counters). */
  state(current: HealthTotals, limits: HealthLimits): HealthState {
    const oldest = this.samples[0];
    if (!oldest) return { healthy: true, errors: 0, retriesFailed: 0 };
    const errors = current.errors - oldest.errors;
    const retriesFailed = current.retriesFailed - oldest.retriesFailed;
    return { healthy: !(errors > limits.errors || retriesFailed > limits.retriesFailed), errors, retriesFailed };
  }
}
