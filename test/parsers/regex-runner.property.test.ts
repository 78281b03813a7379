import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRegex } from '../../src/parsers/regex.js';
import { RegexRunner } from '../../src/parsers/regex-runner.js';

const PATTERNS = [
  String.raw`^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>[^\"]*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)")?$`,
  String.raw`^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$`,
  String.raw`(?<a>x)(y)(?<b>z)?`,
  String.raw`^\<(?<pri>[0-9]{1,5})\>1 (?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^ ]+) (?<pid>[-0-9]+) (?<msgid>[^ ]+) (?<extradata>(\[(.*?)\]|-)) (?<message>.+)$`,
  String.raw`/^(?<w>[a-z]+)(?<rest>.*)$/i`,
  String.raw`(?<open>[\[(])(?<inner>[^\])]*)[\])]`,
  String.raw`^$`,
  String.raw`\bpanic: `,
];

const alphabet = fc.constantFrom(...'abxyz ()[]<>"-/:1209\n\tFPstdoure\\é😀'.split(''), 'stdout', 'stderr', ' F ', ' P ', 'GET ', 'panic: ');
const text = fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join(''));

describe('RegexRunner', () => {
  it('finds the same match and captures as the plan-time RegExp, on any text', () => {
    for (const source of PATTERNS) {
      const compiled = compileRegex(source);
      if (!compiled.ok) throw new Error(compiled.message);
      const regex = compiled.regex;
      const runner = RegexRunner.of(regex);
      fc.assert(
        fc.property(text, (t) => {
          const expected = regex.regexp.exec(t);
          const m = runner.exec(t);
          expect(m === null).toBe(expected === null);
          expect(runner.test(t)).toBe(expected !== null);
          if (m === null || expected === null) return;
          expect(m.index).toBe(expected.index);
          expect(m[0]).toBe(expected[0]);
          regex.groupNames.forEach((name, i) => expect(runner.value(m, i)).toBe(expected.groups?.[name] ?? ''));
        }),
        { numRuns: 300 },
      );
    }
  });
});
