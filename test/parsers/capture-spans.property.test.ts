import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureSpans, spanStarts } from '../../src/parsers/capture-spans.js';
import { compileRegex } from '../../src/parsers/regex.js';
import { RegexRunner } from '../../src/parsers/regex-runner.js';

const piece = fc.constantFrom(...'abcdefxyz -_.:"[]()<>0123456789\t\\é'.split(''), 'stdout', 'stderr', ' F ', ' P ', 'GET ', '12:34', '[pid 7]', '<13>1 ', 'ee', 'aab');
const text = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));
/** Text without spaces and without the characters a pattern uses as a delimiter. */
const word = (without = ' ') => text.map((t) => t.replace(new RegExp(`[${without.replace(/[\]\\^-]/g, '\\$&')}]`, 'g'), ''));
const maybe = (a: fc.Arbitrary<string>) => fc.oneof(fc.constant(''), a);
const line = (parts: fc.Arbitrary<string>[]) => fc.oneof({ weight: 4, arbitrary: fc.tuple(...parts).map((p) => p.join('')) }, { weight: 1, arbitrary: text });

/**
 * Fluent Bit's stock parsers (conf/parsers.conf, 4.2.8) and patterns with nesting, alternation,
 * optional and fixed-length parts, each with lines made to match it mostly.
 */
const SPANNED: [string, fc.Arbitrary<string>][] = [
  [
    String.raw`^(?<host>[^ ]*) [^ ]* (?<user>[^ ]*) \[(?<time>[^\]]*)\] "(?<method>\S+)(?: +(?<path>[^\"]*?)(?: +\S*)?)?" (?<code>[^ ]*) (?<size>[^ ]*)(?: "(?<referer>[^\"]*)" "(?<agent>[^\"]*)")?$`,
    line([word(), fc.constant(' - '), word(), fc.constant(' ['), word(']'), fc.constant('] "'), word(' "'), maybe(fc.tuple(fc.constantFrom(' ', '  '), word('"'), maybe(word('"').map((w) => ` ${w}`))).map((p) => p.join(''))), fc.constant('" '), word(), fc.constant(' '), word(), maybe(fc.tuple(word('"'), word('"')).map(([r, u]) => ` "${r}" "${u}"`))]),
  ],
  [
    String.raw`^\[[^ ]* (?<time>[^\]]*)\] \[(?<level>[^\]]*)\](?: \[pid (?<pid>[^\]]*)\])?( \[client (?<client>[^\]]*)\])? (?<message>.*)$`,
    line([fc.constant('['), word(), fc.constant(' '), word(']'), fc.constant('] ['), word(']'), fc.constant(']'), maybe(word(']').map((w) => ` [pid ${w}]`)), maybe(word(']').map((w) => ` [client ${w}]`)), fc.constant(' '), text]),
  ],
  [
    String.raw`^\<(?<pri>[0-9]{1,5})\>1 (?<time>[^ ]+) (?<host>[^ ]+) (?<ident>[^ ]+) (?<pid>[-0-9]+) (?<msgid>[^ ]+) (?<extradata>(\[(.*?)\]|-)) (?<message>.+)$`,
    line([fc.constantFrom('<1>1 ', '<12345>1 '), word(), fc.constant(' x '), word(), fc.constantFrom(' 12 ', ' - '), word(), fc.constantFrom(' - ', ' [a] ', ' [a b] [c] '), text, fc.constant('.')]),
  ],
  [
    String.raw`^\<(?<pri>[0-9]+)\>(?<time>[^ ]* {1,2}[^ ]* [^ ]*) (?<ident>[a-zA-Z0-9_\/\.\-]*)(?:\[(?<pid>[0-9]+)\])?(?:[^\:]*\:)? *(?<message>.*)$`,
    line([fc.constant('<13>'), word(), fc.constantFrom(' ', '  '), word(), fc.constant(' '), word(), fc.constant(' '), fc.constantFrom('cron', 'a.b-c', ''), maybe(fc.constant('[42]')), maybe(word(':').map((w) => `${w}:`)), fc.constantFrom('', ' ', '   '), text]),
  ],
  [String.raw`^(?<time>.+?) (?<stream>stdout|stderr) (?<_p>F|P) (?<log>.*)$`, line([word(), fc.constantFrom(' stdout ', ' stderr '), fc.constantFrom('F ', 'P '), text])],
  [
    String.raw`(?<tag>[^.]+)?\.?(?<pod_name>[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)_(?<namespace_name>[^_]+)_(?<container_name>.+)-(?<docker_id>[a-z0-9]{4})\.log$`,
    line([maybe(fc.constantFrom('kube.var.', 'x.')), fc.constantFrom('pod', 'a-b.c', 'p0'), fc.constant('_'), word('_'), fc.constant('_'), word(), fc.constantFrom('-ab12.log', '-abcd.log')]),
  ],
  [String.raw`(?<a>x)(y)(?<b>z)?`, line([text, fc.constantFrom('xy', 'xyz'), text])],
  [String.raw`(?<open>[\[(])(?<inner>[^\])]*)[\])]`, line([text, fc.constantFrom('[', '('), word('])'), fc.constantFrom(']', ')'), text])],
  [
    String.raw`^(?:(?<x>a+)|b(?<y>[ab]{2})c?)(?<z>.)(?=[^b]|$)(?<w>[a-z]*?)-?(?<v>\d{2}:\d{2})?(?<rest>.*)$`,
    line([fc.constantFrom('a', 'aaa', 'bab', 'bbac'), fc.constantFrom('x', '.', 'c'), maybe(word('-')), maybe(fc.constant('-')), maybe(fc.constant('12:34')), text]),
  ],
  [String.raw`(?<outer>a(?<inner>b*)c)?(?:d|ee)(?<last>f+)`, line([text, maybe(fc.constantFrom('ac', 'abbc')), fc.constantFrom('d', 'ee'), fc.constantFrom('f', 'fff'), text])],
  [String.raw`\b(?<word>[a-z]+)\b (?<num>\d+|-)(?:\s+(?<tail>\S+))?`, line([text, fc.constantFrom(' ab 12', 'x -'), maybe(fc.constantFrom('  t', '\tzz')), text])],
  [String.raw`^(?<all>)$`, fc.constantFrom('', 'a')],
];

/** Patterns as JavaScript writes them (what the translation does not produce: `\b`, escapes), with lines that match. */
const RAW: [RegExp, string[]][] = [
  [/\b(?<w>[a-z]+)\B(?<x>.)(?<y>\x41|\u0042|\u{43})(?<z>\p{L}*)/u, ['ab-xyA.', ' abcC', 'abB zz', 'x-abAB']],
  [/(?:ab(?<x>c)|d(?<y>e))(?<z>f?)$/u, ['abc', 'de', 'abcf', 'xdef']],
  [/(?<a>\d{2})[-/](?:\d\d\.){2}(?<b>\t|\n|\cJ|\0)?(?<c>.)/u, ['12-34.56.x', '12/34.56.\ty', '0012-00.00.\nz']],
];

/** A repeated capture, a backreference: no spans (the strings are read instead). */
const UNSPANNED = [String.raw`(?:(?<rep>a)b)+(?<after>c)`, String.raw`(?<a>[ab])\k<a>(?<b>c)`];

function runnerOf(source: string): RegexRunner {
  const compiled = compileRegex(source);
  if (!compiled.ok) throw new Error(compiled.message);
  return RegexRunner.of(compiled.regex);
}

describe('captureSpans', () => {
  it('gives every named capture the start the d flag reports, and the same matches and captures', () => {
    for (const [source, lines] of SPANNED) {
      let matched = 0;
      const compiled = compileRegex(source);
      if (!compiled.ok) throw new Error(compiled.message);
      const runner = RegexRunner.of(compiled.regex);
      const spans = runner.spans;
      expect(spans, source).toBeDefined();
      const withIndices = new RegExp(compiled.regex.regexp.source, `${compiled.regex.regexp.flags}d`);
      const starts = new Int32Array(spans!.refs.length);
      fc.assert(
        fc.property(lines, (t) => {
          const expected = withIndices.exec(t);
          const m = runner.execSpans(t);
          expect(m === null).toBe(expected === null);
          if (m === null || expected === null) return;
          matched++;
          spanStarts(spans!, m, starts);
          runner.names.forEach((name, i) => {
            const n = runner.spanIndices![i]!;
            expect(m[n]).toBe(expected.groups![name]);
            if (m[n] !== undefined) expect(starts[n]).toBe(expected.indices!.groups![name]![0]);
          });
        }),
        { numRuns: 200 },
      );
      expect(matched, source).toBeGreaterThan(50);
    }
  });

  it('reads JavaScript patterns with escapes and boundaries', () => {
    for (const [regexp, lines] of RAW) {
      const spans = captureSpans(regexp)!;
      const withIndices = new RegExp(regexp.source, `${regexp.flags}d`);
      const starts = new Int32Array(spans.refs.length);
      for (const t of lines) {
        const expected = withIndices.exec(t)!;
        const m = spans.regexp.exec(t)!;
        expect(m, `${regexp} ${t}`).not.toBeNull();
        spanStarts(spans, m, starts);
        for (const [name, at] of Object.entries(expected.indices!.groups!)) {
          const n = spans.numbers[Object.keys(expected.groups!).indexOf(name) + 1]!;
          expect(m[n]).toBe(expected.groups![name]);
          if (at !== undefined) expect(starts[n], `${regexp} ${t} ${name}`).toBe(at[0]);
        }
      }
    }
  });

  it('leaves patterns it cannot read to the captures by string', () => {
    for (const source of UNSPANNED) expect(runnerOf(source).spans, source).toBeUndefined();
    expect(captureSpans(/(a)(b)/)).toBeUndefined(); // without the u flag a class or escape may mean something else
    expect(captureSpans(/a(?<x>b)/u)?.regexp.source).toBe('a(b)');
    expect(captureSpans(/(?<x>[^ ]*) [^ ]* (?<y>.)/u)?.regexp.source).toBe('([^ ]*) ([^ ]*) (.)');
  });
});
