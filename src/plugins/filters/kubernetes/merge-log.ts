/**
 * Merge_Log: the record's `log` field parsed (a map as is; a string by the pod's annotated parser,
 * else Merge_Parser, else as one JSON object) and its fields added after the record's own keys or
 * under Merge_Log_Key; Merge_Log_Trim, Keep_Log, and the parser's time.
 */
import { nowNanos, type LogEvent, type LogRecord } from '../../../record/event.js';
import { parseJsonObject } from '../../../parsers/runtime/json-object.js';
import type { RecordParser } from '../../../parsers/runtime/index.js';
import { setField } from '../../../parsers/runtime/types.js';

export interface MergeOptions {
  readonly key: string | undefined;
  readonly trim: boolean;
  readonly keepLog: boolean;
}

function isMap(v: unknown): v is LogRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Strips trailing newlines and trailing literal `\n` / `\r` escapes (a raw `\r` stays). As
 * `value_trim_size` in kubernetes.c, the first character is never looked at on its own: a value
 * that is only newlines keeps its first one (an escape pair may still start at index 0).
 */
export function trimValue(s: string): string {
  let end = s.length;
  for (;;) {
    if (end > 1 && s.charCodeAt(end - 1) === 10) end--;
    else if (end > 1 && s.charCodeAt(end - 2) === 92 && (s[end - 1] === 'n' || s[end - 1] === 'r')) end -= 2;
    else break;
  }
  return end === s.length ? s : s.slice(0, end);
}

/** Whether a map has no keys (without allocating a key list). */
function isEmpty(map: LogRecord): boolean {
  for (const _ in map) return false;
  return true;
}

/**
 * Returns the merged record, or undefined when `log` is missing or does not parse. A merged key
 * that the record already has keeps its place and takes the merged value (Fluent Bit writes both
 * pairs). With Keep_Log the record keeps all its keys, so the merged fields are added to it in
 * place; without, a copy without `log` is made (`delete` would slow the record down later).
 * Merge_Log_Trim applies only to fields parsed from a string: a `log` that is already a map is
 * merged as it is.
 */
export function mergeLog(event: LogEvent, parser: RecordParser | undefined, o: MergeOptions): LogRecord | undefined {
  const record = event.record;
  if (!Object.prototype.hasOwnProperty.call(record, 'log')) return undefined;
  const log = record['log'];
  let fields: LogRecord | undefined;
  let trim = false;
  if (isMap(log)) fields = log;
  else if (typeof log !== 'string') return undefined;
  else if (parser === undefined) {
    fields = parseJsonObject(log);
    trim = o.trim;
  } else {
    // merge_log_handler: a parser that finds no time gives the current time, and the record takes
    // it (pack_map_content), so a parser without Time_Key stamps the record with the time of merging.
    const result = parser.parse(log, nowNanos());
    if (result === undefined) return undefined;
    fields = result.record;
    trim = o.trim;
    event.time = result.time;
  }
  if (fields === undefined) return undefined;
  let out = record;
  if (!o.keepLog) {
    out = {};
    for (const k in record) if (k !== 'log') setField(out, k, record[k]);
  }
  let target = out;
  if (o.key !== undefined) {
    if (isEmpty(fields)) return out;
    target = {};
    setField(out, o.key, target);
  }
  for (const k in fields) {
    const v = fields[k];
    setField(target, k, trim && typeof v === 'string' ? trimValue(v) : v);
  }
  return out;
}
