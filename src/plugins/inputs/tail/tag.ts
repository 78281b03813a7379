/**
 * The tag of a followed file (Fluent Bit `tag_compose`). A Tag with `*` is dynamic: the file path
 * replaces the first `*` and the result is sanitised (`composeTailTag`); any other `*` is dropped.
 * With `Tag_Regex`, every `<name>` in the Tag becomes that named capture of the regex run on the
 * path (`_` when the group did not capture or captured nothing), with no sanitising.
 */
import { composeTailTag } from '../../../record/tag-pattern.js';

export type TagResult = { ok: true; tag: string } | { ok: false; message: string };

export function fileTag(tag: string, tagRegex: RegExp | undefined, path: string): TagResult {
  if (tagRegex !== undefined) return regexTag(tag, tagRegex, path);
  const star = tag.indexOf('*');
  if (star < 0) return { ok: true, tag };
  const template = tag.slice(0, star + 1) + tag.slice(star + 1).replace(/\*/g, '');
  return { ok: true, tag: composeTailTag(template, path.replace(/\*/g, '')) };
}

function regexTag(tag: string, regex: RegExp, path: string): TagResult {
  regex.lastIndex = 0;
  const m = regex.exec(path);
  if (m === null) return { ok: false, message: `tag_regex does not match file ${path}` };
  const groups = m.groups ?? {};
  let out = '';
  let p = 0;
  for (;;) {
    const beg = tag.indexOf('<', p);
    if (beg < 0) break;
    out += tag.slice(p, beg);
    const end = tag.indexOf('>', beg + 1);
    if (end < 0 || tag.slice(beg + 1, end).includes('<')) {
      return { ok: false, message: `missing closing angle bracket in tag ${tag} at position ${beg}` };
    }
    const value = Object.hasOwn(groups, tag.slice(beg + 1, end)) ? groups[tag.slice(beg + 1, end)] : undefined;
    out += value !== undefined && value.length > 0 ? value : '_';
    p = end + 1;
  }
  return { ok: true, tag: out + tag.slice(p) };
}
