import type { MultilineParserOptions, MultilineParserPlan, ParserOptions, ParserPlan } from '../../src/config/plan/types.js';
import multilineParserSection from '../../src/config/sections/multiline-parser.js';
import parserSection from '../../src/config/sections/parser.js';
import type { Span } from '../../src/diagnostics/diagnostic.js';
import type { MultilinePlanSource } from '../../src/parsers/multiline/multiline.js';
import { typedOptions, type Given } from './check.js';

const AT: Span = { file: 'test.conf', start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

/** A [PARSER] plan built by the plan builder's own interpreter from key/value texts. */
export function parserPlan(name: string, given: Given): ParserPlan {
  const { options } = typedOptions(parserSection.options, { name, ...given });
  return { name, options: options as unknown as ParserOptions, span: AT };
}

/** A [MULTILINE_PARSER] plan from key/value texts (`name` included). */
export function multilineParserPlan(given: Given & { name: string }): MultilineParserPlan {
  const { options } = typedOptions(multilineParserSection.options, given);
  return { name: given.name, builtin: false, options: options as unknown as MultilineParserOptions, span: AT };
}

/** A multiline plan source with these [PARSER] and [MULTILINE_PARSER] definitions. */
export function planSource(parsers: Readonly<Record<string, Given>> = {}, multiline: readonly (Given & { name: string })[] = []): MultilinePlanSource {
  return {
    parsers: new Map(Object.entries(parsers).map(([name, given]) => [name, parserPlan(name, given)])),
    multilineParsers: new Map(multiline.map((g) => [g.name.toLowerCase(), multilineParserPlan(g)])),
  };
}
