/**
 * Reading a record accessor (`$log`, `$kubernetes['labels']['app']`, `$items[0]`) in a record: what
 * filters, processor conditions and routes share. Parsing one from its text is the filters'
 * (plugins/filters/shared/accessor.ts), which re-exports these.
 */

export interface RecordAccessor {
  /** The text as written, e.g. `$kubernetes['labels']['app']`. */
  readonly source: string;
  /** The top-level key, e.g. `kubernetes`. */
  readonly key: string;
  /** Map keys (strings) and array indexes (numbers) below the top-level key. */
  readonly subkeys: readonly (string | number)[];
}

/**
 * The value an accessor reaches in a record (`flb_ra_key` lookups), or undefined when a key is
 * missing, a string subkey meets a non-map, or an index meets a non-array or is out of range.
 * Quirk kept from `src/flb_ra_key.c`: subkeys are followed only when the top-level value is a map
 * or an array; any other top-level value is the result itself (`$a['b']` on `{"a": "x"}` is "x").
 */
export function readAccessor(record: Readonly<Record<string, unknown>>, accessor: RecordAccessor): unknown {
  if (!Object.hasOwn(record, accessor.key)) return undefined;
  let value: unknown = record[accessor.key];
  if (typeof value !== 'object' || value === null) return value;
  const subkeys = accessor.subkeys;
  for (let i = 0; i < subkeys.length; i++) {
    const sub = subkeys[i]!;
    if (typeof sub === 'number') {
      if (!Array.isArray(value) || sub >= value.length) return undefined;
      value = value[sub];
    } else {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, sub)) return undefined;
      value = (value as Record<string, unknown>)[sub];
    }
  }
  return value;
}

/** What a record accessor regex sees (`flb_ra_key_regex_match`): string values only, else no match. */
export function accessorMatches(record: Readonly<Record<string, unknown>>, accessor: RecordAccessor, regexp: RegExp): boolean {
  const value = readAccessor(record, accessor);
  if (typeof value !== 'string') return false;
  regexp.lastIndex = 0;
  return regexp.test(value);
}
