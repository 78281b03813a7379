import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { NEST_OPTIONS, checkNest } from './options.js';

/** `nest`: move keys into a nested map, or lift a nested map's keys to the top level. */
export default defineFilter({
  name: 'nest',
  description: 'Nest matching keys under a new map, or lift the keys of a nested map to the top level',
  options: NEST_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./nest-filter.js')).NestFilter(options, ctx),
  check: checkNest,
});
