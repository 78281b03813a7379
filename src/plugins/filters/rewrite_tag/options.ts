import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import { parseBool } from '../../../options/units.js';
import type { CompiledRegex } from '../../../parsers/regex.js';
import { parseKeyOrAccessor, type RecordAccessor } from '../../../record/accessor.js';
import { parseAccessorTemplate, type TemplatePart } from '../../../record/template.js';
import { EMITTER_OPTIONS } from '../shared/emitter.js';
import { compileRuleRegex, invalidRule } from '../shared/rule.js';
import { splitSlistTokens } from '../../../options/tokenize.js';

/** One `Rule $KEY REGEX NEW_TAG KEEP`. */
export interface RewriteTagRule {
  /** The value as written. */
  readonly source: string;
  /** Whose value the regex is matched against (a string value; anything else never matches). */
  readonly key: RecordAccessor;
  readonly regex: CompiledRegex;
  /** NEW_TAG as written. */
  readonly tag: string;
  /** NEW_TAG split into text, `$TAG`, `$TAG[n]`, `$0`-`$9` and record accessor parts. */
  readonly tagParts: readonly TemplatePart[];
  /** Whether the original record also continues with its old tag. */
  readonly keep: boolean;
}

/**
 * `Rule` is a config-map SLIST_4 (`flb_slist_split_tokens(value, 4)`): four space-separated words,
 * double quotes around a word with spaces. Fewer than four stops Fluent Bit; text after the fourth
 * word is ignored; a KEEP that is not a boolean counts as false.
 */
export function parseRewriteRule(text: string): ParseOutcome<RewriteTagRule> {
  const tokens = splitSlistTokens(text, 4);
  if (tokens.length < 4) {
    return invalidRule(
      `Rule '${text}' has ${tokens.length} of its 4 parts: $KEY REGEX NEW_TAG KEEP`,
      'put double quotes around a regular expression that contains spaces, e.g. Rule $log "^(a b)$" new.tag false',
    );
  }
  const [keyText, pattern, tag, keepText] = tokens as [string, string, string, string];
  const key = parseKeyOrAccessor(keyText);
  if (!key.ok) return invalidRule(`Rule KEY ${key.message}`, key.hint);
  const regex = compileRuleRegex(pattern, 'in Rule');
  if (!regex.ok) return regex;
  const template = parseAccessorTemplate(tag);
  if (!template.ok) return invalidRule(`Rule NEW_TAG ${template.message}`, template.hint);
  if (template.parts.length === 0) return invalidRule(`Rule '${text}' has an empty NEW_TAG`);
  const warnings: string[] = [];
  const keep = parseBool(keepText);
  if (keep === undefined) warnings.push(`KEEP '${keepText}' is not a boolean; Fluent Bit treats it as false (the original record is dropped)`);
  if (tokens.length > 4) warnings.push(`Fluent Bit ignores '${tokens[4]}' after KEEP`);
  const value: RewriteTagRule = {
    source: text,
    key: key.accessor,
    regex: regex.regex,
    tag,
    tagParts: template.parts,
    keep: keep ?? false,
  };
  return warnings.length > 0 ? { ok: true, value, warning: warnings.join('; ') } : { ok: true, value };
}

/** The options of `rewrite_tag` (its own keys; defineFilter merges the common ones). */
export const REWRITE_TAG_OPTIONS = {
  rule: opt.custom('rewrite-rule', { multiple: true, doc: '$KEY REGEX NEW_TAG KEEP: the first matching rule re-emits the record as NEW_TAG' }, parseRewriteRule),
  ...EMITTER_OPTIONS,
} as const;

/** The typed options the `rewrite_tag` runtime receives (common keys included). */
export type RewriteTagOptions = OptionsOfTable<'filter', typeof REWRITE_TAG_OPTIONS>;

/** Cross-key rules of `rewrite_tag` (the definition's `check`). */
export function checkRewriteTag(options: RewriteTagOptions, ctx: CheckContext): void {
  if (options.rule.length === 0) {
    ctx.report('missing-required', 'rewrite_tag has no Rule; it passes every record through unchanged', {
      severity: 'warning',
      hint: 'add Rule $KEY REGEX NEW_TAG KEEP',
    });
  }
  if (options.match !== undefined && /^\*+$/.test(options.match)) {
    ctx.report('conflicting-keys', `Match ${options.match} also matches the re-emitted records, which can loop forever`, {
      key: 'match',
      severity: 'warning',
      hint: 'match only the tags the rules rewrite from, and make sure NEW_TAG does not match them again',
    });
  }
}

