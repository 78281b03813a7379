import { didYouMean } from '../../../diagnostics/did-you-mean.js';
import type { CheckContext, OptionsOfTable } from '../../../options/define.js';
import { opt } from '../../../options/kinds.js';
import type { ParseOutcome } from '../../../options/spec.js';
import type { CompiledRegex } from '../../../parsers/regex.js';
import { parseKeyOrAccessor, type RecordAccessor } from '../../../record/accessor.js';
import { compileRuleRegex, invalidRule, orList, type Failure } from '../shared/rule.js';
import { splitFlb } from '../../../options/tokenize.js';

/*
 * Fluent Bit's modify filter (plugins/filter_modify/modify.c) walks every property of the section in
 * file order: `Condition` entries become conditions, every other entry a rule, and rules run in that
 * order. Each value is split with `flb_utils_split_quoted(value, ' ', 3)` (space separated, double
 * or single quotes group words), and the number of words selects the operation's arity.
 */

/** The rule keys, lowercase, in the order of Fluent Bit's config map. */
export const MODIFY_RULE_KEYS = [
  'set',
  'add',
  'remove',
  'remove_wildcard',
  'remove_regex',
  'move_to_start',
  'move_to_end',
  'rename',
  'hard_rename',
  'copy',
  'hard_copy',
  'add_if_not_present',
] as const;
export type ModifyRuleKey = (typeof MODIFY_RULE_KEYS)[number];

/** How Fluent Bit's docs spell each rule key (used in messages). */
const RULE_NAMES: Readonly<Record<ModifyRuleKey, string>> = {
  set: 'Set',
  add: 'Add',
  remove: 'Remove',
  remove_wildcard: 'Remove_wildcard',
  remove_regex: 'Remove_regex',
  move_to_start: 'Move_to_start',
  move_to_end: 'Move_to_end',
  rename: 'Rename',
  hard_rename: 'Hard_rename',
  copy: 'Copy',
  hard_copy: 'Hard_copy',
  add_if_not_present: 'Add_if_not_present',
};

const ONE_ARGUMENT: ReadonlySet<ModifyRuleKey> = new Set(['remove', 'remove_wildcard', 'remove_regex', 'move_to_start', 'move_to_end']);

/**
 * One parsed rule. `source` is the value as written. For `set`/`add`, `value` is the value to
 * store (always a string); for renames and copies, `to` is the new key. `remove_wildcard` and
 * `move_to_*` compare `key` as a byte prefix of record keys; `remove_regex` matches `regex` on keys.
 */
export type ModifyRule =
  | { readonly op: 'set' | 'add'; readonly key: string; readonly value: string; readonly source: string }
  | { readonly op: 'rename' | 'hard_rename' | 'copy' | 'hard_copy'; readonly key: string; readonly to: string; readonly source: string }
  | { readonly op: 'remove' | 'remove_wildcard' | 'move_to_start' | 'move_to_end'; readonly key: string; readonly source: string }
  | { readonly op: 'remove_regex'; readonly key: string; readonly regex: CompiledRegex; readonly source: string };

export type ModifyOperation = ModifyRule['op'];

function words(n: number): string {
  return n === 1 ? 'one word' : `${n} words`;
}

function splitRule(text: string, label: string): { ok: true; tokens: string[] } | Failure {
  const split = splitFlb(text, { quoted: true, maxSplit: 3 });
  if (!split.ok) return invalidRule(`${label} '${text}': ${split.message}`, 'close the quote, or escape a quote inside it with a backslash');
  if (split.tokens.length > 3) {
    return invalidRule(`${label} '${text}' has more than 3 words; Fluent Bit rejects it`, 'put double quotes around a value that contains spaces');
  }
  return { ok: true, tokens: split.tokens };
}

/**
 * Fluent Bit compiles the first and the last word of every rule as a regular expression, whatever
 * the operation, and refuses to start when one does not compile (so `Set path *.log` fails).
 */
function compileIncidental(token: string, name: string): Failure | undefined {
  const r = compileRuleRegex(token, `in ${name}`);
  if (r.ok) return undefined;
  return {
    ...r,
    message: `${r.message} (Fluent Bit compiles every word of a modify rule as a regular expression and stops when one does not compile)`,
  };
}

/** Parses the value of one rule key (`Set KEY VALUE`, `Remove KEY`, ...). */
export function parseModifyRule(ruleKey: ModifyRuleKey, text: string): ParseOutcome<ModifyRule> {
  const name = RULE_NAMES[ruleKey];
  const split = splitRule(text, name);
  if (!split.ok) return split;
  const tokens = split.tokens;
  const expected = ONE_ARGUMENT.has(ruleKey) ? 1 : 2;
  if (tokens.length !== expected) {
    const shape = expected === 1 ? 'KEY' : ruleKey === 'set' || ruleKey === 'add' || ruleKey === 'add_if_not_present' ? 'KEY VALUE' : 'KEY NEW_KEY';
    const quirk =
      tokens.length === 3
        ? `; Fluent Bit would silently run it as Rename ${tokens[0]} ${tokens[2]}`
        : '';
    return invalidRule(
      `${name} takes ${shape} (${words(expected)}), got ${words(tokens.length)}${quirk}`,
      expected === 2 ? 'put double quotes around a value that contains spaces, e.g. "two words"' : undefined,
    );
  }
  const key = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  if (ruleKey === 'remove_regex') {
    if (key.length === 0) return invalidRule(`${name} needs a non-empty regular expression`);
    const regex = compileRuleRegex(key, `in ${name}`);
    if (!regex.ok) return regex;
    return { ok: true, value: { op: 'remove_regex', key, regex: regex.regex, source: text } };
  }
  const bad = compileIncidental(key, name) ?? (expected === 2 ? compileIncidental(last, name) : undefined);
  if (bad) return bad;
  switch (ruleKey) {
    case 'set':
    case 'add':
    case 'add_if_not_present':
      return { ok: true, value: { op: ruleKey === 'set' ? 'set' : 'add', key, value: last, source: text } };
    case 'rename':
    case 'hard_rename':
    case 'copy':
    case 'hard_copy':
      return { ok: true, value: { op: ruleKey, key, to: last, source: text } };
    default:
      return { ok: true, value: { op: ruleKey, key, source: text } };
  }
}

const CONDITIONS = {
  key_exists: { name: 'Key_exists', args: 1, aRegex: false, bRegex: false },
  key_does_not_exist: { name: 'Key_does_not_exist', args: 1, aRegex: false, bRegex: false },
  a_key_matches: { name: 'A_key_matches', args: 1, aRegex: true, bRegex: false },
  no_key_matches: { name: 'No_key_matches', args: 1, aRegex: true, bRegex: false },
  key_value_equals: { name: 'Key_value_equals', args: 2, aRegex: false, bRegex: false },
  key_value_does_not_equal: { name: 'Key_value_does_not_equal', args: 2, aRegex: false, bRegex: false },
  key_value_matches: { name: 'Key_value_matches', args: 2, aRegex: false, bRegex: true },
  key_value_does_not_match: { name: 'Key_value_does_not_match', args: 2, aRegex: false, bRegex: true },
  matching_keys_have_matching_values: { name: 'Matching_keys_have_matching_values', args: 2, aRegex: true, bRegex: true },
  matching_keys_do_not_have_matching_values: { name: 'Matching_keys_do_not_have_matching_values', args: 2, aRegex: true, bRegex: true },
} as const;

export type ModifyConditionType = keyof typeof CONDITIONS;
export const MODIFY_CONDITION_TYPES = Object.keys(CONDITIONS) as ModifyConditionType[];

/**
 * One parsed `Condition`. `key` is a record accessor (a plain name or `$a['b']`); `keyRegex`
 * matches record keys; `value` is compared as a string; `valueRegex` matches string or boolean values.
 */
export type ModifyCondition =
  | { readonly type: 'key_exists' | 'key_does_not_exist'; readonly key: RecordAccessor; readonly source: string }
  | { readonly type: 'a_key_matches' | 'no_key_matches'; readonly keyRegex: CompiledRegex; readonly source: string }
  | {
      readonly type: 'key_value_equals' | 'key_value_does_not_equal';
      readonly key: RecordAccessor;
      readonly value: string;
      readonly source: string;
    }
  | {
      readonly type: 'key_value_matches' | 'key_value_does_not_match';
      readonly key: RecordAccessor;
      readonly valueRegex: CompiledRegex;
      readonly source: string;
    }
  | {
      readonly type: 'matching_keys_have_matching_values' | 'matching_keys_do_not_have_matching_values';
      readonly keyRegex: CompiledRegex;
      readonly valueRegex: CompiledRegex;
      readonly source: string;
    };

/** Parses a `Condition TYPE KEY [VALUE]` value (the condition type is case-insensitive). */
export function parseModifyCondition(text: string): ParseOutcome<ModifyCondition> {
  const split = splitRule(text, 'Condition');
  if (!split.ok) return split;
  const [rawType, a, b] = split.tokens as [string, string | undefined, string | undefined];
  const type = rawType.toLowerCase();
  if (!Object.hasOwn(CONDITIONS, type)) {
    const guess = didYouMean(type, MODIFY_CONDITION_TYPES);
    return invalidRule(
      `unknown condition '${rawType}'`,
      guess ? `did you mean '${CONDITIONS[guess as ModifyConditionType].name}'?` : `use one of ${orList(Object.values(CONDITIONS).map((c) => c.name))}`,
    );
  }
  const t = type as ModifyConditionType;
  const spec = CONDITIONS[t];
  const given = split.tokens.length - 1;
  const shape = spec.args === 1 ? (spec.aRegex ? 'KEY_REGEX' : 'KEY') : `${spec.aRegex ? 'KEY_REGEX' : 'KEY'} ${spec.bRegex ? 'VALUE_REGEX' : 'VALUE'}`;
  if (given < spec.args) {
    return invalidRule(`Condition ${spec.name} takes ${shape}, got ${words(given)}`, spec.args === 2 ? 'put double quotes around a value that contains spaces' : undefined);
  }
  let warning: string | undefined;
  if (given > spec.args) {
    warning = `Condition ${spec.name} takes only ${shape}; Fluent Bit ignores '${b}'`;
  }
  const aText = a!;
  let keyRegex: CompiledRegex | undefined;
  let key: RecordAccessor | undefined;
  if (spec.aRegex) {
    if (aText.length === 0) return invalidRule(`Condition ${spec.name} needs a non-empty regular expression`);
    const r = compileRuleRegex(aText, `in Condition ${spec.name}`);
    if (!r.ok) return r;
    keyRegex = r.regex;
  } else {
    const acc = parseKeyOrAccessor(aText);
    if (!acc.ok) return invalidRule(`Condition ${spec.name}: ${acc.message}`, acc.hint);
    key = acc.accessor;
  }
  let valueRegex: CompiledRegex | undefined;
  if (spec.bRegex) {
    if (b === undefined || b.length === 0) return invalidRule(`Condition ${spec.name} needs a non-empty regular expression`);
    const r = compileRuleRegex(b, `in Condition ${spec.name}`);
    if (!r.ok) return r;
    valueRegex = r.regex;
  }
  const source = text;
  let value: ModifyCondition;
  switch (t) {
    case 'key_exists':
    case 'key_does_not_exist':
      value = { type: t, key: key!, source };
      break;
    case 'a_key_matches':
    case 'no_key_matches':
      value = { type: t, keyRegex: keyRegex!, source };
      break;
    case 'key_value_equals':
    case 'key_value_does_not_equal':
      value = { type: t, key: key!, value: b!, source };
      break;
    case 'key_value_matches':
    case 'key_value_does_not_match':
      value = { type: t, key: key!, valueRegex: valueRegex!, source };
      break;
    default:
      value = { type: t, keyRegex: keyRegex!, valueRegex: valueRegex!, source };
  }
  return warning ? { ok: true, value, warning } : { ok: true, value };
}

/** The rules and conditions of one modify instance, in the order Fluent Bit applies them. */
export interface ModifyProgram {
  readonly conditions: readonly ModifyCondition[];
  readonly rules: readonly ModifyRule[];
}

/**
 * Fluent Bit applies modify rules in file order across all rule keys (`Rename a b` then `Set b x`
 * differs from the reverse). The typed options keep one array per key, which loses that order, so
 * the runtime's context gives the section's parsed entries in file order (canonical key + parsed
 * value, `PluginContext.entries`), and `create` builds the program from them with this helper.
 * Entries of other keys (match, alias, ...) are skipped.
 */
export function modifyProgram(entries: Iterable<{ readonly key: string; readonly value: unknown }>): ModifyProgram {
  const conditions: ModifyCondition[] = [];
  const rules: ModifyRule[] = [];
  const ruleKeys: ReadonlySet<string> = new Set(MODIFY_RULE_KEYS);
  for (const entry of entries) {
    if (entry.key === 'condition') conditions.push(entry.value as ModifyCondition);
    else if (ruleKeys.has(entry.key)) rules.push(entry.value as ModifyRule);
  }
  return { conditions, rules };
}

function rule<K extends ModifyRuleKey>(key: K, doc: string) {
  return opt.custom('modify-rule', { multiple: true, doc }, (text) => parseModifyRule(key, text));
}

/** The options of `modify` (its own keys; defineFilter merges the common ones). */
export const MODIFY_OPTIONS = {
  set: rule('set', 'KEY VALUE: set KEY to VALUE, replacing an existing value'),
  add: rule('add', 'KEY VALUE: add KEY with VALUE only when the record has no KEY'),
  remove: rule('remove', 'KEY: remove KEY'),
  remove_wildcard: rule('remove_wildcard', 'PREFIX: remove every key that starts with PREFIX'),
  remove_regex: rule('remove_regex', 'REGEX: remove every key that matches REGEX'),
  move_to_start: rule('move_to_start', 'PREFIX: move keys that start with PREFIX to the start of the record'),
  move_to_end: rule('move_to_end', 'PREFIX: move keys that start with PREFIX to the end of the record'),
  rename: rule('rename', 'KEY NEW_KEY: rename KEY when it exists and NEW_KEY does not'),
  hard_rename: rule('hard_rename', 'KEY NEW_KEY: rename KEY, replacing an existing NEW_KEY'),
  copy: rule('copy', 'KEY NEW_KEY: copy the value of KEY to NEW_KEY when NEW_KEY does not exist'),
  hard_copy: rule('hard_copy', 'KEY NEW_KEY: copy the value of KEY to NEW_KEY, replacing an existing one'),
  add_if_not_present: rule('add_if_not_present', 'Old name of Add (no longer accepted by current Fluent Bit)'),
  condition: opt.custom(
    'modify-condition',
    { multiple: true, doc: 'TYPE KEY [VALUE]: apply the rules only to records for which every condition holds' },
    parseModifyCondition,
  ),
} as const;

/** The typed options the `modify` runtime receives (common keys included). */
export type ModifyOptions = OptionsOfTable<'filter', typeof MODIFY_OPTIONS>;

/** Cross-key rules of `modify` (the definition's `check`). */
export function checkModify(options: ModifyOptions, ctx: CheckContext): void {
  if (options.add_if_not_present.length > 0) {
    ctx.report('unknown-key', "Fluent Bit's modify filter no longer accepts Add_if_not_present and refuses to start", {
      key: 'add_if_not_present',
      hint: 'use Add, which does the same',
    });
  }
}

