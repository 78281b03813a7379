import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { RECORD_MODIFIER_OPTIONS, checkRecordModifier } from './options.js';

/** `record_modifier`: append fixed fields, or remove / keep only some keys. */
export default defineFilter({
  name: 'record_modifier',
  description: 'Append fields to records, or remove keys or keep only listed keys',
  options: RECORD_MODIFIER_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./record-modifier-filter.js')).RecordModifierFilter(options, ctx),
  check: checkRecordModifier,
});
