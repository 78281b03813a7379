/**
 * Records as the AWS outputs send them: JSON with the keys in record order (as the stdout and file
 * outputs write them, src/engine/format/json.ts). Integers held as bigint are written as numbers.
 */
import type { LogEvent } from '../../../record/event.js';
import { stringifyBounded } from '../../../engine/record-depth.js';
import { bigintAsNumber } from '../../../record/encoded.js';
import { formatTimeKey } from './time-key.js';

/** A value as JSON text (levels below MAX_RECORD_DEPTH cut when the stack cannot hold them). */
export function recordJson(value: unknown): string {
  try {
    return stringifyBounded(value) ?? 'null';
  } catch {
    // A bigint somewhere (JSON.stringify refuses them), or a cycle (which a record never has).
    return stringifyBounded(value, bigintAsNumber) ?? 'null';
  }
}

/** A log_key value: a string as it is, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : recordJson(value);
}

/**
 * A record as Fluent Bit's kinesis_firehose and kinesis_streams write it: its JSON (or the log_key
 * value), time_key spliced in before the closing brace, a newline appended. undefined when the
 * record has no log_key; '' for an empty record (which they discard).
 */
export function recordLine(e: LogEvent, o: { readonly log_key?: string | undefined; readonly time_key?: string | undefined; readonly time_key_format: string }): string | undefined {
  let json: string;
  if (o.log_key !== undefined) {
    if (!Object.hasOwn(e.record, o.log_key)) return undefined;
    json = valueText(e.record[o.log_key]);
  } else {
    json = recordJson(e.record);
  }
  if (json === '' || json === '{}') return '';
  if (o.time_key !== undefined && json.endsWith('}')) {
    json = `${json.slice(0, -1)},${JSON.stringify(o.time_key)}:${JSON.stringify(formatTimeKey(o.time_key_format, e.time))}}`;
  }
  return `${json}\n`;
}
