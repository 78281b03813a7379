/**
 * Record accessors (`$log`, `$kubernetes['labels']['app']`, `$items[0]`): what inputs, filters,
 * outputs and the processors' conditions share to name a value in a record. Reading one follows
 * `src/flb_ra_key.c`; parsing one follows `src/flb_record_accessor.c` and `src/record_accessor/ra.l`.
 *
 * Fluent Bit cuts an accessor at the first `.`, space, `,` or `"` that is not inside a quoted subkey,
 * and keeps what follows as literal text; grep and rewrite_tag then look only at the first piece.
 * `$kubernetes.labels` therefore reads the whole `kubernetes` map and never matches. This parser
 * accepts exactly one accessor and reports anything left over. Templates made of accessors are in
 * `template.ts`.
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

export type AccessorOutcome = { ok: true; accessor: RecordAccessor } | { ok: false; message: string; hint?: string };

const IDENT = /^[_A-Za-z][A-Za-z0-9_\-/]*/;

export function parseRecordAccessor(text: string): AccessorOutcome {
  if (!text.startsWith('$')) {
    return { ok: false, message: `'${text}' is not a record accessor (it must start with '$')` };
  }
  const ident = IDENT.exec(text.slice(1));
  if (!ident) {
    if (/^\$\d/.test(text)) {
      return { ok: false, message: `'${text}' refers to a regex capture group, not a record key` };
    }
    return {
      ok: false,
      message: `'${text}' is not a record accessor`,
      hint: "a key name starts with a letter or '_' and may contain letters, digits, '_', '-' and '/'",
    };
  }
  const key = ident[0];
  if (key.startsWith('TAG')) {
    // ra_parse_buffer treats any `$TAG...` as the tag (or `$TAG[n]`, a part of it).
    return { ok: false, message: `'${text}': Fluent Bit reads '$TAG' as the record tag, not a record key` };
  }
  const subkeys: (string | number)[] = [];
  let i = 1 + key.length;
  while (i < text.length && text[i] === '[') {
    let j = i + 1;
    if (text[j] === "'") {
      j++;
      let value = '';
      for (;;) {
        if (j >= text.length) return { ok: false, message: `'${text}': unterminated quoted subkey` };
        const c = text[j]!;
        if (c === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          j++;
          break;
        }
        if (c === ' ' || c === ',' || c === '"') {
          return {
            ok: false,
            message: `'${text}': Fluent Bit cannot read a subkey containing ${c === ' ' ? 'a space' : `'${c}'`}`,
          };
        }
        value += c;
        j++;
      }
      subkeys.push(value);
    } else {
      const m = /^(?:0|[1-9]\d*)/.exec(text.slice(j));
      if (!m) return { ok: false, message: `'${text}': a subkey is a quoted name ('name') or an array index` };
      subkeys.push(Number.parseInt(m[0], 10));
      j += m[0].length;
    }
    if (text[j] !== ']') return { ok: false, message: `'${text}': missing ']' after a subkey` };
    i = j + 1;
  }
  if (i < text.length) {
    const rest = text.slice(i);
    if (rest.startsWith('.')) {
      const parts = rest.slice(1).split('.');
      return {
        ok: false,
        message: `'${text}': Fluent Bit ends the key at '.', so this reads the whole '${key}' value`,
        hint: `write nested keys as $${key}${parts.map((p) => `['${p}']`).join('')}`,
      };
    }
    return { ok: false, message: `'${text}': unexpected '${rest}' after the record accessor` };
  }
  return { ok: true, accessor: { source: text, key, subkeys } };
}

/**
 * A key written either as a record accessor (`$a['b']`) or as a plain name. Fluent Bit's record
 * accessor reads text without a leading `$` as one literal key name (dots and brackets included).
 */
export function parseKeyOrAccessor(text: string): AccessorOutcome {
  if (text.startsWith('$')) return parseRecordAccessor(text);
  return { ok: true, accessor: { source: text, key: text, subkeys: [] } };
}
