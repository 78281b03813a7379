/**
 * The regex state machine of a multiline parser (`src/multiline/flb_ml_rule.c`, 4.2.8), compiled
 * once: every rule gets the list of rules its next state leads to (`to_state_map`), in rule order.
 */
import { START_STATE } from '../../config/sections/multiline-parser.js';
import { RegexRunner } from '../regex-runner.js';
import type { MultilineRuleSpec } from './spec.js';

export interface Rule {
  /** A rule that starts a message (its states include `start_state`). */
  readonly start: boolean;
  readonly runner: RegexRunner;
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
    runner: RegexRunner.of(s.regex),
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
