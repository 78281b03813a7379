import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { TAIL_OPTIONS, checkTail } from './options.js';

/** `tail`: follows files matching glob patterns and emits one record per line (Fluent Bit `in_tail`). */
export default defineInput({
  name: 'tail',
  description: 'Follow files matching glob patterns and emit their lines as records',
  options: TAIL_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./tail-input.js')).TailInput(options, ctx),
  check: checkTail,
});
