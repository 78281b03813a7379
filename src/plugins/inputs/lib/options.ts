import type { OptionsOfTable } from '../../../options/define.js';

/** The options of `lib` (its own keys; defineInput merges the common ones). */
export const LIB_OPTIONS = {} as const;

/** The typed options the `lib` runtime receives (common keys included). */
export type LibOptions = OptionsOfTable<'input', typeof LIB_OPTIONS>;

