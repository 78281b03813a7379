import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { invalidRule } from '../shared/rule.js';
import { splitSlistTokens } from '../../../options/tokenize.js';

/** One `Record KEY VALUE`: appended to every record as a string. */
export interface RecordModifierRecord {
  readonly key: string;
  readonly value: string;
}

/**
 * `Record` is a config-map SLIST_2 (`flb_slist_split_tokens(value, 2)`): KEY and VALUE are
 * space-separated words and a VALUE with spaces must be in double quotes. Anything after the second
 * word makes Fluent Bit log "invalid record parameters" and drop the rule; a missing VALUE stops it.
 */
export function parseRecordRule(text: string): ParseOutcome<RecordModifierRecord> {
  const tokens = splitSlistTokens(text, 2);
  if (tokens.length !== 2) {
    return invalidRule(
      tokens.length < 2 ? `Record '${text}' has no VALUE` : `Record '${text}' has more than KEY and VALUE; Fluent Bit drops this rule`,
      'write KEY VALUE, with double quotes around a value that contains spaces: Record msg "hello world"',
    );
  }
  return { ok: true, value: { key: tokens[0]!, value: tokens[1]! } };
}

/** A `Remove_key` / `Allowlist_key` pattern: compared case-insensitively; a trailing `*` makes it a prefix. */
export interface KeyPattern {
  readonly source: string;
  /** The key, or the prefix without the `*`. */
  readonly key: string;
  readonly prefix: boolean;
}

export function parseKeyPattern(text: string): ParseOutcome<KeyPattern> {
  const prefix = text.endsWith('*');
  return { ok: true, value: { source: text, key: prefix ? text.slice(0, -1) : text, prefix } };
}

/** The options of `record_modifier` (its own keys; defineFilter merges the common ones). */
export const RECORD_MODIFIER_OPTIONS = {
  record: opt.custom('record', { multiple: true, doc: 'KEY VALUE: append KEY with the string VALUE to every record' }, parseRecordRule),
  remove_key: opt.custom('key-pattern', { multiple: true, doc: 'Remove this key (case-insensitive; a trailing * matches a prefix)' }, parseKeyPattern),
  allowlist_key: opt.custom(
    'key-pattern',
    { multiple: true, aliases: ['whitelist_key'], doc: 'Keep only the listed keys (case-insensitive; a trailing * matches a prefix)' },
    parseKeyPattern,
  ),
  uuid_key: opt.string({ doc: 'Add a random UUID (version 4) under this key to every record' }),
} as const;

/** The typed options the `record_modifier` runtime receives (common keys included). */
export type RecordModifierOptions = OptionsOfTable<'filter', typeof RECORD_MODIFIER_OPTIONS>;

/** Cross-key rules of `record_modifier` (the definition's `check`). */
export function checkRecordModifier(options: RecordModifierOptions, ctx: CheckContext): void {
  if (options.remove_key.length > 0 && options.allowlist_key.length > 0) {
    ctx.report('conflicting-keys', 'Remove_key and Allowlist_key cannot be used together', {
      key: 'allowlist_key',
      hint: 'use two record_modifier filters, or only one of the two keys',
    });
  }
}

