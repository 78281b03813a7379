import { describe, expect, it } from 'vitest';
import {
  countCpus,
  parseProcessTimes,
  parseProcStat,
  processRecord,
  systemRecord,
  type CpuTimes,
} from '../../../../src/plugins/inputs/cpu/cpu-stats.js';
import { cpuInterval } from '../../../../src/plugins/inputs/cpu/interval.js';
import { procStat } from './harness.js';

const times = (user: number, nice: number, system: number, idle = 0, iowait = 0): CpuTimes => ({ user, nice, system, idle, iowait });

describe('cpu input arithmetic (plugins/in_cpu/cpu.c, cpu.h)', () => {
  it('reads the total line and one line per online CPU, as proc_cpu_load does', () => {
    const text = procStat([100, 0, 50, 900, 3], [[60, 0, 30, 400, 1], [40, 0, 20, 500, 2]]);
    expect(countCpus(text)).toBe(2);
    expect(parseProcStat(text, 2)).toEqual([times(100, 0, 50, 900, 3), times(60, 0, 30, 400, 1), times(40, 0, 20, 500, 2)]);
    // A real line has ten counters after the name; in_cpu reads the first five.
    expect(parseProcStat('cpu  2146753 25918 264380 1537742 4687 0 4013 71055 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n', 1)).toEqual([
      times(2146753, 25918, 264380, 1537742, 4687),
      times(1, 2, 3, 4, 5),
    ]);
  });

  it('refuses /proc/stat text it cannot read: no total line, too few counters, missing CPU lines', () => {
    expect(parseProcStat('intr 1 2 3\n', 1)).toMatch(/cpu total/);
    expect(parseProcStat('cpu  1 2 3 4\ncpu0 1 2 3 4 5\n', 1)).toMatch(/five CPU times/);
    expect(parseProcStat('cpu  1 2 3 4 5\ncpu0 1 2 3 4\n', 1)).toMatch(/line 2/);
    expect(parseProcStat('cpu  1 2 3 4 5\ncpu0 1 2 3 4 5\n', 2)).toMatch(/fewer than the 3 cpu lines/);
  });

  it('cpu_p/user_p/system_p are shares of the whole machine; cpuN.p_* of one CPU (user counts nice, cpu is user + nice + system)', () => {
    const pre = [times(100, 0, 50), times(50, 0, 25), times(50, 0, 25)];
    const now = [times(200, 20, 90), times(110, 10, 45), times(90, 10, 45)];
    const r = systemRecord(pre, now, { ticks: 100, cpus: 2, seconds: 1 });
    expect(Object.keys(r)).toEqual(['cpu_p', 'user_p', 'system_p', 'cpu0.p_cpu', 'cpu0.p_user', 'cpu0.p_system', 'cpu1.p_cpu', 'cpu1.p_user', 'cpu1.p_system']);
    // Total: 160 ticks of 2 CPUs in 1 s = 80 %; user 120 -> 60 %, system 40 -> 20 %.
    expect(r).toEqual({
      cpu_p: 80,
      user_p: 60,
      system_p: 20,
      'cpu0.p_cpu': 90,
      'cpu0.p_user': 70,
      'cpu0.p_system': 20,
      'cpu1.p_cpu': 70,
      'cpu1.p_user': 50,
      'cpu1.p_system': 20,
    });
  });

  it('divides by the configured interval (interval_sec + 1e-9 * interval_nsec), not by the time that passed', () => {
    const pre = [times(0, 0, 0), times(0, 0, 0)];
    const now = [times(30, 0, 15), times(30, 0, 15)];
    expect(systemRecord(pre, now, { ticks: 100, cpus: 1, seconds: 0.5 })).toEqual({
      cpu_p: 90,
      user_p: 60,
      system_p: 30,
      'cpu0.p_cpu': 90,
      'cpu0.p_user': 60,
      'cpu0.p_system': 30,
    });
    // Unchanged counters give exactly 0 (the pre == now shortcut of the macros).
    expect(systemRecord(now, now, { ticks: 100, cpus: 1, seconds: 1 }).cpu_p).toBe(0);
  });

  it('keeps per-CPU keys to 15 characters, as IN_CPU_KEY_LEN (16 bytes with the NUL) cuts them', () => {
    const n = 1001;
    const zero = Array.from({ length: n + 1 }, () => times(0, 0, 0));
    const r = systemRecord(zero, zero, { ticks: 100, cpus: n, seconds: 1 });
    expect(Object.keys(r).slice(-3)).toEqual(['cpu1000.p_cpu', 'cpu1000.p_user', 'cpu1000.p_syste']);
    expect(Object.keys(r)).toContain('cpu999.p_system');
  });

  it('a process: utime and stime of /proc/<pid>/stat, every value a share of the whole machine', () => {
    const stat = (utime: number, stime: number) =>
      `4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 12345 1000000 250 18446744073709551615\n`;
    const pre = parseProcessTimes(stat(100, 20));
    const now = parseProcessTimes(stat(160, 60));
    expect(pre).toEqual({ user: 100, system: 20 });
    if (typeof pre === 'string' || typeof now === 'string') throw new Error('unreadable');
    expect(processRecord(pre, now, { ticks: 100, cpus: 4, seconds: 1 })).toEqual({ cpu_p: 25, user_p: 15, system_p: 10 });
    expect(parseProcessTimes('garbage')).toMatch(/command name/);
    expect(parseProcessTimes('1 (x) S 1 2')).toMatch(/utime/);
  });

  it('interval: both interval_sec and interval_nsec 0 or below fall back to 1 s; otherwise taken as set', () => {
    expect(cpuInterval(0, 0)).toEqual({ sec: 1, nsec: 0 });
    expect(cpuInterval(-1, 0)).toEqual({ sec: 1, nsec: 0 });
    expect(cpuInterval(0, 250_000_000)).toEqual({ sec: 0, nsec: 250_000_000 });
    expect(cpuInterval(5, 0)).toEqual({ sec: 5, nsec: 0 });
  });
});
