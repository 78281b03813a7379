/**
 * Change notification for followed files: one `fs.watch` per directory (inotify on Linux), shared
 * by the files in it. Events are hints only (they can be lost, merged or name the wrong file): the
 * input re-stats whatever an event points at, and polls as well.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../../../engine/logger.js';

export type WatchEvent = (dir: string, name: string | null, type: 'rename' | 'change') => void;

interface DirWatch {
  watcher: FSWatcher | undefined;
  refs: number;
}

export class DirWatcher {
  private readonly dirs = new Map<string, DirWatch>();
  private closed = false;
  /** Some directory could not be watched (or a watch failed): rely on polling. */
  degraded = false;

  constructor(
    private readonly onEvent: WatchEvent,
    private readonly log: Logger,
    private readonly enabled: boolean,
  ) {
    if (!enabled) this.degraded = true;
  }

  /** Watches a directory; `optional`: failing to (it does not exist yet) is not a reason to poll faster. */
  add(dir: string, optional = false): void {
    if (this.closed) return;
    const entry = this.dirs.get(dir);
    if (entry !== undefined) {
      entry.refs++;
      return;
    }
    const w: DirWatch = { watcher: undefined, refs: 1 };
    this.dirs.set(dir, w);
    if (!this.enabled) return;
    try {
      const watcher = watch(dir, { persistent: false, encoding: 'utf8' }, (type, name) => {
        this.onEvent(dir, name, type === 'rename' ? 'rename' : 'change');
      });
      watcher.on('error', (err) => {
        this.log.debug(`watch of ${dir} failed (${err.message}); polling instead`);
        this.degraded = true;
        watcher.close();
        if (w.watcher === watcher) w.watcher = undefined;
      });
      w.watcher = watcher;
    } catch (err) {
      if (!optional) this.degraded = true;
      this.log.debug(`cannot watch ${dir} (${(err as Error).message})${optional ? '' : '; polling instead'}`);
    }
  }

  remove(dir: string): void {
    const entry = this.dirs.get(dir);
    if (entry === undefined) return;
    if (--entry.refs > 0) return;
    entry.watcher?.close();
    this.dirs.delete(dir);
  }

  close(): void {
    this.closed = true;
    for (const entry of this.dirs.values()) entry.watcher?.close();
    this.dirs.clear();
  }
}
