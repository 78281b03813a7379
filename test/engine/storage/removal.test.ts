import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/engine/logger.js';
import { ChunkRemover, type RemovalFs } from '../../../src/engine/storage/removal.js';

/** A filesystem where unlink and truncate fail with `code` until `heal()` (what root cannot provoke on a file it owns). */
function refusingFs(code: string): RemovalFs & { unlinks: number; emptied: string[]; heal(): void } {
  let broken = true;
  const fail = (call: string, path: string) => {
    throw Object.assign(new Error(`${code}: operation not permitted, ${call} '${path}'`), { code });
  };
  const fs = {
    unlinks: 0,
    emptied: [] as string[],
    heal: () => (broken = false),
    unlink(path: string) {
      fs.unlinks++;
      if (broken) fail('unlink', path);
    },
    empty(path: string) {
      if (broken) fail('open', path);
      fs.emptied.push(path);
    },
  };
  return fs;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('removal of delivered chunk files', () => {
  it('retries with backoff, logs the real errno once, and warns at shutdown when the file could not even be emptied', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const fs = refusingFs('EPERM');
    const remover = new ChunkRemover(createLogger('debug', (l) => lines.push(l)), fs);
    remover.remove('/s/tail.0/a.flb');
    expect(lines.filter((l) => l.includes('[error]'))).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot remove delivered chunk file \/s\/tail.0\/a.flb: EPERM \(operation not permitted, unlink .*cannot empty it either \(EPERM .*sends it again; retrying in 1s/);
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(2000);
    vi.advanceTimersByTime(4000);
    expect(fs.unlinks).toBe(4);
    expect(lines.at(-1)).toMatch(/\[debug\].*retrying in 8s/);
    expect(remover.pending()).toEqual([{ path: '/s/tail.0/a.flb', emptied: false }]);
    remover.close();
    expect(lines.at(-1)).toMatch(/\[ warn\] 1 delivered chunk file\(s\) could be neither removed nor emptied; the next start sends them again: \/s\/tail.0\/a.flb/);
    vi.advanceTimersByTime(60_000);
    expect(fs.unlinks).toBe(4);
  });

  it('backs off up to 60 s and stops once the removal succeeds', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const fs = refusingFs('EACCES');
    const remover = new ChunkRemover(createLogger('info', (l) => lines.push(l)), fs);
    remover.remove('/s/a.flb');
    for (const ms of [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]) vi.advanceTimersByTime(ms);
    expect(fs.unlinks).toBe(9);
    fs.heal();
    vi.advanceTimersByTime(60_000);
    expect(fs.unlinks).toBe(10);
    expect(remover.pending()).toEqual([]);
    expect(lines.at(-1)).toMatch(/removed delivered chunk file \/s\/a.flb after 9 failed attempt\(s\)/);
    vi.advanceTimersByTime(600_000);
    expect(fs.unlinks).toBe(10);
  });
});
