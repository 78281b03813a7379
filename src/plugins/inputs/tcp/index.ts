import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { TCP_OPTIONS, checkTcp } from './options.js';

/** `tcp`: JSON maps or delimited text received over TCP (Fluent Bit `in_tcp`). */
export default defineInput({
  name: 'tcp',
  description: 'Accept JSON or delimited text over TCP',
  options: TCP_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./tcp-input.js')).TcpInput(options, ctx),
  check: checkTcp,
});
