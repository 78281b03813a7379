import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt, unsupportedWhen } from '../../../options/kinds.js';
import { EMITTER_OPTIONS } from '../shared/emitter.js';

/** The options of `multiline` (its own keys; defineFilter merges the common ones). */
export const MULTILINE_OPTIONS = {
  'multiline.parser': opt.list({
    multiple: true,
    references: 'multiline_parser',
    doc: 'Multiline parsers to use (comma-separated, repeatable): built-ins such as docker, cri, go, java, python, or a [MULTILINE_PARSER]',
  }),
  'multiline.key_content': opt.string({ doc: 'Field holding the text to concatenate (overrides the parsers\' key_content)' }),
  mode: opt.enum({
    values: ['parser', 'partial_message'] as const,
    default: 'parser',
    doc: 'parser: join with multiline parsers; partial_message: rejoin logs split by the container runtime',
  }),
  buffer: opt.bool({
    default: 'true',
    doc: 'Buffer records and re-emit joined ones through an emitter input (needed for inputs other than tail)',
  }),
  flush_ms: opt.millis({ default: '2000', doc: 'Milliseconds to wait for more lines before a pending record is flushed (buffered mode)' }),
  debug_flush: unsupportedWhen(opt.bool({ default: 'false', doc: 'Print each flushed multiline record to stdout (debugging)' }), {
    when: (v) => v,
    values: 'On',
    reason: 'flushed records are not printed',
    severity: 'warning',
  }),
  ...EMITTER_OPTIONS,
} as const;

/** The typed options the `multiline` runtime receives (common keys included). */
export type MultilineOptions = OptionsOfTable<'filter', typeof MULTILINE_OPTIONS>;

/** Cross-key rules of `multiline` (the definition's `check`). */
export function checkMultiline(options: MultilineOptions, ctx: CheckContext): void {
  if (options.mode === 'parser' && options['multiline.parser'].flat().length === 0) {
    ctx.report('missing-required', "Mode parser needs at least one 'multiline.parser'", {
      key: 'mode',
      hint: 'add e.g. multiline.parser docker, cri',
    });
  }
  if (options.mode === 'partial_message') {
    if (options['multiline.key_content'] === undefined) {
      ctx.report('missing-required', "Mode partial_message needs 'multiline.key_content'", { key: 'mode', hint: 'add multiline.key_content log' });
    }
    if (!options.buffer) {
      ctx.report('conflicting-keys', 'Mode partial_message requires Buffer On', { key: 'buffer' });
    }
  }
}

