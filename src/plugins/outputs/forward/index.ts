import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { FORWARD_OUTPUT_OPTIONS, checkForwardOutput } from './options.js';

/** `forward`: sends records over the Fluentd forward protocol (Fluent Bit `out_forward`). */
export default defineOutput({
  name: 'forward',
  description: 'Send records over the Fluentd forward protocol',
  options: FORWARD_OUTPUT_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./forward-output.js')).ForwardOutput(options, ctx),
  check: checkForwardOutput,
});
