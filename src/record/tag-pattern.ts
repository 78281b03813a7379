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
  // Search the product of the two patterns, with an explicit stack (patterns can be long: no
  // recursion). Past MAX_PRODUCT states the answer is "may intersect", which only silences a warning.
  const width = b.length + 1;
  const size = (a.length + 1) * width;
  if (size > MAX_PRODUCT) return true;
  const seen = new Uint8Array(size);
  const stack = [0];
  seen[0] = 1;
  const push = (i: number, j: number) => {
    const key = i * width + j;
    if (seen[key] === 0) {
      seen[key] = 1;
      stack.push(key);
    }
  };
  while (stack.length > 0) {
    const key = stack.pop()!;
    const i = Math.floor(key / width);
    const j = key % width;
    if (i === a.length && j === b.length) return true;
    const ca = i < a.length ? a[i] : undefined;
    const cb = j < b.length ? b[j] : undefined;
    // A star matches nothing (skip it) or one more character of the other side (stay on it).
    if (ca === '*') push(i + 1, j);
    if (cb === '*') push(i, j + 1);
    if (ca === '*' && cb !== undefined && cb !== '*') push(i, j + 1);
    if (cb === '*' && ca !== undefined && ca !== '*') push(i + 1, j);
    if (ca !== undefined && ca !== '*' && ca === cb) push(i + 1, j + 1);
  }
  return false;
}

/** Most states the two-pattern search visits (a byte each). */
const MAX_PRODUCT = 1 << 24;

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
