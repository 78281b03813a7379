/**
 * Runs a Fluent Bit regex (translated by oniguruma-to-es at plan time) on the hot path.
 *
 * The config engine's `CompiledRegex.regexp` targets the newest JavaScript syntax (the `v` flag),
 * which V8 runs markedly slower than the same pattern written for the `u` flag, and named groups
 * make every match allocate a `groups` object. The runner compiles the same Onigmo pattern again
 * for ES2018 (same semantics, `u` flag), with Onigmo's line anchors as plain `^`/`$` for texts
 * without a newline (there they mean the same), and reads captures by number when the translated
 * pattern allows it. Matching is a search over the whole text, as `onig_search`.
 */
import { toRegExp } from 'oniguruma-to-es';
import { captureSpans, type CaptureSpans } from './capture-spans.js';
import type { CompiledRegex } from './regex.js';

interface Variant {
  readonly regexp: RegExp;
  /** Capture number of each of `CompiledRegex.groupNames`; undefined: read `groups` by name. */
  readonly indices: readonly number[] | undefined;
}

function compile(regex: CompiledRegex, singleline: boolean): RegExp {
  try {
    return toRegExp(regex.pattern, { flags: regex.flags, target: 'ES2018', rules: { singleline } });
  } catch {
    try {
      return toRegExp(regex.pattern, { flags: regex.flags, target: 'auto', rules: { singleline } });
    } catch {
      return regex.regexp;
    }
  }
}

/**
 * The pattern with its named groups made plain, and the capture number of each name; undefined
 * when that is not safe (an emulating RegExp subclass, named back-references, repeated names).
 */
function numbered(r: RegExp, names: readonly string[]): Variant | undefined {
  if (Object.getPrototypeOf(r) !== RegExp.prototype || r.flags.includes('v')) return undefined;
  const src = r.source;
  let out = '';
  let captures = 0;
  const byName = new Map<string, number>();
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      if (src[i + 1] === 'k' && src[i + 2] === '<') return undefined;
      out += c + (src[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      continue;
    }
    if (c === '(') {
      if (src[i + 1] !== '?') {
        captures++;
      } else if (src[i + 2] === '<' && src[i + 3] !== '=' && src[i + 3] !== '!') {
        const close = src.indexOf('>', i + 3);
        if (close < 0) return undefined;
        const name = src.slice(i + 3, close);
        captures++;
        if (byName.has(name)) return undefined;
        byName.set(name, captures);
        out += '(';
        i = close;
        continue;
      }
    }
    out += c;
  }
  const indices: number[] = [];
  for (const name of names) {
    const index = byName.get(name);
    if (index === undefined) return undefined;
    indices.push(index);
  }
  try {
    return { regexp: new RegExp(out, r.flags), indices };
  } catch {
    return undefined;
  }
}

function variant(regex: CompiledRegex, singleline: boolean): Variant {
  const r = compile(regex, singleline);
  return (regex.groupNames.length > 0 ? numbered(r, regex.groupNames) : undefined) ?? { regexp: r, indices: undefined };
}

const runners = new WeakMap<CompiledRegex, RegexRunner>();

export class RegexRunner {
  /** Named groups in definition order (the record's field order). */
  readonly names: readonly string[];
  private readonly single: Variant;
  private readonly multi: Variant;
  private current: Variant;
  /**
   * The single-line pattern rewritten to tell where its captures start (capture-spans.ts), and the
   * capture number in it of each name; undefined when that pattern has none.
   */
  readonly spans: CaptureSpans | undefined;
  readonly spanIndices: readonly number[] | undefined;
  /** The spans pattern is global or sticky: its search starts at lastIndex, to be set to 0. */
  private readonly spansFromStart: boolean;

  private constructor(regex: CompiledRegex) {
    this.names = regex.groupNames;
    this.single = variant(regex, true);
    this.multi = variant(regex, false);
    this.current = this.single;
    const indices = this.single.indices;
    const spans = indices === undefined ? undefined : captureSpans(this.single.regexp);
    this.spans = spans;
    this.spanIndices = spans === undefined ? undefined : indices!.map((n) => spans.numbers[n]!);
    this.spansFromStart = spans !== undefined && (spans.regexp.global || spans.regexp.sticky);
  }

  /** The runner of a compiled regex (built once per regex). */
  static of(regex: CompiledRegex): RegexRunner {
    let r = runners.get(regex);
    if (r === undefined) {
      r = new RegexRunner(regex);
      runners.set(regex, r);
    }
    return r;
  }

  /** Whether the regex matches anywhere in the text (`flb_regex_match`). */
  test(text: string, hasNewline = text.indexOf('\n') >= 0): boolean {
    const r = (hasNewline ? this.multi : this.single).regexp;
    if (r.global || r.sticky) r.lastIndex = 0;
    return r.test(text);
  }

  /** Searches the text; read captures with `value` (valid until the next `exec`). */
  exec(text: string): RegExpExecArray | null {
    const v = text.indexOf('\n') < 0 ? this.single : this.multi;
    this.current = v;
    const r = v.regexp;
    if (r.global || r.sticky) r.lastIndex = 0;
    return r.exec(text);
  }

  /**
   * Searches a text without a newline with the `spans` pattern (defined: check `spans` first); read
   * the capture of `names[i]` as `m[spanIndices[i]]` and the starts with `spanStarts`.
   */
  execSpans(line: string): RegExpExecArray | null {
    const r = this.spans!.regexp;
    if (this.spansFromStart) r.lastIndex = 0;
    return r.exec(line);
  }

  /** The capture of `names[i]` in a match of the last `exec`; '' when the group took no part. */
  value(m: RegExpExecArray, i: number): string {
    const indices = this.current.indices;
    if (indices !== undefined) return m[indices[i]!] ?? '';
    return m.groups?.[this.names[i]!] ?? '';
  }
}
