import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { MEM_OPTIONS, checkMem } from './options.js';

/** `mem`: memory and swap usage of the host, optionally one process's RSS, from /proc (Fluent Bit `in_mem`, Linux only). */
export default defineInput({
  name: 'mem',
  description: 'Memory and swap usage of the host in kB, and optionally the resident memory of one process (Linux /proc)',
  options: MEM_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./mem-input.js')).MemInput(options, ctx),
  check: checkMem,
});
