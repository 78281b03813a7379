import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { CONTENT_MODIFIER_OPTIONS, checkContentModifier } from './options.js';

/** The `content_modifier` processor (YAML `processors`, logs): one action on one key of each record. */
export default defineFilter({
  name: 'content_modifier',
  description: 'Processor: insert, upsert, delete, rename, hash, extract or convert one key of each record',
  options: CONTENT_MODIFIER_OPTIONS,
  create: async (options): Promise<FilterRuntime> => new (await import('./content-modifier.js')).ContentModifier(options),
  check: checkContentModifier,
});
