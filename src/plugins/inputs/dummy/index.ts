import type { InputRuntime } from '../../../engine/plugin.js';
import { defineInput } from '../../../options/define.js';
import { DUMMY_OPTIONS, checkDummy } from './options.js';

/** `dummy`: generates records from a JSON template (Fluent Bit `in_dummy`). */
export default defineInput({
  name: 'dummy',
  description: 'Generate dummy records (testing and benchmarks)',
  options: DUMMY_OPTIONS,
  create: async (options, ctx): Promise<InputRuntime> => new (await import('./dummy-input.js')).DummyInput(options, ctx),
  check: checkDummy,
});
