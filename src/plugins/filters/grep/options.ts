import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import type { CompiledRegex } from '../../../parsers/regex.js';
import { parseRecordAccessor, type RecordAccessor } from '../../../record/accessor.js';
import { compileRuleRegex, invalidRule } from '../shared/rule.js';
import { splitFlb } from '../../../options/tokenize.js';

/** One `Regex` or `Exclude` rule: `KEY REGEX`. */
export interface GrepRule {
  /** The value as written. */
  readonly source: string;
  /** The key as Fluent Bit uses it: `$` is prepended to a plain key (`log` becomes `$log`). */
  readonly field: string;
  readonly accessor: RecordAccessor;
  readonly regex: CompiledRegex;
}

/**
 * Fluent Bit splits the value once at the first space (`flb_utils_split(value, ' ', 1)`), so the
 * regex may contain spaces. Quirk kept: further spaces after KEY stay at the start of the regex.
 */
export function parseGrepRule(text: string): ParseOutcome<GrepRule> {
  const split = splitFlb(text, { maxSplit: 1 });
  if (!split.ok || split.tokens.length !== 2) {
    return invalidRule(`'${text}' is not KEY REGEX`, 'write the key, one space, then the regular expression, e.g. log ^ERROR');
  }
  const [key, pattern] = split.tokens as [string, string];
  const field = key.startsWith('$') ? key : `$${key}`;
  const accessor = parseRecordAccessor(field);
  if (!accessor.ok) return invalidRule(accessor.message, accessor.hint);
  const regex = compileRuleRegex(pattern, `for key '${key}'`);
  if (!regex.ok) return regex;
  const value: GrepRule = { source: text, field, accessor: accessor.accessor, regex: regex.regex };
  if (/^\s/.test(pattern)) {
    return {
      ok: true,
      value,
      warning: `the regular expression '${pattern}' starts with a space: Fluent Bit splits at the first space only and keeps the others in the pattern`,
    };
  }
  return { ok: true, value };
}

const LOGICAL_OPS = ['legacy', 'and', 'or'] as const;
export type GrepLogicalOp = (typeof LOGICAL_OPS)[number];

/** Fluent Bit ignores an unknown Logical_Op and stays in legacy mode, so that is a warning. */
function parseLogicalOp(text: string): ParseOutcome<GrepLogicalOp> {
  const v = text.trim().toLowerCase();
  const known = LOGICAL_OPS.find((op) => op === v);
  if (known) return { ok: true, value: known };
  const guess = didYouMean(v, LOGICAL_OPS);
  return {
    ok: true,
    value: 'legacy',
    warning: `'${text}' is not legacy, AND or OR; Fluent Bit ignores it and uses legacy${guess ? ` (did you mean '${guess}'?)` : ''}`,
  };
}

/** The options of `grep` (its own keys; defineFilter merges the common ones). */
export const GREP_OPTIONS = {
  regex: opt.custom('grep-rule', { multiple: true, doc: 'KEY REGEX: keep records whose KEY value matches REGEX' }, parseGrepRule),
  exclude: opt.custom('grep-rule', { multiple: true, doc: 'KEY REGEX: drop records whose KEY value matches REGEX' }, parseGrepRule),
  logical_op: opt.custom(
    'enum',
    { default: 'legacy', values: LOGICAL_OPS, doc: 'How rules combine: legacy (in order, first decisive rule wins), AND or OR' },
    parseLogicalOp,
  ),
} as const;

/** The typed options the `grep` runtime receives (common keys included). */
export type GrepOptions = OptionsOfTable<'filter', typeof GREP_OPTIONS>;

/** Cross-key rules of `grep` (the definition's `check`). */
export function checkGrep(options: GrepOptions, ctx: CheckContext): void {
  if (options.logical_op !== 'legacy' && options.regex.length > 0 && options.exclude.length > 0) {
    ctx.report('conflicting-keys', `Logical_Op ${options.logical_op.toUpperCase()} cannot combine Regex and Exclude rules`, {
      key: 'logical_op',
      hint: 'use only Regex or only Exclude rules in this filter, or split it into two grep filters',
    });
  }
}

