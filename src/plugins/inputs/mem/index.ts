import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { checkTimerInterval } from '../shared/interval-check.js';
import { memInterval } from './interval.js';

/** `mem`: memory and swap usage of the host, optionally one process's RSS, from /proc (Fluent Bit `in_mem`, Linux only). */
export default defineInput({
  name: 'mem',
  description: 'Memory and swap usage of the host in kB, and optionally the resident memory of one process (Linux /proc)',
  options: {
    interval_sec: opt.int({ default: '1', doc: 'Seconds between readings (0 or below means 1)' }),
    interval_nsec: opt.int({ default: '0', doc: 'Nanoseconds added to interval_sec between readings' }),
    pid: opt.int({ default: '0', doc: 'Also report the resident memory of this process (proc_bytes, proc_hr); 0 = none' }),
  },
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./mem-input.js')).MemInput(options, ctx),
  check(o, ctx) {
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
  },
});
