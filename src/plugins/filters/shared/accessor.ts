/**
 * Record accessor keys (`$log`, `$kubernetes['labels']['app']`, `$items[0]`) as grep, rewrite_tag
 * and the parser filter accept them (Fluent Bit `src/flb_record_accessor.c`, `src/record_accessor/ra.l`).
 *
 * Fluent Bit cuts an accessor at the first `.`, space, `,` or `"` that is not inside a quoted subkey,
 * and keeps what follows as literal text; grep and rewrite_tag then look only at the first piece.
 * `$kubernetes.labels` therefore reads the whole `kubernetes` map and never matches. This parser
 * accepts exactly one accessor and reports anything left over.
 */

import { readAccessor, type RecordAccessor } from '../../../parsers/record-accessor.js';

export { accessorMatches, readAccessor, type RecordAccessor } from '../../../parsers/record-accessor.js';

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

/** One piece of a record accessor template such as rewrite_tag's NEW_TAG. */
export type TemplatePart =
  | { readonly type: 'text'; readonly value: string }
  /** `$TAG`: the whole tag. */
  | { readonly type: 'tag' }
  /** `$TAG[n]`: the n-th dot-separated part of the tag. */
  | { readonly type: 'tag-part'; readonly index: number }
  /** `$0` .. `$9`: a capture group of the rule's regex. */
  | { readonly type: 'group'; readonly index: number }
  /** `$key['sub']`: a record value. */
  | { readonly type: 'key'; readonly accessor: RecordAccessor };

export type TemplateOutcome = { ok: true; parts: TemplatePart[] } | { ok: false; message: string; hint?: string };

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/**
 * Splits a template the way `ra_parse_buffer` does: `$` followed by a digit is a capture group
 * (the digits read with atoi, though only one is consumed), `$TAG` / `$TAG[n]` the tag, and any
 * other `$...` runs to the next `.`, space, `,` or `"` (a `.` inside a quoted subkey does not end
 * it) and must be one record accessor, else Fluent Bit rejects the template.
 */
export function parseAccessorTemplate(text: string): TemplateOutcome {
  const parts: TemplatePart[] = [];
  const len = text.length;
  let pre = 0;
  const pushText = (from: number, to: number) => {
    if (to > from) parts.push({ type: 'text', value: text.slice(from, to) });
  };
  let i = 0;
  while (i < len) {
    if (text[i] !== '$') {
      i++;
      continue;
    }
    pushText(pre, i);
    pre = i;
    const n = i + 1;
    if (n >= len) break;
    if (isDigit(text[n])) {
      parts.push({ type: 'group', index: Number.parseInt(/^\d+/.exec(text.slice(n))![0], 10) });
      pre = n + 1;
      i = n + 1;
      continue;
    }
    if (n + 2 < len && text.startsWith('TAG', n)) {
      const t = n + 3;
      if (n + 4 < len && text[t] === '[') {
        const close = text.indexOf(']', t);
        const digits = /^[+-]?\d+/.exec(text.slice(t + 1));
        parts.push({ type: 'tag-part', index: digits ? Number.parseInt(digits[0], 10) : 0 });
        if (close < 0) return { ok: false, message: `'${text}': missing ']' after $TAG[` };
        // Fluent Bit then skips one character before looking for the next `$` (`$TAG[0]$TAG[1]`
        // keeps the second one as text).
        pre = close + 1;
        i = close + 2;
        continue;
      }
      parts.push({ type: 'tag' });
      pre = t;
      i = t + 1; // the character after `$TAG` is never the start of another `$` piece
      continue;
    }
    let quotes = 0;
    let end = i + 1;
    for (; end < len; end++) {
      const c = text[end];
      if (c === "'") quotes++;
      else if (c === '.' && quotes % 2 === 1) continue;
      else if (c === '.' || c === ' ' || c === ',' || c === '"') break;
    }
    const acc = parseRecordAccessor(text.slice(i, end));
    if (!acc.ok) return acc;
    parts.push({ type: 'key', accessor: acc.accessor });
    pre = end;
    i = end;
  }
  pushText(pre, len);
  return { ok: true, parts };
}

/** Text of a record value as flb_ra_translate writes it; undefined for maps, arrays and null. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A template (without capture groups) for one record, as flb_ra_translate fills it: a missing or non-scalar key gives ''. */
export function renderAccessorTemplate(parts: readonly TemplatePart[], tag: string, record: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const p of parts) {
    if (p.type === 'text') out += p.value;
    else if (p.type === 'tag') out += tag;
    else if (p.type === 'tag-part') out += tag.split('.')[p.index] ?? '';
    else if (p.type === 'key') out += scalarText(readAccessor(record, p.accessor)) ?? '';
  }
  return out;
}
