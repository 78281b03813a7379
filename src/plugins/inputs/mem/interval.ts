/**
 * The collection interval in_mem_init uses: interval_sec 0 or below becomes 1 and interval_nsec 0
 * or below becomes 0, each on its own (mem.c), so `interval_sec 0` with `interval_nsec 500000000`
 * collects every 1.5 s, unlike the cpu input.
 */
export function memInterval(sec: number, nsec: number): { sec: number; nsec: number } {
  return { sec: sec <= 0 ? 1 : sec, nsec: nsec <= 0 ? 0 : nsec };
}
