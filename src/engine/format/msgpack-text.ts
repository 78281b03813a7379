import type { LogEvent } from '../event.js';
import { splitNanos } from '../event.js';

/** A value as msgpack-c's `msgpack_object_print` shows it (stdout's default format). */
export function printObject(value: unknown): string {
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
      if (Array.isArray(value)) return `[${value.map(printObject).join(', ')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) parts.push(`"${k}"=>${printObject(v)}`);
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
