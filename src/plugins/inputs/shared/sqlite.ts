/**
 * Opening the SQLite databases inputs keep their positions in (tail `DB`, systemd `DB`), as Fluent
 * Bit does with its own sqlite: better-sqlite3 is loaded lazily (only configurations with a DB need
 * the native module), and any failure is a PipelineError naming the input and the file.
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
    throw new PipelineError(`${what}: cannot load better-sqlite3: ${(err as Error).message}`, { cause: err });
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
