/**
 * Bytes a record takes when serialized as Fluent Bit buffers it (msgpack), estimated without
 * serializing: used for Mem_Buf_Limit and chunk size accounting on the hot path.
 */
export function recordSize(value: unknown): number {
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
      if (Array.isArray(value)) {
        let n = value.length < 16 ? 1 : 5;
        for (const v of value) n += recordSize(v);
        return n;
      }
      let n = 5;
      for (const k in value) n += stringSize(k) + recordSize((value as Record<string, unknown>)[k]);
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

/** Size of one event in a chunk: the record plus the timestamp and array framing. */
export function eventSize(record: Record<string, unknown>): number {
  return recordSize(record) + 12;
}
