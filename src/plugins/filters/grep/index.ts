import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { GREP_OPTIONS, checkGrep } from './options.js';

/** `grep`: keep or drop records by matching record values against regular expressions. */
export default defineFilter({
  name: 'grep',
  description: 'Keep or drop records whose field values match regular expressions',
  options: GREP_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./grep-filter.js')).GrepFilter(options, ctx),
  check: checkGrep,
});
