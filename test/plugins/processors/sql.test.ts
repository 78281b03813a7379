import { describe, expect, it } from 'vitest';
import { parseSqlQuery, SqlSyntaxError } from '../../../src/plugins/processors/sql/query.js';
import { SqlProcessor } from '../../../src/plugins/processors/sql/sql-processor.js';

function run(query: string, records: Record<string, unknown>[]): Record<string, unknown>[] {
  const p = new SqlProcessor(parseSqlQuery(query));
  return p.filter('t', records.map((record) => ({ time: 0n, record: { ...record } }))).map((e) => e.record);
}

const R = [
  { msg: 'm', level: 'warn', n: 7, user: 'u' },
  { msg: 'm2', level: 'info', n: 1, user: null },
];

describe('the sql processor (plugins/processor_sql)', () => {
  it('keeps the selected keys in the record order, renamed by AS', () => {
    expect(run('SELECT level AS severity, msg FROM STREAM;', R)).toEqual([
      { msg: 'm', severity: 'warn' },
      { msg: 'm2', severity: 'info' },
    ]);
    expect(Object.keys(run('SELECT n, msg FROM STREAM;', R)[0]!)).toEqual(['msg', 'n']);
    expect(run('select * from stream;', R)).toEqual(R);
  });

  it('binds AND and OR to the right, and NOT takes the rest (bison shifts: no precedence declared)', () => {
    // n > 4 AND (n < 8 OR n = 1): the n = 1 record fails the first test.
    expect(run('SELECT * FROM STREAM WHERE n > 4 AND n < 8 OR n = 1;', R).map((r) => r['n'])).toEqual([7]);
    // NOT (n = 1 AND n = 1).
    expect(run('SELECT * FROM STREAM WHERE NOT n = 1 AND n = 1;', R).map((r) => r['n'])).toEqual([7]);
    expect(run('SELECT * FROM STREAM WHERE (n = 1 OR n = 7) AND msg;', R)).toHaveLength(2);
  });

  it('IS NULL holds for a null value, not for a missing key', () => {
    expect(run('SELECT * FROM STREAM WHERE user IS NULL;', R).map((r) => r['n'])).toEqual([1]);
    expect(run('SELECT * FROM STREAM WHERE nokey IS NULL;', R)).toEqual([]);
    expect(run('SELECT * FROM STREAM WHERE user IS NOT NULL;', R).map((r) => r['n'])).toEqual([7]);
  });

  it('reads a text key as a number against a number; mixed types are never equal', () => {
    const rows = [{ code: '500' }, { code: '2.5' }, { code: 'x' }, { code: 500 }];
    expect(run('SELECT * FROM STREAM WHERE code >= 500;', rows)).toEqual([{ code: '500' }, { code: 500 }]);
    expect(run('SELECT * FROM STREAM WHERE code < 3;', rows)).toEqual([{ code: '2.5' }]);
    expect(run("SELECT * FROM STREAM WHERE code = '500';", rows)).toEqual([{ code: '500' }]);
    expect(run("SELECT * FROM STREAM WHERE code < 'y';", rows)).toEqual([{ code: '500' }, { code: '2.5' }, { code: 'x' }]);
  });

  it('keeps decimals as C floats and integers as C ints, as the parser does', () => {
    expect(run('SELECT * FROM STREAM WHERE f = 1.1;', [{ f: 1.1 }, { f: Math.fround(1.1) }])).toEqual([{ f: Math.fround(1.1) }]);
    expect(run("SELECT * FROM STREAM WHERE s = 'it''s';", [{ s: "it's" }])).toEqual([{ s: "it's" }]);
  });

  it('rejects what the grammar does not accept', () => {
    for (const bad of ['SELECT * FROM STREAM', 'SELECT FROM STREAM;', 'SELECT * FROM logs;', 'SELECT * FROM STREAM WHERE 1 = n;', 'SELECT * FROM STREAM WHERE n = ;', 'SELECT * FROM STREAM; x']) {
      expect(() => parseSqlQuery(bad), bad).toThrow(SqlSyntaxError);
    }
  });
});
