/**
 * The regex state machine of a multiline parser (`src/multiline/flb_ml_rule.c`, 4.2.8), compiled
 * once: every rule gets the list of rules its next state leads to (`to_state_map`), in rule order.
 */
import { START_STATE } from '../../config/sections/multiline-parser.js';
import { singleLineRegExp, type CompiledRegex } from '../regex.js';
import type { MultilineRuleSpec } from './spec.js';

export interface Rule {
  /** A rule that starts a message (its states include `start_state`). */
  readonly start: boolean;
  readonly regex: CompiledRegex;
  /** For texts without a newline, the same regex with plain anchors (faster, same result). */
  readonly singleLine: RegExp;
  /** Rules whose states include this rule's next state. */
  readonly next: Rule[];
  /** Whether `next` holds a start rule: the message ends right after this rule matched. */
  endsMessage: boolean;
}

export interface RuleMachine {
  readonly rules: readonly Rule[];
  readonly startRules: readonly Rule[];
}

export function compileRules(specs: readonly MultilineRuleSpec[]): RuleMachine {
  const rules: Rule[] = specs.map((s) => ({
    start: s.from.includes(START_STATE),
    regex: s.regex,
    singleLine: singleLineRegExp(s.regex),
    next: [],
    endsMessage: false,
  }));
  specs.forEach((s, i) => {
    const rule = rules[i]!;
    if (s.next === undefined) return;
    specs.forEach((t, j) => {
      if (t.from.includes(s.next!)) rule.next.push(rules[j]!);
    });
    rule.endsMessage = rule.next.some((r) => r.start);
  });
  return { rules, startRules: rules.filter((r) => r.start) };
}

/** Whether the rule's regex matches anywhere in the text; `multiLine`: the text has a newline. */
export function ruleMatches(rule: Rule, text: string, multiLine: boolean): boolean {
  const r = multiLine ? rule.regex.regexp : rule.singleLine;
  if (r.global || r.sticky) r.lastIndex = 0;
  return r.test(text);
}
