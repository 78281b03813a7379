import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { LIB_OPTIONS } from './options.js';

/** `lib`: hands records to a callback of the embedding program (Fluent Bit `out_lib`). */
export default defineOutput({
  name: 'lib',
  description: 'Hand records to a callback registered by the embedding program',
  options: LIB_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./lib-output.js')).LibOutput(options, ctx),
});
