import { describe, expect, it } from 'vitest';
import systemd from '../../../../src/plugins/inputs/systemd/index.js';
import { parseJournalMatch } from '../../../../src/plugins/inputs/systemd/options.js';
import { entryRecord, entryTime, hasAllMatches, makeTagger } from '../../../../src/plugins/inputs/systemd/journal-entry.js';
import { andRecheck, journalctlArgs } from '../../../../src/plugins/inputs/systemd/journalctl.js';
import { isCursor } from '../../../../src/plugins/inputs/systemd/cursor-db.js';
import { runCheck } from '../../../support/check.js';

const plain = { stripUnderscores: false, lowercase: false, maxFields: 8000 };

describe('systemd options table', () => {
  it("has Fluent Bit's options and defaults", () => {
    expect(Object.keys(systemd.ownOptions).sort()).toEqual(
      ['db', 'db.sync', 'lowercase', 'max_entries', 'max_fields', 'path', 'read_from_tail', 'strip_underscores', 'systemd_filter', 'systemd_filter_type'].sort(),
    );
    const o = systemd.options;
    expect(o['max_fields']!.defaultValue).toBe(8000);
    expect(o['max_entries']!.defaultValue).toBe(5000);
    expect(o['read_from_tail']!.defaultValue).toBe(false);
    expect(o['systemd_filter_type']!.defaultValue).toBe('or');
    expect(o['systemd_filter']!.multiple).toBe(true);
    expect(o['tag']).toBeDefined();
    expect(o['mem_buf_limit']).toBeDefined();
  });

  it('parses filters, filter types and db.sync as Fluent Bit accepts them', () => {
    expect(parseJournalMatch('_SYSTEMD_UNIT=kubelet.service')).toEqual({ ok: true, value: '_SYSTEMD_UNIT=kubelet.service' });
    expect(parseJournalMatch('PRIORITY=')).toEqual({ ok: true, value: 'PRIORITY=' });
    for (const bad of ['_SYSTEMD_UNIT', '=x', '_systemd_unit=x', '__CURSOR=x', 'A B=x']) expect(parseJournalMatch(bad).ok, bad).toBe(false);
    expect(systemd.options['systemd_filter_type']!.parse('AND')).toEqual({ ok: true, value: 'and' });
    expect(systemd.options['systemd_filter_type']!.parse('xor').ok).toBe(false);
    expect(systemd.options['db.sync']!.parse('Normal')).toEqual({ ok: true, value: 'normal' });
    const bad = systemd.options['db.sync']!.parse('always');
    expect(bad.ok && bad.value === 'default' && bad.warning).toMatch(/keeps SQLite's default/);
  });

  it('warns about And on one field twice and about caps below 1', () => {
    expect(runCheck(systemd, { systemd_filter: ['_SYSTEMD_UNIT=a', '_SYSTEMD_UNIT=b'] })).toEqual([]);
    const r = runCheck(systemd, { systemd_filter_type: 'And', systemd_filter: ['_SYSTEMD_UNIT=a', '_SYSTEMD_UNIT=b'], max_fields: '0' });
    expect(r.map((x) => [x.key, x.severity])).toEqual([
      ['max_fields', 'warning'],
      ['systemd_filter_type', 'warning'],
    ]);
  });
});

describe('journal entry -> record', () => {
  const entry = {
    __CURSOR: 's=1;i=2',
    __REALTIME_TIMESTAMP: '1700000000123456',
    __MONOTONIC_TIMESTAMP: '5',
    _PID: '1',
    PID: '2',
    MESSAGE: 'm',
    MULTI: ['a', [98, 255], 'c'],
    BIN: [104, 105],
    BIG: null,
  };

  it('keeps fields, drops addresses, decodes bytes, turns repeated fields into arrays', () => {
    expect(entryRecord(entry, plain)).toEqual({ _PID: '1', PID: '2', MESSAGE: 'm', MULTI: ['a', 'b\ufffd', 'c'], BIN: 'hi' });
    expect(entryTime(entry)).toBe(1_700_000_000_123_456_000n);
    expect(entryTime({})).toBe(0n);
  });

  it('Strip_Underscores and Lowercase apply to keys; keys that meet become arrays, re-inserted at the end', () => {
    const r = entryRecord(entry, { stripUnderscores: true, lowercase: true, maxFields: 8000 });
    // Fields in name order: PID, then _PID meets it and the array moves behind the others.
    expect(r).toEqual({ message: 'm', multi: ['a', 'b\ufffd', 'c'], bin: 'hi', pid: ['2', '1'] });
    expect(Object.keys(r)).toEqual(['bin', 'message', 'multi', 'pid']);
    expect(Object.keys(entryRecord({ _A: '1', B: '2', A: '3' }, { ...plain, stripUnderscores: true }))).toEqual(['B', 'A']);
    expect(Object.keys(entryRecord({ Z: '1', _A: '2', M: '3', __CURSOR: 'c' }, plain))).toEqual(['M', 'Z', '_A']);
  });

  it('Max_Fields counts values, repeated ones included', () => {
    expect(entryRecord(entry, { ...plain, maxFields: 3 })).toEqual({ BIN: 'hi', MESSAGE: 'm', MULTI: 'a' });
    expect(entryRecord(entry, { ...plain, maxFields: 5 })).toEqual({ BIN: 'hi', MESSAGE: 'm', MULTI: ['a', 'b\ufffd', 'c'] });
  });

  it('composes tags like tag_compose', () => {
    expect(makeTagger('host.*')({ _SYSTEMD_UNIT: 'kubelet.service' })).toBe('host.kubelet.service');
    expect(makeTagger('a.*.b.*')({ _SYSTEMD_UNIT: 'x' })).toBe('a.x.b.*');
    expect(makeTagger('host.*')({})).toBe('host.unknown');
    expect(makeTagger('fixed')({ _SYSTEMD_UNIT: 'x' })).toBe('fixed');
    expect(makeTagger('*')({ _SYSTEMD_UNIT: ['u1', 'u2'] })).toBe('u1');
  });

  it('rechecks And matches on entries', () => {
    const m = [['T', 'a'], ['T', 'b']] as const;
    expect(hasAllMatches({ T: ['a', 'b'] }, m)).toBe(true);
    expect(hasAllMatches({ T: 'a' }, m)).toBe(false);
    expect(hasAllMatches({}, m)).toBe(false);
  });
});

describe('journalctl command line', () => {
  const q = { path: '/var/log/journal', matches: ['_SYSTEMD_UNIT=a', '_SYSTEMD_UNIT=b', 'PRIORITY=3'], filterType: 'or' as const };

  it('ORs filters with + and ANDs them side by side', () => {
    expect(journalctlArgs(q, { fromTail: false })).toEqual([
      '--no-pager', '--output=json', '--all', '--follow', '--merge', '--directory=/var/log/journal', '--no-tail',
      '--', '_SYSTEMD_UNIT=a', '+', '_SYSTEMD_UNIT=b', '+', 'PRIORITY=3',
    ]);
    expect(journalctlArgs({ ...q, filterType: 'and' }, { fromTail: false }).slice(-4)).toEqual(['--', '_SYSTEMD_UNIT=a', '_SYSTEMD_UNIT=b', 'PRIORITY=3']);
    expect(andRecheck({ ...q, filterType: 'and' })).toEqual([['_SYSTEMD_UNIT', 'a'], ['_SYSTEMD_UNIT', 'b']]);
    expect(andRecheck(q)).toEqual([]);
    expect(andRecheck({ ...q, filterType: 'and', matches: ['A=1', 'B=2'] })).toEqual([]);
  });

  it('starts at the head, the tail (Read_From_Tail) or after a cursor', () => {
    const none = { path: undefined, matches: [], filterType: 'or' as const };
    expect(journalctlArgs(none, { fromTail: true })).toEqual(['--no-pager', '--output=json', '--all', '--follow', '--merge', '--lines=0']);
    expect(journalctlArgs(none, { fromTail: true, since: '1700000000.123' }).slice(-1)).toEqual(['--since=@1700000000.123']);
    expect(journalctlArgs(none, { fromTail: true, afterCursor: 's=1;i=2' })).toEqual(['--no-pager', '--output=json', '--all', '--follow', '--merge', '--after-cursor=s=1;i=2', '--no-tail']);
  });

  it('knows a cursor from what Fluent Bit stores before it has one', () => {
    expect(isCursor('s=b7a8;i=3;b=0123;m=bb8;t=60a2;x=b543')).toBe(true);
    expect(isCursor('(null)')).toBe(false);
    expect(isCursor('')).toBe(false);
  });
});
