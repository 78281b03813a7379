import type { FilterRuntime } from '../../../engine/plugin.js';
import { defineFilter } from '../../../options/define.js';
import { REWRITE_TAG_OPTIONS, checkRewriteTag } from './options.js';

/** `rewrite_tag`: re-emit matching records with a new tag (through an internal emitter input). */
export default defineFilter({
  name: 'rewrite_tag',
  description: 'Re-emit records whose field matches a regular expression under a new tag',
  options: REWRITE_TAG_OPTIONS,
  create: async (options, ctx): Promise<FilterRuntime> => new (await import('./rewrite-tag-filter.js')).RewriteTagFilter(options, ctx),
  check: checkRewriteTag,
});
