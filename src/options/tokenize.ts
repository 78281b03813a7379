/**
 * Tokenisers for filter rule values, reproducing the two splitters Fluent Bit uses
 * (fluentbit-semantics.md 1.6, 8.3-8.7):
 *
 * - `splitFlb`: `flb_utils_split` / `flb_utils_split_quoted` (src/flb_utils.c). Used by grep
 *   (unquoted, at most 1 split) and modify (quoted, at most 3 splits).
 * - `splitSlistTokens`: `flb_slist_split_tokens` (src/flb_slist.c), the config-map SLIST_n types.
 *   Used by record_modifier `Record` (SLIST_2) and rewrite_tag `Rule` (SLIST_4).
 *
 * Both keep Fluent Bit's edge cases, because they decide what a rule means:
 * - after `maxSplit` tokens the rest of the line is one more token, taken as written (no unquoting);
 * - text right after a closing quote starts a new token (`"a b"c` is `a b`, `c`);
 * - a quote in the middle of a word is an ordinary character.
 */

export type SplitOutcome = { ok: true; tokens: string[] } | { ok: false; message: string };

export interface SplitOptions {
  /** One separator character (Fluent Bit passes `' '` for rules). */
  readonly separator?: string;
  /** Split at most this many times; the rest becomes a last token as written. 0 = no limit. */
  readonly maxSplit?: number;
  /** `flb_utils_split_quoted`: a token starting with `"` or `'` runs to the matching quote. */
  readonly quoted?: boolean;
}

/**
 * `flb_utils_split[_quoted]`. Leading separators before each token are skipped. Inside a quoted
 * token, `\<quote>` and `\\` are unescaped; any other backslash is kept. An unterminated quote is
 * an error (Fluent Bit logs "Parsing failed" and the rule is rejected).
 *
 * Quirks kept: a run of separators after the last allowed split stays at the start of the
 * remainder (`splitFlb('k  v', {maxSplit: 1})` gives `k`, ` v`), and trailing separators can produce
 * an empty last token.
 */
export function splitFlb(line: string, options: SplitOptions = {}): SplitOutcome {
  const sep = options.separator ?? ' ';
  const maxSplit = options.maxSplit ?? 0;
  const quoted = options.quoted ?? false;
  if (sep.length !== 1) throw new Error('splitFlb: separator must be one character');
  const tokens: string[] = [];
  const len = line.length;
  let i = 0;
  while (i < len) {
    let p = i;
    while (line[p] === sep) p++;
    let value: string;
    let end: number;
    const first = line[p];
    if (!quoted || (first !== '"' && first !== "'")) {
      const idx = line.indexOf(sep, p);
      end = idx > p ? idx : len;
      value = line.slice(p, end);
    } else {
      const quote = first;
      let j = p + 1;
      let out = '';
      for (;;) {
        if (j >= len) return { ok: false, message: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
        const c = line[j]!;
        const next = line[j + 1];
        if (c === '\\' && (next === quote || next === '\\')) {
          out += next;
          j += 2;
          continue;
        }
        if (c === quote) break;
        out += c;
        j++;
      }
      value = out;
      end = j; // at the closing quote, which the `i++` below steps over
    }
    tokens.push(value);
    i = end + 1;
    if (maxSplit > 0 && tokens.length >= maxSplit && i < len) {
      tokens.push(line.slice(i));
      break;
    }
  }
  return { ok: true, tokens };
}

/** Tokens of a value as `flb_slist_split_tokens` cuts it, and whether a quote was left open. */
export interface SlistTokens {
  readonly tokens: string[];
  /** A quoted token had no closing quote (Fluent Bit takes the rest of the value, escapes kept). */
  readonly unterminatedQuote: boolean;
}

/**
 * `flb_slist_split_tokens`: space-separated tokens; a token starting with `"` runs to the next `"`
 * not preceded by a backslash, and `\"` inside it becomes `"` (nothing else is unescaped, so regex
 * escapes survive). An unterminated quote takes the rest of the line (without the opening quote).
 * With `maxSplit` > 0, whatever follows the first `maxSplit` tokens (leading spaces removed) is one
 * more token.
 */
export function splitSlistTokensDetailed(line: string, maxSplit = 0): SlistTokens {
  const tokens: string[] = [];
  const len = line.length;
  let unterminatedQuote = false;
  let pos = 0;
  for (;;) {
    let p = pos;
    while (line[p] === ' ') p++;
    let start = p;
    let quoted = false;
    if (line[p] === '"') {
      quoted = true;
      p++;
      start = p;
      for (;;) {
        while (p < len && line[p] !== '"') p++;
        if (p >= len) break;
        if (line[p - 1] === '\\') {
          p++;
          continue;
        }
        break;
      }
    } else {
      while (p < len && line[p] !== ' ') p++;
    }
    if (p >= len) {
      if (quoted) unterminatedQuote = true;
      if (p > start) tokens.push(line.slice(start));
      break;
    }
    const raw = line.slice(start, p);
    tokens.push(quoted ? raw.replace(/\\"/g, '"') : raw);
    p++;
    while (line[p] === ' ') p++;
    if (maxSplit > 0 && tokens.length >= maxSplit) {
      if (p < len) tokens.push(line.slice(p));
      break;
    }
    pos = p;
  }
  return { tokens, unterminatedQuote };
}

/** `flb_slist_split_tokens`, tokens only (see `splitSlistTokensDetailed`). */
export function splitSlistTokens(line: string, maxSplit = 0): string[] {
  return splitSlistTokensDetailed(line, maxSplit).tokens;
}

/**
 * Writes `token` so that `splitFlb(..., {quoted: true})` reads it back unchanged: bare when it has
 * no separator, quote, backslash or leading quote; otherwise in double quotes with `"` and `\` escaped.
 */
export function quoteFlbToken(token: string, separator = ' '): string {
  const bare =
    token.length > 0 &&
    !token.includes(separator) &&
    !token.includes('\\') &&
    token[0] !== '"' &&
    token[0] !== "'";
  if (bare) return token;
  return `"${token.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
