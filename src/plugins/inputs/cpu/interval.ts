/** Fluent Bit's in_cpu defaults (cpu.h DEFAULT_INTERVAL_SEC / DEFAULT_INTERVAL_NSEC). */
export const DEFAULT_INTERVAL = { sec: 1, nsec: 0 } as const;

/**
 * The collection interval cb_cpu_init uses: when interval_sec and interval_nsec are both 0 or
 * below, both fall back to the defaults (1 s); otherwise they are taken as set.
 */
export function cpuInterval(sec: number, nsec: number): { sec: number; nsec: number } {
  return sec <= 0 && nsec <= 0 ? { ...DEFAULT_INTERVAL } : { sec, nsec };
}
