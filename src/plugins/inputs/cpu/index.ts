import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { CPU_OPTIONS, checkCpu } from './options.js';

/** `cpu`: CPU usage of the machine or of one process, from /proc (Fluent Bit `in_cpu`, Linux only). */
export default defineInput({
  name: 'cpu',
  description: 'CPU usage of the host, per CPU, or of one process (Linux /proc)',
  options: CPU_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./cpu-input.js')).CpuInput(options, ctx),
  check: checkCpu,
});
