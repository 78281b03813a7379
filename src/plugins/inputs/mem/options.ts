import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { checkTimerInterval } from '../shared/interval-check.js';
import { memInterval } from './interval.js';

/** The options of `mem` (its own keys; defineInput merges the common ones). */
export const MEM_OPTIONS = {
  interval_sec: opt.int({ default: '1', doc: 'Seconds between readings (0 or below means 1)' }),
  interval_nsec: opt.int({ default: '0', doc: 'Nanoseconds added to interval_sec between readings' }),
  pid: opt.int({ default: '0', doc: 'Also report the resident memory of this process (proc_bytes, proc_hr); 0 = none' }),
} as const;

/** The typed options the `mem` runtime receives (common keys included). */
export type MemOptions = OptionsOfTable<'input', typeof MEM_OPTIONS>;

/** Cross-key rules of `mem` (the definition's `check`). */
export function checkMem(o: MemOptions, ctx: CheckContext): void {
  if (o.interval_sec <= 0 && o.interval_nsec > 0) {
    ctx.report('invalid-value', `interval_sec ${o.interval_sec} becomes 1 in Fluent Bit's mem input, so readings come every ${1 + o.interval_nsec / 1e9} s`, {
      key: 'interval_sec',
      severity: 'warning',
      hint: 'the mem input cannot collect more often than once a second',
    });
  }
  if (o.pid < 0) {
    ctx.report('invalid-value', `PID ${o.pid} is no process: Fluent Bit warns on the first reading and reports host memory only`, { key: 'pid', severity: 'warning' });
  }
  checkTimerInterval(memInterval(o.interval_sec, o.interval_nsec), ctx);
}

