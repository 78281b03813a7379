import { appendFileSync, closeSync, openSync, renameSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tailSession, waitFor } from './harness.js';

const t = tailSession({ Read_from_Head: 'On' });

const lines = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix} ${from + i}`);
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('');

describe('tail: rotation', () => {
  it('rename: the old file is read to its end under its new name, the new file at the path from its head; nothing lost or doubled', async () => {
    const path = t.path('app.log');
    const writer = openSync(path, 'a');
    writeSync(writer, text(lines('old', 0, 100)));
    const run = await t.tail({ Path: path, Path_Key: 'file' });
    await waitFor(() => run.records().length === 100);
    // The writer still appends to the renamed file for a moment, while the new file fills up.
    renameSync(path, t.path('app.log.1'));
    writeSync(writer, text(lines('old', 100, 150)));
    writeFileSync(path, text(lines('new', 0, 30)));
    writeSync(writer, text(lines('old', 150, 160)));
    closeSync(writer);
    appendFileSync(path, text(lines('new', 30, 60)));
    await waitFor(() => run.records().length === 220, 5000, 'all lines');
    const got = run.lines() as string[];
    expect(got.filter((l) => l.startsWith('old'))).toEqual(lines('old', 0, 160));
    expect(got.filter((l) => l.startsWith('new'))).toEqual(lines('new', 0, 60));
    // path_key keeps the name the file was found under.
    expect(new Set(run.records().map((r) => r['file']))).toEqual(new Set([path]));
    expect(run.counter('files_rotated')).toBe(1);
    // The rotated file is closed once Rotate_Wait has passed.
    await waitFor(() => run.counter('files_closed') === 1, 5000, 'the rotated file to be closed');
    appendFileSync(path, 'after\n');
    await waitFor(() => run.records().length === 221);
  });

  it('copytruncate: a file that got smaller is read again from its start', async () => {
    const path = t.path('app.log');
    writeFileSync(path, text(lines('before', 0, 50)));
    const run = await t.tail({ Path: path });
    await waitFor(() => run.records().length === 50);
    truncateSync(path, 0);
    appendFileSync(path, 'after 1\nafter 2\n');
    await waitFor(() => run.records().length === 52, 5000, 'lines after the truncation');
    expect(run.lines().slice(50)).toEqual(['after 1', 'after 2']);
    expect(run.counter('files_truncated')).toBe(1);
  });

  it('copytruncate with a writer that keeps its offset: the NUL bytes it leaves are skipped', async () => {
    const path = t.path('app.log');
    writeFileSync(path, text(lines('before', 0, 10)));
    const run = await t.tail({ Path: path });
    await waitFor(() => run.records().length === 10);
    const size = text(lines('before', 0, 10)).length;
    truncateSync(path, 0);
    await waitFor(() => run.counter('files_truncated') === 1, 5000, 'the truncation to be seen');
    const fd = openSync(path, 'r+');
    writeSync(fd, 'resumed\n', size);
    closeSync(fd);
    await waitFor(() => run.records().length === 11, 5000, 'the line after the NULs');
    expect(run.lines()[10]).toBe('resumed');
  });

  it('a deleted file is read to its end, then closed', async () => {
    const path = t.path('app.log');
    writeFileSync(path, 'first\n');
    const run = await t.tail({ Path: path });
    await waitFor(() => run.records().length === 1);
    const fd = openSync(path, 'a');
    writeSync(fd, 'last 1\nlast 2\n');
    unlinkSync(path);
    writeSync(fd, 'last 3\n');
    closeSync(fd);
    await waitFor(() => run.counter('files_closed') === 1, 5000, 'the deleted file to be closed');
    await waitFor(() => run.records().length === 4);
    expect(run.lines()).toEqual(['first', 'last 1', 'last 2', 'last 3']);
  });
});
