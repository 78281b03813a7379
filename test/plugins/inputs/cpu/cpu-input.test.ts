import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../../../src/record/event.js';
import { CpuInput } from '../../../../src/plugins/inputs/cpu/cpu-input.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { fakeClock, inputContext, procStat, useFakeProc } from './harness.js';
import cpu from '../../../../src/plugins/inputs/cpu/index.js';

const proc = useFakeProc();

function cpuInput(extra = '') {
  const h = inputContext(`[INPUT]\n    Name cpu\n    Tag  host.cpu\n${extra}`, cpu);
  const input = new CpuInput(h.options, h.ctx, { procRoot: proc.path, clockTicks: 100, clock: fakeClock });
  return { ...h, input };
}

describe('cpu input on a fixed /proc (fake clock)', () => {
  it('reads a first snapshot at start and emits nothing; the first record comes at the timer expiry, measured against it', async () => {
    proc.write('stat', procStat([100, 0, 50, 1000, 0], [[60, 0, 30, 500, 0], [40, 0, 20, 500, 0]]));
    const { input, records, emitted } = cpuInput();
    await input.start();
    // The clock is at x.500 s: Fluent Bit's timer first expires at the next whole second (+ interval_sec - 1).
    proc.write('stat', procStat([200, 20, 90, 1100, 0], [[110, 10, 45, 550, 0], [90, 10, 45, 550, 0]]));
    await vi.advanceTimersByTimeAsync(499);
    expect(records()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(records()).toEqual([
      { cpu_p: 80, user_p: 60, system_p: 20, 'cpu0.p_cpu': 75, 'cpu0.p_user': 60, 'cpu0.p_system': 15, 'cpu1.p_cpu': 85, 'cpu1.p_user': 60, 'cpu1.p_system': 25 },
    ]);
    expect(emitted[0]!.tag).toBe('host.cpu');
    expect(typeof emitted[0]!.events[0]!.time).toBe('bigint');
    // Then one record per interval; nothing changed, so all zeros.
    await vi.advanceTimersByTimeAsync(1000);
    expect(records()).toHaveLength(2);
    expect(Object.values(records()[1]!).every((v) => v === 0)).toBe(true);
    await input.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(records()).toHaveLength(2);
  });

  it('interval_sec 0 with interval_nsec: collects at once (the expiry is already past), then every interval_nsec', async () => {
    proc.write('stat', procStat([0, 0, 0, 0, 0], [[0, 0, 0, 0, 0]]));
    const { input, records } = cpuInput('    Interval_Sec 0\n    Interval_NSec 250000000\n');
    await input.start();
    proc.write('stat', procStat([10, 0, 0, 0, 0], [[10, 0, 0, 0, 0]]));
    await vi.advanceTimersByTimeAsync(0);
    // 10 ticks over an interval of 0.25 s on 1 CPU: 40 %, although no time passed.
    expect(records()).toEqual([{ cpu_p: 40, user_p: 40, system_p: 0, 'cpu0.p_cpu': 40, 'cpu0.p_user': 40, 'cpu0.p_system': 0 }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(records()).toHaveLength(5);
    await input.stop();
  });

  it('a failed reading is logged, emits nothing and keeps the previous snapshot (the next record spans both intervals)', async () => {
    proc.write('stat', procStat([0, 0, 0, 0, 0], [[0, 0, 0, 0, 0]]));
    const { input, records, logs, counters } = cpuInput();
    await input.start();
    proc.write('stat', 'garbage\n');
    await vi.advanceTimersByTimeAsync(500);
    await vi.advanceTimersByTimeAsync(1000);
    expect(records()).toEqual([]);
    expect(counters.get('collect_errors')).toBe(2);
    expect(logs.filter((l) => l.includes('[error]') && l.includes('error retrieving overall system CPU stats'))).toHaveLength(1);
    proc.write('stat', procStat([50, 0, 50, 0, 0], [[50, 0, 50, 0, 0]]));
    await vi.advanceTimersByTimeAsync(1000);
    expect(records()[0]!['cpu_p']).toBe(100);
    await input.stop();
  });

  it('PID: utime/stime of that process over the whole machine, three keys only', async () => {
    proc.write('stat', procStat([0, 0, 0, 0, 0], [[0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]));
    const pidStat = (u: number, s: number) => `77 (worker) S 1 77 77 0 -1 0 0 0 0 0 ${u} ${s} 0 0 20 0 1 0 1 1 1\n`;
    proc.write('77/stat', pidStat(10, 10));
    const { input, records } = cpuInput('    PID 77\n');
    await input.start();
    proc.write('77/stat', pidStat(70, 30));
    await vi.advanceTimersByTimeAsync(500);
    expect(records()).toEqual([{ cpu_p: 40, user_p: 30, system_p: 10 }]);
    await input.stop();
  });

  it('PID of a process that does not exist: start fails (Fluent Bit: "Could not obtain CPU data")', async () => {
    proc.write('stat', procStat([0, 0, 0, 0, 0], [[0, 0, 0, 0, 0]]));
    const { input } = cpuInput('    PID 999999\n');
    await expect(input.start()).rejects.toThrow(/could not obtain CPU data: cannot read .*999999\/stat/);
  });

  it('PID 0 (Fluent Bit quirk): the start reads the machine, every tick fails on /proc/0/stat and nothing is emitted', async () => {
    proc.write('stat', procStat([0, 0, 0, 0, 0], [[0, 0, 0, 0, 0]]));
    const { input, records, counters } = cpuInput('    PID 0\n');
    await input.start();
    await vi.advanceTimersByTimeAsync(3500);
    expect(records()).toEqual([]);
    expect(counters.get('collect_errors')).toBe(4);
    await input.stop();
  });

  it('pause stops the collector (cb_cpu_pause) and resume arms it again', async () => {
    proc.write('stat', procStat([0, 0, 0, 0, 0], [[0, 0, 0, 0, 0]]));
    const { input, records } = cpuInput();
    await input.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(records()).toHaveLength(1);
    input.pause();
    await vi.advanceTimersByTimeAsync(5000);
    expect(records()).toHaveLength(1);
    input.resume();
    await vi.advanceTimersByTimeAsync(1000);
    expect(records()).toHaveLength(2);
    await input.stop();
  });
});

describe('cpu input on the real /proc, through the engine', () => {
  it('emits Fluent Bit-shaped records (cpu_p, user_p, system_p, cpuN.p_*) tagged with the input, its chunks marked as from cpu', async () => {
    vi.useRealTimers();
    const cpus = readFileSync('/proc/stat', 'latin1').split('\n').filter((l) => /^cpu\d/.test(l)).length;
    const batches: EventBatch[] = [];
    const run = capture(
      planFrom('[SERVICE]\n    Flush 0.05\n    Grace 1\n\n[INPUT]\n    Name cpu\n    Tag metrics.cpu\n    Interval_Sec 0\n    Interval_NSec 100000000\n\n[OUTPUT]\n    Name lib\n    Match metrics.*\n'),
      { receiver: (_name, batch) => void batches.push(batch) },
    );
    await run.pipeline.start();
    for (let i = 0; i < 100 && run.records().length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    await run.pipeline.stop();
    const records = run.records();
    expect(records.length).toBeGreaterThanOrEqual(3);
    const keys = ['cpu_p', 'user_p', 'system_p'];
    for (let i = 0; i < cpus; i++) keys.push(`cpu${i}.p_cpu`, `cpu${i}.p_user`, `cpu${i}.p_system`);
    for (const r of records) {
      expect(Object.keys(r)).toEqual(keys);
      for (const v of Object.values(r)) {
        expect(typeof v).toBe('number');
        expect(v as number).toBeGreaterThanOrEqual(0);
      }
      expect(r['cpu_p'] as number).toBeCloseTo((r['user_p'] as number) + (r['system_p'] as number), 6);
    }
    expect(batches.every((b) => b.tag === 'metrics.cpu' && b.inputPlugin === 'cpu')).toBe(true);
  });
});
