/** Measuring helpers: CPU and peak memory of this process or of a child (Linux /proc). */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The 1-minute load average, recorded with every figure: the machine may be shared. */
export function load1(): number {
  return round(loadavg()[0] ?? 0, 2);
}

const TICKS = 100; // USER_HZ on Linux

/** The fields of /proc/<pid>/stat after the command name (the first one is the state, field 3). */
function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User+system CPU seconds of the reaped children of this process (cutime + cstime). */
export function childrenCpuSeconds(): number {
  try {
    const fields = statFields('self');
    return (Number(fields[13]) + Number(fields[14])) / TICKS;
  } catch {
    return Number.NaN;
  }
}

/** User+system CPU seconds of a live process, all its threads (utime + stime); NaN when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = statFields(pid);
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return Number.NaN;
  }
}

/**
 * VmHWM, VmRSS and RssAnon of a process, in kB (0 when it is gone or not Linux). RssAnon is the
 * process's own memory (heaps, stacks, buffers); the rest of VmRSS is file pages (its binary and
 * libraries) that the kernel can drop under memory pressure and read again.
 */
export function memoryKb(pid: number): { hwm: number; rss: number; anon: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM'), rss: kb('VmRSS'), anon: kb('RssAnon') };
  } catch {
    return { hwm: 0, rss: 0, anon: 0 };
  }
}

/** This process's peak RSS so far, MB. */
export function selfRssPeakMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export interface Pass<T> {
  readonly wall: number;
  readonly cpu: number;
  readonly value: T;
}

/** Runs `fn`, measuring wall and CPU seconds of this process (GC threads included). */
export function timed<T>(fn: () => T): Pass<T> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, value };
}

export async function timedAsync<T>(fn: () => Promise<T>): Promise<Pass<T>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, value };
}

/** An integer from the environment, or the default. */
export function envInt(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
