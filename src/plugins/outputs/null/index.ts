import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { NULL_OPTIONS } from './options.js';

/** `null`: discards every record (Fluent Bit `out_null`). */
export default defineOutput({
  name: 'null',
  description: 'Discard records',
  options: NULL_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./null-output.js')).NullOutput(options, ctx),
});
