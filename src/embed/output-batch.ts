import type { LogEvent } from '../record/event.js';

/** A batch a `lib` output hands to the program. */
export interface OutputBatch {
  /** The output's name (`lib.0`, or its Alias). */
  readonly output: string;
  readonly tag: string;
  readonly events: readonly LogEvent[];
}
