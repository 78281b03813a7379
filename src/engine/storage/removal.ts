/**
 * Removal of the files of delivered chunks. When the filesystem refuses the unlink (directory made
 * immutable or read-only while running, permissions changed), the file is emptied where that still
 * works: the next start removes an empty chunk file unread, so the chunk is not sent again. The
 * unlink is retried with backoff (1 s doubling up to 60 s) until it succeeds or the process ends.
 */
import { closeSync, constants, ftruncateSync, fsyncSync, openSync, unlinkSync } from 'node:fs';
import type { Logger } from '../logger.js';

/** The filesystem calls removal makes (a seam for tests of failures root cannot provoke). */
export interface RemovalFs {
  unlink(path: string): void;
  /** Truncates the file to zero bytes, durably. */
  empty(path: string): void;
}

export const realRemovalFs: RemovalFs = {
  unlink: (path) => unlinkSync(path),
  empty: (path) => {
    // O_NONBLOCK: a FIFO or device swapped in under the name must not block the event loop.
    const fd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      ftruncateSync(fd, 0);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

interface Waiting {
  attempt: number;
  emptied: boolean;
  timer?: NodeJS.Timeout;
}

export class ChunkRemover {
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    private readonly log: Logger | undefined,
    private readonly fs: RemovalFs = realRemovalFs,
  ) {}

  /** Removes the file now, or empties it and retries the removal later. Never throws. */
  remove(path: string): void {
    if (this.waiting.has(path)) return;
    this.attempt(path, { attempt: 0, emptied: false });
  }

  /** Files whose removal failed and is still being retried; `emptied` ones are not sent again after a restart. */
  pending(): { path: string; emptied: boolean }[] {
    return [...this.waiting].map(([path, w]) => ({ path, emptied: w.emptied }));
  }

  /** Stops retrying (shutdown); warns about files that a restart would send again. */
  close(): void {
    const full = this.pending().filter((p) => !p.emptied);
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.waiting.clear();
    if (full.length > 0) {
      this.log?.warn(`${full.length} delivered chunk file(s) could be neither removed nor emptied; the next start sends them again: ${full.map((p) => p.path).join(', ')}`);
    }
  }

  private attempt(path: string, w: Waiting): void {
    let unlinkError: NodeJS.ErrnoException;
    try {
      this.fs.unlink(path);
      this.settle(path, w);
      return;
    } catch (err) {
      unlinkError = err as NodeJS.ErrnoException;
      if (unlinkError.code === 'ENOENT') {
        this.settle(path, w);
        return;
      }
    }
    let emptyError: NodeJS.ErrnoException | undefined;
    if (!w.emptied) {
      try {
        this.fs.empty(path);
        w.emptied = true;
      } catch (err) {
        emptyError = err as NodeJS.ErrnoException;
      }
    }
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** w.attempt);
    const message =
      `cannot remove delivered chunk file ${path}: ${errorText(unlinkError)}; ` +
      (w.emptied
        ? 'emptied it, so that it is not sent again after a restart'
        : `cannot empty it either (${emptyError ? errorText(emptyError) : 'unknown error'}): a restart before the removal succeeds sends it again`) +
      `; retrying in ${delay / 1000}s`;
    if (w.attempt === 0) this.log?.error(message);
    else this.log?.debug(message);
    w.attempt++;
    w.timer = setTimeout(() => this.attempt(path, w), delay);
    w.timer.unref();
    this.waiting.set(path, w);
  }

  private settle(path: string, w: Waiting): void {
    if (w.attempt > 0) this.log?.info(`removed delivered chunk file ${path} after ${w.attempt} failed attempt(s)`);
    this.waiting.delete(path);
  }
}

/** `EPERM (operation not permitted, unlink '/x')`: the errno first, as the log reader looks for it. */
export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code} (${e.message.replace(`${e.code}: `, '')})` : e.message;
}
