/**
 * What kind of file a path is, in the words messages use, for readers that only take regular
 * files (configuration includes, storage chunks) and say why they refused one.
 */
import type { Dirent, Stats } from 'node:fs';

export function fileKind(f: Dirent | Stats): string {
  if (f.isFile()) return 'a regular file';
  if (f.isDirectory()) return 'a directory';
  if (f.isFIFO()) return 'a FIFO';
  if (f.isSocket()) return 'a socket';
  if (f.isSymbolicLink()) return 'a symbolic link';
  if (f.isCharacterDevice()) return 'a character device';
  if (f.isBlockDevice()) return 'a block device';
  return 'an unknown kind of file';
}
