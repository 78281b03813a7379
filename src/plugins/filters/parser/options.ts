import type { OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { parseRecordAccessor } from '../../../record/accessor.js';

/** `Key_Name`: a plain key, or a record accessor when it starts with `$` (checked here). */
function parseKeyName(text: string): ParseOutcome<string> {
  if (!text.startsWith('$')) return { ok: true, value: text };
  const acc = parseRecordAccessor(text);
  if (acc.ok) return { ok: true, value: text };
  return acc.hint ? { ok: false, message: acc.message, hint: acc.hint } : { ok: false, message: acc.message };
}

/** The options of `parser` (its own keys; defineFilter merges the common ones). */
export const PARSER_OPTIONS = {
  key_name: opt.custom('string', { required: true, doc: 'Field to parse (a string value; $a[\'b\'] reaches nested keys)' }, parseKeyName),
  parser: opt.string({ required: true, multiple: true, references: 'parser', doc: 'Parser to try; repeat the key to try several in order' }),
  reserve_data: opt.bool({ default: 'false', doc: 'Keep the other fields of the record next to the parsed ones' }),
  preserve_key: opt.bool({ default: 'false', doc: 'With Reserve_Data, keep the original Key_Name field too' }),
  unescape_key: opt.unsupported({ doc: 'Deprecated, no effect', reason: 'deprecated in Fluent Bit, which ignores it' }),
} as const;

/** The typed options the `parser` runtime receives (common keys included). */
export type ParserOptions = OptionsOfTable<'filter', typeof PARSER_OPTIONS>;

