import { expect } from 'vitest';

/**
 * After a chunk ran out of retries with part of it delivered: the service holds some of the pushed
 * records `{n}` (packed several per service record by simple_aggregation, one JSON line each), none
 * twice, and the output's metrics count exactly those as processed and exactly the rest as dropped.
 */
export function expectOnlyUndeliveredDropped(stored: readonly string[], metrics: { counters: Record<string, number> }, pushed: number): void {
  const delivered = stored.flatMap((r) => r.split('\n').filter((l) => l !== '')).map((l) => JSON.parse(l).n as number);
  expect(stored.length).toBeLessThan(delivered.length);
  expect(new Set(delivered).size).toBe(delivered.length);
  // Some records failed on every attempt and some arrived: both counts are in log events.
  expect(delivered.length).toBeGreaterThan(0);
  expect(delivered.length).toBeLessThan(pushed);
  expect(metrics.counters['proc_records']).toBe(delivered.length);
  expect(metrics.counters['dropped_records']).toBe(pushed - delivered.length);
}
