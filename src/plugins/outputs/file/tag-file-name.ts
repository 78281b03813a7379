/**
 * The relative file name the `file` output derives from a tag when `File` is not set, as Fluent
 * Bit's out_file (`sanitize_tag_name`): a tag can come from record content (rewrite_tag), so it
 * must never name a path outside `Path` (or outside the working directory without `Path`).
 *
 * - `/` and `\` separate components; empty components (leading, doubled or trailing
 *   separators) are dropped, so the name is never absolute; the kept components are joined by `/`,
 *   so a tag `a/b` still writes `b` in the subdirectory `a` (Mkdir On creates it).
 * - A component `.` or `..` becomes `_`.
 * - Every other byte outside `A-Z a-z 0-9 . _ -` becomes `_` (one `_` per UTF-8 byte, as
 *   Fluent Bit works on bytes: `é` becomes `__`).
 * - The tag ends at its first NUL (Fluent Bit reads it as a C string).
 * - A tag with nothing left becomes `_`.
 */
export function tagFileName(tag: string): string {
  const nul = tag.indexOf('\0');
  const text = nul >= 0 ? tag.slice(0, nul) : tag;
  const components = text.split(/[/\\]/).filter((c) => c !== '');
  const safe = components.map((c) => (c === '.' || c === '..' ? '_' : safeBytes(c)));
  return safe.length > 0 ? safe.join('/') : '_';
}

const KEPT = /[A-Za-z0-9._-]/;

function safeBytes(component: string): string {
  let out = '';
  for (const ch of component) out += KEPT.test(ch) ? ch : '_'.repeat(Buffer.byteLength(ch));
  return out;
}
