/**
 * Tag sets as wildcard patterns: `*` stands for any text (dots included), as in Fluent Bit's
 * Match. Used to decide statically whether a Match can ever see a tag an input produces.
 */

/** Fluent Bit's Match: `*` matches any run of characters, dots included; anchored at both ends. */
export function matchTag(pattern: string, tag: string): boolean {
  return intersects(pattern, tag);
}

/** True when some tag matches both wildcard patterns (a literal tag is a pattern without `*`). */
export function intersects(a: string, b: string): boolean {
  if (!a.includes('*')) return b.includes('*') ? globMatch(b, a) : a === b;
  if (!b.includes('*')) return globMatch(a, b);
  // Both have wildcards. The text before the first `*` and after the last must agree: cheap rejection.
  const pa = a.indexOf('*');
  const pb = b.indexOf('*');
  const n = Math.min(pa, pb);
  if (a.slice(0, n) !== b.slice(0, n)) return false;
  const sa = a.length - a.lastIndexOf('*') - 1;
  const sb = b.length - b.lastIndexOf('*') - 1;
  const m = Math.min(sa, sb);
  if (m > 0 && a.slice(a.length - m) !== b.slice(b.length - m)) return false;
  // Search the product of the two patterns: search the product of the two patterns (memo: 0 unknown, 1 no, 2 yes).
  const width = b.length + 1;
  const memo = new Uint8Array((a.length + 1) * width);
  const rec = (i: number, j: number): boolean => {
    const key = i * width + j;
    const hit = memo[key]!;
    if (hit !== 0) return hit === 2;
    memo[key] = 1;
    let r = false;
    if (i === a.length && j === b.length) r = true;
    else if (i < a.length && a[i] === '*' && rec(i + 1, j)) r = true;
    else if (j < b.length && b[j] === '*' && rec(i, j + 1)) r = true;
    else if (i < a.length && j < b.length) {
      const ca = a[i];
      const cb = b[j];
      if (ca === '*' && cb !== '*') r = rec(i, j + 1);
      else if (cb === '*' && ca !== '*') r = rec(i + 1, j);
      else if (ca === cb) r = rec(i + 1, j + 1);
    }
    memo[key] = r ? 2 : 1;
    return r;
  };
  return rec(0, 0);
}

/** Wildcard pattern against a literal tag: greedy match with backtracking to the last `*`. */
function globMatch(pattern: string, tag: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < tag.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.length && pattern[p] === tag[t]) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Glob syntax (`?`, `[...]`, `{a,b}`, `**`) becomes `*`: any text. */
export function globToTagPattern(glob: string): string {
  return glob
    .replace(/\{[^}]*\}/g, '*')
    .replace(/\[[^\]]*\]/g, '*')
    .replace(/\?/g, '*')
    .replace(/\*+/g, '*');
}

/**
 * tail's dynamic tag (`tag_compose`): the text before the first `*` of the tag, the file path,
 * the text after it; then `/`, `\` and `:` become dots (dropped at position 0), runs of dots
 * collapse, and a trailing dot is removed. `path` may contain `*` wildcards, which are kept.
 */
export function composeTailTag(tag: string, path: string): string {
  const star = tag.indexOf('*');
  const raw = star < 0 ? tag : tag.slice(0, star) + path + tag.slice(star + 1);
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    let c = raw[i]!;
    if (c === '/' || c === '\\' || c === ':') {
      if (i === 0) continue;
      c = '.';
    }
    if (c === '.' && out.endsWith('.')) continue;
    out += c;
  }
  while (out.endsWith('.')) out = out.slice(0, -1);
  return out.replace(/\*+/g, '*');
}
