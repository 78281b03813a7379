import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { HTTP_INPUT_OPTIONS, checkHttpInput } from './options.js';

/** `http`: records POSTed as JSON or form fields (Fluent Bit `in_http`). */
export default defineInput({
  name: 'http',
  description: 'Accept records posted over HTTP',
  options: HTTP_INPUT_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./http-input.js')).HttpInput(options, ctx),
  check: checkHttpInput,
});
