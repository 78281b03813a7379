import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import { checkTimerInterval } from '../shared/interval-check.js';
import { cpuInterval } from './interval.js';

/** The options of `cpu` (its own keys; defineInput merges the common ones). */
export const CPU_OPTIONS = {
  pid: opt.int({ default: '-1', doc: 'Measure only this process (/proc/<pid>/stat); -1 measures the whole host' }),
  interval_sec: opt.int({ default: '1', doc: 'Seconds between readings (with interval_nsec; both 0 or below means 1 s)' }),
  interval_nsec: opt.int({ default: '0', doc: 'Nanoseconds added to interval_sec between readings' }),
} as const;

/** The typed options the `cpu` runtime receives (common keys included). */
export type CpuOptions = OptionsOfTable<'input', typeof CPU_OPTIONS>;

/** Cross-key rules of `cpu` (the definition's `check`). */
export function checkCpu(o: CpuOptions, ctx: CheckContext): void {
  if (o.pid === 0) {
    ctx.report('invalid-value', 'PID 0 is no process: Fluent Bit reads /proc/0/stat on every tick, fails and emits nothing', {
      key: 'pid',
      severity: 'warning',
      hint: 'leave PID unset (-1) to measure the whole host, or give a process id',
    });
  }
  checkTimerInterval(cpuInterval(o.interval_sec, o.interval_nsec), ctx);
}

