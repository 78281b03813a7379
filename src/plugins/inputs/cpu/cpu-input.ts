import { nowNanos } from '../../../record/event.js';
import type { InputContext, InputRuntime } from '../../../engine/plugin.js';
import type { CpuOptions } from './options.js';
import { PipelineError } from '../../../errors.js';
import { CollectorTimer } from '../shared/collector-timer.js';
import { CLOCK_TICKS, PROC_ROOT, readProc } from '../shared/proc.js';
import { countCpus, parseProcessTimes, parseProcStat, processRecord, systemRecord, type CpuScale, type CpuTimes, type ProcessTimes } from './cpu-stats.js';
import { cpuInterval } from './interval.js';

/** Where the input reads the machine from (tests point it at fixed files and a fake clock). */
export interface ProcEnvironment {
  readonly procRoot?: string;
  readonly clockTicks?: number;
  /** Monotonic clock in nanoseconds, for the collector timer. */
  readonly clock?: () => bigint;
}

/**
 * Fluent Bit's `in_cpu`: every interval, the CPU time spent since the previous reading, as
 * percentages. The first reading is taken at start and emits nothing; the first record comes at
 * the first timer expiry. Percentages are divided by the configured interval, not by the time that
 * really passed (as Fluent Bit does), so a late or early tick reads high or low.
 *
 * With `PID` set (> 0) only that process is measured (/proc/<pid>/stat utime and stime). Fluent
 * Bit's quirk for `PID 0` is kept: the start reads the whole machine, then every tick tries
 * /proc/0/stat, fails and emits nothing.
 */
export class CpuInput implements InputRuntime {
  private readonly tag: string;
  private readonly pid: number;
  private readonly root: string;
  private readonly timer: CollectorTimer;
  private readonly seconds: number;
  private readonly ticks: number;
  private scale: CpuScale | undefined;
  private cpus = 0;
  private prevSystem: CpuTimes[] | undefined;
  private prevProcess: ProcessTimes | undefined;
  private failing = false;
  private stopped = false;

  constructor(
    o: CpuOptions,
    private readonly ctx: InputContext,
    env: ProcEnvironment = {},
  ) {
    this.tag = ctx.tag;
    this.pid = o.pid;
    this.root = env.procRoot ?? PROC_ROOT;
    this.ticks = env.clockTicks ?? CLOCK_TICKS;
    const interval = cpuInterval(o.interval_sec, o.interval_nsec);
    this.seconds = interval.sec + 1e-9 * interval.nsec;
    this.timer = new CollectorTimer(interval.sec, interval.nsec, () => this.collect(), env.clock);
  }

  async start(): Promise<void> {
    const name = this.ctx.displayName;
    const stat = readProc(this.root, 'stat');
    if (!stat.ok) throw new PipelineError(`input ${name}: could not obtain CPU data: ${stat.message}`);
    this.cpus = countCpus(stat.text);
    if (this.cpus === 0) throw new PipelineError(`input ${name}: could not obtain CPU data: no cpuN lines in ${this.root}/stat`);
    this.scale = { ticks: this.ticks, cpus: this.cpus, seconds: this.seconds };
    // cb_cpu_init reads the process only for PID > 0, the machine otherwise (PID 0 included).
    if (this.pid > 0) {
      const first = this.readProcess();
      if (typeof first === 'string') throw new PipelineError(`input ${name}: could not obtain CPU data: ${first}`);
      this.prevProcess = first;
    } else {
      const first = parseProcStat(stat.text, this.cpus);
      if (typeof first === 'string') throw new PipelineError(`input ${name}: could not obtain CPU data: ${first}`);
      this.prevSystem = first;
    }
    this.timer.start();
  }

  private readProcess(): ProcessTimes | string {
    const r = readProc(this.root, `${this.pid}/stat`);
    return r.ok ? parseProcessTimes(r.text) : r.message;
  }

  private readSystem(): CpuTimes[] | string {
    const r = readProc(this.root, 'stat');
    return r.ok ? parseProcStat(r.text, this.cpus) : r.message;
  }

  /** cb_cpu_collect: PID >= 0 measures the process, anything below the machine. */
  private collect(): void {
    const scale = this.scale!;
    let record: Record<string, number>;
    if (this.pid >= 0) {
      const now = this.readProcess();
      if (typeof now === 'string') return this.failed(`error retrieving PID ${this.pid} CPU stats: ${now}`);
      // Only PID 0 (which /proc never has) gets here without an earlier process reading.
      record = processRecord(this.prevProcess ?? { user: 0, system: 0 }, now, scale);
      this.prevProcess = now;
    } else {
      const now = this.readSystem();
      // A failed reading keeps the previous one, so the next record spans two intervals (as in Fluent Bit).
      if (typeof now === 'string') return this.failed(`error retrieving overall system CPU stats: ${now}`);
      record = systemRecord(this.prevSystem!, now, scale);
      this.prevSystem = now;
    }
    if (this.failing) this.ctx.log.info('CPU stats readable again');
    this.failing = false;
    this.ctx.emit(this.tag, [{ time: nowNanos(), record }]);
  }

  /** Fluent Bit logs an error on every failed tick; here the first of a series is an error, the rest debug. */
  private failed(message: string): void {
    this.ctx.counters.add('collect_errors');
    if (this.failing) this.ctx.log.debug(message);
    else this.ctx.log.error(message);
    this.failing = true;
  }

  pause(): void {
    if (!this.stopped) this.timer.stop();
  }

  resume(): void {
    if (!this.stopped && this.scale) this.timer.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.stop();
  }
}
