/**
 * Templates over records (rewrite_tag's NEW_TAG, es's index and id keys, forward's tag,
 * cloudwatch_logs' log group and stream names): text with `$TAG`, `$TAG[n]`, capture groups and
 * record accessors, split and filled as Fluent Bit's `ra_parse_buffer` and `flb_ra_translate` do.
 */
import { parseRecordAccessor, readAccessor, type RecordAccessor } from './accessor.js';

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
