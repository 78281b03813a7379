/**
 * Merge_Log: the record's `log` field parsed (a map as is; a string by the pod's annotated parser,
 * else Merge_Parser, else as one JSON object) and its fields added after the record's own keys or
 * under Merge_Log_Key; Merge_Log_Trim, Keep_Log, and the parser's time.
 */
import type { LogEvent, LogRecord } from '../../../engine/event.js';
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

/**
 * The parsed `log`, the time the parser found (undefined: keep the event's time), and whether it
 * was parsed from a string (only then does Merge_Log_Trim apply: a map is merged as it is).
 */
function parseLog(log: unknown, parser: RecordParser | undefined, now: bigint): { fields: LogRecord; time: bigint | undefined; parsed?: true } | undefined {
  if (isMap(log)) return { fields: log, time: undefined };
  if (typeof log !== 'string') return undefined;
  if (parser === undefined) {
    const fields = parseJsonObject(log);
    return fields === undefined ? undefined : { fields, time: undefined, parsed: true };
  }
  const result = parser.parse(log, now);
  return result === undefined ? undefined : { fields: result.record, time: result.time === now ? undefined : result.time, parsed: true };
}

/**
 * Returns the merged record (a new object) or undefined when `log` is missing or does not parse.
 * A merged key that the record already has keeps its place and takes the merged value (Fluent Bit
 * writes both pairs).
 */
export function mergeLog(event: LogEvent, parser: RecordParser | undefined, o: MergeOptions): LogRecord | undefined {
  const record = event.record;
  if (!Object.prototype.hasOwnProperty.call(record, 'log')) return undefined;
  const parsed = parseLog(record['log'], parser, event.time);
  if (parsed === undefined) return undefined;
  const out: LogRecord = {};
  for (const k of Object.keys(record)) if (o.keepLog || k !== 'log') setField(out, k, record[k]);
  let target = out;
  if (o.key !== undefined) {
    if (Object.keys(parsed.fields).length === 0) return out;
    target = {};
    setField(out, o.key, target);
  }
  const trim = o.trim && parsed.parsed === true;
  for (const k of Object.keys(parsed.fields)) {
    const v = parsed.fields[k];
    setField(target, k, trim && typeof v === 'string' ? trimValue(v) : v);
  }
  if (parsed.time !== undefined) event.time = parsed.time;
  return out;
}
