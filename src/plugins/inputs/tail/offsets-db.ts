/**
 * tail's `DB`: the read offset of every followed file in SQLite, in Fluent Bit's own table
 * (`plugins/in_tail/tail_sql.h`), so that a database written by Fluent Bit keeps working here and
 * the other way round. Rows are found by inode (newest row first); with `db.compare_filename` the
 * name must match too. Newer Fluent Bit releases add `offset_marker` columns to this table; rows
 * written here leave them at their default (0), which those releases read as "no marker".
 */
import type BetterSqlite3 from 'better-sqlite3';
import { openSqlite, SYNC_LEVEL } from '../shared/sqlite.js';
import type { TailOptions } from './options.js';

/** The table exactly as Fluent Bit creates it. */
export const CREATE_FILES_TABLE =
  'CREATE TABLE IF NOT EXISTS in_tail_files (' +
  '  id      INTEGER PRIMARY KEY,' +
  '  name    TEXT NOT NULL,' +
  '  offset  INTEGER,' +
  '  inode   INTEGER,' +
  '  created INTEGER,' +
  '  rotated INTEGER DEFAULT 0' +
  ');';

export interface OffsetsDbOptions {
  readonly sync: TailOptions['db.sync'];
  readonly locking: boolean;
  readonly journalMode: TailOptions['db.journal_mode'];
  readonly compareFilename: boolean;
}

export interface FileRow {
  readonly id: number;
  readonly name: string;
  readonly offset: number;
}


/** SQLite stores a signed 64-bit integer: inodes above 2^63 wrap as in Fluent Bit's C cast. */
function inodeValue(inode: bigint): bigint {
  return BigInt.asIntN(64, inode);
}

interface RawRow {
  id: number;
  name: string;
  offset: number | null;
}

export class OffsetsDb {
  private readonly getFile: BetterSqlite3.Statement<[bigint], RawRow>;
  private readonly insertFile: BetterSqlite3.Statement<[string, number, bigint, number]>;
  private readonly updateOffsetStmt: BetterSqlite3.Statement<[number, number]>;
  private readonly rotateFile: BetterSqlite3.Statement<[string, number]>;
  private readonly deleteFile: BetterSqlite3.Statement<[number]>;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly compareFilename: boolean,
  ) {
    this.getFile = db.prepare('SELECT id, name, offset FROM in_tail_files WHERE inode=? ORDER BY id DESC;');
    this.insertFile = db.prepare('INSERT INTO in_tail_files (name, offset, inode, created) VALUES (?, ?, ?, ?);');
    this.updateOffsetStmt = db.prepare('UPDATE in_tail_files SET offset=? WHERE id=?;');
    this.rotateFile = db.prepare('UPDATE in_tail_files SET name=?, rotated=1 WHERE id=?;');
    this.deleteFile = db.prepare('DELETE FROM in_tail_files WHERE id=?;');
  }

  /** Opens (creating if needed) the database and applies the pragmas in Fluent Bit's order. */
  static open(path: string, options: OffsetsDbOptions): Promise<OffsetsDb> {
    return openSqlite(path, 'tail DB', (db) => {
      db.exec(CREATE_FILES_TABLE);
      db.pragma(`synchronous=${SYNC_LEVEL[options.sync]}`);
      if (options.locking) db.pragma('locking_mode=EXCLUSIVE');
      db.pragma(`journal_mode=${options.journalMode.toUpperCase()}`);
      return new OffsetsDb(db, options.compareFilename);
    });
  }

  /** The row of a file (newest row of the inode); with compare_filename, only if the name matches. */
  find(inode: bigint, name: string): FileRow | undefined {
    const row = this.getFile.get(inodeValue(inode));
    if (row === undefined) return undefined;
    if (this.compareFilename && row.name !== name) return undefined;
    return { id: row.id, name: row.name, offset: Number(row.offset ?? 0) };
  }

  /** Registers a file; returns its row id. */
  insert(name: string, offset: number, inode: bigint): number {
    const r = this.insertFile.run(name, offset, inodeValue(inode), Math.floor(Date.now() / 1000));
    return Number(r.lastInsertRowid);
  }

  /** Stores an offset; false when the row no longer exists. */
  updateOffset(id: number, offset: number): boolean {
    return this.updateOffsetStmt.run(offset, id).changes > 0;
  }

  /** A rotated file keeps its row under its new name, marked rotated. */
  rotate(id: number, name: string): void {
    this.rotateFile.run(name, id);
  }

  delete(id: number): void {
    this.deleteFile.run(id);
  }

  /** Deletes the rows of inodes no longer followed (Fluent Bit does this once, after the first scan). */
  deleteStale(followed: readonly bigint[]): number {
    const list = JSON.stringify(followed.map((i) => inodeValue(i).toString()));
    const r = this.db.prepare('DELETE FROM in_tail_files WHERE inode NOT IN (SELECT CAST(value AS INTEGER) FROM json_each(?));').run(list);
    return r.changes;
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
