import type { LogEvent } from '../../record/event.js';
import { splitNanos } from '../../record/event.js';
import { MAX_RECORD_DEPTH, TOO_DEEP } from '../record-depth.js';

/**
 * A value as msgpack-c's `msgpack_object_print` shows it (stdout's default format). Levels below
 * MAX_RECORD_DEPTH print as TOO_DEEP.
 */
export function printObject(value: unknown, room = MAX_RECORD_DEPTH): string {
  switch (typeof value) {
    case 'string':
      return `"${value}"`;
    case 'number':
      return Number.isInteger(value) ? String(value) : value.toFixed(6);
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'nil';
      if (room <= 0) return `"${TOO_DEEP}"`;
      if (Array.isArray(value)) return `[${value.map((v) => printObject(v, room - 1)).join(', ')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) parts.push(`"${k}"=>${printObject(v, room - 1)}`);
      return `{${parts.join(', ')}}`;
    }
    default:
      return 'nil';
  }
}

/** `[n] tag: [[sec.nsec, {}], {record}]`, as Fluent Bit's stdout prints records without a format. */
export function printEvent(index: number, tag: string, event: LogEvent): string {
  const { sec, nsec } = splitNanos(event.time);
  return `[${index}] ${tag}: [[${sec}.${String(nsec).padStart(9, '0')}, {}], ${printObject(event.record)}]\n`;
}
