/**
 * Runs an `sql` processor query on each record (plugins/processor_sql/sql.c): the WHERE condition
 * drops the records it is false for; the others keep, in their own order, the keys SELECT names
 * (renamed by AS), or all of them when the first selected key is `*`.
 *
 * Comparisons follow Fluent Bit: a string key compared with a number is read as a number when it
 * is one; an integer meets a decimal as decimals; other mixed types are never equal nor ordered;
 * `IS NULL` holds for a key whose value is null (not for a missing key); NOT takes the whole rest of
 * the condition. Text comparisons (`=`, `<`, ...) and AS with a WHERE clause work as documented:
 * in Fluent Bit 4.2.8, a record's text never equals a query's text (it reads the record's string
 * past its end) and an aliased key not selected first is dropped when the query has a WHERE.
 */
import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterRuntime } from '../../../engine/plugin.js';
import type { SqlCompare, SqlExpression, SqlQuery, SqlValue } from './query.js';

export class SqlProcessor implements FilterRuntime {
  constructor(private readonly query: SqlQuery) {}

  filter(_tag: string, events: LogEvent[]): LogEvent[] {
    const kept: LogEvent[] = [];
    for (const e of events) {
      if (this.query.where && !truthy(reduce(this.query.where, e.record))) continue;
      e.record = this.select(e.record);
      kept.push(e);
    }
    return kept;
  }

  private select(record: LogRecord): LogRecord {
    const keys = this.query.keys;
    if (keys[0]?.name === undefined) return record;
    const out: LogRecord = {};
    for (const [k, v] of Object.entries(record)) {
      const selected = keys.find((s) => s.name === k);
      if (selected) out[selected.alias ?? k] = v;
    }
    return out;
  }
}

/** sql_key_to_value: a record value as an SQL value (maps and lists are none). */
function keyValue(record: LogRecord, name: string): SqlValue | undefined {
  if (!Object.hasOwn(record, name)) return undefined;
  const v = record[name];
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v };
  if (typeof v === 'boolean') return { type: 'bool', value: v };
  if (v === null) return { type: 'null' };
  return undefined;
}

function reduce(e: SqlExpression, record: LogRecord): SqlValue | undefined {
  switch (e.kind) {
    case 'value':
      return e.value;
    case 'key':
      return keyValue(record, e.name);
    case 'compare':
      return { type: 'bool', value: compare(keyValue(record, e.key), e.value, e.op) };
    case 'not':
      return { type: 'bool', value: !truthy(reduce(e.operand, record)) };
    case 'paren':
      return { type: 'bool', value: truthy(reduce(e.operand, record)) };
    case 'logic': {
      const left = truthy(reduce(e.left, record));
      const right = e.right ? truthy(reduce(e.right, record)) : false;
      return { type: 'bool', value: e.op === 'and' ? left && right : left || right };
    }
  }
}

/** value_to_bool: numbers above zero and any text are true; null and nothing are false. */
function truthy(v: SqlValue | undefined): boolean {
  if (!v) return false;
  switch (v.type) {
    case 'bool':
      return v.value;
    case 'int':
    case 'float':
      return v.value > 0;
    case 'string':
      return true;
    case 'null':
      return false;
  }
}

/** numerical_comp. */
function compare(left: SqlValue | undefined, right: SqlValue, op: SqlCompare): boolean {
  if (!left) return false;
  let l = left;
  if (l.type === 'string' && right.type !== 'string') l = stringToNumber(l.value) ?? l;
  let r = right;
  if (l.type === 'int' && r.type === 'float') l = { type: 'float', value: l.value };
  else if (l.type === 'float' && r.type === 'int') r = { type: 'float', value: r.value };
  if (l.type !== r.type) return false;
  if (op === 'eq') {
    if (l.type === 'null') return true;
    return (l as { value: unknown }).value === (r as { value: unknown }).value;
  }
  if (l.type === 'int' || l.type === 'float' || l.type === 'string') {
    const a = l.value;
    const b = (r as { value: number | string }).value;
    if (op === 'lt') return a < b;
    if (op === 'lte') return a <= b;
    if (op === 'gt') return a > b;
    return a >= b;
  }
  return false;
}

/** string_to_number: one dot makes a decimal (strtold), none an integer (strtoll); a prefix is enough. */
function stringToNumber(text: string): SqlValue | undefined {
  const dots = text.split('.').length - 1;
  if (dots > 1) return undefined;
  if (dots === 1) {
    const n = Number.parseFloat(text);
    return Number.isNaN(n) ? undefined : { type: 'float', value: n };
  }
  const m = /^\s*[+-]?\d+/.exec(text);
  return m ? { type: 'int', value: Number.parseInt(m[0], 10) } : undefined;
}
