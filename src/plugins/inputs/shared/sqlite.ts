/**
 * Opening the SQLite databases inputs keep their positions in (tail `DB`, systemd `DB`), as Fluent
 * Bit does with its own sqlite: better-sqlite3 is an optional dependency loaded lazily (only
 * configurations with a DB need the native module, so installing logferry needs no compiler), and
 * any failure is a PipelineError naming the input, the key and the file.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { PipelineError } from '../../../errors.js';

/** `DB.Sync` values and the `PRAGMA synchronous` level each one sets. */
export const SYNC_LEVEL = { off: 0, normal: 1, full: 2, extra: 3 } as const;

/**
 * Opens `path` and runs `setup` on it (tables, pragmas, first reads); closes the database again if
 * setup fails. `what` names the owner in errors (`tail DB`).
 */
export async function openSqlite<T>(path: string, what: string, setup: (db: BetterSqlite3.Database) => T): Promise<T> {
  let Database: typeof BetterSqlite3;
  try {
    Database = (await import('better-sqlite3')).default;
  } catch (err) {
    throw new PipelineError(sqliteMissing(path, what, err), { cause: err });
  }
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new Database(path);
    return setup(db);
  } catch (err) {
    db?.close();
    throw new PipelineError(`${what} '${path}' cannot be used: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Why `what` (`tail DB`) cannot open `path` without better-sqlite3, and how to get it: it is an
 * optional dependency, so `npm install --omit=optional` or a failed native build leaves it out.
 */
function sqliteMissing(path: string, what: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ERR_MODULE_NOT_FOUND' ? 'is not installed' : `cannot be loaded (${(err as Error).message.split('\n')[0]})`;
  return (
    `${what} '${path}' needs the optional dependency better-sqlite3, which ${why}: ` +
    'install it next to logferry with `npm install better-sqlite3` (where no prebuilt binary fits your platform it compiles, ' +
    'which needs python3, make and a C++ compiler), or remove DB to keep positions in memory only'
  );
}
