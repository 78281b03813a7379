import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { checkTimerInterval } from '../shared/interval-check.js';
import { cpuInterval } from './interval.js';

/** `cpu`: CPU usage of the machine or of one process, from /proc (Fluent Bit `in_cpu`, Linux only). */
export default defineInput({
  name: 'cpu',
  description: 'CPU usage of the host, per CPU, or of one process (Linux /proc)',
  options: {
    pid: opt.int({ default: '-1', doc: 'Measure only this process (/proc/<pid>/stat); -1 measures the whole host' }),
    interval_sec: opt.int({ default: '1', doc: 'Seconds between readings (with interval_nsec; both 0 or below means 1 s)' }),
    interval_nsec: opt.int({ default: '0', doc: 'Nanoseconds added to interval_sec between readings' }),
  },
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./cpu-input.js')).CpuInput(options, ctx),
  check(o, ctx) {
    if (o.pid === 0) {
      ctx.report('invalid-value', 'PID 0 is no process: Fluent Bit reads /proc/0/stat on every tick, fails and emits nothing', {
        key: 'pid',
        severity: 'warning',
        hint: 'leave PID unset (-1) to measure the whole host, or give a process id',
      });
    }
    checkTimerInterval(cpuInterval(o.interval_sec, o.interval_nsec), ctx);
  },
});
