import { chmodSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../../src/engine/pipeline.js';
import { capture, planFrom } from '../../../support/pipeline.js';
import { REPO_ROOT } from '../../../support/cli.js';
import { JOURNALCTL_PATH, SKIP_REASON, T0_USEC, journalctlPids, systemdConfig, systemdSession, waitFor, type Entry } from './harness.js';

const s = systemdSession();

const msgs = (prefix: string, from: number, to: number, extra: Entry = {}): Entry[] =>
  Array.from({ length: to - from }, (_, i) => ({ MESSAGE: `${prefix} ${from + i}`, ...extra }));
const names = (prefix: string, from: number, to: number) => msgs(prefix, from, to).map((e) => e['MESSAGE']);

function cursorRows(db: string): { cursor: string; updated: number }[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT cursor, updated FROM in_systemd_cursor').all() as { cursor: string; updated: number }[];
  } finally {
    d.close();
  }
}

describe.skipIf(SKIP_REASON !== undefined)('systemd input (real journal files, journalctl)', () => {
  it('emits every field as a string key with the entry realtime as time, like in_systemd', async () => {
    const text = {
      MESSAGE: 'hello',
      _SYSTEMD_UNIT: 'kubelet.service',
      _HOSTNAME: 'node-1',
      _PID: '42',
      PRIORITY: '6',
      _SOURCE_REALTIME_TIMESTAMP: '1600000000000000',
      DUP: ['a', 'b', 'c'],
      MULTI: 'line one\nline two',
      UTF: 'héllo ✓',
    };
    s.journal().write([{ ...text, BIN: Buffer.from([0x62, 0x69, 0x6e, 0xff, 0x00, 0x21]) }]);
    const r = await s.start({});
    await waitFor(() => r.records().length === 1);
    const [e] = r.events();
    expect(e!.tag).toBe('systemd.0');
    // __REALTIME_TIMESTAMP in microseconds, not the sender's _SOURCE_REALTIME_TIMESTAMP.
    expect(e!.time).toBe(T0_USEC * 1000n);
    // Bytes that are not UTF-8 are decoded with replacement characters.
    expect(e!.record).toEqual({ ...text, BIN: 'bin\ufffd\u0000!', _BOOT_ID: '0123456789abcdef0123456789abcdef' });
    // journalctl's addresses are not fields.
    expect(Object.keys(e!.record).filter((k) => k.startsWith('__'))).toEqual([]);
  });

  it('Strip_Underscores removes one leading underscore, Lowercase lowercases, and keys that meet become arrays', async () => {
    s.journal().write([{ MESSAGE: 'x', _PID: '1', PID: '2', __X: 'y', _SYSTEMD_UNIT: 'a.service' }]);
    const r = await s.start({ Strip_Underscores: 'On', Lowercase: 'On' });
    await waitFor(() => r.records().length === 1);
    const rec = r.records()[0]!;
    expect(rec['pid']).toHaveLength(2);
    expect([...(rec['pid'] as string[])].sort()).toEqual(['1', '2']);
    expect(rec).toMatchObject({ message: 'x', systemd_unit: 'a.service', boot_id: '0123456789abcdef0123456789abcdef' });
    expect(Object.keys(rec).sort()).toEqual(['boot_id', 'message', 'pid', 'systemd_unit']);
  });

  it('Max_Fields caps the values kept per record', async () => {
    s.journal().write([{ MESSAGE: 'x', A: '1', B: '2', C: '3', D: ['4', '5'] }]);
    const r = await s.start({ Max_Fields: '3' });
    await waitFor(() => r.records().length === 1);
    const rec = r.records()[0]!;
    const values = Object.values(rec).reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 1), 0);
    expect(values).toBe(3);
  });

  it('expands * in Tag with _SYSTEMD_UNIT (unknown without one), entries of a tag in journal order', async () => {
    s.journal().write([
      { MESSAGE: 'k1', _SYSTEMD_UNIT: 'kubelet.service' },
      { MESSAGE: 'k2', _SYSTEMD_UNIT: 'kubelet.service' },
      { MESSAGE: 'd1', _SYSTEMD_UNIT: 'docker.service' },
      { MESSAGE: 'n1' },
      { MESSAGE: 'k3', _SYSTEMD_UNIT: 'kubelet.service' },
    ]);
    const r = await s.start({ Tag: 'host.*.log' });
    await waitFor(() => r.records().length === 5);
    // Chunks are per tag, so order holds within a tag.
    const byTag = (tag: string) => r.events().filter((e) => e.tag === tag).map((e) => e.record['MESSAGE']);
    expect(byTag('host.kubelet.service.log')).toEqual(['k1', 'k2', 'k3']);
    expect(byTag('host.docker.service.log')).toEqual(['d1']);
    expect(byTag('host.unknown.log')).toEqual(['n1']);
  });

  it('Systemd_Filter with the default type Or keeps entries matching any filter (the Container Insights units)', async () => {
    s.journal().write([
      { MESSAGE: 'kubelet', _SYSTEMD_UNIT: 'kubelet.service' },
      { MESSAGE: 'sshd', _SYSTEMD_UNIT: 'sshd.service' },
      { MESSAGE: 'docker', _SYSTEMD_UNIT: 'docker.service' },
      { MESSAGE: 'containerd', _SYSTEMD_UNIT: 'containerd.service' },
      { MESSAGE: 'prio', _SYSTEMD_UNIT: 'cron.service', PRIORITY: '3' },
    ]);
    const r = await s.start({ Systemd_Filter: ['_SYSTEMD_UNIT=docker.service', '_SYSTEMD_UNIT=containerd.service', '_SYSTEMD_UNIT=kubelet.service', 'PRIORITY=3'] });
    await waitFor(() => r.records().length === 4);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.messages()).toEqual(['kubelet', 'docker', 'containerd', 'prio']);
  });

  it('Systemd_Filter_Type And keeps entries matching every filter, even two on one field', async () => {
    s.journal().write([
      { MESSAGE: 'both', _SYSTEMD_UNIT: 'kubelet.service', PRIORITY: '3' },
      { MESSAGE: 'unit only', _SYSTEMD_UNIT: 'kubelet.service', PRIORITY: '6' },
      { MESSAGE: 'prio only', _SYSTEMD_UNIT: 'docker.service', PRIORITY: '3' },
      { MESSAGE: 'two tags', TAGX: ['a', 'b'] },
      { MESSAGE: 'one tag', TAGX: 'a' },
    ]);
    const r = await s.start({ Systemd_Filter_Type: 'And', Systemd_Filter: ['_SYSTEMD_UNIT=kubelet.service', 'PRIORITY=3'] });
    await waitFor(() => r.records().length === 1);
    const both = await s.start({ Systemd_Filter_Type: 'and', Systemd_Filter: ['TAGX=a', 'TAGX=b'], DB: s.path('and.db') });
    await waitFor(() => both.records().length === 1);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.messages()).toEqual(['both']);
    expect(both.messages()).toEqual(['two tags']);
    await both.stop();
    // The entry skipped last still moves the stored cursor on (to the last entry of the journal).
    expect(cursorRows(s.path('and.db'))[0]!.cursor).toMatch(/;i=5;/);
  });

  it('Read_From_Tail skips what the journal holds and reads what is written after the start', async () => {
    const j = s.journal();
    j.write(msgs('old', 0, 5));
    const r = await s.start({ Read_From_Tail: 'On' });
    await new Promise((res) => setTimeout(res, 300));
    j.write(msgs('new', 0, 3));
    await waitFor(() => r.records().length === 3);
    expect(r.messages()).toEqual(names('new', 0, 3));
  });

  it('reads every boot in the journal, and waits for a journal directory that is still empty', async () => {
    const j = s.journal();
    const r = await s.start({});
    await new Promise((res) => setTimeout(res, 300));
    expect(r.counter('restarts')).toBe(0);
    j.write([
      { MESSAGE: 'boot 1', _BOOT_ID: '11111111111111111111111111111111' },
      { MESSAGE: 'boot 2', _BOOT_ID: '22222222222222222222222222222222' },
    ]);
    await waitFor(() => r.records().length === 2);
    expect(r.messages()).toEqual(['boot 1', 'boot 2']);
    expect(r.counter('restarts')).toBe(0);
  });

  it('Read_From_Tail: a journalctl that dies before the first entry restarts where the first one started, skipping nothing written since', async () => {
    const j = s.journal();
    j.write(msgs('old', 0, 3));
    const r = await s.start({ Read_From_Tail: 'On' });
    await waitFor(() => journalctlPids(j.dir).length === 1, 5000, 'journalctl');
    const [pid] = journalctlPids(j.dir);
    process.kill(pid!, 'SIGKILL');
    // Written while no journalctl runs, with the current clock (as journald would).
    j.write(msgs('new', 0, 2), BigInt(Date.now() + 1) * 1000n);
    await waitFor(() => r.counter('restarts') === 1, 5000, 'restart counted');
    await waitFor(() => r.records().length === 2);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.messages()).toEqual(names('new', 0, 2));
  });

  it('follows entries written while it runs', async () => {
    const j = s.journal();
    j.write(msgs('a', 0, 2));
    const r = await s.start({});
    await waitFor(() => r.records().length === 2);
    j.write(msgs('b', 0, 2));
    await waitFor(() => r.records().length === 4);
    expect(r.messages()).toEqual([...names('a', 0, 2), ...names('b', 0, 2)]);
  });

  it("keeps the cursor in Fluent Bit's in_systemd_cursor table and resumes after it: no entry lost or repeated", async () => {
    const j = s.journal();
    const db = s.path('systemd.db');
    j.write(msgs('one', 0, 100));
    const first = await s.start({ DB: db, 'DB.Sync': 'Full' });
    await waitFor(() => first.records().length === 100);
    await first.stop();
    const d = new Database(db, { readonly: true });
    const info = d.prepare('PRAGMA table_info(in_systemd_cursor)').all();
    d.close();
    expect(info).toEqual([
      { cid: 0, name: 'cursor', type: 'TEXT', notnull: 1, dflt_value: null, pk: 0 },
      { cid: 1, name: 'updated', type: 'INTEGER', notnull: 0, dflt_value: null, pk: 0 },
    ]);
    const rows = cursorRows(db);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.cursor).toMatch(/^s=[0-9a-f]+;i=64;b=/);
    expect(Math.abs(rows[0]!.updated - Date.now() / 1000)).toBeLessThan(60);
    j.write(msgs('two', 0, 50));
    // The DB cursor wins over Read_From_Tail, as in Fluent Bit.
    const second = await s.start({ DB: db, Read_From_Tail: 'On' });
    await waitFor(() => second.records().length === 50);
    await new Promise((res) => setTimeout(res, 300));
    await second.stop();
    expect(first.messages()).toEqual(names('one', 0, 100));
    expect(second.messages()).toEqual(names('two', 0, 50));
    expect(cursorRows(db)).toHaveLength(1);
  });

  it('reads a database Fluent Bit left before reading anything ((null) cursor) and repairs extra rows', async () => {
    const db = s.path('fb.db');
    const d = new Database(db);
    d.exec('CREATE TABLE IF NOT EXISTS in_systemd_cursor (  cursor  TEXT NOT NULL,  updated INTEGER);');
    d.exec("INSERT INTO in_systemd_cursor VALUES ('junk', 1), ('(null)', 2);");
    d.close();
    s.journal().write(msgs('m', 0, 3));
    const r = await s.start({ DB: db });
    await waitFor(() => r.records().length === 3);
    await r.stop();
    expect(r.messages()).toEqual(names('m', 0, 3));
    expect(r.logged('had more than one row')).toBe(1);
    expect(cursorRows(db)).toHaveLength(1);
    expect(cursorRows(db)[0]!.cursor).toMatch(/;i=3;/);
  });

  it('advances the DB cursor only once the entries are safely buffered (delivered, in memory mode)', async () => {
    const db = s.path('systemd.db');
    s.journal().write(msgs('m', 0, 10));
    let release!: () => void;
    const held = new Promise<void>((res) => (release = res));
    let calls = 0;
    const r = await s.start({ DB: db }, { receiver: () => (calls++ === 0 ? held : undefined) });
    await waitFor(() => calls >= 1);
    await new Promise((res) => setTimeout(res, 200));
    expect(cursorRows(db)).toEqual([]);
    release();
    await waitFor(() => r.records().length === 10);
    await waitFor(() => cursorRows(db).length === 1 && /;i=a;/.test(cursorRows(db)[0]!.cursor));
  });

  it('restarts a journalctl that dies, after the last entry read: counted, logged, nothing lost or repeated', async () => {
    const j = s.journal();
    j.write(msgs('a', 0, 20));
    const r = await s.start({});
    await waitFor(() => r.records().length === 20);
    const [pid] = journalctlPids(j.dir);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => r.counter('restarts') === 1, 5000, 'restart counted');
    expect(r.logged('journalctl killed by SIGKILL')).toBe(1);
    await waitFor(() => journalctlPids(j.dir).length === 1 && journalctlPids(j.dir)[0] !== pid, 5000, 'new journalctl');
    j.write(msgs('b', 0, 20));
    await waitFor(() => r.records().length === 40);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.messages()).toEqual([...names('a', 0, 20), ...names('b', 0, 20)]);
    await r.stop();
    expect(journalctlPids(j.dir)).toEqual([]);
  });

  it('a journalctl that cannot start again is retried with backoff, never a silent stop', async () => {
    const bin = s.path('bin');
    mkdirSync(bin);
    const real = JOURNALCTL_PATH;
    // A wrapper that runs the real journalctl while a flag file exists, so the test can make it fail.
    const flag = s.path('ok');
    writeFileSync(flag, '');
    writeFileSync(`${bin}/journalctl`, `#!/bin/sh\n[ -e '${flag}' ] || { echo 'broken on purpose' >&2; exit 3; }\nexec ${real} "$@"\n`);
    chmodSync(`${bin}/journalctl`, 0o755);
    const j = s.journal();
    j.write(msgs('a', 0, 3));
    const saved = process.env['PATH'];
    process.env['PATH'] = `${bin}:${saved}`;
    try {
      const r = await s.start({});
      await waitFor(() => r.records().length === 3);
      unlinkSync(flag);
      for (const pid of journalctlPids(j.dir)) process.kill(pid, 'SIGTERM');
      await waitFor(() => r.counter('restarts') >= 3, 8000, 'several restarts');
      expect(r.logged('broken on purpose')).toBeGreaterThanOrEqual(2);
      writeFileSync(flag, '');
      j.write(msgs('b', 0, 2));
      await waitFor(() => r.records().length === 5, 15_000, 'recovered');
      expect(r.messages()).toEqual([...names('a', 0, 3), ...names('b', 0, 2)]);
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('Mem_Buf_Limit pauses reading (the pipe fills) and resumes: every entry once and in order', async () => {
    const j = s.journal();
    const n = 20_000;
    j.write(msgs('m', 0, n, { _SYSTEMD_UNIT: 'kubelet.service', FILLER: 'x'.repeat(200) }));
    const r = await s.start({ Mem_Buf_Limit: '200k', Max_Entries: '500' }, { receiver: () => new Promise((res) => setTimeout(res, 5)) });
    await waitFor(() => r.records().length === n, 60_000, 'all entries');
    expect(r.counter('paused')).toBeGreaterThan(0);
    expect(r.messages()).toEqual(names('m', 0, n));
  }, 90_000);

  it("runs the Container Insights dataplane systemd input with its modify filter", async () => {
    const fixture = readFileSync(`${REPO_ROOT}/fixtures/container-insights/dataplane-log.conf`, 'utf8');
    const sections = fixture.split(/\n(?=\[)/);
    const input = sections.find((x) => /Name\s+systemd/.test(x))!;
    const modify = sections.find((x) => /Name\s+modify/.test(x))!;
    expect(input).toBeDefined();
    expect(modify).toBeDefined();
    const j = s.journal();
    j.write([
      { MESSAGE: 'kubelet started', _SYSTEMD_UNIT: 'kubelet.service', _HOSTNAME: 'ip-10-0-0-1', _PID: '7', SYSLOG_IDENTIFIER: 'kubelet' },
      { MESSAGE: 'sshd', _SYSTEMD_UNIT: 'sshd.service', _HOSTNAME: 'ip-10-0-0-1' },
      { MESSAGE: 'pulled image', _SYSTEMD_UNIT: 'containerd.service', _HOSTNAME: 'ip-10-0-0-1', _PID: '8' },
    ]);
    const conf =
      '[SERVICE]\n    Flush 0.05\n    Grace 5\n\n' +
      input.replace(/\/var\/fluent-bit\/state\/systemd\.db/, s.path('systemd.db')).replace(/\/var\/log\/journal/, j.dir) +
      '\n' +
      modify +
      '\n[OUTPUT]\n    Name lib\n    Match dataplane.*\n';
    const run = capture(planFrom(conf, { READ_FROM_TAIL: 'Off' }));
    await run.pipeline.start();
    try {
      await waitFor(() => run.records().length === 2);
      await new Promise((res) => setTimeout(res, 300));
      const got = [...run.received.values()].flat().flatMap((b) => b.events.map((e) => ({ tag: b.tag, record: e.record })));
      expect(got).toEqual([
        { tag: 'dataplane.systemd.kubelet.service', record: { hostname: 'ip-10-0-0-1', systemd_unit: 'kubelet.service', message: 'kubelet started' } },
        { tag: 'dataplane.systemd.containerd.service', record: { hostname: 'ip-10-0-0-1', systemd_unit: 'containerd.service', message: 'pulled image' } },
      ]);
    } finally {
      await run.pipeline.stop();
    }
  });
});

// These need neither journalctl nor journal files.
describe('systemd input start errors', () => {
  it('fails to start with a clear error when journalctl is not installed', async () => {
    const empty = s.path('empty-bin');
    mkdirSync(empty);
    const config = systemdConfig({ Path: s.journal().dir });
    const pipeline = new Pipeline(planFrom(config), { logSink: () => {} });
    const saved = process.env['PATH'];
    process.env['PATH'] = empty;
    try {
      await expect(pipeline.start()).rejects.toThrow(/journalctl.*not found on PATH/);
    } finally {
      process.env['PATH'] = saved;
      await pipeline.stop();
    }
  });

  it('fails to start when Path is not a directory, as Fluent Bit does', async () => {
    const file = s.path('file');
    writeFileSync(file, '');
    const pipeline = new Pipeline(planFrom(systemdConfig({ Path: file })), { logSink: () => {} });
    await expect(pipeline.start()).rejects.toThrow(/not a directory/);
    await pipeline.stop();
  });
});
