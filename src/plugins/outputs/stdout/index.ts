import type { OutputRuntime } from '../../../engine/plugin.js';
import { defineOutput } from '../../../options/define.js';
import { STDOUT_OPTIONS } from './options.js';

/** `stdout`: prints records to standard output (Fluent Bit `out_stdout`). */
export default defineOutput({
  name: 'stdout',
  description: 'Print records to standard output',
  options: STDOUT_OPTIONS,
  create: async (options, ctx): Promise<OutputRuntime> => new (await import('./stdout-output.js')).StdoutOutput(options, ctx),
});
