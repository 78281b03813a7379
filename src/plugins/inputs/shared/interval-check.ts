import type { CheckContext } from '../../../options/define.js';

/**
 * The interval a timed collector will run with, as Fluent Bit's timer takes it (timerfd_settime:
 * seconds not negative, nanoseconds 0 to 999,999,999). Anything else is refused by the kernel and
 * the input never collects, so it is an error here.
 */
export function checkTimerInterval(interval: { sec: number; nsec: number }, ctx: CheckContext): void {
  const { sec, nsec } = interval;
  if (sec < 0) {
    ctx.report('invalid-value', `interval_sec ${sec} is negative; Fluent Bit's collector timer refuses it and the input never collects`, {
      key: 'interval_sec',
      hint: 'use 1 or more, or 0 with a positive interval_nsec',
    });
  }
  if (nsec < 0 || nsec > 999_999_999) {
    ctx.report('invalid-value', `interval_nsec ${nsec} is outside 0-999999999; Fluent Bit's collector timer refuses it and the input never collects`, {
      key: 'interval_nsec',
      hint: 'put whole seconds in interval_sec and only the fraction in interval_nsec',
    });
  }
}
