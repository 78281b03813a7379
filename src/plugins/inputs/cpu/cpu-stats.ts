/**
 * The arithmetic of Fluent Bit's `in_cpu` (plugins/in_cpu/cpu.c and cpu.h), as pure functions over
 * /proc text: two snapshots of CPU times in, one record out.
 */
import { pidStatFields, scanInteger } from '../shared/proc.js';

/** Times of one line of /proc/stat, in clock ticks (the fields in_cpu reads). */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
}

/** Times of one process (/proc/<pid>/stat utime and stime), in clock ticks. */
export interface ProcessTimes {
  readonly user: number;
  readonly system: number;
}

/** What the percentages are computed with (cpu.h CPU_METRIC_SYS_AVERAGE / CPU_METRIC_USAGE). */
export interface CpuScale {
  /** sysconf(_SC_CLK_TCK). */
  readonly ticks: number;
  /** sysconf(_SC_NPROCESSORS_ONLN). */
  readonly cpus: number;
  /** The configured interval in seconds (interval_sec + 1e-9 * interval_nsec), not the measured one. */
  readonly seconds: number;
}

/** Online CPUs as /proc/stat lists them: its `cpuN` lines. */
export function countCpus(procStat: string): number {
  let n = 0;
  for (const line of procStat.split('\n')) if (/^cpu\d/.test(line)) n++;
  return n;
}

/**
 * The first `cpus + 1` lines of /proc/stat: the `cpu` total, then one line per CPU in file order
 * (in_cpu names them by position, cpu0..cpuN-1, whatever number the line carries). The total must
 * have five numbers and each other line a word and five numbers (the sscanf formats of
 * proc_cpu_load); otherwise, or when lines are missing, the reading fails.
 */
export function parseProcStat(text: string, cpus: number): CpuTimes[] | string {
  const lines = text.split('\n');
  const out: CpuTimes[] = [];
  for (let i = 0; i <= cpus; i++) {
    const line = lines[i];
    if (line === undefined || line === '') return `/proc/stat has fewer than the ${cpus + 1} cpu lines expected`;
    const words = line.trim().split(/\s+/);
    if (i === 0 && words[0] !== 'cpu') return `/proc/stat does not start with the cpu total line`;
    const v = words.slice(1, 6).map(scanInteger);
    if (v.length < 5 || v.some(Number.isNaN)) return `/proc/stat line ${i + 1} does not have five CPU times`;
    out.push({ user: v[0]!, nice: v[1]!, system: v[2]!, idle: v[3]!, iowait: v[4]! });
  }
  return out;
}

/** utime and stime of a /proc/<pid>/stat line (fields 14 and 15); a string says why not. */
export function parseProcessTimes(text: string): ProcessTimes | string {
  const f = pidStatFields(text);
  if (!f) return 'no command name in the stat line';
  const user = scanInteger(f[11]);
  const system = scanInteger(f[12]);
  if (Number.isNaN(user) || Number.isNaN(system)) return 'no utime/stime in the stat line';
  return { user, system };
}

/** CPU_METRIC_SYS_AVERAGE: percent of the whole machine (every CPU), 0 to 100. */
export function systemAverage(pre: number, now: number, s: CpuScale): number {
  if (pre === now) return 0;
  const diff = Math.abs(now - pre);
  return (((diff / s.ticks) * 100) / s.cpus) / s.seconds;
}

/** CPU_METRIC_USAGE: percent of one CPU, 0 to 100. */
export function cpuUsage(pre: number, now: number, s: CpuScale): number {
  if (pre === now) return 0;
  const diff = Math.abs(now - pre);
  return ((diff * 100) / s.ticks) / s.seconds;
}

/** IN_CPU_KEY_LEN: per-CPU keys are formatted into 16 bytes, so they keep at most 15 characters. */
const KEY_MAX = 15;

/**
 * The record of cpu_collect_system: cpu_p, user_p, system_p over all CPUs (user = user + nice,
 * cpu = user + nice + system, divided by the number of CPUs), then cpuN.p_cpu, cpuN.p_user,
 * cpuN.p_system per CPU (not divided). All values are doubles.
 */
export function systemRecord(pre: readonly CpuTimes[], now: readonly CpuTimes[], s: CpuScale): Record<string, number> {
  const record: Record<string, number> = {};
  for (let i = 0; i < now.length && i < pre.length; i++) {
    const a = pre[i]!;
    const b = now[i]!;
    const f = i === 0 ? systemAverage : cpuUsage;
    const all = f(a.user + a.nice + a.system, b.user + b.nice + b.system, s);
    const user = f(a.user + a.nice, b.user + b.nice, s);
    const system = f(a.system, b.system, s);
    if (i === 0) {
      record['cpu_p'] = all;
      record['user_p'] = user;
      record['system_p'] = system;
    } else {
      record[`cpu${i - 1}.p_cpu`.slice(0, KEY_MAX)] = all;
      record[`cpu${i - 1}.p_user`.slice(0, KEY_MAX)] = user;
      record[`cpu${i - 1}.p_system`.slice(0, KEY_MAX)] = system;
    }
  }
  return record;
}

/** The record of cpu_collect_pid: one process, every value divided by the number of CPUs. */
export function processRecord(pre: ProcessTimes, now: ProcessTimes, s: CpuScale): Record<string, number> {
  return {
    cpu_p: systemAverage(pre.user + pre.system, now.user + now.system, s),
    user_p: systemAverage(pre.user, now.user, s),
    system_p: systemAverage(pre.system, now.system, s),
  };
}
