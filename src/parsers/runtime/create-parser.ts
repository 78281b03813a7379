import type { ParserPlan } from '../../config/plan/types.js';
import { JsonParser } from './json-parser.js';
import { LogfmtParser } from './logfmt-parser.js';
import { LtsvParser } from './ltsv-parser.js';
import { RegexParser } from './regex-parser.js';
import type { RecordParser } from './types.js';

/** The runtime parser of a [PARSER] definition (everything compiled once, here). */
export function createParser(plan: ParserPlan): RecordParser {
  const options = plan.options;
  switch (options.format) {
    case 'regex':
      return new RegexParser(plan.name, options);
    case 'json':
      return new JsonParser(plan.name, options);
    case 'logfmt':
      return new LogfmtParser(plan.name, options);
    case 'ltsv':
      return new LtsvParser(plan.name, options);
  }
}
