import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { PARSER_OPTIONS } from './options.js';

/** `parser`: parse one field of each record with the first [PARSER] that succeeds. */
export default defineFilter({
  name: 'parser',
  description: 'Parse a field of each record with named parsers and replace or extend the record',
  options: PARSER_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./parser-filter.js')).ParserFilter(options, ctx),
});
