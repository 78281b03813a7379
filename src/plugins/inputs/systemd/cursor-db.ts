/**
 * systemd's `DB`: the journal cursor of the last entry safely buffered, in Fluent Bit's own table
 * (`plugins/in_systemd/systemd_db.h`: one row of `in_systemd_cursor(cursor, updated)`), so a
 * database written by Fluent Bit keeps working here and the other way round. Fluent Bit sets no
 * journal mode and sets `synchronous` only when `db.sync` is given; so does this.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { openSqlite, SYNC_LEVEL } from '../shared/sqlite.js';

export const CREATE_CURSOR_TABLE = 'CREATE TABLE IF NOT EXISTS in_systemd_cursor (  cursor  TEXT NOT NULL,  updated INTEGER);';

export type CursorDbSync = keyof typeof SYNC_LEVEL | 'default';

/**
 * A cursor journalctl can seek to: `key=value` pairs separated by `;`. Fluent Bit stores
 * `(null)` in a new database before it has read anything; that is no cursor.
 */
export function isCursor(text: string | undefined): boolean {
  return text !== undefined && /^[a-z]=[^;]+(;[a-z]=[^;]+)*$/.test(text);
}

export class CursorDb {
  private readonly update: BetterSqlite3.Statement<[string, number]>;
  private readonly insert: BetterSqlite3.Statement<[string, number]>;
  private hasRow: boolean;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    /** The cursor stored at open (as stored, possibly not a usable cursor). */
    readonly stored: string | undefined,
    /** Rows beyond the first were deleted at open (Fluent Bit's sanitize step). */
    readonly repaired: number,
  ) {
    this.update = db.prepare('UPDATE in_systemd_cursor SET cursor=?, updated=?;');
    this.insert = db.prepare('INSERT INTO in_systemd_cursor (cursor, updated) VALUES (?, ?);');
    this.hasRow = stored !== undefined;
  }

  static open(path: string, sync: CursorDbSync): Promise<CursorDb> {
    return openSqlite(path, 'systemd DB', (db) => {
      db.exec(CREATE_CURSOR_TABLE);
      if (sync !== 'default') db.pragma(`synchronous=${SYNC_LEVEL[sync]}`);
      const count = (db.prepare('SELECT COUNT(*) AS n FROM in_systemd_cursor;').get() as { n: number }).n;
      let repaired = 0;
      if (count > 1) {
        repaired = db.prepare('DELETE FROM in_systemd_cursor WHERE ROWID < (SELECT MAX(ROWID) FROM in_systemd_cursor);').run().changes;
      }
      const row = db.prepare('SELECT cursor FROM in_systemd_cursor LIMIT 1;').get() as { cursor: string } | undefined;
      return new CursorDb(db, row?.cursor, repaired);
    });
  }


  /** Stores the cursor (the table keeps one row). */
  set(cursor: string): void {
    if (!this.db.open) return;
    const now = Math.floor(Date.now() / 1000);
    if (this.hasRow) {
      if (this.update.run(cursor, now).changes > 0) return;
    }
    this.insert.run(cursor, now);
    this.hasRow = true;
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
