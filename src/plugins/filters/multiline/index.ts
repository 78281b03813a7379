import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { MULTILINE_OPTIONS, checkMultiline } from './options.js';

/** `multiline`: join lines of a record field into one record with multiline parsers. */
export default defineFilter({
  name: 'multiline',
  description: 'Concatenate multiline messages (stack traces, split container logs) in a record field',
  options: MULTILINE_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./multiline-filter.js')).MultilineFilter(options, ctx),
  check: checkMultiline,
});
