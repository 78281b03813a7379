import { toRegExp } from 'oniguruma-to-es';

/** A Fluent Bit (Onigmo, Ruby syntax) regular expression translated to a JavaScript RegExp. */
export interface CompiledRegex {
  /** The text as written in the config. */
  readonly source: string;
  /** The pattern after removing the `/.../flags` wrapper. */
  readonly pattern: string;
  /** Onigmo flags taken from the `/.../flags` wrapper: any of `i`, `m` (dot matches newline), `x`. */
  readonly flags: string;
  readonly regexp: RegExp;
  /** Named capture groups in definition order (these become record fields). */
  readonly groupNames: readonly string[];
}

export type RegexResult = { ok: true; regex: CompiledRegex } | { ok: false; message: string };

/**
 * Splits Fluent Bit's `/pattern/flags` convention (`flb_regex.c` `check_option`): a leading `/`
 * and a last `/` followed only by `i`, `m`, `x`, `o` select flags; `/pattern/` alone is unwrapped;
 * any other letter after the last slash means the whole text is the pattern.
 */
export function splitRegexFlags(text: string): { pattern: string; flags: string } {
  if (text.length > 1 && text.startsWith('/')) {
    const last = text.lastIndexOf('/');
    if (last > 0) {
      const tail = text.slice(last + 1);
      if (tail.length > 0 && /^[imxo]+$/.test(tail)) {
        const flags = [...new Set(tail.replace(/o/g, ''))].join('');
        if (flags.length > 0) return { pattern: text.slice(1, last), flags };
      }
    }
    if (text.endsWith('/')) return { pattern: text.slice(1, -1), flags: '' };
  }
  return { pattern: text, flags: '' };
}

const NAMED_GROUP = /\(\?<([A-Za-z_][A-Za-z0-9_]*)>|\(\?P<([A-Za-z_][A-Za-z0-9_]*)>|\(\?'([A-Za-z_][A-Za-z0-9_]*)'/g;

/** Named groups as written, in order; skips escaped parentheses and character classes. */
export function namedGroups(pattern: string): string[] {
  const names: string[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      NAMED_GROUP.lastIndex = i;
      const m = NAMED_GROUP.exec(pattern);
      if (m && m.index === i) {
        const name = m[1] ?? m[2] ?? m[3]!;
        if (!names.includes(name)) names.push(name);
      }
    }
  }
  return names;
}

/**
 * Longest pattern logferry translates. Onigmo has no limit, but the translation to a JavaScript
 * RegExp (oniguruma-to-es) takes seconds and hundreds of megabytes on patterns of megabytes.
 */
export const MAX_REGEX_LENGTH = 32 * 1024;
/** Most `|` alternatives logferry translates: the translation's cost grows with their square. */
export const MAX_REGEX_ALTERNATIVES = 2048;

/** Why a pattern is too big to translate in bounded time, if it is. */
function tooBig(pattern: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return `the pattern is ${pattern.length.toLocaleString('en-US')} characters long; logferry translates patterns up to ${MAX_REGEX_LENGTH.toLocaleString('en-US')}`;
  }
  let bars = 0;
  for (let i = pattern.indexOf('|'); i >= 0; i = pattern.indexOf('|', i + 1)) bars++;
  if (bars >= MAX_REGEX_ALTERNATIVES) {
    return `the pattern has ${(bars + 1).toLocaleString('en-US')} alternatives; logferry translates patterns with up to ${MAX_REGEX_ALTERNATIVES.toLocaleString('en-US')}`;
  }
  return undefined;
}

const cache = new Map<string, RegexResult>();

/** Compiles a Fluent Bit regex once; results (including failures) are memoised by source text. */
export function compileRegex(source: string): RegexResult {
  const hit = cache.get(source);
  if (hit) return hit;
  const { pattern, flags } = splitRegexFlags(source);
  let result: RegexResult;
  const big = tooBig(pattern);
  if (big !== undefined) return { ok: false, message: big };
  try {
    const regexp = toRegExp(pattern, { flags, target: 'auto' });
    result = { ok: true, regex: { source, pattern, flags, regexp, groupNames: namedGroups(pattern) } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    result = { ok: false, message };
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(source, result);
  return result;
}
