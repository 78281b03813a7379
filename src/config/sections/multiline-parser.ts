/**
 * The [MULTILINE_PARSER] section, as read by `flb_parser_load_multiline_parser_definitions`
 * (`src/flb_parser.c`) with the rule handling of `src/multiline/flb_ml_rule.c` (4.2.8).
 *
 * Keys are read "first match wins", except `rule`, which is read by walking all entries in order.
 * A definition Fluent Bit rejects makes the Parsers_File fail to load, which stops Fluent Bit.
 */
import { defineSection, type CheckContext } from '../../options/define.js';
import { opt } from '../../options/kinds.js';
import type { OptionsOf, ParseOutcome } from '../../options/spec.js';
import { compileRegex, type CompiledRegex } from '../../parsers/regex.js';
import { parseLooseBool } from './parser.js';
import { splitSlistTokensDetailed, type SlistTokens } from '../../options/tokenize.js';

/** `FLB_ML_FLUSH_TIMEOUT`: what Fluent Bit uses when `flush_timeout` is absent or ≤ 0. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 4000;

/** The state every regex rule set starts in. */
export const START_STATE = 'start_state';

/** One `rule`: from-state(s), the regex a line must match, and the state it leads to. */
export interface MultilineRule {
  readonly from: string[];
  readonly regex: CompiledRegex;
  readonly next: string | undefined;
}

/** `flb_slist_split_tokens` as the rule reader uses it (tests and callers use the old name). */
export const splitRuleTokens = (text: string, maxSplit = 3): SlistTokens => splitSlistTokensDetailed(text, maxSplit);

/**
 * The from-state list of a rule (`flb_slist_split_string(..., ',', -1)`): split at commas, each
 * part stripped of surrounding spaces, empty parts dropped.
 */
export function splitStates(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.replace(/^ +| +$/g, ''))
    .filter((s) => s.length > 0);
}

/** A multiline `rule` value: `"<from-state(s)>" "<regex>" ["<next-state>"]`. */
export function parseMultilineRule(text: string): ParseOutcome<MultilineRule> {
  const { tokens, unterminatedQuote } = splitRuleTokens(text, 3);
  const [fromText, regexText, nextText] = tokens;
  const hint = 'write rule "<state>" "<regex>" "<next state>", e.g. rule "start_state" "/^\\d{4}-/" "cont"';
  if (fromText === undefined) return { ok: false, code: 'invalid-rule', message: 'the rule has no from-state', hint };
  if (regexText === undefined) return { ok: false, code: 'invalid-rule', message: `the rule '${text}' has no regex`, hint };
  const from = splitStates(fromText);
  if (from.length === 0) return { ok: false, code: 'invalid-rule', message: `the rule '${text}' has an empty from-state`, hint };
  const compiled = compileRegex(regexText);
  if (!compiled.ok) {
    return { ok: false, code: 'invalid-regex', message: `invalid regular expression '${regexText}' in rule: ${compiled.message}` };
  }
  const warnings: string[] = [];
  if (unterminatedQuote) warnings.push('a quoted part has no closing quote; Fluent Bit takes the rest of the value as it is');
  if (tokens.length > 3) warnings.push(`'${tokens[3]}' after the next state is ignored`);
  const value: MultilineRule = { from, regex: compiled.regex, next: nextText };
  return warnings.length > 0 ? { ok: true, value, warning: warnings.join('; ') } : { ok: true, value };
}

/** `flush_timeout`: integer milliseconds (`atoi`); Fluent Bit replaces ≤ 0 by 4000. */
const flushTimeoutBase = opt.millis({ doc: '' });
function parseFlushTimeout(text: string): ParseOutcome<number> {
  const r = flushTimeoutBase.parse(text);
  if (!r.ok || r.value > 0) return r;
  return { ok: true, value: DEFAULT_FLUSH_TIMEOUT_MS, warning: `flush_timeout ${r.value} is not positive; Fluent Bit uses ${DEFAULT_FLUSH_TIMEOUT_MS} ms` };
}

const options = {
  name: opt.string({ required: true, doc: 'Name used by multiline.parser (case-insensitive)' }),
  type: opt.enum({ values: ['regex', 'endswith', 'equal', 'eq'] as const, required: true, doc: 'regex (state machine of rules), endswith or equal/eq (compare with match_string)' }),
  match_string: opt.string({ doc: 'endswith/eq: the text a line ends with / equals to complete a message' }),
  negate: opt.custom('bool', { default: 'off', doc: 'endswith/eq: invert the comparison' }, parseLooseBool),
  key_content: opt.string({ doc: 'Field holding the text to join (when a parser produces fields)' }),
  key_pattern: opt.string({ doc: 'Field compared with match_string or the rules (default: key_content)' }),
  key_group: opt.string({ doc: 'Field whose value separates streams of lines (e.g. stream)' }),
  parser: opt.string({ references: 'parser', doc: 'A [PARSER] applied to each line before the multiline logic' }),
  flush_timeout: opt.custom('millis', { default: '4000', doc: 'Milliseconds before a pending message is flushed (≤ 0 = 4000)' }, parseFlushTimeout),
  rule: opt.custom('rule', { multiple: true, doc: 'A state-machine rule: "<from state(s)>" "<regex>" "<next state>" (type regex)' }, parseMultilineRule),
} as const;

export type MultilineParserOptions = OptionsOf<typeof options>;

/** The rule checks of `flb_ml_rule_create` and `flb_ml_rule_init`, plus what endswith/eq need. */
export function checkMultilineParser(o: MultilineParserOptions, ctx: CheckContext): void {
  if (o.type === 'regex') {
    const rules = o.rule;
    if (rules.length === 0) {
      if (!ctx.isSet('rule')) {
        ctx.report('missing-required', `multiline parser '${o.name}' of type regex has no rule`, {
          key: 'rule',
          hint: 'add at least: rule "start_state" "<regex>" "<next state>"',
        });
      }
      return;
    }
    const first = rules[0]!;
    if (!first.from.includes(START_STATE)) {
      ctx.report(
        'invalid-rule',
        `the first rule of multiline parser '${o.name}' starts in '${first.from.join(', ')}', not '${START_STATE}'; Fluent Bit refuses to load it ("rule don't contain a 'start_state'")`,
        { key: 'rule' },
      );
    }
    const registered = new Set(rules.flatMap((r) => r.from));
    const reported = new Set<string>();
    for (const r of rules) {
      if (r.next === undefined || registered.has(r.next) || reported.has(r.next)) continue;
      reported.add(r.next);
      ctx.report(
        'invalid-rule',
        `multiline parser '${o.name}': next state '${r.next}' has no rules of its own; Fluent Bit fails with "to_state='${r.next}' is not registered"`,
        { key: 'rule', hint: `add a rule starting in '${r.next}', or point to an existing state (to end a message, go back to ${START_STATE})` },
      );
    }
  } else {
    if (o.match_string === undefined) {
      ctx.report('missing-required', `multiline parser '${o.name}' of type ${o.type} needs match_string`, { key: 'match_string' });
    }
    if (ctx.isSet('rule')) {
      ctx.report('conflicting-keys', `rule is only used by type regex; multiline parser '${o.name}' is ${o.type}`, { key: 'rule', severity: 'warning' });
    }
  }

  if (o.flush_timeout < 500) {
    ctx.report(
      'invalid-value',
      `flush_timeout ${o.flush_timeout} ms is below 500 ms; an input whose longest multiline flush_timeout is under 500 ms fails to start`,
      { key: 'flush_timeout', severity: 'warning' },
    );
  }
}

export default defineSection({
  name: 'multiline_parser',
  description: 'A named multiline parser (regex state machine, endswith or eq) used by multiline.parser',
  options,
  check: checkMultilineParser,
});
