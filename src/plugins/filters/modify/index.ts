import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { MODIFY_OPTIONS, checkModify, modifyProgram } from './options.js';

/** `modify`: set, rename, copy, move and remove record keys, optionally under conditions. */
export default defineFilter({
  name: 'modify',
  description: 'Add, set, rename, copy, move or remove record keys, optionally only when conditions hold',
  options: MODIFY_OPTIONS,
  create: async (_options, ctx): Promise<FilterRuntime> => new (await import('./modify-filter.js')).ModifyFilter(modifyProgram(ctx.entries)),
  check: checkModify,
});
