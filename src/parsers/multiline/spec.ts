/**
 * A multiline parser as data: what Fluent Bit's `struct flb_ml_parser` holds, built from a
 * [MULTILINE_PARSER] section of the plan or from the built-in definitions.
 */
import type { MultilineParserOptions, ParserPlan } from '../../config/plan/types.js';
import { DEFAULT_FLUSH_TIMEOUT_MS } from '../../config/sections/multiline-parser.js';
import type { CompiledRegex } from '../regex.js';
import { createParser } from '../runtime/create-parser.js';
import type { RecordParser } from '../runtime/types.js';

/** `regex`: a state machine of rules; `endswith`/`equal`: compare the pattern with `matchString`. */
export type MultilineType = 'regex' | 'endswith' | 'equal';

export interface MultilineRuleSpec {
  /** States this rule applies in (`start_state` marks a rule that starts a message). */
  readonly from: readonly string[];
  readonly regex: CompiledRegex;
  /** State after a match; undefined: none (the message continues only through other rules). */
  readonly next: string | undefined;
}

export interface MultilineSpec {
  /** Lowercase name. */
  readonly name: string;
  readonly type: MultilineType;
  readonly matchString: string | undefined;
  readonly negate: boolean;
  /** Field holding the text to join (only with a parser); also the key of records built from raw text (else `log`). */
  readonly keyContent: string | undefined;
  /** endswith/equal: field compared instead of the content. */
  readonly keyPattern: string | undefined;
  /** Field whose value separates lines into groups that are joined separately (e.g. `stream`). */
  readonly keyGroup: string | undefined;
  readonly flushMs: number;
  /** Applied to every line first; a line it cannot parse is not for this multiline parser. */
  readonly parser: RecordParser | undefined;
  readonly rules: readonly MultilineRuleSpec[];
}

/** A thrown setup problem (unknown names); the configuration validator reports these first. */
export class MultilineSetupError extends Error {
  override readonly name = 'MultilineSetupError';
  readonly code = 'multiline-setup' as const;
}

/** The spec of a [MULTILINE_PARSER] section; its `parser` is looked up in `parsers`. */
export function specFromOptions(options: MultilineParserOptions, parsers: ReadonlyMap<string, ParserPlan> | undefined): MultilineSpec {
  let parser: RecordParser | undefined;
  if (options.parser !== undefined) {
    const plan = parsers?.get(options.parser);
    if (plan === undefined) throw new MultilineSetupError(`multiline parser '${options.name}' points to an undefined parser '${options.parser}'`);
    parser = createParser(plan);
  }
  return {
    name: options.name.toLowerCase(),
    type: options.type === 'eq' ? 'equal' : options.type,
    matchString: options.match_string,
    negate: options.negate,
    keyContent: options.key_content,
    keyPattern: options.key_pattern,
    keyGroup: options.key_group,
    flushMs: options.flush_timeout > 0 ? options.flush_timeout : DEFAULT_FLUSH_TIMEOUT_MS,
    parser,
    rules: options.rule,
  };
}
