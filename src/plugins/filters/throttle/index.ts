import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { THROTTLE_OPTIONS } from './options.js';

/** `throttle`: drop records above an average rate over a sliding window. */
export default defineFilter({
  name: 'throttle',
  description: 'Drop records when the average rate over a sliding window exceeds a limit',
  options: THROTTLE_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./throttle-filter.js')).ThrottleFilter(options, ctx),
});
