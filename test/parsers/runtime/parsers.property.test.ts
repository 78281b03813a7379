import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createParser } from '../../../src/parsers/runtime/create-parser.js';
import type { Given } from '../../support/check.js';
import { parserPlan } from '../../support/parser-plans.js';

const DEFINITIONS: Given[] = [
  { Format: 'regex', Regex: '^(?<time>[^ ]*) (?<a>\\d+)? ?(?<rest>.*)$', Time_Format: '%Y-%m-%dT%H:%M:%S.%L%z', Types: 'a:integer rest:bool', Decode_Field_As: ['escaped_utf8 rest do_next', 'json rest'] },
  { Format: 'regex', Regex: '(?<x>.)', Time_Key: 'x', Time_Format: '%b %d %H:%M:%S', Time_Strict: 'Off', Skip_Empty_Values: 'Off' },
  { Format: 'json', Time_Format: '%s.%L', Decode_Field: ['json log', 'json msg try_next'], Decode_Field_As: 'mysql_quoted q' },
  { Format: 'json', Time_Format: '%d/%b/%Y:%H:%M:%S %z', Time_Zone: 'Europe/Berlin' },
  { Format: 'logfmt', Time_Format: '%Y %j %T', Types: 'n:hex f:float' },
  { Format: 'logfmt', logfmt_no_bare_keys: 'On', Decode_Field_As: 'escaped msg' },
  { Format: 'ltsv', Time_Format: '%a %b %e %H:%M:%S %Y', Time_System_Timezone: 'On', Types: 'b:bool' },
];

const piece = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('{', '}', '"', ':', '=', '\t', '\\', '\\u', '\\ud800', 'time', 'log', 'msg', '"log":"{\\"a\\":1}"', '2019-05-07T18:57:50.9Z', '\0', '1e999'),
);
const text = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));

describe('parsers never throw', () => {
  it('on any text, for every format and option mix', () => {
    const parsers = DEFINITIONS.map((d, i) => createParser(parserPlan(`p${i}`, d)));
    fc.assert(
      fc.property(text, (t) => {
        for (const p of parsers) {
          const r = p.parse(t, 1_700_000_000_000_000_000n);
          if (r !== undefined) {
            expect(typeof r.record).toBe('object');
            expect(typeof r.time).toBe('bigint');
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
