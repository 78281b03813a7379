import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { LIB_OPTIONS } from './options.js';

/**
 * `lib`: records pushed in by the embedding program through the library API (Fluent Bit `in_lib`).
 * Fluent Bit's plugin has no options of its own, only the generic input keys.
 */
export default defineInput({
  name: 'lib',
  description: 'Receive records pushed by the embedding program through the library API',
  options: LIB_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./lib-input.js')).LibInput(options, ctx),
});
