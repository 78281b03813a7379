import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { LUA_OPTIONS, checkLua } from './options.js';

/** `lua`: run a Lua function on every record (Lua 5.4 in WebAssembly; Fluent Bit embeds LuaJIT). */
export default defineFilter({
  name: 'lua',
  description: 'Transform, split or drop records with a Lua function',
  options: LUA_OPTIONS,
  check: checkLua,
  create: async (options, ctx): Promise<FilterRuntime> => (await import('./lua-filter.js')).LuaFilter.create(options, ctx),
});
