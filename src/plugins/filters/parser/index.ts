import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { parseRecordAccessor } from '../shared/accessor.js';

/** `Key_Name`: a plain key, or a record accessor when it starts with `$` (checked here). */
function parseKeyName(text: string): ParseOutcome<string> {
  if (!text.startsWith('$')) return { ok: true, value: text };
  const acc = parseRecordAccessor(text);
  if (acc.ok) return { ok: true, value: text };
  return acc.hint ? { ok: false, message: acc.message, hint: acc.hint } : { ok: false, message: acc.message };
}

/** `parser`: parse one field of each record with the first [PARSER] that succeeds. */
export default defineFilter({
  name: 'parser',
  description: 'Parse a field of each record with named parsers and replace or extend the record',
  options: {
    key_name: opt.custom('string', { required: true, doc: 'Field to parse (a string value; $a[\'b\'] reaches nested keys)' }, parseKeyName),
    parser: opt.string({ required: true, multiple: true, references: 'parser', doc: 'Parser to try; repeat the key to try several in order' }),
    reserve_data: opt.bool({ default: 'false', doc: 'Keep the other fields of the record next to the parsed ones' }),
    preserve_key: opt.bool({ default: 'false', doc: 'With Reserve_Data, keep the original Key_Name field too' }),
    unescape_key: opt.unsupported({ doc: 'Deprecated, no effect', reason: 'deprecated in Fluent Bit, which ignores it' }),
  },
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./parser-filter.js')).ParserFilter(options, ctx),
});
