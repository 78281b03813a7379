/** Small helpers shared by the rule parsers of the filter tables. */
import { compileRegex, type CompiledRegex } from '../../../parsers/regex.js';
import type { ParseOutcome } from '../../../options/spec.js';

export type Failure = Extract<ParseOutcome<never>, { ok: false }>;

export function invalidRule(message: string, hint?: string): Failure {
  return hint ? { ok: false, code: 'invalid-rule', message, hint } : { ok: false, code: 'invalid-rule', message };
}

/** Compiles a regex that is part of a rule; a failure carries the `invalid-regex` code. */
export function compileRuleRegex(pattern: string, what: string): { ok: true; regex: CompiledRegex } | Failure {
  const r = compileRegex(pattern);
  if (r.ok) return r;
  return { ok: false, code: 'invalid-regex', message: `invalid regular expression ${what} '${pattern}': ${r.message}` };
}

/** Lists words for messages: `a`, `a or b`, `a, b or c`. */
export function orList(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

