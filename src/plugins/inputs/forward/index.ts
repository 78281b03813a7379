import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { FORWARD_INPUT_OPTIONS, checkForwardInput } from './options.js';

/** `forward`: accepts records over the Fluentd forward protocol (Fluent Bit `in_forward`). */
export default defineInput({
  name: 'forward',
  description: 'Accept records over the Fluentd forward protocol',
  options: FORWARD_INPUT_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./forward-input.js')).ForwardInput(options, ctx),
  check: checkForwardInput,
});
