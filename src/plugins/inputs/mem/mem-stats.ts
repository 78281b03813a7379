/**
 * The values of Fluent Bit's `in_mem` (plugins/in_mem/mem.c and proc.c), as pure functions over
 * /proc text.
 */
import { pidStatFields, scanInteger } from '../shared/proc.js';

/** Memory and swap in kB, as mem_calc fills them. */
export interface MemInfo {
  readonly memTotal: number;
  readonly memFree: number;
  readonly swapTotal: number;
  readonly swapFree: number;
}

/**
 * Fluent Bit takes these from sysinfo(2): totalram, freeram, totalswap and freeswap, in kB. The
 * kernel fills them from the same counters as /proc/meminfo's MemTotal, MemFree (free pages, not
 * MemAvailable, whatever mem.c's comment says), SwapTotal and SwapFree, which it prints in kB: the
 * same numbers.
 */
export function parseMeminfo(text: string): MemInfo | string {
  const want: Record<string, number | undefined> = { MemTotal: undefined, MemFree: undefined, SwapTotal: undefined, SwapFree: undefined };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    if (!(key in want)) continue;
    const m = /^\s*(\d+)\s*(kB)?\s*$/.exec(line.slice(colon + 1));
    if (!m) return `/proc/meminfo: unreadable ${key} line`;
    want[key] = Number(m[1]);
  }
  const missing = Object.keys(want).filter((k) => want[k] === undefined);
  if (missing.length > 0) return `/proc/meminfo has no ${missing.join(', ')}`;
  return { memTotal: want['MemTotal']!, memFree: want['MemFree']!, swapTotal: want['SwapTotal']!, swapFree: want['SwapFree']! };
}

/** One process's resident memory, as in_mem reports it with `PID`. */
export interface ProcessMemory {
  /** rss (field 24 of /proc/<pid>/stat, in pages) times the page size. */
  readonly bytes: number;
  readonly human: string;
}

/** rss of a /proc/<pid>/stat line, in bytes; a string says why not. */
export function parseProcessMemory(text: string, pageSize: number): ProcessMemory | string {
  const f = pidStatFields(text);
  if (!f) return 'no command name in the stat line';
  const rss = scanInteger(f[21]);
  if (Number.isNaN(rss)) return 'no rss in the stat line';
  const bytes = rss * pageSize;
  return { bytes, human: humanReadableSize(bytes) };
}

const UNITS = ['b', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'] as const;

/**
 * proc.c human_readable_size: "<n> b" under 1024, else the size in the largest unit it reaches,
 * computed as a C float and printed with %.2f ("1.50M"). Ties round to even as printf does.
 */
export function humanReadableSize(size: number): string {
  let u = 1024;
  let i = 0;
  for (; i < UNITS.length; i++) {
    if (Math.trunc(size / u) === 0) break;
    u *= 1024;
  }
  if (i === 0) return `${size} ${UNITS[0]}`;
  return printf2f(Math.fround(size / (u / 1024))) + UNITS[Math.min(i, UNITS.length - 1)]!;
}

/** printf("%.2f"): like toFixed(2), except that an exact tie rounds to the even digit. */
function printf2f(x: number): string {
  const scaled = x * 100;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && Number.isInteger(scaled * 2)) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 100).toFixed(2);
  }
  return x.toFixed(2);
}

/**
 * The record of in_mem_collect: memory and swap in kB (unsigned integers), used = total - free;
 * with a measured process, proc_bytes and proc_hr after them.
 *
 * proc_hr: since Fluent Bit 2.1 the plugin packs the pointer to the human-readable text as an
 * integer (FLB_LOG_EVENT_UINT64_VALUE on a char *), so its value is a memory address. logferry
 * writes the text, as Fluent Bit did before and as the key means ("1.50M").
 */
export function memRecord(info: MemInfo, proc?: ProcessMemory): Record<string, number | string> {
  const record: Record<string, number | string> = {
    'Mem.total': info.memTotal,
    'Mem.used': info.memTotal - info.memFree,
    'Mem.free': info.memFree,
    'Swap.total': info.swapTotal,
    'Swap.used': info.swapTotal - info.swapFree,
    'Swap.free': info.swapFree,
  };
  if (proc) {
    record['proc_bytes'] = proc.bytes;
    record['proc_hr'] = proc.human;
  }
  return record;
}
