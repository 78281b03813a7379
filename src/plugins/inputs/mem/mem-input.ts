import { nowNanos } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import type { MemOptions } from './options.js';
import { CollectorTimer } from '../shared/collector-timer.js';
import { PROC_ROOT, pageSize, readProc } from '../shared/proc.js';
import { memRecord, parseMeminfo, parseProcessMemory, type ProcessMemory } from './mem-stats.js';
import { memInterval } from './interval.js';

/** Where the input reads the machine from (tests point it at fixed files and a fake clock). */
export interface MemEnvironment {
  readonly procRoot?: string;
  /** sysconf(_SC_PAGESIZE); read from <procRoot>/self/smaps when not given. */
  readonly pageSize?: number;
  /** Monotonic clock in nanoseconds, for the collector timer. */
  readonly clock?: () => bigint;
}

/**
 * Fluent Bit's `in_mem`: every interval, memory and swap of the host in kB; with `PID` set, that
 * process's resident memory too (proc_bytes, proc_hr). A PID that cannot be read is warned about
 * once and forgotten, as Fluent Bit does (it sets its pid back to 0).
 *
 * Fluent Bit's in_mem has no pause callback: its collector keeps running while the input is over
 * Mem_Buf_Limit and the engine refuses what it appends. Here the records of those ticks are
 * dropped and counted.
 */
export class MemInput implements InputRuntime {
  private readonly tag: string;
  private pid: number;
  private readonly root: string;
  private readonly pageSize: number | undefined;
  private pageBytes = 0;
  private readonly timer: CollectorTimer;
  private paused = false;
  private failing = false;

  constructor(
    o: MemOptions,
    private readonly ctx: InputContext,
    env: MemEnvironment = {},
  ) {
    this.tag = ctx.tag;
    this.pid = o.pid;
    this.root = env.procRoot ?? PROC_ROOT;
    this.pageSize = env.pageSize;
    const interval = memInterval(o.interval_sec, o.interval_nsec);
    this.timer = new CollectorTimer(interval.sec, interval.nsec, () => this.collect(), env.clock);
  }

  async start(): Promise<void> {
    this.pageBytes = this.pageSize ?? pageSize(this.root);
    this.timer.start();
  }

  private collect(): void {
    let proc: ProcessMemory | undefined;
    if (this.pid !== 0) {
      const r = readProc(this.root, `${this.pid}/stat`);
      const m = r.ok ? parseProcessMemory(r.text, this.pageBytes) : r.message;
      if (typeof m === 'string') {
        this.ctx.log.warn(`could not measure PID ${this.pid} (${m}); reporting host memory only from now on`);
        this.pid = 0;
      } else {
        proc = m;
      }
    }
    const info = readProc(this.root, 'meminfo');
    const mem = info.ok ? parseMeminfo(info.text) : info.message;
    if (typeof mem === 'string') {
      this.ctx.counters.add('collect_errors');
      if (this.failing) this.ctx.log.debug(mem);
      else this.ctx.log.error(mem);
      this.failing = true;
      return;
    }
    this.failing = false;
    if (this.paused) {
      this.ctx.counters.drop('input paused (mem buf overlimit): in_mem keeps collecting and the record is refused', 1);
      return;
    }
    this.ctx.emit(this.tag, [{ time: nowNanos(), record: memRecord(mem, proc) }]);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  async stop(): Promise<void> {
    this.timer.stop();
  }
}
