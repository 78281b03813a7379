import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { HTTP_OPTIONS, checkHttp } from './options.js';

/** `http`: posts batches of records to an HTTP endpoint (Fluent Bit `out_http`). */
export default defineOutput({
  name: 'http',
  description: 'Post records to an HTTP endpoint',
  options: HTTP_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./http-output.js')).HttpOutput(options, ctx),
  check: checkHttp,
});
