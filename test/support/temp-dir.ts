import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

export interface TempDir {
  /** The directory of the current test (a new one for each test). */
  readonly path: string;
  /** Writes `text` to `rel` under the directory, creating folders; returns the absolute path. */
  write(rel: string, text: string): string;
}

/** A fresh temporary directory for each test of the calling suite, removed after the test. */
export function useTempDir(prefix: string): TempDir {
  let current = '';
  beforeEach(() => {
    current = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    rmSync(current, { recursive: true, force: true });
  });
  return {
    get path() {
      return current;
    },
    write(rel, text) {
      const p = join(current, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
  };
}
