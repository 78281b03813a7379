/**
 * POSIX `fnmatch(pattern, string, 0)` as a compiled RegExp, for tail's `Exclude_Path`: with no
 * flags `*` and `?` also match `/` and a leading `.`; `[...]` is a bracket expression (`!` or `^`
 * negates, `]` first is literal, ranges, `[:class:]`); `\` escapes; an unclosed `[` is literal.
 */

const CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  blank: ' \\t',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '\\x21-\\x7e',
  lower: 'a-z',
  print: '\\x20-\\x7e',
  punct: '!-\\/:-@\\[-`{-~',
  space: ' \\t\\n\\v\\f\\r',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
};

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** Parses a bracket expression starting at `[` (index i); returns its RegExp text and end, or undefined if unclosed. */
function bracket(p: string, i: number): { re: string; end: number } | undefined {
  let j = i + 1;
  let negate = false;
  if (p[j] === '!' || p[j] === '^') {
    negate = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < p.length) {
    const c = p[j]!;
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}]`, end: j };
    first = false;
    if (c === '[' && p[j + 1] === ':') {
      const close = p.indexOf(':]', j + 2);
      const name = close > 0 ? p.slice(j + 2, close) : '';
      if (close > 0 && CLASSES[name] !== undefined) {
        body += CLASSES[name];
        j = close + 2;
        continue;
      }
    }
    let ch = c;
    if (c === '\\' && j + 1 < p.length) {
      j++;
      ch = p[j]!;
    }
    if (p[j + 1] === '-' && j + 2 < p.length && p[j + 2] !== ']') {
      let hi = p[j + 2]!;
      let k = j + 2;
      if (hi === '\\' && k + 1 < p.length) {
        k++;
        hi = p[k]!;
      }
      body += `${escapeChar(ch)}-${escapeChar(hi)}`;
      j = k + 1;
      continue;
    }
    body += escapeChar(ch);
    j++;
  }
  return undefined;
}

/** Compiles an fnmatch pattern (flags 0) to an anchored RegExp. */
export function compileFnmatch(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      while (pattern[i + 1] === '*') i++;
      re += '[\\s\\S]*';
    } else if (c === '?') {
      re += '[\\s\\S]';
    } else if (c === '[') {
      const b = bracket(pattern, i);
      if (b === undefined) {
        re += '\\[';
      } else {
        re += b.re;
        i = b.end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      i++;
      re += escapeChar(pattern[i]!);
    } else {
      re += escapeChar(c);
    }
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    // A bracket the RegExp engine rejects (e.g. a reversed range): match the pattern literally.
    return new RegExp(`^${pattern.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')}$`);
  }
}

/** True when `path` matches any of the compiled patterns. */
export function matchesAny(patterns: readonly RegExp[], path: string): boolean {
  for (const p of patterns) if (p.test(path)) return true;
  return false;
}
