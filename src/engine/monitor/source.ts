import type { Plan } from '../../config/plan/types.js';
import type { MetricsSnapshot, StorageStatus } from '../metrics.js';
import type { DeliveryStatus } from './delivery-metrics.js';

/** What the monitoring server reads from the running pipeline (a `Pipeline` satisfies it). */
export interface MonitoredPipeline {
  readonly plan: Plan;
  /** When the pipeline started (ms since the epoch); undefined before `start()`. */
  readonly startedAt: number | undefined;
  metrics(): MetricsSnapshot;
  storageStatus(): StorageStatus;
  routingDrops(): Record<string, number>;
  /** Deliveries per input and output pair, latency, outputs' free storage share. */
  deliveryStatus(): DeliveryStatus;
}
