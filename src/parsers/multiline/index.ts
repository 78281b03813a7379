export { createMultiline, Multiline, MultilineStream, MIN_FLUSH_INTERVAL_MS } from './multiline.js';
export type { MultilineOptions, MultilinePlanSource, MultilineStats } from './multiline.js';
export { MultilineSetupError } from './spec.js';
