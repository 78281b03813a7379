/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * `tial` is one edit from `tail`. Small inputs only (keys, plugin names).
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  const rows: number[][] = [Array.from({ length: t.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    const prev = rows[i - 1]!;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      cur[j] = d;
    }
    rows.push(cur);
  }
  return rows[s.length]![t.length]!;
}

/**
 * Writes `canonical` (a lowercase Fluent Bit key) in the style the user wrote `written`:
 * `Mem_Buf_Limt` -> `Mem_Buf_Limit`, `mem_buf_limt` -> `mem_buf_limit`, `MEM_BUF` -> `MEM_BUF_LIMIT`.
 */
export function matchCase(written: string, canonical: string): string {
  const letters = written.replace(/[^A-Za-z]/g, '');
  if (letters.length > 1 && letters === letters.toUpperCase()) return canonical.toUpperCase();
  if (/^[A-Z]/.test(written)) return canonical.replace(/(^|[_.-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
  return canonical;
}

/** Longest word a suggestion is looked for. */
const MAX_WORD = 100;

/**
 * The closest candidate to `word`, if it is close enough to be a plausible typo:
 * distance at most max(1, floor(len/3)), and strictly closer than any other candidate at that distance.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  // No name is this long: a value pasted where a name goes. The distance would cost its length squared.
  if (word.length > MAX_WORD) return undefined;
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // The distance is at least the difference in length.
    if (Math.abs(c.length - word.length) > limit) continue;
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}
