/**
 * Finding the files to follow (`tail_scan_glob.c`): each `Path` item is a glob (glob(3): `*`, `?`,
 * `[...]`, a leading `~`; no braces, no `**`), results are absolute; only regular files (symlinks
 * followed) are kept, `Exclude_Path` patterns (fnmatch, `*` matching `/`) and, with `Ignore_Older`,
 * files not modified for that long are left out, and a file reached by two paths is kept once
 * (same device and inode).
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import { matchesAny } from './fnmatch.js';

export interface FoundFile {
  readonly path: string;
  /** `dev:ino`, the identity of the file. */
  readonly key: string;
  readonly ino: bigint;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface ScanOptions {
  readonly patterns: readonly string[];
  readonly exclude: readonly RegExp[];
  /** Milliseconds; 0 = never ignore. */
  readonly ignoreOlderMs: number;
}

export interface ScanResult {
  readonly files: FoundFile[];
  /** Regular files left out by Ignore_Older, with their size (resumed from there if they change). */
  readonly old: FoundFile[];
}

export function fileKey(dev: bigint, ino: bigint): string {
  return `${dev}:${ino}`;
}

/** glob(3)'s wildcards (no braces, no extended patterns): a path without them names one file. */
const WILDCARD = /[*?[]/;

function expandTilde(pattern: string): string {
  if (pattern === '~' || pattern.startsWith('~/')) return homedir() + pattern.slice(1);
  return pattern;
}

/**
 * The directory a glob starts from: its leading segments without wildcards (`/var/log/containers`
 * for `/var/log/containers/*.log`). New files there are noticed through its change events.
 */
export function globBase(pattern: string): string {
  const p = expandTilde(pattern.replace(/\\/g, '/'));
  const segments = (isAbsolute(p) ? p : `${process.cwd()}/${p}`).split('/');
  const fixed: string[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    if (WILDCARD.test(segments[i]!)) break;
    fixed.push(segments[i]!);
  }
  const base = fixed.join('/');
  return base === '' ? '/' : base;
}

/**
 * Paths matching one glob, sorted as glob(3) returns them. A path without wildcards is that path
 * (absolute, normalized as fast-glob gives it), without a directory walk: fast-glob compiles its
 * matchers at each start for it (bench/NOTES.md, "The agent's start"), and it also read a `(...)` in
 * a file's name as a pattern group and found nothing, where glob(3) takes it literally. `inspect`
 * then keeps the path only if it is a regular file.
 */
async function globPaths(pattern: string): Promise<string[]> {
  const p = expandTilde(pattern.replace(/\\/g, '/'));
  if (!WILDCARD.test(p)) return [sep === '/' ? resolve(p) : resolve(p).split(sep).join('/')];
  try {
    const found = await fg(p, {
      absolute: true,
      onlyFiles: false,
      dot: false,
      braceExpansion: false,
      extglob: false,
      globstar: false,
      followSymbolicLinks: true,
      suppressErrors: true,
      unique: true,
    });
    return found.sort();
  } catch {
    return [];
  }
}

/** A path that may be followed: a regular file (symlinks followed) that no Exclude_Path pattern matches. */
export async function inspect(path: string, exclude: readonly RegExp[]): Promise<FoundFile | undefined> {
  let st;
  try {
    st = await stat(path, { bigint: true });
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  if (exclude.length > 0 && matchesAny(exclude, path)) return undefined;
  return { path, key: fileKey(st.dev, st.ino), ino: st.ino, size: Number(st.size), mtimeMs: Number(st.mtimeMs) };
}

export async function scan(options: ScanOptions, now = Date.now()): Promise<ScanResult> {
  const files: FoundFile[] = [];
  const old: FoundFile[] = [];
  const seen = new Set<string>();
  for (const pattern of options.patterns) {
    for (const path of await globPaths(pattern)) {
      const found = await inspect(path, options.exclude);
      if (found === undefined || seen.has(found.key)) continue;
      seen.add(found.key);
      if (options.ignoreOlderMs > 0 && found.mtimeMs > 0 && now - options.ignoreOlderMs > found.mtimeMs) old.push(found);
      else files.push(found);
    }
  }
  return { files, old };
}
