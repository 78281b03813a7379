import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../../../src/record/event.js';
import { memInterval } from '../../../../src/plugins/inputs/mem/interval.js';
import { MemInput } from '../../../../src/plugins/inputs/mem/mem-input.js';
import { humanReadableSize, memRecord, parseMeminfo, parseProcessMemory } from '../../../../src/plugins/inputs/mem/mem-stats.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { fakeClock, inputContext, useFakeProc } from '../cpu/harness.js';
import mem from '../../../../src/plugins/inputs/mem/index.js';

const MEMINFO = `MemTotal:       24684092 kB
MemFree:        23437316 kB
MemAvailable:   24022768 kB
Buffers:            4956 kB
Cached:           599128 kB
SwapCached:            0 kB
SwapTotal:       2097148 kB
SwapFree:        2000000 kB
HugePages_Total:       0
Hugepagesize:       2048 kB
`;

const pidStat = (rss: number) => `321 (my app) S 1 321 321 0 -1 4194560 1 0 0 0 5 6 0 0 20 0 4 0 100 123456789 ${rss} 18446744073709551615 1 1 0 0 0 0 0\n`;

describe('mem input values (plugins/in_mem/mem.c, proc.c)', () => {
  it('Mem.* and Swap.* in kB from MemTotal, MemFree (not MemAvailable), SwapTotal, SwapFree; used = total - free', () => {
    const info = parseMeminfo(MEMINFO);
    expect(info).toEqual({ memTotal: 24684092, memFree: 23437316, swapTotal: 2097148, swapFree: 2000000 });
    if (typeof info === 'string') throw new Error(info);
    const r = memRecord(info);
    expect(Object.keys(r)).toEqual(['Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free']);
    expect(r).toEqual({ 'Mem.total': 24684092, 'Mem.used': 1246776, 'Mem.free': 23437316, 'Swap.total': 2097148, 'Swap.used': 97148, 'Swap.free': 2000000 });
    expect(parseMeminfo('MemTotal: 1 kB\nMemFree: 1 kB\n')).toBe('/proc/meminfo has no SwapTotal, SwapFree');
  });

  it('a process: proc_bytes = rss pages x page size, proc_hr as human_readable_size writes it', () => {
    const m = parseProcessMemory(pidStat(3000), 4096);
    expect(m).toEqual({ bytes: 12_288_000, human: '11.72M' });
    if (typeof m === 'string') throw new Error(m);
    const info = parseMeminfo(MEMINFO);
    if (typeof info === 'string') throw new Error(info);
    expect(Object.keys(memRecord(info, m)).slice(6)).toEqual(['proc_bytes', 'proc_hr']);
    expect(parseProcessMemory('321 (x) S 1', 4096)).toMatch(/rss/);
  });

  it('human_readable_size: "<n> b" below 1 KiB, else %.2f of a C float with K, M, G...; ties round to even like printf', () => {
    expect(humanReadableSize(0)).toBe('0 b');
    expect(humanReadableSize(1023)).toBe('1023 b');
    expect(humanReadableSize(1024)).toBe('1.00K');
    expect(humanReadableSize(1536)).toBe('1.50K');
    expect(humanReadableSize(1152)).toBe('1.12K'); // 1.125 exactly: printf gives 1.12, toFixed 1.13
    expect(humanReadableSize(1408)).toBe('1.38K'); // 1.375: to even, up
    expect(humanReadableSize(5 * 1024 ** 3)).toBe('5.00G');
    expect(humanReadableSize(1024 ** 2 - 1)).toBe('1024.00K');
  });

  it('interval: interval_sec 0 or below becomes 1 and interval_nsec 0 or below becomes 0, each on its own', () => {
    expect(memInterval(0, 0)).toEqual({ sec: 1, nsec: 0 });
    expect(memInterval(0, 500_000_000)).toEqual({ sec: 1, nsec: 500_000_000 });
    expect(memInterval(3, -5)).toEqual({ sec: 3, nsec: 0 });
  });
});

describe('mem input on a fixed /proc (fake clock)', () => {
  const proc = useFakeProc();

  function memInput(extra = '') {
    const h = inputContext(`[INPUT]\n    Name mem\n    Tag  host.mem\n${extra}`, mem);
    const input = new MemInput(h.options, h.ctx, { procRoot: proc.path, pageSize: 4096, clock: fakeClock });
    return { ...h, input };
  }

  it('emits nothing at start, one record per interval from the first timer expiry', async () => {
    proc.write('meminfo', MEMINFO);
    const { input, records, emitted } = memInput();
    await input.start();
    expect(records()).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(records()).toHaveLength(1);
    expect(records()[0]!['Mem.used']).toBe(1246776);
    expect(emitted[0]!.tag).toBe('host.mem');
    await vi.advanceTimersByTimeAsync(2000);
    expect(records()).toHaveLength(3);
    await input.stop();
  });

  it('PID adds proc_bytes and proc_hr; a PID that goes away is warned about once and dropped for good', async () => {
    proc.write('meminfo', MEMINFO);
    proc.write('321/stat', pidStat(256));
    const { input, records, logs } = memInput('    PID 321\n');
    await input.start();
    await vi.advanceTimersByTimeAsync(500);
    expect(records()[0]).toMatchObject({ proc_bytes: 1_048_576, proc_hr: '1.00M' });
    proc.write('321/stat', '');
    await vi.advanceTimersByTimeAsync(1000);
    proc.write('321/stat', pidStat(512));
    await vi.advanceTimersByTimeAsync(1000);
    expect(records().map((r) => 'proc_bytes' in r)).toEqual([true, false, false]);
    expect(logs.filter((l) => l.includes('could not measure PID 321'))).toHaveLength(1);
    await input.stop();
  });

  it('while paused (Mem_Buf_Limit) the collector keeps running and its records are dropped and counted, as in_mem has no pause callback', async () => {
    proc.write('meminfo', MEMINFO);
    const { input, records, counters } = memInput();
    await input.start();
    input.pause();
    await vi.advanceTimersByTimeAsync(2500);
    input.resume();
    await vi.advanceTimersByTimeAsync(1000);
    expect(records()).toHaveLength(1);
    expect(counters.get('dropped_records')).toBe(3);
    await input.stop();
  });

  it('an unreadable /proc/meminfo is an error (once per series) and no record', async () => {
    const { input, records, logs, counters } = memInput();
    await input.start();
    await vi.advanceTimersByTimeAsync(1500);
    expect(records()).toEqual([]);
    expect(counters.get('collect_errors')).toBe(2);
    expect(logs.filter((l) => l.includes('[error]'))).toHaveLength(1);
    await input.stop();
  });
});

describe('mem input on the real /proc, through the engine', () => {
  it('reports the host as /proc/meminfo does and this process (PID) with proc_bytes / proc_hr, chunks marked as from mem', async () => {
    const batches: EventBatch[] = [];
    const run = capture(
      planFrom(`[SERVICE]\n    Flush 0.05\n    Grace 1\n\n[INPUT]\n    Name mem\n    Tag metrics.mem\n    PID ${process.pid}\n\n[OUTPUT]\n    Name lib\n    Match *\n`),
      { receiver: (_name, batch) => void batches.push(batch) },
    );
    await run.pipeline.start();
    for (let i = 0; i < 100 && run.records().length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    await run.pipeline.stop();
    const [r] = run.records();
    expect(Object.keys(r!)).toEqual(['Mem.total', 'Mem.used', 'Mem.free', 'Swap.total', 'Swap.used', 'Swap.free', 'proc_bytes', 'proc_hr']);
    const total = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'latin1'))![1]);
    expect(r!['Mem.total']).toBe(total);
    expect((r!['Mem.used'] as number) + (r!['Mem.free'] as number)).toBe(total);
    expect(r!['proc_bytes'] as number).toBeGreaterThan(1_000_000);
    expect(r!['proc_hr']).toMatch(/^\d+\.\d\d[KMG]$/);
    expect(batches.every((b) => b.inputPlugin === 'mem')).toBe(true);
  });
});
