import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Makes a directory refuse unlink, rename and create while files in it stay writable: `chattr +i`
 * as root (tests run as root in CI), mode 0555 otherwise. Returns the undo.
 */
export function freezeDir(dir: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', dir]);
    return () => execFileSync('chattr', ['-i', dir]);
  }
  chmodSync(dir, 0o555);
  return () => chmodSync(dir, 0o755);
}

/** Whether `freezeDir` works here (chattr needs a filesystem with attributes, such as ext4). */
export const canFreezeDirs: boolean = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-freeze-'));
  try {
    freezeDir(dir)();
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();
