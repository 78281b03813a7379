import type { OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { parseSqlQuery, SqlSyntaxError, type SqlQuery } from './query.js';

/** Fluent Bit refuses to start with a query its parser rejects ("failed to parse SQL query"). */
function parseQuery(text: string): ParseOutcome<SqlQuery> {
  try {
    return { ok: true, value: parseSqlQuery(text) };
  } catch (err) {
    if (!(err instanceof SqlSyntaxError)) throw err;
    return {
      ok: false,
      message: `invalid SQL query: ${err.message}`,
      hint: "write SELECT keys FROM STREAM [WHERE condition]; e.g. SELECT log, level AS lvl FROM STREAM WHERE level = 'error';",
    };
  }
}

/** The options of the `sql` processor (plugins/processor_sql/sql.c). */
export const SQL_OPTIONS = {
  query: opt.custom('sql-query', { required: true, doc: 'SELECT keys (or *, with AS aliases) FROM STREAM, an optional WHERE condition, and a final ;' }, parseQuery),
} as const;

export type SqlOptions = OptionsOfTable<'filter', typeof SQL_OPTIONS>;
