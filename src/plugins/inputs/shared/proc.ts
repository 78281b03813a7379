/**
 * Reading Linux /proc for the cpu and mem inputs. The root is a parameter so tests can point the
 * inputs at a directory of fixed files.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';

export const PROC_ROOT = '/proc';

/** USER_HZ, the unit of /proc/stat times: sysconf(_SC_CLK_TCK) is 100 on every Linux architecture Node runs on. */
export const CLOCK_TICKS = 100;

/** A /proc file as text, or the error's message. */
export function readProc(root: string, path: string): { ok: true; text: string } | { ok: false; message: string } {
  const file = join(root, path);
  try {
    return { ok: true, text: readFileSync(file, 'latin1') };
  } catch (err) {
    return { ok: false, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

/**
 * The fields of a /proc/<pid>/stat line after the command name, so that index 0 is field 3 (state),
 * index 11 field 14 (utime), index 21 field 24 (rss). The name is found up to the last `)`, since a
 * command name may hold spaces and parentheses. undefined when the line has no `)`.
 */
export function pidStatFields(text: string): string[] | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 1).trim();
  return rest === '' ? [] : rest.split(/\s+/);
}

/** A C `%lu`/`%ld` read of a field: the leading digits (with sign), NaN when there are none. */
export function scanInteger(field: string | undefined): number {
  if (field === undefined) return Number.NaN;
  const m = /^[+-]?\d+/.exec(field);
  return m ? Number(m[0]) : Number.NaN;
}

/**
 * sysconf(_SC_PAGESIZE): the kernel page size, read from the first mapping of <root>/self/smaps
 * (KernelPageSize), 4096 when that cannot be read.
 */
export function pageSize(root: string): number {
  let fd: number | undefined;
  try {
    fd = openSync(join(root, 'self/smaps'), 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const m = /KernelPageSize:\s+(\d+) kB/.exec(buf.toString('latin1', 0, n));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // fall through to the common size
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return 4096;
}
