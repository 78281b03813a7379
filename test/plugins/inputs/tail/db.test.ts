import { appendFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tailSession, waitFor, type TailRun } from './harness.js';

const t = tailSession({ Read_from_Head: 'On' });

const lines = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

function rows(db: string): { name: string; offset: number; inode: number; rotated: number }[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT name, offset, inode, rotated FROM in_tail_files ORDER BY id').all() as { name: string; offset: number; inode: number; rotated: number }[];
  } finally {
    d.close();
  }
}

function run(entries: Record<string, string>, receiver?: () => Promise<void>): Promise<TailRun> {
  return t.tail(entries, { output: { Workers: '2' }, ...(receiver ? { receiver } : {}) });
}

describe('tail DB', () => {
  it("creates Fluent Bit's in_tail_files table, column for column", async () => {
    const db = t.path('tail.db');
    writeFileSync(t.path('a.log'), 'x\n');
    const r = await run({ Path: t.path('a.log'), DB: db });
    await waitFor(() => r.records().length === 1);
    await r.stop();
    const d = new Database(db, { readonly: true });
    const info = d.prepare('PRAGMA table_info(in_tail_files)').all();
    const mode = d.pragma('journal_mode', { simple: true });
    d.close();
    expect(info).toEqual([
      { cid: 0, name: 'id', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 1 },
      { cid: 1, name: 'name', type: 'TEXT', notnull: 1, dflt_value: null, pk: 0 },
      { cid: 2, name: 'offset', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
      { cid: 3, name: 'inode', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
      { cid: 4, name: 'created', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
      { cid: 5, name: 'rotated', type: 'INTEGER', notnull: 0, dflt_value: '0', pk: 0 },
    ]);
    expect(mode).toBe('wal');
  });

  it('resumes after a restart at the last committed line: every line exactly once, a partial line completed', async () => {
    const db = t.path('tail.db');
    const path = t.path('a.log');
    writeFileSync(path, text(lines('one', 0, 100)) + 'half');
    const first = await run({ Path: path, DB: db, 'DB.sync': 'full', 'DB.journal_mode': 'delete' });
    await waitFor(() => first.records().length === 100);
    await first.stop();
    const [row] = rows(db);
    expect(row!.offset).toBe(text(lines('one', 0, 100)).length);
    expect(row!.name).toBe(path);
    appendFileSync(path, ' done\n' + text(lines('two', 0, 50)));
    const second = await run({ Path: path, DB: db, 'DB.sync': 'full', 'DB.journal_mode': 'delete' });
    await waitFor(() => second.records().length === 51);
    await second.stop();
    expect(first.lines()).toEqual(lines('one', 0, 100));
    expect(second.lines()).toEqual(['half done', ...lines('two', 0, 50)]);
    expect(rows(db)[0]!.offset).toBe(text(lines('one', 0, 100)).length + 'half done\n'.length + text(lines('two', 0, 50)).length);
  });

  it('with Read_from_Head Off and no row, starts at the end and stores that; DB.locking and compare_filename work', async () => {
    const db = t.path('tail.db');
    const path = t.path('a.log');
    writeFileSync(path, 'old\n');
    const first = await run({ Path: path, DB: db, Read_from_Head: 'Off', 'DB.locking': 'true', 'DB.compare_filename': 'On' });
    await waitFor(() => first.counter('files_opened') === 1);
    appendFileSync(path, 'new\n');
    await waitFor(() => first.records().length === 1);
    await first.stop();
    expect(first.lines()).toEqual(['new']);
    // The same inode under another name: compare_filename makes it a new file (read from the head).
    renameSync(path, t.path('b.log'));
    const second = await run({ Path: t.path('b.log'), DB: db, 'DB.compare_filename': 'On' });
    await waitFor(() => second.records().length === 2);
    await second.stop();
    expect(second.lines()).toEqual(['old', 'new']);
  });

  it('removes rows of files no longer followed at start, and the row of a rotated file once it is closed', async () => {
    const db = t.path('tail.db');
    writeFileSync(t.path('gone.log'), 'g\n');
    const first = await run({ Path: t.path('*.log'), DB: db });
    await waitFor(() => first.records().length === 1);
    await first.stop();
    renameSync(t.path('gone.log'), t.path('gone.old'));
    writeFileSync(t.path('app.log'), 'a\n');
    const second = await run({ Path: t.path('*.log'), DB: db, Rotate_Wait: '1' });
    await waitFor(() => second.records().length === 1);
    expect(rows(db).map((r) => r.name)).toEqual([t.path('app.log')]);
    renameSync(t.path('app.log'), t.path('app.log.1'));
    await waitFor(() => rows(db).some((r) => r.rotated === 1 && r.name === t.path('app.log.1')), 5000, 'the rotated row');
    await waitFor(() => rows(db).length === 0, 5000, 'the rotated row to be deleted');
    await second.stop();
  });

  it('stores an offset only once every earlier batch is delivered (batches released out of order)', async () => {
    const db = t.path('tail.db');
    const path = t.path('a.log');
    writeFileSync(path, text(lines('a', 0, 10)));
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((r) => {
      releaseFirst = r;
    });
    let calls = 0;
    const r = await run({ Path: path, DB: db }, async () => {
      if (calls++ === 0) await firstHeld;
    });
    // lib output with 2 workers: the second chunk is delivered while the first is held.
    await waitFor(() => calls === 1);
    appendFileSync(path, text(lines('b', 0, 10)));
    await waitFor(() => r.records().length === 10, 5000, 'the second chunk');
    expect(r.lines()).toEqual(lines('b', 0, 10));
    expect(rows(db)[0]!.offset).toBe(0);
    releaseFirst();
    await waitFor(() => r.records().length === 20);
    await waitFor(() => rows(db)[0]!.offset === text(lines('a', 0, 10)).length * 2, 5000, 'the offset of both batches');
    await r.stop();
  });
});

describe('tail DB with multiline', () => {
  it('does not store past lines a multiline stream still holds', async () => {
    const db = t.path('tail.db');
    const path = t.path('c.log');
    const f1 = '2024-01-01T00:00:00.000000001Z stdout F done\n';
    const p1 = '2024-01-01T00:00:00.000000002Z stdout P held \n';
    const e1 = '2024-01-01T00:00:00.000000003Z stderr F other stream\n';
    writeFileSync(path, f1 + p1 + e1);
    const r = await run({ Path: path, DB: db, 'multiline.parser': 'cri' });
    await waitFor(() => r.records().length === 2);
    await waitFor(() => rows(db)[0]?.offset === f1.length, 5000, 'the offset before the held line');
    appendFileSync(path, '2024-01-01T00:00:00.000000004Z stdout F end\n');
    await waitFor(() => r.records().length === 3);
    await waitFor(() => rows(db)[0]?.offset === statSync(path).size, 5000, 'the offset at the end');
    expect(r.lines()).toEqual(['done', 'other stream', 'held end']);
    await r.stop();
  });
});

describe('tail DB offset 0', () => {
  it('resumes at a stored offset of 0 (a file empty or truncated before) instead of skipping to the end', async () => {
    const db = t.path('tail.db');
    const path = t.path('a.log');
    writeFileSync(path, '');
    const first = await run({ Path: path, DB: db, Read_from_Head: 'Off' });
    await waitFor(() => first.counter('files_opened') === 1);
    await first.stop();
    expect(rows(db)[0]!.offset).toBe(0);
    appendFileSync(path, 'written while stopped\n');
    const second = await run({ Path: path, DB: db, Read_from_Head: 'Off' });
    await waitFor(() => second.records().length === 1);
    expect(second.lines()).toEqual(['written while stopped']);
  });
});
