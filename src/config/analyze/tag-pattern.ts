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
  const memo = new Map<number, boolean>();
  const width = b.length + 1;
  const rec = (i: number, j: number): boolean => {
    const key = i * width + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    memo.set(key, false);
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
    memo.set(key, r);
    return r;
  };
  return rec(0, 0);
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
