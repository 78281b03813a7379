/**
 * Where the config loader reads files: the disk, or an in-memory set of files (the data keys of a
 * Kubernetes ConfigMap, which a pod sees as files of one directory).
 */
import { statSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import fg from 'fast-glob';
import { checkText, DEFAULT_READ_LIMITS, readBounded, type ReadLimits } from './read-text.js';

export interface FileStat {
  /** Identifies the file whatever path reaches it (device and inode on disk). */
  readonly id: string;
  readonly directory: boolean;
}

export interface FileSource {
  /** Undefined when nothing is at the absolute path. */
  stat(abs: string): FileStat | undefined;
  /**
   * The text of a file, within `limits`; throws a ConfigReadError for what the limits refuse and a
   * NodeJS.ErrnoException-like error when it cannot be read.
   */
  read(abs: string, limits?: ReadLimits): string;
  /** Absolute paths of the files matching `pattern` (absolute, or relative to `base`), sorted. */
  glob(base: string, pattern: string): string[];
}

export const DISK_FILES: FileSource = {
  stat(abs) {
    try {
      const st = statSync(abs);
      return { id: `${st.dev}:${st.ino}`, directory: st.isDirectory() };
    } catch {
      return undefined;
    }
  },
  read: (abs, limits = DEFAULT_READ_LIMITS) => readBounded(abs, limits),
  glob(base, pattern) {
    const full = isAbsolute(pattern) ? pattern : `${fg.escapePath(base.split('\\').join('/'))}/${pattern}`;
    // glob(3) as Fluent Bit calls it (no GLOB_BRACE): braces and extglob groups are plain characters.
    return fg.sync(full, { onlyFiles: true, dot: true, absolute: true, braceExpansion: false, extglob: false }).sort();
  },
};

/** glob(3) as Fluent Bit calls it: `*` and `?` within one path segment, `[...]` classes. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const close = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
      re += `[${body}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|[\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Files held in memory, by absolute path; nothing else exists (a path outside the set is not
 * found, as a file missing from the pod would be). Directories are the parents of the files.
 */
export function memoryFiles(files: ReadonlyMap<string, string>): FileSource {
  const dirs = new Set<string>();
  for (const abs of files.keys()) for (let d = posix.dirname(abs); !dirs.has(d) && d !== posix.dirname(d); d = posix.dirname(d)) dirs.add(d);
  return {
    stat: (abs) => (files.has(abs) ? { id: abs, directory: false } : dirs.has(abs) ? { id: abs, directory: true } : undefined),
    read(abs, limits = DEFAULT_READ_LIMITS) {
      const text = files.get(abs);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${abs}`), { code: dirs.has(abs) ? 'EISDIR' : 'ENOENT' });
      checkText(text, limits);
      return text;
    },
    glob(base, pattern) {
      const re = globRegExp(isAbsolute(pattern) ? pattern : join(base, pattern));
      return [...files.keys()].filter((abs) => re.test(abs)).sort();
    },
  };
}
