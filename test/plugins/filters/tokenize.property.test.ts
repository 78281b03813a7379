import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { quoteFlbToken, splitFlb, splitSlistTokens } from '../../../src/options/tokenize.js';

/** Words without spaces, quotes or backslashes (what users write bare). */
const bareWord = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\s"'\\]/.test(s));
/** Any token, including spaces, both quote characters, backslashes and the empty string. */
const anyToken = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', ' ', '"', "'", '\\', 'x', '.', '$', '\t') });

function tokens(line: string, options: Parameters<typeof splitFlb>[1]): string[] {
  const r = splitFlb(line, options);
  if (!r.ok) throw new Error(r.message);
  return r.tokens;
}

describe('splitFlb (flb_utils_split_quoted) properties', () => {
  it('joining quoted tokens with one space and splitting gives them back', () => {
    fc.assert(
      fc.property(fc.array(anyToken, { minLength: 1, maxLength: 6 }), (list) => {
        const line = list.map((t) => quoteFlbToken(t)).join(' ');
        expect(tokens(line, { quoted: true })).toEqual(list);
      }),
    );
  });

  it('extra spaces between and before tokens do not change the result', () => {
    fc.assert(
      fc.property(fc.array(anyToken, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 6, maxLength: 6 }), (list, gaps) => {
        const line = list.map((t, i) => ' '.repeat(gaps[i]!) + quoteFlbToken(t)).join('');
        expect(tokens(line, { quoted: true })).toEqual(list);
      }),
    );
  });

  it('with maxSplit n, the first n words are split and the rest is one token as written', () => {
    fc.assert(
      fc.property(fc.array(bareWord, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (words, n) => {
        const line = words.join(' ');
        const expected = words.length > n ? [...words.slice(0, n), words.slice(n).join(' ')] : words;
        expect(tokens(line, { quoted: true, maxSplit: n })).toEqual(expected);
        expect(tokens(line, { quoted: false, maxSplit: n })).toEqual(expected);
      }),
    );
  });

  it('unquoted mode splits at every separator and never fails', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes(',')), { minLength: 1, maxLength: 6 }), (words) => {
        expect(tokens(words.join(','), { separator: ',' })).toEqual(words);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (line) => {
        expect(splitFlb(line).ok).toBe(true);
      }),
    );
  });

  it('grep-style KEY REGEX: one split keeps every later space in the regex', () => {
    fc.assert(
      fc.property(bareWord, fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.startsWith(' ')), (key, rest) => {
        expect(tokens(`${key} ${rest}`, { maxSplit: 1 })).toEqual([key, rest]);
      }),
    );
  });
});

describe('splitFlb examples (Fluent Bit quirks)', () => {
  it('groups words in double or single quotes and unescapes \\" \\\' and \\\\', () => {
    expect(tokens('Set "a b" c', { quoted: true })).toEqual(['Set', 'a b', 'c']);
    expect(tokens("k 'it''s'", { quoted: true })).toEqual(['k', 'it', 's']);
    expect(tokens('k "say \\"hi\\"" \'x\\\'y\' "a\\\\b" "c\\d"', { quoted: true })).toEqual(['k', 'say "hi"', "x'y", 'a\\b', 'c\\d']);
  });
  it('starts a new token right after a closing quote', () => {
    expect(tokens('"a b"c', { quoted: true })).toEqual(['a b', 'c']);
  });
  it('treats a quote inside a word as an ordinary character', () => {
    expect(tokens('a"b c"', { quoted: true })).toEqual(['a"b', 'c"']);
  });
  it('keeps extra separators at the start of the remainder', () => {
    expect(tokens('log   ^a b', { maxSplit: 1 })).toEqual(['log', '  ^a b']);
    expect(tokens('a b c d', { quoted: true, maxSplit: 3 })).toEqual(['a', 'b', 'c', 'd']);
    expect(tokens('"a" b c', { quoted: true, maxSplit: 1 })).toEqual(['a', ' b c']);
  });
  it('gives an empty last token for a run of trailing separators', () => {
    expect(tokens('a b  ', {})).toEqual(['a', 'b', '']);
    expect(tokens('a b ', {})).toEqual(['a', 'b']);
  });
  it('fails on an unterminated quote', () => {
    expect(splitFlb('a "b c', { quoted: true })).toEqual({ ok: false, message: 'unterminated double quote' });
    expect(splitFlb("a 'b", { quoted: true })).toEqual({ ok: false, message: 'unterminated single quote' });
    expect(splitFlb('a "b c').ok).toBe(true);
  });
});

describe('splitSlistTokens (flb_slist_split_tokens)', () => {
  const slistQuote = (t: string) => (t.length > 0 && !/[ "]/.test(t) ? t : `"${t.replace(/"/g, '\\"')}"`);
  const slistToken = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', ' ', '"', "'", 'x', '.') });

  it('joining double-quoted tokens and splitting gives them back', () => {
    fc.assert(
      fc.property(fc.array(slistToken, { minLength: 1, maxLength: 6 }), (list) => {
        expect(splitSlistTokens(list.map(slistQuote).join(' '))).toEqual(list);
      }),
    );
  });

  it('after maxSplit tokens the rest (leading spaces removed) is one token', () => {
    fc.assert(
      fc.property(fc.array(bareWord, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (words, n) => {
        const expected = words.length > n ? [...words.slice(0, n), words.slice(n).join(' ')] : words;
        expect(splitSlistTokens(words.join('  '), n)).toEqual(expected.map((w, i) => (i === n ? words.slice(n).join('  ') : w)));
      }),
    );
  });

  it('reproduces the SLIST edge cases', () => {
    expect(splitSlistTokens('msg hello world', 2)).toEqual(['msg', 'hello', 'world']);
    expect(splitSlistTokens('msg "hello world"', 2)).toEqual(['msg', 'hello world']);
    expect(splitSlistTokens('k "say \\"hi\\""', 2)).toEqual(['k', 'say "hi"']);
    expect(splitSlistTokens('k "open quote')).toEqual(['k', 'open quote']);
    expect(splitSlistTokens('k ""')).toEqual(['k', '']);
    expect(splitSlistTokens("k 'single quoted'")).toEqual(['k', "'single", "quoted'"]);
    expect(splitSlistTokens('"a b"c d')).toEqual(['a b', 'c', 'd']);
    expect(splitSlistTokens('  a   b  ')).toEqual(['a', 'b']);
    expect(splitSlistTokens('')).toEqual([]);
  });
});
