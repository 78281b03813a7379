import { MAX_RECORD_DEPTH } from './record-depth.js';

/**
 * Bytes a record takes when serialized as Fluent Bit buffers it (msgpack), estimated without
 * serializing: used for Mem_Buf_Limit and chunk size accounting on the hot path. -1 when it nests
 * deeper than MAX_RECORD_DEPTH (the walk stops there: such a record is not taken into a chunk).
 */
export function recordSize(value: unknown): number {
  return sizeWithin(value, MAX_RECORD_DEPTH);
}

/** The size of `value`, or -1 if it has containers below `room` levels. */
function sizeWithin(value: unknown, room: number): number {
  switch (typeof value) {
    case 'string':
      return stringSize(value);
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 128 ? 1 : 9;
    case 'boolean':
      return 1;
    case 'bigint':
      return 9;
    case 'object': {
      if (value === null) return 1;
      if (room <= 0) return -1;
      if (Array.isArray(value)) {
        let n = value.length < 16 ? 1 : 5;
        for (const v of value) {
          const s = sizeWithin(v, room - 1);
          if (s < 0) return -1;
          n += s;
        }
        return n;
      }
      let n = 5;
      for (const k in value) {
        const s = sizeWithin((value as Record<string, unknown>)[k], room - 1);
        if (s < 0) return -1;
        n += stringSize(k) + s;
      }
      return n;
    }
    default:
      return 1;
  }
}

function stringSize(s: string): number {
  // UTF-16 length is a lower bound of UTF-8 bytes; exact for ASCII, which log lines mostly are.
  const len = s.length;
  return len + (len < 32 ? 1 : len < 256 ? 2 : len < 65536 ? 3 : 5);
}

/** Size of one event in a chunk: the record plus the timestamp and array framing; -1 as recordSize. */
export function eventSize(record: Record<string, unknown>): number {
  const size = recordSize(record);
  return size < 0 ? -1 : size + 12;
}
